"""Keep the `tasks` table in step with the READY user tasks of an instance."""
from datetime import datetime, timedelta, timezone

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import or_, select

from engine import people
from engine.definitions.elements import parse_duration, user_task_info
from engine.store.tables import TaskRow, as_utc, utcnow


def sync(session, instance, workflow):
    """Add rows for newly READY user tasks; mark rows no longer READY as cancelled.

    The caller marks the task it completed as `completed` before calling this. One query reads
    the open rows and the earlier rows of tasks READY again; the rows open after the step are
    kept on the session for the step's timetable and answer (`open_rows`).
    """
    ready = {str(task.id): task for task in workflow.get_tasks(state=TaskState.READY, manual=True)}
    rows = session.scalars(select(TaskRow).where(TaskRow.instance_id == instance.id,
                                                 or_(TaskRow.state == "ready", TaskRow.id.in_(ready)))).all()
    found = {row.id: row for row in rows}
    for row in rows:
        if row.state == "ready" and row.id not in ready:
            row.state = "cancelled"
    opened = []
    for task_id, task in ready.items():
        row = found.get(task_id)
        if row is None:
            row = _row(instance, task)
            session.add(row)
        elif row.state != "ready":  # a task reset to READY keeps its row
            row.state, row.completed_at, row.completed_by = "ready", None, None
        opened.append(row)
    session.info.setdefault(_OPEN, {})[instance.id] = opened
    return opened


_OPEN = "djoliba.projection.open"


def open_rows(session, instance):
    """The rows of `instance`'s open tasks as its last `sync` in this session left them, oldest first,
    or None (no sync in this session, or a row changed since): then ask the database."""
    rows = session.info.get(_OPEN, {}).get(instance.id)
    if rows is None or any(row.state != "ready" or row.instance_id != instance.id for row in rows):
        return None
    return sorted(rows, key=lambda row: as_utc(row.created_at))


def refresh(session, instance, workflow):
    """Re-read title, lane, role, form, section and due date of the open rows from their task's spec.

    After a migration the same task may follow a changed element; its row keeps its id and assignee.
    """
    ready = {str(task.id): task for task in workflow.get_tasks(state=TaskState.READY, manual=True)}
    for row in session.scalars(select(TaskRow).where(TaskRow.instance_id == instance.id, TaskRow.state == "ready")):
        task = ready.get(row.id)
        if task is None:
            continue
        info = user_task_info(task.task_spec)
        row.name, row.title, row.lane, row.role = info.element_id, info.title, info.lane, info.role
        row.form, row.manual_section = info.form, info.manual_section
        row.due_at = _due_at(task, info, as_utc(row.created_at))
        row.subject = _subject(task, info)


def _row(instance, task):
    info = user_task_info(task.task_spec)
    now = utcnow()
    return TaskRow(
        id=str(task.id), instance_id=instance.id, process_key=instance.process_key,
        business_key=instance.business_key, name=info.element_id, title=info.title, lane=info.lane,
        role=info.role, region=task.data.get(info.region_variable) if info.region_variable else None,
        form=info.form, manual_section=info.manual_section, state="ready", created_at=now,
        due_at=_due_at(task, info, now), subject=_subject(task, info))


def _subject(task, info):
    """The id (as text) of the person the task is about, from its `subjectPerson` expression, or None.

    Only the id is kept here: the inbox shows the person's current label from the
    registry, so a name never outlives the person's file in this table.
    """
    if not info.subject_person:
        return None
    try:
        value = task.workflow.script_engine.evaluate(task, info.subject_person)
    except SpiffWorkflowException:  # not known yet at this step (e.g. the form that names the person)
        return None
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _due_at(task, info, now):
    """From the `dueDate` expression on the task's data (e.g. the test date plus five days), else `dueIn`;
    never later than the day the `dueBy` expression gives (the deadline negotiated with the employer)."""
    due = _moment(task, info.due_date)
    if due is None and info.due_in:
        due = now + parse_duration(info.due_in)
    latest = _moment(task, info.due_by)
    if latest is not None and (due is None or latest < due):
        return latest
    return due


def _moment(task, expression):
    """The moment an expression on the task's data gives (a plain date: the end of that day), in UTC; None
    when there is no expression or its value is missing or not a date."""
    if not expression:
        return None
    try:
        value = task.workflow.script_engine.evaluate(task, expression)
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except (SpiffWorkflowException, ValueError, TypeError):  # a missing or malformed date
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if len(str(value)) == 10:  # a plain date is due at the end of that day
        moment += timedelta(days=1, seconds=-1)
    return moment.astimezone(timezone.utc)  # as the database gives it back (SQLite keeps no offset)


def task_dicts(session, rows, reader=None):
    """The API shape of several tasks, each with the label of the person it is about (for a counsellor
    `reader`, a person of another region by their number only: see `people.labels`)."""
    ids = {int(row.subject) for row in rows if row.subject}
    labels = people.labels(session, ids, reader) if ids else {}  # one query for the whole list
    return [task_dict(row, labels) for row in rows]


def task_dict(row, labels=None):
    """The API shape of a task; `labels` maps person ids to the labels shown as the task's subject."""
    return {"id": row.id, "instance_id": row.instance_id, "process_key": row.process_key,
            "business_key": row.business_key, "name": row.name, "title": row.title, "role": row.role,
            "region": row.region, "assignee": row.assignee, "state": row.state,
            "due_at": as_utc(row.due_at).isoformat() if row.due_at else None,
            "created_at": as_utc(row.created_at).isoformat(), "manual_section": row.manual_section,
            "subject": (labels or {}).get(int(row.subject)) if row.subject else None}
