"""Refused accesses in the audit trail: who was refused what, and when (`access_refused`).

The engine decides what someone may read or do, and says what it refused: a
`Forbidden` carries the file, task, person or procedure concerned as the
params `instance_id`, `task_id`, `person_id` or `process_key` (none for a
page reserved to some roles, such as the audit pages). Every refusal is answered
by the web layer, which calls `record_refusal` once for it: a 403, or a 404 like an
id that does not exist when the actor may not see the file, task or person (`Hidden`).
"""
from sqlalchemy import select

from engine import audit
from engine.store.tables import Instance, Person, TaskRow

KIND = "access_refused"
SUBJECTS = ("instance_id", "task_id", "person_id", "process_key")


def record_refusal(uow, actor, error, page, method="GET"):
    """Log that `actor` was refused what `error` (a Forbidden) names, at `page`, in a transaction of its own.

    The event names the file (its process and, where known, its region: the
    task's, the person's or the file's own), else the actor's region, so that
    a region's search finds it. What the refused call had started is long
    rolled back: only this event is written.
    """
    subject = {name: error.params[name] for name in SUBJECTS if error.params.get(name) is not None}
    with uow:
        found = _resolve(uow.session, subject)
    details = {"page": page, "method": method, "actor_region": actor.region}
    if found.get("person_id") is not None:
        details["person_id"] = found["person_id"]
    if error.params.get("reason"):
        details["reason"] = error.params["reason"]
    # A write with no read before it, in its own transaction (see audit.record_read).
    with uow:
        audit.record(uow.session, KIND, actor.username, instance_id=found.get("instance_id"),
                     task_id=found.get("task_id"), process_key=found.get("process_key"),
                     region=found.get("region") or actor.region, **details)
        uow.commit()


def _resolve(session, subject):
    """The subject completed from the database: the task's file, the file's process, the region concerned."""
    found = dict(subject)
    task = session.get(TaskRow, str(subject["task_id"])) if "task_id" in subject else None
    if task is not None:
        found.update(instance_id=task.instance_id, process_key=task.process_key)
        found["region"] = task.region
    instance = session.get(Instance, found["instance_id"]) if isinstance(found.get("instance_id"), int) else None
    if instance is not None:
        found["process_key"] = instance.process_key
        found["region"] = found.get("region") or file_region(session, instance)
    person = session.get(Person, subject["person_id"]) if isinstance(subject.get("person_id"), int) else None
    if person is not None:
        found["region"] = person.region
    return found


def file_region(session, instance):
    """The regional directorate of a file: that of its tasks when they are all in one, else the region
    of the agent who opened it, else None (a file spread over several regions, or central only)."""
    regions = set(session.scalars(select(TaskRow.region).distinct().where(TaskRow.instance_id == instance.id,
                                                                        TaskRow.region.is_not(None))))
    if len(regions) == 1:
        return regions.pop()
    return None if regions else (instance.data or {}).get("region_initiateur")
