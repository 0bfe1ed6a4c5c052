"""Administration: the staff accounts, their roles and regions, their state and passwords."""
from flask import Blueprint, flash, g, make_response, redirect, render_template, request, url_for
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
def index(form=None, errors=None):
    return render_template("admin/users.html", users=users.list_users(uow(), g.actor), roles=ROLES,
                           regions=users.list_regions(uow()), form=form or {}, errors=errors or {})


@bp.post("/users")
@login_required
def create():
    form = request.form
    fields = {"username": form.get("username", "").strip(), "full_name": form.get("full_name", ""),
              "email": form.get("email", ""), "region": form.get("region") or None, "roles": form.getlist("roles")}
    try:
        account, password = users.add_user(uow(), g.actor, **fields)
    except ValidationFailed as failed:
        return index(form=fields, errors={e.field: _field_problem(e) for e in failed.errors}), 422
    except Conflict:
        return index(form=fields, errors={"username": _("Ce nom d'utilisateur est déjà pris.")}), 409
    return _one_time(account["username"], password, created=True)


@bp.post("/users/<username>/disable")
@login_required
def disable(username):
    return _apply(lambda: users.disable_user(uow(), g.actor, username),
                  _("Compte %(user)s désactivé : ses sessions sont fermées.", user=username))


@bp.post("/users/<username>/enable")
@login_required
def enable(username):
    return _apply(lambda: users.enable_user(uow(), g.actor, username), _("Compte %(user)s réactivé.", user=username))


@bp.post("/users/<username>/unlock")
@login_required
def unlock(username):
    return _apply(lambda: users.unlock_user(uow(), g.actor, username), _("Compte %(user)s débloqué.", user=username))


@bp.post("/users/<username>/password")
@login_required
def reset_password(username):
    return _one_time(username, users.reset_password(uow(), g.actor, username), created=False)


def _one_time(username, password, created):
    """The page showing a one-time password, once: never cached, never put in the session cookie."""
    response = make_response(render_template("admin/one_time_password.html", username=username, password=password,
                                             created=created))
    response.headers["Cache-Control"] = "no-store"
    return response


def _field_problem(error):
    texts = {"username": _("De 2 à 80 caractères : lettres minuscules sans accent, chiffres, point, tiret "
                           "ou souligné, en commençant par une lettre ou un chiffre."),
             "roles": _("Choisissez au moins un rôle."),
             "full_name": _("Au plus 200 caractères."),
             "email": _("Adresse électronique invalide."),
             ("region", "enum"): _("Cette région n'existe pas."),
             ("region", "required"): _("Un rôle régional demande une région.")}
    return texts.get((error.field, error.code)) or texts.get(error.field) or _("Valeur refusée.")


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
    if isinstance(error, Conflict) and error.params.get("reason") == "own_account":
        return _("Vous ne pouvez pas désactiver votre propre compte.")
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
