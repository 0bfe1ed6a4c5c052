"""Accounts: users with roles and a region, argon2 passwords, API tokens."""
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select

from engine import audit
from engine.accounts.access import Actor
from engine.accounts.roles import REGIONAL_ROLES, ROLES
from engine.errors import Conflict, NotFound
from engine.store.tables import ApiToken, User, UserRole

_HASHER = PasswordHasher()
# Verified against when the username is unknown, so both cases cost the same time.
_DUMMY_HASH = _HASHER.hash("not a password")


def actor_of(user):
    return Actor(username=user.username, roles=frozenset(user.roles), region=user.region)


def create_user(uow, username, password, roles, region=None, full_name="", by="system"):
    """Create an account. Raises Conflict if the username exists, ValueError on unknown roles."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    if set(roles) & REGIONAL_ROLES and not region:
        raise ValueError("a regional role needs a region")
    with uow:
        session = uow.session
        if session.scalar(select(User).where(User.username == username)):
            raise Conflict(f"user '{username}' exists", reason="user_exists")
        user = User(username=username, full_name=full_name, region=region,
                    password_hash=_HASHER.hash(password), role_rows=[UserRole(role=r) for r in roles])
        session.add(user)
        audit.record(session, "user_created", by, username=username, roles=sorted(roles), region=region)
        uow.commit()
        return actor_of(user)


def authenticate(uow, username, password):
    """The Actor for a username and password, or None (the attempt is recorded either way)."""
    with uow:
        session = uow.session
        user = session.scalar(select(User).where(User.username == username, User.active))
        try:
            _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
            ok = user is not None
        except (VerifyMismatchError, InvalidHashError):
            ok = False
        audit.record(session, "login" if ok else "login_failed", username, region=user.region if user else None)
        if ok and _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = _HASHER.hash(password)
        uow.commit()
        return actor_of(user) if ok else None


def end_session(uow, username, kind="logout", **details):
    """Record that `username`'s session ended: `logout`, or `session_expired` with why (`details`).

    The account's region is read first, then the event written in a transaction of its own.
    """
    actor = get_actor(uow, username)
    with uow:
        audit.record(uow.session, kind, username, region=actor.region if actor else None, **details)
        uow.commit()


def get_actor(uow, username):
    """The current Actor of an active account, or None."""
    with uow:
        user = uow.session.scalar(select(User).where(User.username == username, User.active))
        return actor_of(user) if user else None


def create_token(uow, username):
    """Make a new API token for `username`; only its hash is stored. Returns the token."""
    token = secrets.token_urlsafe(32)
    with uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"no user '{username}'")
        uow.session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
        audit.record(uow.session, "token_created", username)
        uow.commit()
    return token


def actor_for_token(uow, token):
    """The Actor owning an API token, or None."""
    with uow:
        query = select(User).join(ApiToken).where(ApiToken.token_hash == _digest(token), User.active)
        user = uow.session.scalar(query)
        return actor_of(user) if user else None


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()
