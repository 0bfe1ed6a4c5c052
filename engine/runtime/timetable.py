"""What is due when: keep an instance's rows in `timers` in step with its state.

Three kinds of rows, written in the same transaction as the instance state
(so a restart loses none):
- `bpmn`: a timer event the instance waits on (intermediate, boundary, cycle, an event-based gateway's);
- `reminder`: before a user task's due date, to its assignee or its role;
- `escalation`: at the due date, to the heads (role `chef`) of the task's role.
"""
from datetime import datetime, timedelta, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import insert, select

from engine.runtime import projection
from engine.store.tables import TaskRow, Timer, as_utc

REMIND_BEFORE = timedelta(days=1)


def sync(session, instance, workflow):
    """Add rows for what the instance now waits on; cancel pending rows it no longer waits on.

    A cancelled row wanted again (an instance retried after an error) is pending again;
    a fired row is never fired twice.
    """
    wanted = dict(_bpmn_timers(workflow))
    wanted.update(_deadlines(session, instance))
    for timer in session.scalars(select(Timer).where(Timer.instance_id == instance.id)):
        key = (timer.kind, timer.task_id, as_utc(timer.due_at))
        if key in wanted:
            wanted.pop(key)
            if timer.status == "cancelled":
                timer.status = "pending"
        elif timer.status == "pending":
            timer.status = "cancelled"
    if wanted:  # one statement for all the new rows
        session.execute(insert(Timer), [{"kind": kind, "instance_id": instance.id, "task_id": task_id,
                                         "element_id": element_id, "due_at": due, "status": "pending",
                                         "attempts": 0}
                                        for (kind, task_id, due), element_id in wanted.items()])


def _deadlines(session, instance):
    rows = projection.open_rows(session, instance)  # those the step's projection holds, else read
    if rows is None:
        session.flush()
        rows = session.scalars(select(TaskRow).where(TaskRow.instance_id == instance.id, TaskRow.state == "ready"))
    for row in rows:
        if row.due_at is None:
            continue
        due, created = as_utc(row.due_at), as_utc(row.created_at)
        yield ("reminder", row.id, due - min(REMIND_BEFORE, (due - created) / 2)), row.name
        yield ("escalation", row.id, due), row.name


def _bpmn_timers(workflow):
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MultipleEventDefinition):  # an event-based gateway: its timer branch
            definition = next((d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)), None)
        if isinstance(definition, TimerEventDefinition):
            due = _due(task, definition)
            if due is not None:
                yield ("bpmn", str(task.id), due), task.task_spec.bpmn_id


def _due(task, definition):
    value = task._get_internal_data("event_value")
    if isinstance(definition, CycleTimerEventDefinition):
        if not value or value.get("cycles") == 0:
            return None
        value = value["next"]
    if value is None:
        return None
    due = datetime.fromisoformat(value) if isinstance(value, str) else value
    return due if due.tzinfo else due.replace(tzinfo=timezone.utc)
