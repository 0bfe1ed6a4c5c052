"""Fire what is due: BPMN timers, task reminders and escalations (rows kept by `timetable`).

`fire_due_timers(uow, now)` fires what is due at `now`, each timer in its own
transaction; a conditional UPDATE claims the row, so two schedulers never fire
the same timer twice.
"""
from datetime import datetime, timedelta, timezone
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update

from engine import audit
from engine.accounts.notifications import holders, notify
from engine.definitions.workflows import load_workflow
from engine.runtime.spawn import run_step
from engine.store.tables import Instance, TaskRow, Timer, as_utc, utcnow

SCHEDULER = "planificateur"
MAX_ATTEMPTS = 3
RETRY_DELAY = timedelta(minutes=5)
_PAST = datetime(1970, 1, 1, tzinfo=timezone.utc).isoformat()


def fire_due_timers(uow, now=None, mailer=None, limit=200):
    """Fire every pending timer due at `now` (default: the current time).

    Each fires in its own transaction. Returns a list of (timer id, outcome),
    outcome being `fired`, `skipped` (another scheduler had it), `cancelled`
    (nothing waits on it any more), `retry` or `failed`.
    """
    now = now or utcnow()
    with uow:
        due = uow.session.scalars(select(Timer.id).where(Timer.status == "pending", Timer.due_at <= now)
                                  .order_by(Timer.due_at).limit(limit)).all()
    return [(timer_id, fire_timer(uow, timer_id, now, mailer)) for timer_id in due]


def next_due(uow):
    """When the next pending timer is due, or None."""
    with uow:
        found = uow.session.scalars(select(Timer.due_at).where(Timer.status == "pending")
                                    .order_by(Timer.due_at).limit(1)).first()
        return as_utc(found)


def fire_timer(uow, timer_id, now=None, mailer=None):
    """Fire one timer if it is still pending and due; see `fire_due_timers`."""
    now = now or utcnow()
    with uow:
        session = uow.session
        claimed = session.execute(update(Timer).where(Timer.id == timer_id, Timer.status == "pending",
                                                      Timer.due_at <= now)
                                  .values(status="fired", fired_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            return "skipped"
        timer = session.get(Timer, timer_id)
        outcome = _FIRE[timer.kind](session, timer, mailer)
        if outcome == "failed":
            return _failed(uow, timer_id, now)
        uow.commit()
        return outcome


def _fire_bpmn(session, timer, _mailer):
    instance = session.get(Instance, timer.instance_id)
    workflow = load_workflow(instance.version, instance.state)
    task = workflow.get_task_from_id(UUID(timer.task_id))
    if instance.status in ("completed", "cancelled", "error") or task is None \
            or not task.has_state(TaskState.WAITING):
        timer.status = "cancelled"
        return "cancelled"
    audit.record(session, "timer_fired", SCHEDULER, instance, task_id=timer.task_id,
                 element_id=timer.element_id, due_at=as_utc(timer.due_at).isoformat())
    run_step(session, instance, workflow, SCHEDULER, step=lambda: _make_due(task))
    return "failed" if instance.status == "error" else "fired"


def _make_due(task):
    """Tell SpiffWorkflow this timer's time has come (it only knows the real clock)."""
    definition = task.task_spec.event_definition
    if isinstance(definition, CycleTimerEventDefinition):
        value = task._get_internal_data("event_value")
        planned = datetime.fromisoformat(value["next"])
        value["next"] = _PAST
        task.task_spec._update(task)
        value = task._get_internal_data("event_value")
        if value and value.get("cycles"):
            # Keep the cycle on its own schedule rather than restarting it from the epoch.
            value["next"] = (planned + timedelta(seconds=value["duration"])).isoformat()
    else:
        task._set_internal_data(event_fired=True)
        task.task_spec._update(task)


def _fire_deadline(session, timer, mailer):
    row = session.get(TaskRow, timer.task_id)
    if row is None or row.state != "ready":
        timer.status = "cancelled"
        return "cancelled"
    instance = session.get(Instance, row.instance_id)
    due = as_utc(row.due_at).strftime("%d/%m/%Y")
    if timer.kind == "reminder":
        users = [u for u in holders(session, row.role, row.region) if not row.assignee or u.username == row.assignee]
        text = f"Rappel : la tâche « {row.title} » du dossier {row.business_key} est à faire avant le {due}."
    else:
        users = holders(session, "chef", row.region, also_role=row.role)
        text = f"Retard : la tâche « {row.title} » du dossier {row.business_key} devait être faite le {due}."
    notify(session, users, timer.kind, text, task=row, mailer=mailer)
    audit.record(session, f"task_{timer.kind}", SCHEDULER, instance, task_id=row.id, element_id=row.name,
                 to=sorted(u.username for u in users))
    return "fired"


_FIRE = {"bpmn": _fire_bpmn, "reminder": _fire_deadline, "escalation": _fire_deadline}


def _failed(uow, timer_id, now):
    """A timer whose instance failed: retry later, or after MAX_ATTEMPTS keep the instance in error."""
    session = uow.session
    attempts = session.get(Timer, timer_id).attempts + 1
    if attempts >= MAX_ATTEMPTS:
        timer = session.get(Timer, timer_id)
        timer.attempts, timer.status = attempts, "failed"
        timer.last_error = session.get(Instance, timer.instance_id).error_message
        uow.commit()
        return "failed"
    error = session.get(Instance, session.get(Timer, timer_id).instance_id).error_message
    session.rollback()
    timer = session.get(Timer, timer_id)
    instance = session.get(Instance, timer.instance_id)
    timer.attempts, timer.due_at, timer.last_error = attempts, now + RETRY_DELAY * attempts, error
    audit.record(session, "timer_retry", SCHEDULER, instance, task_id=timer.task_id, element_id=timer.element_id,
                 attempt=attempts)
    uow.commit()
    return "retry"
