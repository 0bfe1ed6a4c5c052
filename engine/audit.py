"""The append-only history: every state change with its actor and UTC time."""
from sqlalchemy import select

from engine.tables import AuditEvent, as_utc, utcnow

_MISSING = object()


def record(session, kind, actor, instance=None, task_id=None, element_id=None, **details):
    """Add one event to the session; it is written with the rest of the unit of work."""
    event = AuditEvent(at=utcnow(), actor=actor, kind=kind, task_id=task_id, element_id=element_id,
                       instance_id=instance.id if instance else None,
                       process_key=instance.process_key if instance else details.pop("process_key", None),
                       details=details)
    session.add(event)
    return event


def changes(before, after):
    """Old and new value of every key whose value differs between two data dicts."""
    result = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if old != new:
            result[key] = {"old": None if old is _MISSING else old, "new": None if new is _MISSING else new}
    return result


def history(session, instance_id):
    """An instance's events in the order they happened."""
    query = select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)
    return list(session.scalars(query))


def event_dict(event):
    """The API shape of a history event."""
    return {"seq": event.seq, "at": as_utc(event.at).isoformat(), "actor": event.actor, "kind": event.kind,
            "task_id": event.task_id, "element_id": event.element_id,
            "changes": event.details.get("changes", {}), "details": event.details}
