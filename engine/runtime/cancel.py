"""Close files by hand: who may cancel a file, and what cancelling it closes.

`spawn` creates files and `progress` moves them on; this module stops them. A
cancelled file keeps its state, but SpiffWorkflow's open tasks are cancelled too,
so that the tasks table, the timers and the file's diagram all say that nothing
is open any more. The use case is `instances.cancel_instance`.
"""
from sqlalchemy import select

from engine import audit, records
from engine.definitions.workflows import load_workflow, state_of
from engine.runtime import projection, timetable
from engine.store.tables import Instance, utcnow

# The longest reason kept (the column's length).
REASON_LIMIT = Instance.__table__.c.cancel_reason.type.length
FINISHED = ("completed", "cancelled")


def close(session, instance, actor, reason):
    """Cancel `instance` and every unfinished file descending from it, with `reason`; the caller commits.

    Each gets an `instance_cancelled` event: the file cancelled by hand names the files
    closed with it (`children`), each of those names it (`cancelled_with`).
    Returns the ids of the descendants cancelled.
    """
    descendants = _unfinished_descendants(session, instance)
    children = [child.id for child in descendants]
    _cancel(session, instance, reason)
    audit.record(session, "instance_cancelled", actor, instance, reason=reason, children=children)
    for child in descendants:
        _cancel(session, child, reason)
        audit.record(session, "instance_cancelled", actor, child, reason=reason, cancelled_with=instance.id)
    return children


def _cancel(session, instance, reason):
    workflow = load_workflow(instance.version, instance.state)
    workflow.cancel()
    instance.state = state_of(workflow)
    instance.status, instance.cancel_reason, instance.ended_at = "cancelled", reason, utcnow()
    projection.sync(session, instance, workflow)  # its open tasks become `cancelled`
    timetable.sync(session, instance, workflow)  # and so do its pending timers, reminders and escalations
    records.project(session, instance)


def _unfinished_descendants(session, instance):
    """The unfinished files opened by `instance`, by the files it opened, and so on (oldest first)."""
    found, parents = [], [instance.id]
    while parents:
        children = session.scalars(select(Instance).where(Instance.parent_id.in_(parents))
                                   .order_by(Instance.id)).all()
        found += [child for child in children if child.status not in FINISHED]
        parents = [child.id for child in children]
    return found
