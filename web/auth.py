"""Log in and out; who is acting on each request; sessions that expire."""
import functools
from datetime import datetime, timezone

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect

from engine import accounts
from web.i18n import LANGUAGES
from web.store import uow

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()


def init_app(app):
    csrf.init_app(app)
    app.before_request(load_actor)


def load_actor():
    """Set g.actor from the session, ending sessions idle for too long or open for too long."""
    g.actor = None
    username = session.get("username")
    if not username:
        return
    now = datetime.now(timezone.utc).timestamp()
    expiry = _expiry(now)
    if expiry:
        session.clear()
        flash(_("Votre session a expiré : reconnectez-vous."), "info")
        accounts.end_session(uow(), username, "session_expired", **expiry)
        return
    session["seen"] = now
    g.actor = accounts.get_actor(uow(), username)


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
            return redirect(url_for("auth.login", next=request.full_path))
        return view(**kwargs)
    return wrapped


@bp.route("/login", methods=("GET", "POST"))
def login():
    if request.method == "POST":
        actor = accounts.authenticate(uow(), request.form.get("username", ""), request.form.get("password", ""))
        if actor is None:
            flash(_("Identifiant ou mot de passe incorrect."), "error")
            return render_template("login.html", username=request.form.get("username", "")), 401
        lang = session.get("lang")
        session.clear()
        session.permanent = True
        now = datetime.now(timezone.utc).timestamp()
        session.update(username=actor.username, seen=now, since=now)
        if lang:
            session["lang"] = lang
        return redirect(local_target(request.args.get("next", "")))
    return render_template("login.html", username="")


@bp.post("/logout")
def logout():
    if session.get("username"):  # still signed in (an idle session was ended, and recorded, before this)
        accounts.end_session(uow(), session["username"])
    session.clear()
    return redirect(url_for("auth.login"))


@bp.post("/lang/<code>")
def set_language(code):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(local_target(request.form.get("next", "")))


def local_target(target):
    """`target` if it is a path on this site, else the inbox: never a redirect to another site.

    Browsers drop tabs and newlines from a URL and read "\\" as "/", so "/\\evil.example"
    or "/<tab>/evil.example" would lead to evil.example: such targets are refused too.
    """
    if (target.startswith("/") and not target.startswith("//")
            and not any(char == "\\" or ord(char) < 32 or ord(char) == 127 for char in target)):
        return target
    return url_for("tasks.inbox")
