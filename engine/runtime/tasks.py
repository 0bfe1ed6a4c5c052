"""Inbox, claim, unclaim and complete: the use cases of the people doing the work."""
from dataclasses import replace
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select, update

from engine import audit, people
from engine.accounts.access import can_work, sees_everything, work_filter
from engine.accounts.regions import RegionsWhenRead
from engine.accounts.roles import REGIONAL_ROLES
from engine.definitions import forms
from engine.definitions.forms import ui_filename
from engine.definitions.workflows import load_workflow, version_forms
from engine.errors import Conflict, Forbidden, Hidden, NotFound
from engine.people import employers, transfers
from engine.people.employer_history import task_employer
from engine.people.regional import person_regions, regional_view
from engine.people.sensitive import hidden_fields, redact
from engine.records import candidatures
from engine.runtime.instances import instance_dict
from engine.runtime import convocations, projection
from engine.runtime.projection import task_dict, task_dicts
from engine.runtime.spawn import run_step
from engine.runtime.summary import file_summary
from engine.store.tables import Instance, TaskRow, utcnow
from engine.store.uow import first_writer_wins


INBOX_PAGE = 50  # tasks on one page of an inbox


def list_open_tasks(uow, actor, mine=False):
    """READY tasks the actor may work on (their roles; regional roles only their region), soonest due first."""
    with uow:
        return task_dicts(uow.session, uow.session.scalars(_open_tasks(actor, mine)).all(), actor)


def inbox_page(uow, actor, mine=False, page=1, per_page=INBOX_PAGE):
    """One page of `list_open_tasks`: {"tasks", "total", "page", "pages", "per_page"} (past the last: the last)."""
    with uow:
        session = uow.session
        total = session.scalar(_open_tasks(actor, mine).order_by(None).with_only_columns(func.count()))
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        rows = session.scalars(_open_tasks(actor, mine).limit(per_page).offset((page - 1) * per_page)).all()
        return {"tasks": task_dicts(session, rows, actor), "total": total, "page": page, "pages": pages, "per_page": per_page}


def _open_tasks(actor, mine):
    query = select(TaskRow).where(TaskRow.state == "ready", work_filter(actor))
    if mine:
        query = query.where(TaskRow.assignee == actor.username)
    # Soonest due first, then those without a due date, oldest first: the order of the open tasks' index
    # (ix_tasks_open), so that a page reads its tasks in order instead of sorting every open task.
    return query.order_by(TaskRow.due_at.asc().nulls_last(), TaskRow.created_at, TaskRow.id)


def get_task(uow, actor, task_id, value_text=None, title_text=None):
    """One task with its form (`{"schema", "ui"}`, choices filled in) and its current data.

    `file` and `offer` summarise what earlier steps recorded; `value_text(schema, value)` writes each
    value, `title_text(title)` each field's title (the pages pass them in the reader's language and
    formats; by default French, ISO dates).
    """
    with uow:
        session = uow.session
        row, instance = _readable_row(session, actor, task_id)
        [result] = task_dicts(session, [row], actor)
        data = dict(instance.data)
        if row.state == "ready":
            data = dict(load_workflow(instance.version, instance.state).get_task_from_id(UUID(row.id)).data)
        choices = _choices(session, row, data, actor)
        result["form"] = task_form(instance.version, row.form, choices)
        data, result["other_regions_persons"] = regional_view(redact(data, hidden_fields(instance.version, actor)),
                                                              actor, person_regions(session, data, actor))
        result["data"] = data
        result["file"] = file_summary(instance.version, data, choices, skip_form=row.form, value_text=value_text,
                                      title_text=title_text)
        result["offer"] = _offer_summary(session, instance, actor, choices, value_text, title_text)
        result["employer"] = task_employer(session, actor, instance.version.forms.get(row.form), data, instance.id) \
            if row.form else None
        result["instance_status"] = instance.status
        result["instance_error"] = {"message": instance.error_message, "element_id": instance.error_element} \
            if instance.status == "error" else None
    # A task page shows what earlier steps recorded about the person: a read of the file.
    audit.record_read(uow, actor, result["instance_id"], result["process_key"], via="task")
    return result


def submission_form(uow, actor, task_id):
    """A task's title and form schema with its choices: enough to read a submission, whose long lists
    of choices are typed by their titles.

    Raises NotFound or Forbidden like `get_task`. The workflow is loaded only when the form takes
    choices from the task's data (`x-choices-from`); nothing is recorded as read.
    """
    with uow:
        session = uow.session
        row, instance = _readable_row(session, actor, task_id)
        schema = instance.version.forms.get(row.form) or {"type": "object", "properties": {}}
        data = {}
        if row.state == "ready" and forms.choices_from_data(schema):
            data = load_workflow(instance.version, instance.state).get_task_from_id(UUID(row.id)).data
        return {"title": row.title, "schema": forms.expand(schema, _choices(session, row, data))}


def task_form(version, filename, choices):
    """A form of a deployed version, with reference choices (regions, countries, persons...) filled in."""
    if not filename:
        return {"schema": {"type": "object", "properties": {}}, "ui": {}}
    return {"schema": forms.expand(version.forms[filename], choices),
            "ui": version.forms.get(ui_filename(filename), {})}


def _offer_summary(session, instance, actor, choices, value_text, title_text):
    """What the offer at the root of the file's chain recorded (employer, post, conditions), labelled
    from its forms (with the task's `choices`, read on the offer's data): the later procedures' tasks
    (preselection, evaluation, selection, departure) need it."""
    offer = session.get(Instance, instance.root_id) if instance.root_id else None
    if offer is None:
        return []
    data = redact(offer.data, hidden_fields(offer.version, actor))
    return file_summary(offer.version, data, replace(choices, data=data), value_text=value_text,
                        title_text=title_text)


def _choices(session, row, data, reader=None):
    """Where the task's reference fields take their choices from.

    Without a `reader` (checking a submission) or for whoever may work on the open task, persons
    are listed from the registry as the form says; anyone else reading the task sees only the
    persons its data already names, and a counsellor only those of their own region.
    """
    persons = people.person_choices(session)
    if reader is not None and not (row.state == "ready" and can_work(reader, row)):
        own = reader.region if reader.roles & REGIONAL_ROLES and not sees_everything(reader) else None
        persons = people.person_choices(session, only=_named_ids(data), region=own)
    return forms.Choices(regions=RegionsWhenRead(session), persons=persons, data=data, region=row.region)


def _named_ids(data):
    """The person numbers a file's data may name: its whole numbers, alone or in lists."""
    values = [v for value in data.values() for v in (value if isinstance(value, list) else [value])]
    return {int(v) for v in values if isinstance(v, int) and not isinstance(v, bool) or str(v).isdigit()}


def claim_task(uow, actor, task_id):
    """Take a READY task for oneself. Conflict if someone else holds it."""
    with uow:
        session = uow.session
        row, instance = _workable_row(session, actor, task_id)
        if row.assignee == actor.username:
            return task_dict(row)
        claimed = session.execute(update(TaskRow).where(TaskRow.id == row.id, TaskRow.state == "ready",
                                                        TaskRow.assignee.is_(None))
                                  .values(assignee=actor.username))
        if claimed.rowcount != 1:
            raise Conflict(f"task {task_id} is already claimed", reason="claimed")
        audit.record(session, "task_claimed", actor.username, instance, task_id=row.id, element_id=row.name,
                     changes={"assignee": {"old": None, "new": actor.username}})
        uow.commit()
        session.refresh(row)
        return task_dict(row)


def unclaim_task(uow, actor, task_id):
    """Give a task back to the role's shared inbox; only its holder may do so."""
    with uow:
        session = uow.session
        row, instance = _workable_row(session, actor, task_id)
        if row.assignee != actor.username:
            raise Conflict(f"task {task_id} is not claimed by you", reason="not_claimed")
        row.assignee = None
        audit.record(session, "task_unclaimed", actor.username, instance,
                     task_id=row.id, element_id=row.name, changes={"assignee": {"old": actor.username, "new": None}})
        uow.commit()
        return task_dict(row)


def complete_task(uow, actor, task_id, data, employer=None):
    """Validate `data` against the task's form, complete the task and run the engine.

    A form about an employer (`x-employer` marks) finds or creates it in the register: `employer`
    (an `employers.Choice`) says which of the registered employers it matched it is, or that it is none
    of them; without it, a match raises `employers.PossibleEmployerDuplicate` (see engine.people.employers).

    Instance state, task projection and audit events are written in one
    transaction guarded by the instance's version counter: of two people
    completing the same task, one succeeds and the other gets Conflict.
    Raises NotFound, Forbidden, Conflict or ValidationFailed (nothing written).
    Returns the instance as a dict, with its next open tasks.
    """
    with uow, first_writer_wins(f"task {task_id} was completed by someone else meanwhile"):
        session = uow.session
        row, instance = _workable_row(session, actor, task_id)
        if row.assignee not in (None, actor.username):
            raise Conflict(f"task {task_id} is claimed by {row.assignee}", reason="claimed",
                           assignee=row.assignee)
        workflow = load_workflow(instance.version, instance.state)
        task = workflow.get_task_from_id(UUID(row.id))
        if not task.has_state(TaskState.READY):
            raise Conflict(f"task {task_id} is no longer open", reason="not_open")
        version = instance.version
        forms.validate_form((version.id, version.checksum, row.form), version_forms(version).get(row.form, {}),
                            _choices(session, row, task.data), data)
        extra = employers.on_completion(session, actor, instance, row.id, version_forms(version).get(row.form, {}),
                                        task.data, data, employer)
        before = dict(task.data)
        task.data.update(data)
        task.data.update(extra)
        row.state, row.completed_at, row.completed_by = "completed", utcnow(), actor.username
        row.assignee = row.assignee or actor.username
        audit.record(session, "task_completed", actor.username, instance, task_id=row.id, element_id=row.name,
                     changes=audit.changes(before, task.data))
        # What the step tells candidates and employers is queued with it (sent later): in the history, after it.
        convocations.note(session, instance, task, actor.username)
        run_step(session, instance, workflow, actor.username, step=task.run)
        if task.has_state(TaskState.COMPLETED):
            transfers.note(session, instance, task, actor.username)
            if candidatures.records_candidatures(version_forms(instance.version).get(row.form)):
                candidatures.settle_invitations(session, instance, row, task.data, actor.username)
        uow.commit()
        return instance_dict(session, instance, actor=actor, open_rows=projection.open_rows(session, instance))


def _task_row(session, task_id):
    """The task's row and its instance, read in one query."""
    found = session.execute(select(TaskRow, Instance).join(Instance, Instance.id == TaskRow.instance_id)
                            .where(TaskRow.id == str(task_id))).first()
    if found is None:
        raise NotFound(f"no task {task_id}")
    return found.TaskRow, found.Instance


def _readable_row(session, actor, task_id):
    row, instance = _task_row(session, task_id)
    if not (can_work(actor, row) or sees_everything(actor)):
        raise Hidden(f"task {task_id} is not yours", task_id=row.id)
    return row, instance


def workable_row(session, actor, task_id):
    """The task `task_id` and its instance, if `actor` may work on it now (NotFound, Forbidden, Conflict)."""
    return _workable_row(session, actor, task_id)


def _workable_row(session, actor, task_id):
    row, instance = _task_row(session, task_id)
    if not can_work(actor, row):  # one who may read the task is told it is not theirs; others, that it is not there
        raise (Forbidden if sees_everything(actor) else Hidden)(f"task {task_id} is not yours", task_id=row.id)
    if row.state != "ready":
        if row.state == "cancelled" and instance.status == "cancelled":
            raise Conflict(f"the file of task {task_id} was cancelled", reason="instance_cancelled",
                           instance_id=row.instance_id)
        raise Conflict(f"task {task_id} is no longer open ({row.state})", reason="not_open")
    return row, instance
