"""Staff accounts as the administrator manages them: creation, roles and regions, disabling,
password resets and unlocking, every change audited; and a person changing their own password."""
import re

from sqlalchemy import select

from engine import audit
from engine.accounts import passwords, throttle
from engine.accounts.access import Actor
from engine.accounts.credentials import create_user, end_sessions
from engine.accounts.regions import regions
from engine.accounts.roles import REGIONAL_ROLES, ROLES
from engine.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from engine.store.tables import LoginFailure, Region, User, UserRole, as_utc, utcnow

ADMIN = "admin"
# Who acts when an account is managed from the command line (`djoliba user ...`).
CLI = Actor(username="cli", roles=frozenset({ADMIN}))
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,79}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def list_users(uow, actor):
    """Every account with its roles, region, state and lock, by username. Forbidden unless `actor` is an administrator."""
    _require_admin(actor)
    with uow:
        locked = {row.key: as_utc(row.locked_until) for row in uow.session.scalars(
            select(LoginFailure).where(LoginFailure.locked_until > utcnow()))}
        return [user_dict(user) | {"locked_until": locked.get(throttle.account_key(user.username))}
                for user in uow.session.scalars(select(User).order_by(User.username))]


def add_user(uow, actor, username, roles, region=None, full_name="", email=None):
    """Create an account with a one-time password, which its owner must change at first login.

    Returns (the account as a dict, the one-time password). Audited as
    `user_created`. Raises Forbidden (not an administrator), Conflict (reason
    `user_exists`) or ValidationFailed on fields `username` (`pattern`), `roles`
    (`required`, `enum`), `region` (`enum`: unknown or inactive; `required`: a
    regional role without region), `full_name` and `email` (`too_long`, `pattern`).
    """
    _require_admin(actor)
    region, email, full_name = region or None, (email or "").strip() or None, (full_name or "").strip()
    errors = []
    if not USERNAME.fullmatch(username or ""):
        errors.append(FieldError("username", "pattern"))
    if not roles:
        errors.append(FieldError("roles", "required"))
    elif set(roles) - set(ROLES):
        errors.append(FieldError("roles", "enum", {"unknown": sorted(set(roles) - set(ROLES))}))
    if len(full_name) > 200:
        errors.append(FieldError("full_name", "too_long", {"max": 200}))
    if email and (len(email) > 200 or not EMAIL.fullmatch(email)):
        errors.append(FieldError("email", "pattern"))
    with uow:
        if region and region not in regions(uow.session):
            errors.append(FieldError("region", "enum"))
    if not region and set(roles) & REGIONAL_ROLES:
        errors.append(FieldError("region", "required"))
    if errors:
        raise ValidationFailed(errors)
    password = passwords.one_time_password()
    create_user(uow, username, password, sorted(set(roles)), region, full_name=full_name, by=actor.username,
                email=email, must_change_password=True)
    with uow:
        return user_dict(_user(uow.session, username)), password


def disable_user(uow, actor, username):
    """Disable an account (a leaver): it can no longer sign in, its sessions end and its API tokens stop
    working. Audited as `user_disabled`. An administrator cannot disable their own account (Conflict, `own_account`)."""
    return _set_active(uow, actor, username, False)


def enable_user(uow, actor, username):
    """Enable a disabled account again. Audited as `user_enabled`."""
    return _set_active(uow, actor, username, True)


def _set_active(uow, actor, username, active):
    _require_admin(actor)
    if not active and username == actor.username:
        raise Conflict("administrators cannot disable their own account", reason="own_account")
    with uow:
        user = _user(uow.session, username)
        if user.active == active:
            return user_dict(user)
        user.active = active
        ended = 0 if active else end_sessions(uow.session, user)
        audit.record(uow.session, "user_enabled" if active else "user_disabled", actor.username, region=user.region,
                     username=username, changes={"active": {"old": not active, "new": active}},
                     **({} if active else {"sessions_ended": ended}))
        uow.commit()
        return user_dict(user)


def reset_password(uow, actor, username):
    """Give `username` a new one-time password, to be changed at the next login; their sessions end and a
    lock after failed logins is lifted. Audited as `password_reset` (never the password). Returns the password."""
    _require_admin(actor)
    password = passwords.one_time_password()
    with uow:
        user = _user(uow.session, username)
        user.password_hash, user.must_change_password = passwords.hash_password(password), True
        ended = end_sessions(uow.session, user)
        throttle.forget_account(uow.session, username)
        audit.record(uow.session, "password_reset", actor.username, region=user.region, username=username,
                     sessions_ended=ended)
        uow.commit()
    return password


def unlock_user(uow, actor, username):
    """Lift the lock put on `username` after failed logins. Audited as `account_unlocked`."""
    _require_admin(actor)
    with uow:
        user = _user(uow.session, username)
        throttle.forget_account(uow.session, username)
        audit.record(uow.session, "account_unlocked", actor.username, region=user.region, username=username)
        uow.commit()


def change_password(uow, username, new, confirmation, current=None, keep_session=None,
                    limits=throttle.LoginLimits()):
    """A person chooses their own password (passwords.problems says what is accepted).

    `current` must be their present password, except when they must change a
    one-time password (they just signed in with it). Their other sessions end;
    the one of token `keep_session` goes on. Audited as `password_changed`.
    Raises ValidationFailed on `current` (`wrong`: counted as a failed login),
    `password` (policy, `unchanged`) or `confirmation` (`mismatch`).
    """
    with uow:
        session = uow.session
        user = session.scalar(select(User).where(User.username == username, User.active))
        if user is None:
            raise NotFound(f"no user '{username}'")
        if not user.must_change_password and not passwords.verify(user.password_hash, current or ""):
            throttle.note_failure(session, username, None, limits, region=user.region)
            audit.record(session, "password_change_failed", username, region=user.region)
            uow.commit()
            raise ValidationFailed([FieldError("current", "wrong")])
        errors = passwords.problems(new, username)
        if not errors and passwords.verify(user.password_hash, new):
            errors = [FieldError("password", "unchanged")]
        if new != confirmation:
            errors.append(FieldError("confirmation", "mismatch"))
        if errors:
            raise ValidationFailed(errors)
        user.password_hash, user.must_change_password = passwords.hash_password(new), False
        ended = end_sessions(session, user, keep=keep_session)
        audit.record(session, "password_changed", username, region=user.region, sessions_ended=ended)
        uow.commit()


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

    Audited as `role_revoked`; the account's sessions end. An administrator cannot take their own
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
        ended = end_sessions(uow.session, user)
        _record(uow.session, "role_revoked", actor, user, role=role, changes={"roles": before}, sessions_ended=ended)
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
            "region": user.region, "roles": sorted(user.roles), "active": user.active,
            "must_change_password": user.must_change_password}


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
