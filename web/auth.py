"""Log in and out; who is acting on each request; sessions that expire or are ended server-side;
failed logins throttled; one's own password."""
import functools
import math
from datetime import datetime, timezone

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from engine import accounts
from engine.accounts import held, passwords, users
from engine.accounts.credentials import LoginLocked
from engine.accounts.throttle import NAME_LENGTH, LoginLimits
from engine.errors import ValidationFailed
from web import held as held_forms
from web.i18n import LANGUAGES
from web.store import uow

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()


# What a person who must change a one-time password may still open.
_BEFORE_NEW_PASSWORD = {"auth.change_password", "auth.logout", "auth.set_language", "static"}


def init_app(app):
    csrf.init_app(app)
    if app.config.get("TRUSTED_PROXIES"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])
    app.before_request(load_actor)
    app.context_processor(held_forms.template_helpers)


def load_actor():
    """Set g.actor from the session, ending sessions idle for too long, open for too long, or ended
    server-side (logout elsewhere, password changed, account disabled, role removed); someone who
    must change a one-time password is sent to do so."""
    g.actor = None
    username = session.get("username")
    if not username:  # a form sent from a page of a session that expired earlier is still held for its person
        _say_expired(held_forms.keep_if_form(session.get(held_forms.EXPIRED)), again=True)
        return None
    now = datetime.now(timezone.utc).timestamp()
    expiry = _expiry(now)
    if expiry:
        token, csrf_token = session.get("token"), session.get("csrf_token")
        session.clear()
        # Who was signed in, and the forms' CSRF token, stay until the next sign-in: a long form sent from
        # this session's pages (in another tab too) is then held for that person, not lost.
        session[held_forms.EXPIRED] = username
        if csrf_token:
            session["csrf_token"] = csrf_token
        accounts.end_session(uow(), username, "session_expired", token=token, **expiry)
        _say_expired(held_forms.keep_if_form(username))
        return None
    signed = accounts.signed_in(uow(), session.get("token"))
    if signed is None:
        session.clear()
        flash(_("Votre session a pris fin : reconnectez-vous."), "info")
        return None
    if request.endpoint != "auth.session_remaining":  # asking how long is left is no activity
        session["seen"] = now
    g.actor, g.must_change_password = signed.actor, signed.must_change_password
    if signed.must_change_password and request.endpoint not in _BEFORE_NEW_PASSWORD \
            and request.blueprint != "api":
        return redirect(url_for("auth.change_password", next=_here()))
    return None


def _here():
    """The page asked for, to come back to after logging in: its path and query, without the lone "?"
    Flask's `full_path` ends with when there is no query."""
    return request.full_path.rstrip("?")


def _say_expired(kept, again=False):
    """Tell the person at the login page that their session expired, and what became of the form they sent."""
    if kept:
        flash(_("Votre session avait expiré. Ce que vous veniez d'envoyer est gardé : reconnectez-vous avec le même "
                "compte pour le retrouver dans son formulaire, le vérifier et l'envoyer."), "info")
    elif kept is False:
        flash(_("Votre session avait expiré, et ce que vous veniez d'envoyer est trop volumineux pour être gardé : "
                "reconnectez-vous et saisissez-le à nouveau."), "error")
    elif not again:
        flash(_("Votre session a expiré : reconnectez-vous."), "info")


def _expiry(now):
    """Why the session ends now, as the event's details, or None.

    Idle: no request for IDLE_TIMEOUT. Absolute: signed in longer ago than
    PERMANENT_SESSION_LIFETIME, however busy (the cookie's own lifetime is
    renewed by every request, so the sign-in time is kept in the session).
    """
    seen = session.get("seen", 0)
    since = session.get("since", seen)
    if now - since > current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds():
        return {"reason": "absolute", "signed_in": datetime.fromtimestamp(since, timezone.utc).isoformat()}
    if now - seen > current_app.config["IDLE_TIMEOUT"].total_seconds():
        return {"reason": "idle", "last_seen": datetime.fromtimestamp(seen, timezone.utc).isoformat()}
    return None


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.actor is None:
            return redirect(url_for("auth.login", next=_here()))
        return view(**kwargs)
    return wrapped


def login_limits():
    config = current_app.config
    return LoginLimits(attempts=config["LOGIN_ATTEMPTS"], lock_minutes=config["LOCKOUT_MINUTES"])


@bp.route("/login", methods=("GET", "POST"))
def login():
    if request.method == "GET":
        return render_template("login.html", username="")
    username = request.form.get("username", "")[:NAME_LENGTH]
    try:
        actor = accounts.authenticate(uow(), request.form.get("username", ""), request.form.get("password", ""),
                                      address=request.remote_addr, limits=login_limits())
    except LoginLocked as locked:
        minutes = max(1, math.ceil((locked.params["until"] - datetime.now(timezone.utc)).total_seconds() / 60))
        flash(_("Trop d'échecs de connexion : réessayez dans %(minutes)d minute(s), ou demandez à un "
                "administrateur de débloquer le compte.", minutes=minutes), "error")
        return render_template("login.html", username=username), 429, {"Retry-After": str(minutes * 60)}
    if actor is None:
        flash(_("Identifiant ou mot de passe incorrect."), "error")
        return render_template("login.html", username=username), 401
    token = accounts.open_session(uow(), actor.username, max_age=current_app.config["PERMANENT_SESSION_LIFETIME"])
    held.drop_expired(uow())  # forms held past their time go, typed personal data with them
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    now = datetime.now(timezone.utc).timestamp()
    session.update(username=actor.username, token=token, seen=now, since=now)
    if lang:
        session["lang"] = lang
    return redirect(local_target(request.args.get("next", "")))


@bp.post("/logout")
def logout():
    if session.get("username"):  # still signed in (an idle session was ended, and recorded, before this)
        accounts.end_session(uow(), session["username"], token=session.get("token"))
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=("GET", "POST"))
@login_required
def change_password():
    """One's own password: required after a one-time password, possible at any time."""
    forced, errors = g.must_change_password, {}
    if request.method == "POST":
        form = request.form
        try:
            users.change_password(uow(), g.actor.username, form.get("password", ""), form.get("confirmation", ""),
                                  current=form.get("current"), keep_session=session.get("token"),
                                  limits=login_limits())
        except ValidationFailed as failed:
            errors = {e.field: password_problem(e) for e in failed.errors}
        else:
            flash(_("Votre mot de passe est changé."), "success")
            return redirect(local_target(request.args.get("next", "")))
    return render_template("password.html", forced=forced, errors=errors, min_length=passwords.MIN_LENGTH), \
        422 if errors else 200


@bp.get("/session/remaining")
def session_remaining():
    """How many seconds the session has left, without counting as activity (for static/session.js)."""
    return jsonify(seconds=held_forms.seconds_left())


@bp.get("/session/renew")
@login_required
def session_renew():
    """Count as activity: the person asked to stay signed in."""
    return "", 204


@bp.post("/lang/<code>")
def set_language(code):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(local_target(request.form.get("next", "")))


def password_problem(error):
    """Why a chosen password (or its confirmation, or the current one) is refused, in the reader's language."""
    texts = {"too_short": _("Au moins %(min)d caractères.", min=passwords.MIN_LENGTH),
             "too_long": _("Au plus %(max)d caractères.", max=passwords.MAX_LENGTH),
             "common": _("Ce mot de passe est trop courant : choisissez-en un autre."),
             "contains_username": _("Le mot de passe ne doit pas contenir votre identifiant."),
             "unchanged": _("Choisissez un mot de passe différent de l'actuel."),
             "mismatch": _("Les deux mots de passe ne sont pas identiques."),
             "wrong": _("Mot de passe actuel incorrect.")}
    return texts.get(error.code, _("Valeur refusée."))


def local_target(target):
    """`target` if it is a path on this site, else the inbox: never a redirect to another site.

    Browsers drop tabs and newlines from a URL and read "\\" as "/", so "/\\evil.example"
    or "/<tab>/evil.example" would lead to evil.example: such targets are refused too.
    """
    if (target.startswith("/") and not target.startswith("//")
            and not any(char == "\\" or ord(char) < 32 or ord(char) == 127 for char in target)):
        return target
    return url_for("tasks.inbox")
