"""The public portal (`/portail`) for employers: an account verified by e-mail, offers deposited, their stage.

An employer's session lives under its own keys (`employer_*`): staff pages read only `username`,
and the API only tokens, so an employer reaches neither; staff sessions open no portal page.
"""
import functools
import math
from datetime import datetime, timezone

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.accounts.credentials import LoginLocked
from engine.definitions import reference
from engine.errors import ValidationFailed
from engine.people import employers_portal as employers
from engine.people import portal_accounts
from engine.runtime import offer_deposits
from engine.store.folding import fold
from web.auth import login_limits, password_problem
from web.display import country
from web.formfields import data_from_form, error_summary, errors_by_field, fields_for
from web.store import uow

bp = Blueprint("portal", __name__, url_prefix="/portail")

STAGE_WORDS = {"recue": _l("reçue"), "en_verification": _l("en vérification par l'ANPE"),
               "affichee": _l("affichée"), "candidats_presentes": _l("candidats présentés"),
               "selection": _l("sélection par l'employeur"), "departs": _l("départs des candidats"),
               "retiree": _l("retirée"), "non_retenue": _l("non retenue par l'ANPE")}
_ACCOUNT_FIELDS = ("organisation", "country", "contact_name", "email")
_ACCOUNT_LABELS = {"organisation": _l("Raison sociale de l'employeur"), "country": _l("Pays de l'employeur"),
                   "contact_name": _l("Personne à contacter (nom et prénom)"), "email": _l("Adresse électronique"),
                   "password": _l("Mot de passe"), "confirmation": _l("Le même mot de passe, à nouveau")}
_RESET_LABELS = {"email": _l("Adresse électronique"), "code": _l("Code reçu par courriel"),
                 "password": _l("Nouveau mot de passe"), "confirmation": _l("Le même mot de passe, à nouveau")}


@bp.before_request
def load_employer():
    """g.employer from the session's own keys, ending an idle or too old session."""
    g.employer = signed_in_account("employer", employers.signed_in_employer, employers.end_employer_session)


def signed_in_account(prefix, signed_in, end_session):
    """The portal account of the session keys `PREFIX_id`, `_token`, `_since` and `_seen` (an employer's, a
    candidate's), or None; an idle or too old session is ended (`end_session(uow, id, kind, token, **why)`)
    and one ended server-side is forgotten. `signed_in(uow, token)` reads the account of a live token."""
    account_id = session.get(prefix + "_id")
    if not account_id:
        return None
    now = datetime.now(timezone.utc).timestamp()
    config = current_app.config
    too_old = now - session.get(prefix + "_since", 0) > config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if too_old or now - session.get(prefix + "_seen", 0) > config["IDLE_TIMEOUT"].total_seconds():
        end_session(uow(), account_id, "session_expired", token=session.get(prefix + "_token"),
                    reason="absolute" if too_old else "idle")
        forget_account(prefix)
        flash(_("Votre session a expiré : reconnectez-vous."), "info")
        return None
    account = signed_in(uow(), session.get(prefix + "_token"))
    if account is None:  # ended server-side (logout elsewhere with this cookie), or the account is gone
        forget_account(prefix)
        return None
    session[prefix + "_seen"] = now
    return account


def start_session(prefix, account_id, open_session):
    """A new portal session for `account_id` under the keys `PREFIX_*`; any other session in this browser
    (staff, another portal account) ends: they never mix. The language chosen stays."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    now = datetime.now(timezone.utc).timestamp()
    token = open_session(uow(), account_id, max_age=current_app.config["PERMANENT_SESSION_LIFETIME"])
    session.update({prefix + "_id": account_id, prefix + "_token": token, prefix + "_since": now,
                    prefix + "_seen": now})
    if lang:
        session["lang"] = lang


def forget_account(prefix):
    for key in ("_id", "_token", "_since", "_seen"):
        session.pop(prefix + key, None)


def employer_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.employer is None or not g.employer.verified:
            return redirect(url_for("portal.login"))
        return view(**kwargs)
    return wrapped


@bp.get("/")
def index():
    if g.employer is not None:
        return redirect(url_for("portal.offers"))
    return render_template("portal/index.html")


@bp.route("/inscription", methods=("GET", "POST"))
def register():
    typed, errors = {name: request.form.get(name, "") for name in _ACCOUNT_FIELDS}, {}
    if request.method == "POST":
        try:
            employer = employers.register_employer(uow(), *typed.values(), request.form.get("password", ""),
                                                   request.form.get("confirmation", ""), address=request.remote_addr,
                                                   limits=login_limits())
        except LoginLocked as locked:
            return locked_answer(locked, "portal/register.html", typed=typed, errors={}, labels=_ACCOUNT_LABELS,
                                 countries=countries())
        except ValidationFailed as failed:
            errors = account_errors(failed)
        else:
            # The same answer when the address already had an account (`employer` None): its owner gets an e-mail.
            email = employer.email if employer else typed["email"].strip().lower()
            session["employer_pending"] = email
            flash(_("Votre demande est enregistrée. Un message vient d'être envoyé à %(email)s : saisissez "
                    "ci-dessous le code qu'il contient.", email=email), "success")
            return redirect(url_for("portal.verify"))
    error_items = [(name, label, " ".join(errors[name])) for name, label in _ACCOUNT_LABELS.items() if name in errors]
    return render_template("portal/register.html", typed=typed, errors=errors, labels=_ACCOUNT_LABELS,
                           error_items=error_items, countries=countries()), 422 if errors else 200


@bp.route("/verification", methods=("GET", "POST"))
def verify():
    email, errors = request.form.get("email", session.get("employer_pending", "")), {}
    if request.method == "POST":
        try:
            employers.verify_email(uow(), email, request.form.get("code", ""), address=request.remote_addr,
                                   limits=login_limits())
        except LoginLocked as locked:
            return locked_answer(locked, "portal/verify.html", email=email, errors={})
        except ValidationFailed:
            errors = {"code": [_("Ce code n'est pas celui envoyé à cette adresse : vérifiez-le, ou demandez-en "
                                 "un nouveau.")]}
        else:
            session.pop("employer_pending", None)
            flash(_("Votre adresse est vérifiée : connectez-vous pour déposer vos offres."), "success")
            return redirect(url_for("portal.login"))
    return render_template("portal/verify.html", email=email, errors=errors), 422 if errors else 200


@bp.post("/verification/renvoyer")
def resend():
    email = request.form.get("email", "")
    employers.resend_code(uow(), email)
    session["employer_pending"] = email
    flash(_("Si un compte non vérifié a cette adresse, un nouveau code vient de lui être envoyé."), "info")
    return redirect(url_for("portal.verify"))


@bp.route("/connexion", methods=("GET", "POST"))
def login():
    email = request.form.get("email", "")
    if request.method == "GET":
        return render_template("portal/login.html", email=email)
    try:
        employer = employers.authenticate_employer(uow(), email, request.form.get("password", ""),
                                                   address=request.remote_addr, limits=login_limits())
    except LoginLocked as locked:
        return locked_answer(locked, "portal/login.html", email=email)
    if employer is None:
        flash(_("Adresse électronique ou mot de passe incorrect."), "error")
        return render_template("portal/login.html", email=email), 401
    if not employer.verified:
        session["employer_pending"] = employer.email
        flash(_("Vérifiez d'abord votre adresse avec le code qui vous a été envoyé."), "info")
        return redirect(url_for("portal.verify"))
    start_session("employer", employer.id, employers.open_employer_session)
    return redirect(url_for("portal.offers"))


@bp.route("/mot-de-passe-oublie", methods=("GET", "POST"))
def forgot():
    return forgot_page("employer", employers.request_password_reset)


@bp.route("/mot-de-passe/nouveau", methods=("GET", "POST"))
def reset():
    return reset_page("employer", employers.reset_employer_password)


def forgot_page(prefix, request_reset):
    """The page asking for a password reset code, of the portal's blueprint serving it (employers' or
    candidates'): `request_reset(uow, email, address=, limits=)` queues the code; the address is kept under
    `{prefix}_reset` for the next page."""
    email = request.form.get("email", "").strip()[:254]
    if request.method == "GET":
        return render_template("portal/forgot.html", email=email, errors={})
    if "@" not in email:
        errors = {"email": [_("Saisissez l'adresse électronique de votre compte.")]}
        return render_template("portal/forgot.html", email=email, errors=errors), 422
    try:
        request_reset(uow(), email, address=request.remote_addr, limits=login_limits())
    except LoginLocked as locked:
        return locked_answer(locked, "portal/forgot.html", email=email, errors={})
    session[f"{prefix}_reset"] = email
    flash(_("Si un compte a l'adresse %(email)s, un code vient de lui être envoyé : il est valable %(minutes)d "
            "minutes.", email=email, minutes=portal_accounts.RESET_MINUTES), "info")
    return redirect(url_for(f"{request.blueprint}.reset"))


def reset_page(prefix, reset_password):
    """The page setting a new password with the code sent, of the portal's blueprint serving it:
    `reset_password(uow, email, code, password, confirmation, address=, limits=)` changes it."""
    email, errors = request.form.get("email", session.get(f"{prefix}_reset", "")), {}
    if request.method == "POST":
        try:
            reset_password(uow(), email, request.form.get("code", ""), request.form.get("password", ""),
                           request.form.get("confirmation", ""), address=request.remote_addr, limits=login_limits())
        except LoginLocked as locked:
            return locked_answer(locked, "portal/reset.html", email=email, errors={}, labels=_RESET_LABELS)
        except ValidationFailed as failed:
            errors = account_errors(failed)
            if "code" in errors:
                errors["code"] = [_("Ce code n'est pas le bon, ou il a expiré : vérifiez-le, ou demandez-en un "
                                    "nouveau.")]
        else:
            session.pop(f"{prefix}_reset", None)
            flash(_("Votre mot de passe est changé : connectez-vous avec le nouveau."), "success")
            return redirect(url_for(f"{request.blueprint}.login"))
    error_items = [(name, label, " ".join(errors[name])) for name, label in _RESET_LABELS.items() if name in errors]
    return render_template("portal/reset.html", email=email, code=request.form.get("code", "")[:6], errors=errors,
                           labels=_RESET_LABELS, error_items=error_items), 422 if errors else 200


@bp.post("/deconnexion")
def logout():
    if session.get("employer_id"):
        employers.end_employer_session(uow(), session["employer_id"], token=session.get("employer_token"))
    forget_account("employer")
    return redirect(url_for("portal.index"))


@bp.get("/offres")
@employer_required
def offers():
    return render_template("portal/offers.html", offers=offer_deposits.my_offers(uow(), g.employer.id),
                           stage_words=STAGE_WORDS)


@bp.route("/offres/nouvelle", methods=("GET", "POST"))
@employer_required
def deposit():
    form = offer_deposits.public_form(uow())
    if request.method == "GET":
        return render_template("portal/deposit.html", fields=fields_for(form["schema"], form["ui"]))
    data = data_from_form(form["schema"], request.form)
    try:
        reference = offer_deposits.deposit_offer(uow(), g.employer, data)
    except ValidationFailed as failed:
        errors = errors_by_field([e.as_dict() for e in failed.errors if e.code != "too_many_deposits"])
        if any(e.code == "too_many_deposits" for e in failed.errors):
            errors[""] = [_("Vous avez déposé %(limit)d offres en 24 heures : c'est le plus permis. Déposez "
                            "celle-ci demain, ou écrivez à l'ANPE.", limit=offer_deposits.DEPOSITS_PER_DAY)]
        fields = fields_for(form["schema"], form["ui"], values=data, errors=errors)
        return render_template("portal/deposit.html", fields=fields, error_items=error_summary(fields),
                               form_errors=errors.get("", [])), 422
    flash(_("Votre offre est déposée sous la référence %(reference)s. L'ANPE la vérifie avant de l'afficher.",
            reference=reference), "success")
    return redirect(url_for("portal.offers"))


def countries():
    """(code, name) of every country, named and sorted in the reader's language."""
    return sorted(((code, country(code)) for code, _name in reference.choices("countries", {})),
                  key=lambda pair: fold(pair[1]))


def account_errors(failed):
    texts = {"enum": _("Choisissez un pays de la liste."), "required": _("Ce champ est obligatoire."),
             "format": _("Saisissez une adresse électronique valide.")}
    errors = {}
    for error in failed.errors:
        if error.field in ("password", "confirmation"):
            text = password_problem(error)
        else:
            text = texts.get(error.code) or _("Saisissez au plus %(limit)s caractères.",
                                              limit=error.params.get("limit"))
        errors.setdefault(error.field, []).append(text)
    return errors


def locked_answer(locked, template, **values):
    minutes = max(1, math.ceil((locked.params["until"] - datetime.now(timezone.utc)).total_seconds() / 60))
    flash(_("Trop d'essais manqués : réessayez dans %(minutes)d minute(s).", minutes=minutes), "error")
    return render_template(template, **values), 429, {"Retry-After": str(minutes * 60)}
