"""The registry of persons: counsellors register candidates and migrants, and read their files."""
import json

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine import people
from engine.accounts import users
from engine.definitions import reference
from engine.accounts import held
from engine.errors import ValidationFailed
from engine.people import notices
from engine.people import documents
from engine.people.sessions import sessions_attended
from engine.runtime import online_applications
from web import downloads
from web import held as held_forms
from web.auth import login_required
from web.errors import message
from web.form_text import text as form_text
from web.portal_candidates import KIND_WORDS, document_response
from web.formfields import choice_for, data_from_form, error_summary, errors_by_field, fields_for
from web.store import uow

bp = Blueprint("people", __name__, url_prefix="/personnes")


@bp.get("/")
@login_required
def index():
    search = request.args.get("q", "").strip()[:200]
    occupation = request.args.get("metier", "").strip()[:300]
    first = occupation.split(" ", 1)[0]  # "7112 — Maçons" as the list offers it: its code; else the words typed
    code = first if first.isdigit() else occupation
    page = request.args.get("page", "")
    filters, typed = _filters(request.args)
    found = people.persons_page(uow(), g.actor, search or None, occupation=code or None, filters=filters,
                                page=int(page) if page.isdigit() and len(page) < 7 else 1)
    return render_template("people/index.html", found=found, persons=found["persons"], search=search,
                           occupation=occupation, typed=typed,
                           education=[(code, form_text(title)) for code, title in _EDUCATION],
                           availability=[(code, form_text(title)) for code, title in _AVAILABILITY],
                           regions=users.list_regions(uow()))


# The numbers the list's filters take, with the words that name each one in a message.
_NUMBERS = {"experience_min": lambda: _("Au moins … ans d'expérience"), "age_min": lambda: _("Âge minimum"),
            "age_max": lambda: _("Âge maximum")}
_EDUCATION = [(o["const"], o["title"]) for o in people.SCHEMA["properties"]["niveau_etudes"]["oneOf"]]
_AVAILABILITY = [(o["const"], o["title"]) for o in people.SCHEMA["properties"]["disponibilite"]["oneOf"]]


def _filters(args):
    """The list's narrowing filters from the query string (engine names and values), and what was typed."""
    typed = {name: args.get(name, "").strip()[:100] for name in people.FILTERS}
    languages = [{"const": code, "title": name} for code, name in reference.choices("languages", {})]
    ages = {name: int(typed[name]) for name in _NUMBERS if typed[name].isdigit() and len(typed[name]) < 4}
    for name, label in _NUMBERS.items():  # a number that is not one is said, and left out of the filters
        if typed[name] and name not in ages:
            flash(_("« %(label)s » : %(text)s n'est pas un nombre entier (par exemple 2) ; ce filtre est ignoré.",
                    label=label(), text=typed[name][:40]), "error")
    if ages.get("age_min") is not None and ages.get("age_max") is not None and ages["age_min"] > ages["age_max"]:
        flash(_("L'âge minimum (%(low)d) dépasse l'âge maximum (%(high)d) : aucune personne ne peut correspondre.",
                low=ages["age_min"], high=ages["age_max"]), "error")
    filters = {"sexe": typed["sexe"] if typed["sexe"] in ("F", "M") else None,
               "region": typed["region"] or None, "handicap": True if typed["handicap"] == "oui" else None,
               "disponibilite": typed["disponibilite"] if typed["disponibilite"] in dict(_AVAILABILITY) else None,
               "pret_pour_offres": True if typed["pret_pour_offres"] == "oui" else None,
               "texte": typed["texte"] or None,
               "niveau_etudes": typed["niveau_etudes"] if typed["niveau_etudes"] in dict(_EDUCATION) else None,
               "langue": choice_for(languages, typed["langue"])[0] or typed["langue"] or None, **ages}
    return filters, typed


@bp.route("/nouvelle", methods=("GET", "POST"))
@login_required
def register():
    schema = people.person_form(uow())
    if request.method == "GET":
        # A registration this person sent after their session expired is given back, to be checked and sent.
        kept = held.held_submission(uow(), g.actor.username, held_forms.PERSON_FORM)
        defaults = {"region": g.actor.region, "finalite": schema["properties"]["finalite"].get("default")}
        return render_template("people/register.html", held=kept is not None,
                               fields=fields_for(schema, values=MultiDict(kept) if kept else defaults))
    data = data_from_form(schema, request.form)
    try:
        person_id = people.register_person(uow(), g.actor, data, other_than=_confirmed_other_than(request.form))
    except ValidationFailed as error:
        errors = errors_by_field([e.as_dict() for e in error.errors])
        fields = fields_for(schema, values=data, errors=errors)
        return render_template("people/register.html", fields=fields, refused=message(error),
                               error_items=error_summary(fields), form_errors=errors.get("", []),
                               alike=getattr(error, "persons", None)), 422
    held.drop_held_submission(uow(), g.actor.username, held_forms.PERSON_FORM)
    flash(_("Personne inscrite."), "success")
    return redirect(url_for("people.show", person_id=person_id))


def _confirmed_other_than(form):
    """The persons the counsellor said this registration is not (the box ticked under the list shown)."""
    if form.get("autre_personne") != "oui":
        return ()
    return {int(value) for value in form.getlist("deja_inscrits") if value.isdigit() and len(value) < 12}


@bp.get("/<int:person_id>")
@login_required
def show(person_id):
    person = people.get_person(uow(), g.actor, person_id)
    return render_template("people/show.html", person=person, form=people.person_form(uow())["properties"],
                           documents=documents.documents_of(uow(), person_id), kind_words=KIND_WORDS,
                           activity=people.person_activity(uow(), g.actor, person_id),
                           sessions=sessions_attended(uow(), g.actor, person_id))


@bp.post("/<int:person_id>/sms")
@login_required
def sms_preference(person_id):
    """The person refuses SMS, or accepts them again (they still get e-mails)."""
    refused = notices.set_sms_refused(uow(), g.actor, person_id, request.form.get("sms_refuse") == "oui")
    flash(_("La personne ne recevra plus de SMS de l'ANPE (les courriels restent envoyés).") if refused else
          _("La personne recevra de nouveau les SMS de l'ANPE."), "success")
    return redirect(url_for("people.show", person_id=person_id) + "#sms")


@bp.get("/<int:person_id>/export.json")
@login_required
def export(person_id):
    """Everything stored about the person, as a JSON download (right of access)."""
    text = json.dumps(people.export_person(uow(), g.actor, person_id), ensure_ascii=False, indent=2)
    name = f"personne-{person_id}.json"
    return Response(text, mimetype="application/json",
                    headers={"Content-Disposition": downloads.disposition(name)})


@bp.get("/a-confirmer")
@login_required
def awaiting():
    """The persons who registered themselves on the portal, for a counsellor of their region (or DCIM) to check
    their identity papers and confirm them, or merge them into the file already held."""
    return render_template("people/awaiting.html", persons=online_applications.awaiting_persons(uow(), g.actor))


@bp.post("/<int:person_id>/confirmer")
@login_required
def confirm(person_id):
    online_applications.confirm_person(uow(), g.actor, person_id)
    flash(_("Identité confirmée : ses candidatures en ligne rejoignent le recueil de votre direction."), "success")
    return redirect(url_for("people.awaiting"))


@bp.post("/<int:person_id>/fusionner")
@login_required
def merge(person_id):
    into = request.form.get("into", "").strip().removeprefix("n°").strip()
    try:
        online_applications.merge_person(uow(), g.actor, person_id,
                                         int(into) if into.isdigit() and len(into) < 12 else 0)
    except ValidationFailed:
        flash(_("Fusion impossible : indiquez le numéro d'une personne confirmée de votre région, sans compte "
                "sur le portail."), "error")
        return render_template("people/awaiting.html", typed_into={person_id: into},
                               persons=online_applications.awaiting_persons(uow(), g.actor)), 422
    flash(_("Doublon fusionné : le compte, les documents et les candidatures sont rattachés à la personne n° "
            "%(id)s.", id=into), "success")
    return redirect(url_for("people.show", person_id=int(into)))


@bp.get("/<int:person_id>/documents/<int:document_id>")
@login_required
def document(person_id, document_id):
    """A document the person uploaded on the portal, for those who may read the person's file (the read is
    recorded)."""
    found = documents.read_document(uow(), current_app.config["DOCUMENTS_DIR"], g.actor, person_id, document_id)
    return document_response(*found)
