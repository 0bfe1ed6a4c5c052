"""The employer register (§7.3): DCIM finds an employer and reads what the agency knows of it; DCIM corrects it."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.accounts.access import sees_everything
from engine.definitions import reference
from engine.errors import Forbidden, ValidationFailed
from engine.people import employer_history, employers
from web.auth import login_required
from web.errors import message
from web.formfields import errors_by_field
from web.store import MAX_ROW_ID, uow

bp = Blueprint("employers", __name__, url_prefix="/employeurs")
FIELD_LABELS = {"name": _l("Raison sociale"), "country": _l("Pays"), "address": _l("Adresse"),
                "contact_name": _l("Personne à contacter"), "contact_function": _l("Fonction de la personne à contacter"),
                "email": _l("Adresse électronique"), "phone": _l("Téléphone"), "sector": _l("Secteur d'activité"),
                "registration_numbers": _l("Numéros d'immatriculation"), "account": _l("Compte du portail")}


@bp.get("/")
@login_required
def index():
    search = request.args.get("q", "").strip()[:200]
    country = request.args.get("pays", "").strip().upper()[:2]
    page = request.args.get("page", "")
    found = employer_history.list_employers(uow(), g.actor, search or None, country or None,
                                            page=int(page) if page.isdigit() and len(page) < 7 else 1)
    return render_template("employers/index.html", found=found, search=search, country=country,
                           countries=reference.choices("countries", {}))


@bp.get("/<int:employer_id>")
@login_required
def show(employer_id):
    history = employer_history.get_employer_history(uow(), g.actor, employer_id)
    return render_template("employers/show.html", history=history, employer=history["employer"],
                           editable=bool(g.actor.roles & employers.EDITORS), files_readable=sees_everything(g.actor),
                           field_labels=FIELD_LABELS)


@bp.route("/<int:employer_id>/modifier", methods=("GET", "POST"))
@login_required
def edit(employer_id):
    """DCIM corrects or completes the record; a refused form keeps what was typed."""
    current = employer_history.get_employer_history(uow(), g.actor, employer_id)["employer"]
    if not g.actor.roles & employers.EDITORS:
        raise Forbidden("only DCIM edits the employer register", reason="employers_dcim")
    if request.method == "GET":
        return render_template("employers/edit.html", employer=current, typed=current, errors={},
                               countries=reference.choices("countries", {}), labels=FIELD_LABELS)
    typed = {column: request.form.get(column, "")[:1000] for column in employers.EDITABLE}
    other_than = {int(v) for v in request.form.getlist("autres_employeurs") if v.isdigit() and len(v) < 12} \
        if request.form.get("autre_employeur") == "oui" else set()
    try:
        employers.update_employer(uow(), g.actor, employer_id, {**typed, "other_than": other_than})
    except ValidationFailed as error:
        errors = errors_by_field([e.as_dict() for e in error.errors])
        return render_template("employers/edit.html", employer=current, typed=typed, errors=errors,
                               refused=message(error), alike=getattr(error, "employers", None),
                               countries=reference.choices("countries", {}), labels=FIELD_LABELS), 422
    flash(_("Fiche de l'employeur enregistrée."), "success")
    return redirect(url_for("employers.show", employer_id=employer_id))


def employer_choice(form):
    """What DCIM answered on a recording whose employer looked registered: the employer it is
    (`employeur_registre` = its number), or another one (`autre`, with the numbers it was shown)."""
    said = form.get("employeur_registre", "")
    if said.isdigit() and int(said) <= MAX_ROW_ID:
        return employers.Choice(employer_id=int(said))
    if said == "autre":
        return employers.Choice(other_than=frozenset(int(v) for v in form.getlist("employeurs_trouves")
                                                     if v.isdigit() and len(v) < 12))
    return None
