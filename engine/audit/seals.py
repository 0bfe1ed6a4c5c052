"""Seals: the state a transaction left, recorded in the chain, so that a change made behind the engine's back shows.

The chain proves that no event was altered; seals extend that proof to the rows the
events speak of. Whenever a transaction writes a file (instance), a person, an account
(with its roles), an API token or a deployed version, the digest of each such row as it
leaves the transaction is added to one of the transaction's events (`sealed`:
{"instances:12": digest, ...}; None for a row deleted). `audit verify` then checks that
every sealed row still matches its latest seal, and names the first that does not.
"""
from datetime import date, datetime

from sqlalchemy import event as sa_event
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from engine.audit import checksums
from engine.store.tables import ApiToken, Instance, Person, ProcessVersion, User, UserRole, as_utc

TRACKED = (Instance, Person, User, ApiToken, ProcessVersion)
KEY = "sealed"  # the details key of an event that carries seals
_TOUCHED = "djoliba.audit.touched"


def key_of(table, row_id):
    return f"{table}:{row_id}"


def row_digest(session, row, digest):
    """The digest of a tracked row's stored values (a user's with their roles)."""
    values = {column.key: _plain(getattr(row, column.key)) for column in inspect(type(row)).column_attrs}
    if isinstance(row, User):
        values["roles"] = sorted(session.scalars(select(UserRole.role).where(UserRole.user_id == row.id)))
    return digest(values)


def _plain(value):
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _note_touched(session, _flush_context, _instances):
    """Before each flush: remember which tracked rows this transaction writes."""
    touched = session.info.setdefault(_TOUCHED, set())
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, TRACKED):
            touched.add((type(row), row))
        elif isinstance(row, UserRole):
            touched.add((User, row))  # the user is known once the flush has given ids


def take(session, digest):
    """The seals of the rows this transaction wrote ({key: digest or None}); call after the last flush."""
    found = {}
    for cls, row in session.info.pop(_TOUCHED, set()):
        if isinstance(row, UserRole):  # a user's roles changed: the user is sealed
            row = session.get(User, row.user_id) if row.user_id is not None else None
        if row is None:
            continue
        state = inspect(row)
        if state.identity is None:  # added then removed before any flush: never stored
            continue
        table_key = key_of(cls.__tablename__, state.identity[0])
        found[table_key] = None if state.was_deleted or state.deleted else row_digest(session, row, digest)
    return found


def check(session, sealed, digest):
    """The first sealed row that no longer matches its latest seal, as (key, why), or None.

    `sealed` maps each key to its latest seal. `why` is `changed`, `deleted` (sealed but gone),
    `restored` (sealed as deleted but there) or `checksum` (a version whose sources or forms no
    longer give its checksum).
    """
    classes = {cls.__tablename__: cls for cls in TRACKED}
    for key in sorted(sealed, key=lambda k: (k.split(":")[0], int(k.split(":")[1]))):
        table, row_id = key.split(":")
        row = session.get(classes[table], int(row_id)) if table in classes else None
        expected = sealed[key]
        if expected is None:
            if row is not None:
                return key, "restored"
            continue
        if row is None:
            return key, "deleted"
        if row_digest(session, row, digest) != expected:
            return key, "changed"
    for version in session.scalars(select(ProcessVersion).order_by(ProcessVersion.id)):
        if not checksums.matches(version):
            return key_of(ProcessVersion.__tablename__, version.id), "checksum"
    return None


def forget(session):
    session.info.pop(_TOUCHED, None)


sa_event.listen(Session, "before_flush", _note_touched)
