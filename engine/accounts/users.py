"""Staff accounts as the administrator manages them: roles and regions, every change audited."""
from sqlalchemy import select

from engine import audit
from engine.accounts.regions import regions
from engine.accounts.roles import REGIONAL_ROLES, ROLES
from engine.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from engine.store.tables import Region, User, UserRole

ADMIN = "admin"


def list_users(uow, actor):
    """Every account with its roles and region, by username. Forbidden unless `actor` is an administrator."""
    _require_admin(actor)
    with uow:
        return [user_dict(user) for user in uow.session.scalars(select(User).order_by(User.username))]


def grant_role(uow, actor, username, role):
    """Give `role` to the account `username` (nothing happens if it has it already).

    Audited as `role_granted` with the roles before and after. Raises
    Forbidden (not an administrator), NotFound (no such account) or
    ValidationFailed (unknown role; a regional role for an account without region).
    """
    _require_admin(actor)
    if role not in ROLES:
        raise ValidationFailed([FieldError("role", "enum")])
    with uow:
        user = _user(uow.session, username)
        if role in user.roles:
            return user_dict(user)
        if role in REGIONAL_ROLES and not user.region:
            raise ValidationFailed([FieldError("region", "required")])
        before = sorted(user.roles)
        user.role_rows.append(UserRole(role=role))
        _record(uow.session, "role_granted", actor, user, role=role, changes={"roles": before})
        uow.commit()
        return user_dict(user)


def revoke_role(uow, actor, username, role):
    """Take `role` away from `username` (nothing happens if it does not have it).

    Audited as `role_revoked`. An administrator cannot take their own
    administrator role away (Conflict, reason `own_admin`), so that one always remains.
    """
    _require_admin(actor)
    if role == ADMIN and username == actor.username:
        raise Conflict("administrators cannot revoke their own administrator role", reason="own_admin")
    with uow:
        user = _user(uow.session, username)
        if role not in user.roles:
            return user_dict(user)
        before = sorted(user.roles)
        user.role_rows = [row for row in user.role_rows if row.role != role]
        _record(uow.session, "role_revoked", actor, user, role=role, changes={"roles": before})
        uow.commit()
        return user_dict(user)


def set_region(uow, actor, username, region):
    """Set the regional directorate of `username` (None: central services).

    Audited as `region_changed` with the old and new region. Raises
    ValidationFailed for an unknown region, or no region for a regional role.
    """
    _require_admin(actor)
    region = region or None
    with uow:
        session = uow.session
        user = _user(session, username)
        if region is not None and session.get(Region, region) is None:
            raise ValidationFailed([FieldError("region", "enum")])
        if region is None and user.roles & REGIONAL_ROLES:
            raise ValidationFailed([FieldError("region", "required")])
        if region == user.region:
            return user_dict(user)
        before, user.region = user.region, region
        _record(session, "region_changed", actor, user, changes={"region": before})
        uow.commit()
        return user_dict(user)


def list_regions(uow):
    """The active regional directorates, {code: name}, by name."""
    with uow:
        return regions(uow.session)


def user_dict(user):
    return {"username": user.username, "full_name": user.full_name, "email": user.email,
            "region": user.region, "roles": sorted(user.roles), "active": user.active}


def _record(session, kind, actor, user, changes, **details):
    """An account change, with the old value given in `changes` and the new one read from `user`."""
    now = {"roles": sorted(user.roles), "region": user.region}
    audit.record(session, kind, actor.username, region=user.region, username=user.username,
                 changes={name: {"old": old, "new": now[name]} for name, old in changes.items()}, **details)


def _require_admin(actor):
    if ADMIN not in actor.roles:
        raise Forbidden("only administrators manage accounts")


def _user(session, username):
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user '{username}'")
    return user
