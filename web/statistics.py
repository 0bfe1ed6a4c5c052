"""Statistics pages for managers: tables, bar charts (server-drawn SVG) and CSV exports."""
from datetime import date

from flask import Blueprint, flash, g, render_template, request
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l

from engine.accounts import users
from engine.errors import Forbidden, NotFound
from engine.records import statistics
from engine.runtime import instances, vocabulary
from web import csv_export, display, labels
from web.auth import login_required
from web.form_text import text as form_text
from web.store import uow

bp = Blueprint("statistics", __name__, url_prefix="/statistiques")
READERS = {"direction", "admin", "dcim"}
DIMENSIONS = {"": _l("Total"), "mois": _l("Mois"), "region": _l("Direction régionale"),
              "pays": _l("Pays"), "metier": _l("Métier"), "sexe": _l("Sexe"), "age": _l("Tranche d'âge"),
              "handicap": _l("Situation de handicap"),
              "categorie": _l("Catégorie ou étape")}


# The statistics' own rows in words; the records' codes read as web.labels words them, codes chosen in
# a form (an outcome, a kind of session) as the form titles them.
ROW_WORDS = {"total": _l("Total"), "F": _l("Femmes"), "M": _l("Hommes"), "oui": _l("Oui"), "non": _l("Non")}


def _row_labels(by):
    """How the rows broken down `by` a dimension are named for people: regions and countries by their
    names, codes by their words; anything else (a month, an age band, a reason typed) as it is."""
    total = str(ROW_WORDS["total"])  # the one row of an indicator that has no such dimension
    if by == "region":
        names = users.list_regions(uow())
        return lambda label: total if label == "total" else names.get(label, label)
    if by == "pays":
        return lambda label: total if label == "total" else display.country(label)
    if by == "metier":  # the agencies' placements by CITP-08 code ("7112" → "7112 — Maçons"), offers by the word typed
        return lambda label: total if label == "total" else display.occupation(label)
    if by == "mois":  # "2026-01" → "janvier 2026"
        return lambda label: format_date(date.fromisoformat(f"{label}-01"), "MMMM yyyy") \
            if isinstance(label, str) and len(label) == 7 else label
    words, titles = {**labels.RECORD_WORDS, **ROW_WORDS}, vocabulary.choice_titles(uow())
    # A code the forms offer (a reintegration's outcome) by its choice's title in the reader's language.
    return lambda label: str(words[label]) if label in words else form_text(titles[label]) if label in titles else label


def _filters():
    if not g.actor.roles & READERS:
        raise Forbidden("statistics are for managers")
    args = request.args
    by = args.get("par") or None
    start, end = _date(args.get("du"), gettext("Du")), _date(args.get("au"), gettext("Au"))
    if start and end and start > end:  # a period that ends before it starts counts nothing: say so
        flash(gettext("« Du » (%(start)s) est après « Au » (%(end)s) : aucune période ne va de l'une à l'autre, "
                      "les chiffres ci-dessous sont vides. Inversez les deux dates.",
                      start=display.day(start), end=display.day(end)), "error")
    return {"by": by if by in DIMENSIONS else None, "start": start, "end": end, "region": args.get("region") or None}


def _date(text, label):
    """A filter's date, or None; a date that is not one is said, and left out of the filters."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        flash(gettext("« %(label)s » : %(text)s n'est pas une date (AAAA-MM-JJ) ; ce filtre est ignoré.",
                      label=label, text=text[:40]), "error")
        return None


@bp.get("/")
@login_required
def index():
    filters = _filters()
    tables = [(indicator, statistics.count(uow(), indicator.key, **filters))
              for indicator in statistics.INDICATORS.values()]
    return render_template("statistics/index.html", tables=tables, filters=filters, dimensions=DIMENSIONS,
                           row_name=_row_labels(filters["by"]),
                           steps=statistics.step_durations(uow(), start=filters["start"], end=filters["end"]),
                           step_period=statistics.step_period(filters["start"], filters["end"]),
                           args=request.args, regions=users.list_regions(uow()),
                           process_names={p["key"]: p["name"] for p in instances.list_processes(uow())})


@bp.get("/<key>.csv")
@login_required
def export(key):
    filters = _filters()
    if key not in statistics.INDICATORS:
        raise NotFound(f"no indicator '{key[:60]}'")
    header = [DIMENSIONS.get(filters["by"] or ""), gettext(statistics.INDICATORS[key].title)]
    name = _row_labels(filters["by"])
    return csv_export.response(f"{key}.csv", header, ((name(label) if label is not None else label, value)
                               for label, value in statistics.count(uow(), key, **filters)))
