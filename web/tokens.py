"""One's API tokens: see them (never their secret), make one (its secret shown once), revoke one.

A token made is shown after a redirect (POST-redirect-GET: reloading the page does not make a second one):
its secret waits in the signed-in session for that one display, never in an address.

An administrator sees and revokes anyone's (`?user=NAME`). Each change is audited by the engine.
"""
from flask import Blueprint, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engine import accounts
from engine.accounts.credentials import TOKEN_DAYS
from engine.errors import Conflict, ValidationFailed
from web.auth import login_required
from web.store import uow

bp = Blueprint("tokens", __name__, url_prefix="/jetons")
_MADE = "token_made"  # session key: the secret of the token just made and its days, until shown once


@bp.get("/")
@login_required
def index(days=None, error=None):
    owner = request.args.get("user") or g.actor.username
    return render_template("tokens.html", owner=owner, tokens=accounts.tokens_of(uow(), g.actor, owner),
                           days=days if days is not None else TOKEN_DAYS, error=error), 422 if error else 200


@bp.post("/")
@login_required
def create():
    """A new token of one's own; its secret is shown once, by the page this answer redirects to."""
    typed = request.form.get("days", "").strip()[:10]
    try:
        token = accounts.create_token(uow(), g.actor.username, days=int(typed))
    except (ValueError, ValidationFailed):
        return index(days=typed, error=_("Choisissez une durée de 1 à 366 jours."))
    session[_MADE] = {"token": token, "days": int(typed)}
    return redirect(url_for("tokens.made"), 303)


@bp.get("/nouveau")
@login_required
def made():
    """The token just made, once: the secret leaves the session as it is shown; reloaded, the list of tokens."""
    shown = session.pop(_MADE, None)
    if shown is None:
        flash(_("Un jeton n'est affiché qu'une fois, à sa création : s'il n'a pas été copié, révoquez-le et "
                "créez-en un autre."), "info")
        return redirect(url_for("tokens.index"))
    response = make_response(render_template("token_created.html", token=shown["token"], days=shown["days"]))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id):
    owner = request.form.get("user") or g.actor.username
    try:
        accounts.revoke_token(uow(), g.actor, token_id)
    except Conflict:
        flash(_("Ce jeton était déjà révoqué."), "info")
    else:
        flash(_("Jeton n° %(id)d révoqué : il n'ouvre plus l'API.", id=token_id), "success")
    return redirect(url_for("tokens.index", user=owner if owner != g.actor.username else None))
