"""Failed logins counted per account name and per client address, in the database (every worker sees them).

After `attempts` failures in a row an account name is locked for `lock_minutes`
(an administrator may unlock it sooner); after `address_attempts` failures from
one address within `address_minutes`, that address may not try again until the
window has passed. Unknown names are counted like real ones, so a lock tells
nothing about which accounts exist.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from engine import audit
from engine.store.tables import LoginFailure, as_utc, utcnow

NAME_LENGTH = 80  # the longest account name; longer typed names are cut to this before being kept


@dataclass(frozen=True)
class LoginLimits:
    attempts: int = 5
    lock_minutes: int = 15
    address_attempts: int = 30
    address_minutes: int = 15


def account_key(username):
    return "account:" + username[:NAME_LENGTH]


def address_key(address):
    """The key of a client address, or None when the caller has none (the command line, a password change)."""
    return "address:" + address[:100] if address else None


def locked_until(session, keys, now=None):
    """The latest time until which one of `keys` is locked, or None when none is."""
    now = now or utcnow()
    rows = session.scalars(select(LoginFailure).where(LoginFailure.key.in_([key for key in keys if key])))
    ends = [as_utc(row.locked_until) for row in rows if row.locked_until and as_utc(row.locked_until) > now]
    return max(ends, default=None)


def note_failure(session, username, address, limits, region=None):
    """Count a failed attempt for the account name and the address; lock what went over its limit (audited)."""
    now = utcnow()
    for key, limit, minutes, window in (
            (account_key(username), limits.attempts, limits.lock_minutes, None),
            (address_key(address), limits.address_attempts, limits.address_minutes, limits.address_minutes)):
        if key is None:
            continue
        row = _locked_row(session, key, now)
        expired = row.locked_until is not None and as_utc(row.locked_until) <= now
        stale = window is not None and as_utc(row.last_at) < now - timedelta(minutes=window)
        if expired or stale:
            row.failures, row.locked_until = 0, None
        row.failures += 1
        row.last_at = now
        if row.failures >= limit and row.locked_until is None:
            row.locked_until = now + timedelta(minutes=minutes)
            kind = "account_locked" if key.startswith("account:") else "address_blocked"
            audit.record(session, kind, username[:NAME_LENGTH], region=region if kind == "account_locked" else None,
                         failures=row.failures, until=row.locked_until.isoformat(),
                         **({"address": address} if kind == "address_blocked" else {}))
    # Forget what is long over, so that names typed once do not pile up.
    session.execute(delete(LoginFailure).where(LoginFailure.last_at < now - timedelta(days=1),
                                               (LoginFailure.locked_until.is_(None))
                                               | (LoginFailure.locked_until < now)))


def _locked_row(session, key, now):
    """The row of `key`, created if missing, locked until the commit: concurrent failures count one by one.

    Inserting first (nothing if the row exists) takes SQLite's write lock before the row is read;
    on PostgreSQL the read locks the row.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(LoginFailure).values(key=key, failures=0, last_at=now).on_conflict_do_nothing())
    return session.scalar(select(LoginFailure).where(LoginFailure.key == key).with_for_update()
                          .execution_options(populate_existing=True))


def forget_account(session, username):
    """The account's failures are forgotten (a successful login, an administrator's unlock)."""
    session.execute(delete(LoginFailure).where(LoginFailure.key == account_key(username)))


def note_action(session, keys, limit, minutes, now=None):
    """Count one more action (an upload, an application...) under each of `keys` ("upload:candidat:3",
    "upload:address:10.0.0.1") in a window of `minutes` opened by the first one; whether it is allowed.

    When one key already counted `limit` actions in its window, the action is refused (False) and
    nothing is counted. Kept in the failed logins' table (its `locked_until` holds the window's end),
    under keys that never lock a login. The caller commits.
    """
    now = now or utcnow()
    rows = [_locked_row(session, "action:" + key[:110], now) for key in keys if key]
    for row in rows:
        if row.locked_until is None or as_utc(row.locked_until) <= now:
            row.failures, row.locked_until = 0, now + timedelta(minutes=minutes)
    if any(row.failures >= limit for row in rows):
        return False
    for row in rows:
        row.failures += 1
        row.last_at = now
    return True
