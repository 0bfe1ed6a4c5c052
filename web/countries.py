"""DCIM's country information sheets (manual §8.2.1, §8.2.8): every staff member reads them, DCIM edits them."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from engine.definitions import countries
from engine.errors import Conflict, ValidationFailed
from web.auth import login_required
from web.errors import message
from web.formfields import errors_by_field
from web.store import uow

bp = Blueprint("countries", __name__, url_prefix="/pays")


def _regimes():
    locale = "en" if str(get_locale()) == "en" else "fr"
    return {code: names[locale] for code, names in countries.regimes().items()}


@bp.get("/")
@login_required
def index():
    return render_template("countries/index.html", sheets=countries.list_country_sheets(uow(), g.actor),
                           regimes=_regimes())


@bp.get("/<code>")
@login_required
def show(code):
    return render_template("countries/show.html", sheet=countries.get_country_sheet(uow(), g.actor, code.upper()),
                           regimes=_regimes(), documents=countries.documents())


@bp.route("/<code>/modifier", methods=("GET", "POST"))
@login_required
def edit(code):
    """DCIM edits a sheet; a refused form keeps what was typed, a sheet saved meanwhile is a 409."""
    sheet = countries.get_country_sheet(uow(), g.actor, code.upper())
    if request.method == "GET":
        return render_template("countries/edit.html", sheet=sheet, regimes=_regimes(), errors={})
    form = request.form
    typed = {"regime": form.get("regime"), "visa": form.get("visa") == "oui",
             "permis_travail": form.get("permis_travail") == "oui",
             **{name: form.get(name, "") for name in countries.TEXT_FIELDS}}
    version = int(form["version"]) if form.get("version", "").isdigit() and len(form["version"]) < 10 else -1
    try:
        countries.update_country_sheet(uow(), g.actor, sheet["pays"], typed, version)
    except (ValidationFailed, Conflict) as error:
        errors = errors_by_field([e.as_dict() for e in error.errors]) if isinstance(error, ValidationFailed) else {}
        return render_template("countries/edit.html", sheet={**sheet, **typed, "version": version},
                               regimes=_regimes(), errors=errors, refused=message(error)), \
            409 if isinstance(error, Conflict) else 422
    flash(_("Fiche pays enregistrée."), "success")
    return redirect(url_for("countries.show", code=sheet["pays"]))
