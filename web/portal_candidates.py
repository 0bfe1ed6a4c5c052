"""The public portal's candidates' side (`/portail/candidats`): registration in the persons registry with
consent, the e-mail code, their CV and documents, the displayed offers, applying and following each
application in plain words.

A candidate's session lives under its own keys (`candidate_*`), opened like an employer's (web.portal):
staff pages read only `username`, the API only tokens, and the employers' pages only `employer_*`.
"""
import functools

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.accounts.credentials import LoginLocked
from engine.definitions import countries as country_sheets
from engine.errors import ValidationFailed
from engine.people import candidates_portal as candidates
from engine.people import documents, notices
from engine.runtime import online_applications as applications
from web import downloads
from web.auth import login_limits
from web.display import value_text
from web.labels import region_name
from web.form_text import text as form_text
from web.formfields import data_from_form, error_summary, errors_by_field, fields_for
from web.portal import (account_errors, forget_account, forgot_page, locked_answer, reset_page, signed_in_account,
                        start_session)
from web.store import uow

bp = Blueprint("candidates", __name__, url_prefix="/portail/candidats")

# Where each application is, in the candidate's words (the portal's statuses, then the candidature's stages).
STAGE_WORDS = {
    "attente_identite": _l("en attente : présentez vos papiers d'identité à votre direction régionale"),
    "transmise": _l("transmise à la direction régionale, qui recueille les candidatures"),
    "close": _l("non transmise : le recueil des candidatures était clos"),
    "inscrit": _l("enregistrée pour la présélection"), "non_preselectionne": _l("non présélectionnée"),
    "preselectionne": _l("présélectionnée"), "retire_liste": _l("non retenue pour la liste présentée à l'employeur"),
    "presente": _l("présentée à l'employeur"), "retenu": _l("retenue par l'employeur"),
    "non_retenu": _l("non retenue par l'employeur"), "parti": _l("départ effectué"),
    "desiste": _l("vous vous êtes désisté(e)"), "depart_annule": _l("départ annulé")}
KIND_WORDS = {"cv": _l("CV"), "diplome": _l("Diplôme"), "identite": _l("Pièce d'identité"),
              "attestation": _l("Attestation de travail"), "autre": _l("Autre document")}
_ACCOUNT_FIELDS = ("email", "password", "confirmation")
_HONEYPOT = "site_web"  # hidden from people; a robot that fills it gets the same answer and no account


@bp.before_request
def load_candidate():
    g.candidate = signed_in_account("candidate", candidates.signed_in_candidate, candidates.end_candidate_session)


def candidate_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.candidate is None or not g.candidate.verified:
            return redirect(url_for("candidates.login"))
        return view(**kwargs)
    return wrapped


@bp.get("/")
def index():
    if g.candidate is not None:
        return redirect(url_for("candidates.space"))
    return render_template("portal/candidates/index.html")


@bp.route("/inscription", methods=("GET", "POST"))
def register():
    schema = candidates.profile_form(uow())
    typed = {name: request.form.get(name, "") for name in ("email",)}
    if request.method == "GET":
        return render_template("portal/candidates/register.html", fields=fields_for(schema, values={}),
                               typed=typed, errors={})
    if request.form.get(_HONEYPOT):
        return _registered(typed["email"].strip().lower())
    data = data_from_form(schema, request.form)
    try:
        candidate = candidates.register_candidate(uow(), data, typed["email"], request.form.get("password", ""),
                                                  request.form.get("confirmation", ""), address=request.remote_addr,
                                                  limits=login_limits())
    except LoginLocked as locked:
        return locked_answer(locked, "portal/candidates/register.html", fields=fields_for(schema, values=data),
                             typed=typed, errors={})
    except ValidationFailed as failed:
        mine = ValidationFailed([e for e in failed.errors if e.field in _ACCOUNT_FIELDS])
        errors = account_errors(mine) if mine.errors else {}
        field_errors = errors_by_field([e.as_dict() for e in failed.errors if e.field not in _ACCOUNT_FIELDS])
        fields = fields_for(schema, values=data, errors=field_errors)
        labels = {"email": _("Adresse électronique"), "password": _("Mot de passe"),
                  "confirmation": _("Le même mot de passe, à nouveau")}
        items = error_summary(fields) + [(name, labels[name], " ".join(errors[name])) for name in _ACCOUNT_FIELDS
                                         if name in errors]
        return render_template("portal/candidates/register.html", fields=fields, typed=typed, errors=errors,
                               error_items=items), 422
    # The same answer when the address already had an account (`candidate` None): its owner gets an e-mail.
    return _registered(candidate.email if candidate else typed["email"].strip().lower())


def _registered(email):
    session["candidate_pending"] = email
    flash(_("Votre demande est enregistrée. Un message vient d'être envoyé à %(email)s : saisissez "
            "ci-dessous le code qu'il contient.", email=email), "success")
    return redirect(url_for("candidates.verify"))


@bp.route("/verification", methods=("GET", "POST"))
def verify():
    email, errors = request.form.get("email", session.get("candidate_pending", "")), {}
    if request.method == "POST":
        try:
            candidates.verify_email(uow(), email, request.form.get("code", ""), address=request.remote_addr,
                                    limits=login_limits())
        except LoginLocked as locked:
            return locked_answer(locked, "portal/verify.html", email=email, errors={})
        except ValidationFailed:
            errors = {"code": [_("Ce code n'est pas celui envoyé à cette adresse : vérifiez-le, ou demandez-en "
                                 "un nouveau.")]}
        else:
            session.pop("candidate_pending", None)
            flash(_("Votre adresse est vérifiée : connectez-vous."), "success")
            return redirect(url_for("candidates.login"))
    return render_template("portal/verify.html", email=email, errors=errors), 422 if errors else 200


@bp.post("/verification/renvoyer")
def resend():
    email = request.form.get("email", "")
    candidates.resend_code(uow(), email)
    session["candidate_pending"] = email
    flash(_("Si un compte non vérifié a cette adresse, un nouveau code vient de lui être envoyé."), "info")
    return redirect(url_for("candidates.verify"))


@bp.route("/connexion", methods=("GET", "POST"))
def login():
    email = request.form.get("email", "")
    if request.method == "GET":
        return render_template("portal/candidates/login.html", email=email)
    try:
        candidate = candidates.authenticate_candidate(uow(), email, request.form.get("password", ""),
                                                      address=request.remote_addr, limits=login_limits())
    except LoginLocked as locked:
        return locked_answer(locked, "portal/candidates/login.html", email=email)
    if candidate is None:
        flash(_("Adresse électronique ou mot de passe incorrect."), "error")
        return render_template("portal/candidates/login.html", email=email), 401
    if not candidate.verified:
        session["candidate_pending"] = candidate.email
        flash(_("Vérifiez d'abord votre adresse avec le code qui vous a été envoyé."), "info")
        return redirect(url_for("candidates.verify"))
    start_session("candidate", candidate.id, candidates.open_candidate_session)
    return redirect(url_for("candidates.space"))


@bp.get("/pays")
def countries():
    """The country information sheets DCIM has published (§8.2.1), for anyone, signed in or not."""
    return render_template("portal/candidates/countries.html", sheets=country_sheets.published_country_sheets(uow()),
                           regimes=_regimes())


@bp.get("/pays/<code>")
def country(code):
    return render_template("portal/candidates/country.html", regimes=_regimes(),
                           sheet=country_sheets.published_country_sheet(uow(), code.upper()[:2]))


def _regimes():
    locale = "en" if str(get_locale()) == "en" else "fr"
    return {code: names[locale] for code, names in country_sheets.regimes().items()}


@bp.route("/mot-de-passe-oublie", methods=("GET", "POST"))
def forgot():
    return forgot_page("candidate", candidates.request_password_reset)


@bp.route("/mot-de-passe/nouveau", methods=("GET", "POST"))
def reset():
    return reset_page("candidate", candidates.reset_candidate_password)


@bp.post("/deconnexion")
def logout():
    if session.get("candidate_id"):
        candidates.end_candidate_session(uow(), session["candidate_id"], token=session.get("candidate_token"))
    forget_account("candidate")
    return redirect(url_for("candidates.index"))


@bp.get("/espace")
@candidate_required
def space(upload_errors=None, status=200):
    return render_template("portal/candidates/space.html", profile=candidates.my_profile(uow(), g.candidate),
                           form=candidates.profile_form(uow())["properties"],
                           documents=documents.documents_of(uow(), g.candidate.person_id),
                           applications=applications.my_applications(uow(), g.candidate),
                           stage_words=STAGE_WORDS, kind_words=KIND_WORDS, upload_errors=upload_errors or [],
                           max_mb=_max_bytes() / 1024 / 1024), status


@bp.post("/sms")
@candidate_required
def sms_preference():
    """The candidate refuses SMS, or accepts them again (e-mails still come)."""
    refused = notices.set_own_sms_refused(uow(), g.candidate.person_id, request.form.get("sms_refuse") == "oui",
                                          g.candidate.audit_name)
    flash(_("Vous ne recevrez plus de SMS de l'ANPE ; les courriels continuent.") if refused else
          _("Vous recevrez de nouveau les SMS de l'ANPE."), "success")
    return redirect(url_for("candidates.space") + "#sms")


@bp.post("/documents")
@candidate_required
def upload():
    sent = request.files.get("document")
    content = sent.stream.read(_max_bytes() + 1) if sent else b""
    try:
        documents.add_document(uow(), documents_dir(), g.candidate.person_id, g.candidate.audit_name,
                               request.form.get("kind", ""), sent.filename if sent else "", content,
                               max_bytes=_max_bytes(), address=request.remote_addr)
    except ValidationFailed as failed:
        return space(upload_errors=[_upload_problem(e) for e in failed.errors], status=422)
    flash(_("Document ajouté à votre dossier."), "success")
    return redirect(url_for("candidates.space"))


@bp.get("/documents/<int:document_id>")
@candidate_required
def document(document_id):
    return document_response(*documents.read_own_document(uow(), documents_dir(), g.candidate, document_id))


@bp.get("/offres")
def offers():
    return render_template("portal/candidates/offers.html",
                           offers=[_with_regions(o) for o in applications.displayed_offers(uow())])


@bp.get("/offres/<int:offer_id>")
def offer(offer_id, problem=None, status=200):
    shown = _with_regions(applications.displayed_offer(uow(), offer_id, value_text=value_text,
                                                            title_text=form_text))
    applied = g.candidate is not None and any(a["offer_id"] == offer_id
                                              for a in applications.my_applications(uow(), g.candidate))
    return render_template("portal/candidates/offer.html", offer=shown, applied=applied, problem=problem), status


@bp.post("/offres/<int:offer_id>/postuler")
@candidate_required
def apply(offer_id):
    try:
        applications.apply(uow(), g.candidate, offer_id, address=request.remote_addr)
    except ValidationFailed as failed:
        return offer(offer_id, problem=_apply_problem(failed.errors[0]), status=422)
    flash(_("Votre candidature est enregistrée. Suivez-la dans « Mon espace »."), "success")
    return redirect(url_for("candidates.space"))


def _with_regions(offer):
    return {**offer, "regions_text": ", ".join(region_name(code) for code in offer["regions"])}


def document_response(document, content):
    """A stored document as a download, never shown inline (a PDF or an image opened from our own site)."""
    return Response(content, mimetype=document["media_type"],
                    headers={"Content-Disposition": downloads.disposition(document["filename"]),
                             "X-Content-Type-Options": "nosniff"})


def documents_dir():
    return current_app.config["DOCUMENTS_DIR"]


def _max_bytes():
    return current_app.config["UPLOAD_MAX_BYTES"]


def _upload_problem(error):
    if error.code == "too_large":
        return _("Ce fichier dépasse %(mb)s Mo : réduisez-le (une photo moins grande, un PDF compressé).",
                 mb=f"{_max_bytes() / 1024 / 1024:g}")
    texts = {"file_type": _("Seuls les fichiers PDF, JPEG et PNG sont acceptés : ce fichier n'en est pas un, "
                            "quel que soit son nom."),
             "required": _("Choisissez un fichier à envoyer."), "enum": _("Choisissez le type de document."),
             "too_many": _("Votre dossier a déjà %(limit)s documents : c'est le plus permis.",
                           limit=error.params.get("limit")),
             "too_many_uploads": _("Vous avez envoyé %(limit)s documents en 24 heures : c'est le plus permis. "
                                   "Réessayez demain.", limit=error.params.get("limit"))}
    return texts.get(error.code, _("Fichier refusé."))


def _apply_problem(error):
    texts = {"not_collected_here": _("Votre direction régionale ne recueille pas de candidatures pour cette offre."),
             "already_applied": _("Vous avez déjà postulé à cette offre : suivez-la dans « Mon espace »."),
             "too_many_applications": _("Vous avez postulé %(limit)s fois en 24 heures : c'est le plus permis. "
                                        "Réessayez demain.", limit=error.params.get("limit"))}
    return texts.get(error.code, _("Candidature refusée."))
