"""One file's audit timeline for managers: every event, and each step's time against its deadline."""
from sqlalchemy import select

from engine import audit
from engine.audit.search import require_audit
from engine.errors import NotFound
from engine.people.sensitive import hidden_fields
from engine.runtime.instances import instance_dict
from engine.store.tables import Instance, TaskRow, as_utc, utcnow


def timeline(uow, actor, instance_id, now=None):
    """The whole trail of one instance: {"instance", "events", "steps"}.

    `events` are every event of the file in order, reads included, each with
    its changes (old and new values); `steps` are its user tasks, oldest
    first, each with how long it took (until `now` while still open) and
    whether it was late against its due date. Since it shows the file's data,
    the read is logged (`file_read` via `audit`) before it is returned.
    Raises Forbidden unless the actor may audit, NotFound for no such instance.
    """
    require_audit(actor, instance_id=instance_id)
    now = now or utcnow()
    with uow:
        session = uow.session
        instance = session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(f"no instance {instance_id}")
        rows = session.scalars(select(TaskRow).where(TaskRow.instance_id == instance_id)
                               .order_by(TaskRow.created_at, TaskRow.id))
        steps = [step_dict(row, now) for row in rows]
        by_task = {step["id"]: step for step in steps}
        hidden = hidden_fields(instance.version, actor)
        events = [dict(audit.event_dict(event, hidden), step=by_task.get(event.task_id) if event.kind == "task_completed"
                       else None) for event in audit.history(session, instance_id, with_reads=True)]
        result = {"instance": instance_dict(session, instance, with_tasks=False, actor=actor), "events": events, "steps": steps}
    audit.record_read(uow, actor, instance_id, result["instance"]["process_key"], via="audit")
    return result


def step_dict(row, now):
    """A user task's times: `seconds` it took (so far), `late` and by how much against `due_at`."""
    created, completed, due = as_utc(row.created_at), as_utc(row.completed_at), as_utc(row.due_at)
    end = completed or (now if row.state == "ready" else None)
    return {"id": row.id, "name": row.name, "title": row.title, "role": row.role, "region": row.region,
            "state": row.state, "assignee": row.assignee, "completed_by": row.completed_by,
            "created_at": created.isoformat(), "completed_at": completed.isoformat() if completed else None,
            "due_at": due.isoformat() if due else None,
            "seconds": int((end - created).total_seconds()) if end else None,
            "late": bool(due and end and end > due),
            "late_seconds": int((end - due).total_seconds()) if due and end and end > due else 0}
