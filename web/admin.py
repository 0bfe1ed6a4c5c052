"""Administration: the staff accounts, their roles and regions."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.accounts import users
from engine.accounts.roles import ROLES
from engine.errors import Conflict, ValidationFailed
from web.auth import login_required
from web.errors import message
from web.store import uow

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@login_required
def index():
    return render_template("admin/users.html", users=users.list_users(uow(), g.actor), roles=ROLES,
                           regions=users.list_regions(uow()))


@bp.post("/users/<username>/roles")
@login_required
def change_role(username):
    role, grant = request.form.get("role", ""), request.form.get("action") == "grant"
    change = users.grant_role if grant else users.revoke_role
    return _apply(lambda: change(uow(), g.actor, username, role),
                  _("Rôle attribué à %(user)s.", user=username) if grant
                  else _("Rôle retiré à %(user)s.", user=username))


@bp.post("/users/<username>/region")
@login_required
def change_region(username):
    region = request.form.get("region") or None
    return _apply(lambda: users.set_region(uow(), g.actor, username, region),
                  _("Région de %(user)s modifiée.", user=username))


def _refusal(error):
    """Why an account change was refused, in the reader's language."""
    if isinstance(error, Conflict) and error.params.get("reason") == "own_admin":
        return _("Vous ne pouvez pas retirer votre propre rôle d'administrateur.")
    texts = {("role", "enum"): _("Ce rôle n'existe pas."), ("region", "enum"): _("Cette région n'existe pas."),
             ("region", "required"): _("Un rôle régional demande une région : choisissez d'abord la région.")}
    problems = [(e.field, e.code) for e in error.errors] if isinstance(error, ValidationFailed) else []
    return " ".join(str(texts.get(p, message(error))) for p in problems) or message(error)


def _apply(change, success):
    """Run an account change; say what happened or why it was refused, then back to the list."""
    try:
        change()
    except (ValidationFailed, Conflict) as error:
        flash(_refusal(error), "error")
    else:
        flash(success, "success")
    return redirect(url_for("admin.index"))
