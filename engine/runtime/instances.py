"""Start instances and read them with their tasks and history."""
import json
import re

from sqlalchemy import and_, func, select
from sqlalchemy.orm import load_only

from engine import audit
from engine.accounts.access import (
    can_read_instance,
    can_start,
    can_work,
    may_retry,
    owns_instance,
    sees_everything,
    work_filter,
)
from engine.accounts.roles import REGIONAL_ROLES
from engine.definitions.catalog import latest_version
from engine.definitions.workflows import load_workflow
from engine.errors import Conflict, FieldError, Forbidden, Hidden, NotFound, ValidationFailed
from engine.people.regional import history_view, person_regions, regional_view
from engine.people.sensitive import hidden_fields, redact
from engine.runtime.cancel import REASON_LIMIT, close
from engine.runtime.progress import retry_step
from engine.runtime import projection
from engine.runtime.projection import task_dicts
from engine.runtime.spawn import create_instance, lock_version_row, run_step, same_key
from engine.store.folding import folded, like_pattern
from engine.store.tables import Instance, ProcessVersion, TaskRow, as_utc
from engine.store.uow import first_writer_wins

STATUSES = ("running", "waiting", "completed", "error", "cancelled")
CANCELLABLE = ("running", "waiting", "error")  # a file may be cancelled until it ends
FILES_PAGE = 50  # files a page of the files list shows


def list_processes(uow):
    """The latest version of every deployed process, as dicts."""
    newest = (select(ProcessVersion.process_key, func.max(ProcessVersion.version).label("version"))
              .group_by(ProcessVersion.process_key).subquery())
    query = (select(ProcessVersion).join(newest, (ProcessVersion.process_key == newest.c.process_key)
                                         & (ProcessVersion.version == newest.c.version))
             .options(load_only(ProcessVersion.process_key, ProcessVersion.name, ProcessVersion.version,
                                ProcessVersion.start_role, ProcessVersion.start_message, ProcessVersion.deployed_at,
                                ProcessVersion.deployed_by))
             .order_by(ProcessVersion.process_key))
    with uow:
        return [{"key": v.process_key, "name": v.name, "version": v.version, "start_role": v.start_role,
                 "start_message": v.start_message,
                 "deployed_at": as_utc(v.deployed_at).isoformat(), "deployed_by": v.deployed_by}
                for v in uow.session.scalars(query)]


def start_instance(uow, actor, process_key, business_key, data=None):
    """Start the latest version of `process_key` for `business_key` (e.g. the offer's reference).

    Runs the engine steps up to the first user tasks, in one transaction.
    A regional agent's own region is added to the data as `region_initiateur`,
    so that the first tasks of a file they open stay in their region.
    Raises NotFound (no such process), Forbidden (actor lacks the start
    event's role, or the process is opened only by another procedure's
    message) or Conflict (a file of this process, unfinished or finished but
    not cancelled, already has this key, whatever its case: its id is the
    `instance_id` param). A new key is kept as typed, without surrounding spaces.
    Files opened by another file (`spawn.run_step`) are not held to this rule.
    Returns the instance as a dict.
    """
    business_key = (business_key or "").strip()
    limit = Instance.__table__.c.business_key.type.length
    if not business_key:
        raise ValidationFailed([FieldError("business_key", "required")])
    if len(business_key) > limit:  # PostgreSQL would refuse the row, SQLite would store it
        raise ValidationFailed([FieldError("business_key", "maxLength", {"limit": limit})])
    _check_start_data(data)
    with uow:
        session = uow.session
        version = latest_version(session, process_key)
        if not can_start(actor, version):
            raise Forbidden(f"role '{version.start_role}' is needed to start '{process_key}'", process_key=process_key)
        lock_version_row(session, version)
        existing = _carrying(session, process_key, business_key)
        if existing is not None:
            raise Conflict(f"the '{process_key}' instance {existing} already has the key '{business_key}'",
                           reason="business_key_taken", business_key=business_key, instance_id=existing)
        if actor.region and actor.roles & REGIONAL_ROLES:
            data = {**(data or {}), "region_initiateur": actor.region}
        instance = create_instance(session, version, actor.username, business_key, data)
        uow.commit()
        return instance_dict(session, instance, actor=actor, open_rows=projection.open_rows(session, instance))


def _carrying(session, process_key, business_key):
    """The id of the file of `process_key` that carries `business_key` (a cancelled one does not), or None.

    References are compared without case: `off-2026-101` is the file `OFF-2026-101`, not a second one."""
    query = (select(Instance.id).where(Instance.process_key == process_key, same_key(business_key),
                                       Instance.status != "cancelled")
             .order_by(Instance.status == "completed", Instance.id.desc()).limit(1))
    return session.scalars(query).first()


START_DATA_BYTES = 256 * 1024  # what a file may be given at its start, as JSON
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")


def _check_start_data(data):
    """A file's start data: an object of at most START_DATA_BYTES, whose fields are plain names."""
    if data is None:
        return
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("data", "type", {"expected": "object"})])
    wrong = sorted(key for key in data if not _FIELD_NAME.fullmatch(str(key)))
    if wrong:
        raise ValidationFailed([FieldError(f"data.{key}"[:120], "field_name") for key in wrong[:10]])
    if len(json.dumps(data, default=str)) > START_DATA_BYTES:
        raise ValidationFailed([FieldError("data", "too_large", {"limit": START_DATA_BYTES // 1024})])


def get_instance(uow, actor, instance_id, with_history=False):
    """Read one instance with its open tasks (and its history); NotFound or Forbidden.

    The read is logged (`file_read`) in a transaction of its own before the
    file is returned; if the log cannot be written, nothing is returned.
    """
    with uow:
        instance = load_readable(uow.session, actor, instance_id)
        result = instance_dict(uow.session, instance, actor=actor)
        result["related"] = related(uow.session, instance, actor)
        result["can_cancel"] = instance.status in CANCELLABLE and owns_instance(uow.session, actor, instance)
        result["can_retry"] = instance.status == "error" and may_retry(uow.session, actor, instance)
        if with_history:
            hidden = hidden_fields(instance.version, actor)
            events = [audit.event_dict(e, hidden) for e in audit.history(uow.session, instance.id)]
            result["history"] = history_view(events, instance.data, actor,
                                             person_regions(uow.session, instance.data, actor))
    audit.record_read(uow, actor, result["id"], result["process_key"], via="history" if with_history else "file")
    return result


def related(session, instance, actor=None):
    """Every instance of the same chain (an offer and all that followed from it), oldest first;
    with `actor`, each says whether they may open it (`openable`), so that pages link only those."""
    root = instance.root_id or instance.id
    query = (select(Instance).where((Instance.id == root) | (Instance.root_id == root))
             .options(load_only(Instance.id, Instance.process_key, Instance.business_key, Instance.status,
                                Instance.parent_id, Instance.process_version_id))
             .order_by(Instance.id))
    return [{"id": i.id, "process_key": i.process_key, "process_name": i.version.name,
             "business_key": i.business_key, "status": i.status, "parent_id": i.parent_id,
             "openable": actor is None or can_read_instance(session, actor, i)}
            for i in session.scalars(query) if i.id != instance.id]


def load_readable(session, actor, instance_id):
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound(f"no instance {instance_id}")
    if not can_read_instance(session, actor, instance):
        raise Hidden(f"instance {instance_id} is not one of your files", instance_id=instance.id)
    return instance


def list_instances(uow, actor, process=None, status=None, business_key=None, q=None, limit=200, cursor=None):
    """Instances the actor may read, newest first, filtered by process, status, business key (exact) and
    `q` (see `instances_page`); at most `limit`, those older than the file `cursor` (an id) when given."""
    query = _readable(actor, process, status, business_key, q)
    if cursor:
        query = query.where(Instance.id < cursor)
    with uow:
        rows = uow.session.scalars(query.order_by(Instance.id.desc()).limit(limit))
        return [instance_dict(uow.session, i, with_tasks=False, actor=actor) for i in rows]


def count_instances(uow, actor, process=None, status=None, business_key=None, q=None):
    """How many instances `list_instances` finds with these filters, on every page."""
    with uow:
        query = _readable(actor, process, status, business_key, q)
        return uow.session.scalar(query.with_only_columns(func.count(Instance.id)))


def instances_page(uow, actor, process=None, status=None, business_key=None, q=None, page=1, per_page=FILES_PAGE):
    """One page of files, newest first: {"instances", "total", "page", "pages", "per_page"} (past the last:
    the last). `q` finds part of a reference or of a procedure's name, without case or accents
    ("off-2026-104" and "104" find OFF-2026-104)."""
    with uow:
        session = uow.session
        query = _readable(actor, process, status, business_key, q)
        total = session.scalar(query.with_only_columns(func.count(Instance.id)))
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        rows = session.scalars(query.order_by(Instance.id.desc()).limit(per_page).offset((page - 1) * per_page))
        return {"instances": [instance_dict(session, i, with_tasks=False, actor=actor) for i in rows],
                "total": total, "page": page, "pages": pages, "per_page": per_page}


def _readable(actor, process, status, business_key, q):
    query = select(Instance)
    if process:
        query = query.where(Instance.process_key == process)
    if status:
        query = query.where(Instance.status == status)
    if business_key:
        query = query.where(Instance.business_key == business_key)
    if q and q.strip():
        words = [like_pattern(word) for word in q.split()]
        named = select(ProcessVersion.id).where(
            and_(*[folded(ProcessVersion.name).like(word, escape="\\") for word in words]))
        query = query.where(and_(*[folded(Instance.business_key).like(word, escape="\\") for word in words])
                            | Instance.process_version_id.in_(named))
    if not sees_everything(actor):
        mine = select(TaskRow.instance_id).where(work_filter(actor))
        query = query.where(Instance.id.in_(mine) | (Instance.started_by == actor.username))
    return query


def instance_dict(session, instance, with_tasks=True, actor=None, open_rows=None):
    """The API shape of an instance (health data left out for roles that do not need it).

    `open_rows`: the rows of its open tasks when the caller holds them (the step that just ran, see
    `projection.open_rows`), else they are read.
    """
    result = {"id": instance.id, "process_key": instance.process_key, "version": instance.version.version,
              "process_name": instance.version.name, "business_key": instance.business_key,
              "status": instance.status, "started_at": as_utc(instance.started_at).isoformat(),
              "started_by": instance.started_by,
              "ended_at": as_utc(instance.ended_at).isoformat() if instance.ended_at else None,
              "data": redact(instance.data, hidden_fields(instance.version, actor)), "error": None, "parent_id": instance.parent_id,
              "root_id": instance.root_id, "cancel_reason": instance.cancel_reason}
    result["data"], result["other_regions_persons"] = regional_view(result["data"], actor,
                                                                    person_regions(session, result["data"], actor))
    if instance.status == "error":
        result["error"] = {"message": instance.error_message, "element_id": instance.error_element}
    if with_tasks:
        rows = open_rows
        if rows is None:
            rows = session.scalars(select(TaskRow).where(TaskRow.instance_id == instance.id,
                                                         TaskRow.state == "ready").order_by(TaskRow.created_at)).all()
        result["tasks"] = task_dicts(session, rows, actor)
        if actor is not None:  # pages link only the tasks the reader may open
            for task, row in zip(result["tasks"], rows):
                task["openable"] = can_work(actor, row) or sees_everything(actor)
    return result


def retry_instance(uow, actor, instance_id):
    """Run again the elements of an instance in `error` (after its cause was fixed).

    The failed elements run again (`progress.retry_step`), then the engine steps,
    in one transaction; if they fail again the instance stays in `error`.
    Only the file's owners and the process owners may (`access.may_retry`): `direction` gets Forbidden.
    Raises Conflict if the instance is not in error.
    """
    with uow:
        session = uow.session
        instance = load_readable(session, actor, instance_id)
        if not may_retry(session, actor, instance):
            raise Forbidden(f"instance {instance_id} is not yours to retry", reason="retry_not_allowed",
                            instance_id=instance.id)
        _refuse_cancelled(instance)
        if instance.status != "error":
            raise Conflict(f"instance {instance_id} is not in error", reason="not_in_error")
        workflow = load_workflow(instance.version, instance.state)
        audit.record(session, "instance_retried", actor.username, instance,
                     element_id=instance.error_element)
        def caught(task, sender, details):  # a letter whose catch had failed, caught now
            audit.record(session, f"{details['type']}_received", sender, instance,
                         element_id=task.task_spec.bpmn_id, **details)
        run_step(session, instance, workflow, actor.username, step=retry_step(workflow, caught))
        uow.commit()
        return instance_dict(session, instance, actor=actor)


def cancel_instance(uow, actor, instance_id, reason):
    """Cancel a file, with the reason why (required, at most REASON_LIMIT characters).

    Its open tasks, its timers (BPMN timers, reminders, escalations) and the
    unfinished files that descend from it (opened by it, or by those it opened)
    are closed with the same reason; each becomes `cancelled`, its business
    records say so, and `instance_cancelled` events record who, why and which
    files were closed with it; all in one transaction. A cancelled file no
    longer carries its business key: another may be opened with it.
    Who may: `admin`, and the roles that own the file (see `access.owns_instance`).
    Only an unfinished file (running, waiting or in error) may be: a completed one keeps what it recorded
    (a withdrawn or satisfied offer stays so in the statistics) and its reference.
    Raises NotFound, Forbidden, ValidationFailed (no reason, or too long; after the
    access checks) or Conflict (already cancelled, finished, or changed meanwhile: nothing written).
    Returns the instance as a dict.
    """
    # A step written meanwhile (on the file or on one it opened) moved a version counter on: nothing is written.
    with uow, first_writer_wins(f"instance {instance_id} changed meanwhile", reason="file_changed"):
        session = uow.session
        instance = load_readable(session, actor, instance_id)
        if not owns_instance(session, actor, instance):
            raise Forbidden(f"instance {instance_id} is not yours to cancel", reason="cancel_not_allowed",
                            instance_id=instance.id)
        _refuse_cancelled(instance)
        if instance.status not in CANCELLABLE:  # what it recorded stays: the statistics count it as it ended
            raise Conflict(f"instance {instance_id} is finished: it cannot be cancelled", reason="instance_finished",
                           instance_id=instance.id)
        reason = checked_reason(reason)
        close(session, instance, actor.username, reason)
        uow.commit()
        return instance_dict(session, instance, actor=actor)


def checked_reason(reason):
    """The reason without surrounding spaces; ValidationFailed if it is not text, blank or too long."""
    if reason is not None and not isinstance(reason, str):
        raise ValidationFailed([FieldError("reason", "type", {"expected": "string"})])
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([FieldError("reason", "required")])
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed([FieldError("reason", "maxLength", {"limit": REASON_LIMIT})])
    return reason


def _refuse_cancelled(instance):
    if instance.status == "cancelled":
        raise Conflict(f"instance {instance.id} was cancelled", reason="instance_cancelled", instance_id=instance.id)
