"""One's API tokens: see them (never their secret), make one (its secret shown once), revoke one.

An administrator sees and revokes anyone's (`?user=NAME`). Each change is audited by the engine.
"""
from flask import Blueprint, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import accounts
from engine.accounts.credentials import TOKEN_DAYS
from engine.errors import Conflict, ValidationFailed
from web.auth import login_required
from web.store import uow

bp = Blueprint("tokens", __name__, url_prefix="/jetons")


@bp.get("/")
@login_required
def index(days=None, error=None):
    owner = request.args.get("user") or g.actor.username
    return render_template("tokens.html", owner=owner, tokens=accounts.tokens_of(uow(), g.actor, owner),
                           days=days if days is not None else TOKEN_DAYS, error=error), 422 if error else 200


@bp.post("/")
@login_required
def create():
    """A new token of one's own; its secret is shown on this answer only, never kept by the page."""
    typed = request.form.get("days", "").strip()[:10]
    try:
        token = accounts.create_token(uow(), g.actor.username, days=int(typed))
    except (ValueError, ValidationFailed):
        return index(days=typed, error=_("Choisissez une durée de 1 à 366 jours."))
    response = make_response(render_template("token_created.html", token=token, days=int(typed)))
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
