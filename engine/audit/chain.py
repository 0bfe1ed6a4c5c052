"""The append-only history, hash-chained: every event carries the hash of the one before.

`record(...)` is the one way to write an event. It only queues the event on the
session; when the session commits, `_seal` gives the queued events their place
in the chain: it locks the one-row `audit_head` table, numbers the events after
the head (`seq`), sets `prev_hash` and `hash`, writes them and moves the head,
all inside the committing transaction. Concurrent writers therefore append one
after the other and the chain stays linear; the head is the last lock a
transaction takes and is held only while its commit runs.

`hash` is the SHA-256 of a canonical JSON of every stored field including
`prev_hash`, except that `details` is stood for by `details_digest`, the SHA-256
of its own canonical JSON (rule 2, `HASHED`); the first event's `prev_hash` is
`GENESIS`. So `redact` can replace personal values in an event's details while
the chain still proves that no event was altered, removed or inserted: the
event keeps its digest, and the digest of its new details is listed in a
`REDACTION` event, itself chained. Checking the chain is
`engine.audit_verify.verify`.
"""
import hashlib
import json
from datetime import timezone

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from engine.audit import seals
from engine.store.tables import AuditEvent, AuditHead, TaskRow, as_utc, utcnow

GENESIS = "0" * 64
# What an event's hash covers. A rule never changes once events were chained with it (migrations use them):
# rule 1 (migration 0003) covered every stored field, `details` included; rule 2 (migration 0008, in force)
# covers `details_digest` in place of `details`, so that details can be redacted.
_COMMON = ("seq", "at", "actor", "kind", "instance_id", "process_key", "task_id", "element_id", "region", "prev_hash")
RULE_1 = _COMMON + ("details",)
HASHED = RULE_2 = _COMMON + ("details_digest",)
# The event that records a redaction: `redacted` maps each redacted event's seq to the digest of its new details.
REDACTION = "personal_data_erased"
# Reads of a file and refused accesses to it: in the audit trail, not in the file's own history.
READ_KINDS = ("file_read", "access_refused")
_HEAD = AuditHead.__table__
_HEAD_ID = 1
_PENDING = "djoliba.audit.pending"
_MISSING = object()


def record(session, kind, actor, instance=None, task_id=None, element_id=None, region=None, instance_id=None,
           **details):
    """Queue one event on the session; it is chained and written when the session commits.

    `actor` is a username, `instance` an Instance (or None: then `instance_id`
    and the detail `process_key` may name it), `region` the regional
    directorate concerned (by default the region of the task `task_id`).
    `details` must be JSON data; it is stored as it reads back from JSON.
    A rollback drops the queued events with everything else.
    """
    if not session.in_transaction():
        session.begin()  # so that a rollback (which forgets the queue) always follows
    event = AuditEvent(at=utcnow(), actor=actor, kind=kind, task_id=task_id, element_id=element_id,
                       instance_id=instance.id if instance else instance_id,
                       process_key=instance.process_key if instance else details.pop("process_key", None),
                       region=region, details=json.loads(json.dumps(details)))
    session.info.setdefault(_PENDING, []).append(event)
    return event


def record_read(uow, actor, instance_id, process_key, via):
    """Log that `actor` read the file `instance_id`, in its own transaction.

    Called before the data is handed out: if the event cannot be written the
    read fails. A transaction of its own, with no read before its write, never
    loses a race for SQLite's write lock.
    """
    with uow:
        record(uow.session, "file_read", actor.username, instance_id=instance_id, process_key=process_key,
               region=actor.region, via=via)
        uow.commit()


def digest(value):
    """SHA-256 (hex) of the canonical JSON of `value`: sorted keys, no spaces, UTF-8."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def chain_hash(fields, rule=HASHED):
    """The hash of an event given as a mapping of its stored fields (`at` a datetime), by `rule`."""
    at = as_utc(fields["at"]).astimezone(timezone.utc).isoformat(timespec="microseconds")
    return digest({**{name: fields[name] for name in rule}, "at": at})


def event_hash(event):
    """The hash an event must carry: `chain_hash` of its stored fields by the rule in force."""
    return chain_hash({name: getattr(event, name) for name in HASHED})


def _seal(session):
    """Before a commit: append the queued events to the chain (see the module docstring)."""
    # Other rows first: a transaction holding the head never waits for another lock,
    # so the head cannot be part of a deadlock.
    session.flush()
    pending = session.info.pop(_PENDING, None) or []
    sealed = seals.take(session, digest)
    if sealed:
        if not pending:  # a write no event speaks of: sealed all the same
            pending = [AuditEvent(at=utcnow(), actor="systeme", kind="state_sealed", details={})]
        pending[-1].details = {**pending[-1].details, seals.KEY: sealed}
    if not pending:
        return
    for event in pending:
        event.at = as_utc(event.at).astimezone(timezone.utc)
        if event.region is None and event.task_id:
            task = session.get(TaskRow, event.task_id)
            event.region = task.region if task else None
    seq, last = _lock_head(session)
    for event in pending:
        seq += 1
        event.seq, event.prev_hash, event.details_digest = seq, last, digest(event.details)
        event.hash = last = event_hash(event)
        session.add(event)
    session.execute(update(_HEAD).where(_HEAD.c.id == _HEAD_ID).values(seq=seq, hash=last))


def _lock_head(session):
    """Lock the head row (a row lock on PostgreSQL, the write lock on SQLite); its (seq, hash)."""
    row = session.execute(update(_HEAD).where(_HEAD.c.id == _HEAD_ID).values(seq=_HEAD.c.seq)
                          .returning(_HEAD.c.seq, _HEAD.c.hash)).first()
    if row is not None:
        return row.seq, row.hash
    # No head yet (an emptied table): start after the last stored event, if any.
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS)
    session.execute(insert(_HEAD).values(id=_HEAD_ID, seq=seq, hash=last_hash))
    return seq, last_hash


def redact(session, actor, instance, replacements, **details):
    """Replace the details of stored events, and record it as one REDACTION event of `instance`.

    `replacements` are (event, new details) pairs. Each event keeps its hash and
    its `details_digest` (the digest of what it first said); the REDACTION event
    lists the digest of each one's new details (`redacted`: {seq: digest}) with
    `details` (e.g. the persons and fields erased). `audit_verify` accepts a
    changed event only when the latest REDACTION naming it, later in the chain,
    holds the digest of what it says now.
    """
    redacted = {}
    for event, new in replacements:
        event.details = json.loads(json.dumps(new))
        redacted[str(event.seq)] = digest(event.details)
    return record(session, REDACTION, actor, instance, redacted=redacted, **details)


def _forget(session, transaction):
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        seals.forget(session)


sa_event.listen(Session, "before_commit", _seal)
sa_event.listen(Session, "after_transaction_end", _forget)


def changes(before, after):
    """Old and new value of every key whose value differs between two data dicts."""
    result = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if old != new:
            result[key] = {"old": None if old is _MISSING else old, "new": None if new is _MISSING else new}
    return result


def history(session, instance_id, with_reads=False):
    """An instance's events in the order they happened (reads of the file only if asked)."""
    query = select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)
    if not with_reads:
        query = query.where(AuditEvent.kind.not_in(READ_KINDS))
    return list(session.scalars(query))


def details_of(event):
    """What an event's use case recorded: its details without the seals its commit added (`seals`)."""
    return {name: value for name, value in event.details.items() if name != seals.KEY}


def event_dict(event, hidden=frozenset()):
    """The API shape of a history event; `hidden` fields are left out of its changes."""
    details = details_of(event)
    changes = {name: change for name, change in details.get("changes", {}).items() if name not in hidden}
    if "changes" in details:
        details["changes"] = changes
    return {"seq": event.seq, "at": as_utc(event.at).isoformat(), "actor": event.actor, "kind": event.kind,
            "task_id": event.task_id, "element_id": event.element_id, "region": event.region,
            "changes": changes, "details": details}
