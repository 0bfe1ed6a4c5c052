"""Statistics pages for managers: tables, bar charts (server-drawn SVG) and CSV exports."""
from datetime import date

from flask import Blueprint, g, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from engine.accounts import users
from engine.errors import Forbidden
from engine.records import statistics
from engine.runtime import instances
from web import csv_export, display
from web.auth import login_required
from web.store import uow

bp = Blueprint("statistics", __name__, url_prefix="/statistiques")
READERS = {"direction", "admin", "dcim"}
DIMENSIONS = {"": _l("Total"), "mois": _l("Mois"), "region": _l("Direction régionale"),
              "pays": _l("Pays"), "metier": _l("Métier"), "sexe": _l("Sexe"), "age": _l("Tranche d'âge"),
              "handicap": _l("Situation de handicap"),
              "categorie": _l("Catégorie ou étape")}


def _filters():
    if not g.actor.roles & READERS:
        raise Forbidden("statistics are for managers")
    args = request.args
    return {"by": args.get("par") or None, "start": _date(args.get("du")), "end": _date(args.get("au")),
            "region": args.get("region") or None}


def _date(text):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.get("/")
@login_required
def index():
    filters = _filters()
    tables = [(indicator, statistics.count(uow(), indicator.key, **filters))
              for indicator in statistics.INDICATORS.values()]
    return render_template("statistics/index.html", tables=tables, filters=filters, dimensions=DIMENSIONS,
                           steps=statistics.step_durations(uow()), args=request.args, regions=users.list_regions(uow()),
                           process_names={p["key"]: p["name"] for p in instances.list_processes(uow())})


@bp.get("/<key>.csv")
@login_required
def export(key):
    filters = _filters()
    if key not in statistics.INDICATORS:
        raise Forbidden("unknown indicator")
    header = [DIMENSIONS.get(filters["by"] or ""), gettext(statistics.INDICATORS[key].title)]
    names = users.list_regions(uow()) if filters["by"] == "region" else {}
    name = display.country if filters["by"] == "pays" else (lambda label: names.get(label, label))
    return csv_export.response(f"{key}.csv", header, ((name(label) if label is not None else label, value)
                               for label, value in statistics.count(uow(), key, **filters)))
