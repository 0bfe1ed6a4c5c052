"""Accounts: users with roles and a region, argon2 passwords, browser sessions and API tokens."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from engine import audit
from engine.accounts import passwords, throttle
from engine.accounts.access import Actor
from engine.accounts.roles import REGIONAL_ROLES, ROLES
from engine.errors import Conflict, EngineError, FieldError, Forbidden, Hidden, NotFound, ValidationFailed
from engine.store.tables import ApiToken, LoginSession, User, UserRole, as_utc, utcnow


class LoginLocked(EngineError):
    """Too many failed logins for this account name or from this address: `until` (aware datetime)."""

    code = "login_locked"


@dataclass(frozen=True)
class SignedIn:
    """Who a browser session belongs to, and whether they must choose a new password first."""

    actor: Actor
    must_change_password: bool = False


def actor_of(user):
    return Actor(username=user.username, roles=frozenset(user.roles), region=user.region)


def create_user(uow, username, password, roles, region=None, full_name="", by="system", email=None,
                must_change_password=False):
    """Create an account. Raises Conflict if the username exists, ValueError on unknown roles,
    a regional role without region or a password shorter than passwords.FLOOR."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    if set(roles) & REGIONAL_ROLES and not region:
        raise ValueError("a regional role needs a region")
    if len(password) < passwords.FLOOR:
        raise ValueError(f"a password has at least {passwords.FLOOR} characters")
    with uow:
        session = uow.session
        if session.scalar(select(User).where(User.username == username)):
            raise Conflict(f"user '{username}' exists", reason="user_exists")
        user = User(username=username, full_name=full_name, region=region, email=email,
                    password_hash=passwords.hash_password(password), must_change_password=must_change_password,
                    role_rows=[UserRole(role=r) for r in roles])
        session.add(user)
        audit.record(session, "user_created", by, region=region, username=username, roles=sorted(roles),
                     full_name=full_name, email=email)
        uow.commit()
        return actor_of(user)


def authenticate(uow, username, password, address=None, limits=throttle.LoginLimits()):
    """The Actor for a username and password, or None (the attempt is recorded either way).

    Raises LoginLocked, checking no password, while the account name or the client
    `address` is locked after too many failures (see engine.accounts.throttle).
    Only the first throttle.NAME_LENGTH characters of a typed name are ever stored.
    """
    name = username[:throttle.NAME_LENGTH]
    keys = [throttle.account_key(username), throttle.address_key(address)]
    with uow:
        until = throttle.locked_until(uow.session, keys)
    if until:
        raise LoginLocked("too many failed logins", until=until)
    with uow:
        session = uow.session
        user = session.scalar(select(User).where(User.username == username, User.active))
        too_long = len(password) > passwords.MAX_LENGTH
        ok = passwords.verify(user.password_hash if user and not too_long else None, password[:passwords.MAX_LENGTH])
        region = user.region if user else None
        details = {"truncated": True} if len(username) > len(name) else {}
        audit.record(session, "login" if ok else "login_failed", name, region=region, **details)
        if ok:
            throttle.forget_account(session, username)
            if passwords.needs_rehash(user.password_hash):
                user.password_hash = passwords.hash_password(password)
        else:
            throttle.note_failure(session, username, address, limits, region=region)
        uow.commit()
        return actor_of(user) if ok else None


def open_session(uow, username, max_age=None):
    """Start a browser session for `username`; returns the token its cookie keeps (only its hash is stored).

    The account's sessions opened more than `max_age` (a timedelta) ago are dropped: they have expired.
    """
    token = secrets.token_urlsafe(32)
    with uow:
        user = _active_user(uow.session, username)
        if user is None:
            raise NotFound(f"no user '{username}'")
        if max_age:
            uow.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id,
                                                           LoginSession.created_at < utcnow() - max_age))
        uow.session.add(LoginSession(token_hash=_digest(token), user_id=user.id))
        uow.commit()
    return token


def signed_in(uow, token):
    """The SignedIn of a live session token, or None (session ended, account disabled)."""
    if not token:
        return None
    with uow:
        user = uow.session.scalar(select(User).join(LoginSession).where(
            LoginSession.token_hash == _digest(token), User.active))
        return SignedIn(actor_of(user), user.must_change_password) if user else None


def end_session(uow, username, kind="logout", token=None, **details):
    """End the session of `token` and record why: `logout`, or `session_expired` with why (`details`)."""
    actor = get_actor(uow, username)
    with uow:
        if token:
            uow.session.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))
        audit.record(uow.session, kind, username, region=actor.region if actor else None, **details)
        uow.commit()


def end_sessions(session, user, keep=None):
    """End every browser session of `user` (a User row) but the one of token `keep`; how many ended."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep:
        query = query.where(LoginSession.token_hash != _digest(keep))
    return session.execute(query).rowcount


def get_actor(uow, username):
    """The current Actor of an active account, or None."""
    with uow:
        user = _active_user(uow.session, username)
        return actor_of(user) if user else None


TOKEN_DAYS = 90  # how long a new API token works, unless its maker asks for less


def create_token(uow, username, days=TOKEN_DAYS):
    """Make a new API token for `username`, working `days` days; only its hash is stored. Returns the token."""
    if not 1 <= days <= 366:
        raise ValidationFailed([FieldError("days", "range", {"min": 1, "max": 366})])
    token = secrets.token_urlsafe(32)
    with uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"no user '{username}'")
        row = ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + timedelta(days=days))
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow.session, "token_created", username, token_id=row.id,
                     expires_at=as_utc(row.expires_at).isoformat())
        uow.commit()
    return token


def list_tokens(uow, username):
    """`username`'s API tokens, newest first: id, made, expiry, revocation and whether it still works."""
    now = utcnow()
    with uow:
        rows = uow.session.scalars(select(ApiToken).join(User).where(User.username == username)
                                   .order_by(ApiToken.id.desc())).all()
        return [{"id": row.id, "created_at": as_utc(row.created_at).isoformat(),
                 "expires_at": as_utc(row.expires_at).isoformat() if row.expires_at else None,
                 "revoked_at": as_utc(row.revoked_at).isoformat() if row.revoked_at else None,
                 "revoked_by": row.revoked_by, "works": _works(row, now)} for row in rows]


def tokens_of(uow, actor, username=None):
    """The API tokens of `actor`, or of `username` for an administrator (`list_tokens`); Forbidden otherwise,
    NotFound for no such account."""
    username = username or actor.username
    if username != actor.username:
        if "admin" not in actor.roles:
            raise Forbidden("only administrators read others' tokens", reason="admin_only")
        with uow:
            if uow.session.scalar(select(User.id).where(User.username == username)) is None:
                raise NotFound(f"no user '{username}'")
    return list_tokens(uow, username)


def revoke_token(uow, by, token_id):
    """Revoke API token `token_id`: its owner may, `admin` may revoke anyone's. Audited; NotFound
    (Hidden, answered alike, for another's token), or Conflict when it was revoked already."""
    with uow:
        row = uow.session.get(ApiToken, token_id)
        owner = uow.session.get(User, row.user_id) if row else None
        if owner is None:
            raise NotFound(f"no API token {token_id}")
        if by.username != owner.username and "admin" not in by.roles:
            raise Hidden("only its owner or an administrator revokes a token", reason="token_not_yours")
        if row.revoked_at is not None:
            raise Conflict(f"API token {token_id} was revoked already", reason="token_revoked")
        row.revoked_at, row.revoked_by = utcnow(), by.username
        audit.record(uow.session, "token_revoked", by.username, token_id=row.id, owner=owner.username)
        uow.commit()


def actor_for_token(uow, token):
    """The Actor owning an API token, or None: a revoked or expired token, a disabled account's tokens."""
    with uow:
        found = uow.session.execute(select(User, ApiToken).join(ApiToken).where(
            ApiToken.token_hash == _digest(token), User.active)).first()
        return actor_of(found[0]) if found and _works(found[1], utcnow()) else None


def _works(row, now):
    return row.revoked_at is None and (row.expires_at is None or as_utc(row.expires_at) > now)


def _active_user(session, username):
    return session.scalar(select(User).where(User.username == username, User.active))


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()

