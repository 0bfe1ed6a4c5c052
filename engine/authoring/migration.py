"""Move a running instance to a newer version of its process, when SpiffWorkflow's diff says it is safe.

Safe means: nothing the instance already completed changed or disappeared in
the new version, and every element it stands on or waits at still exists. The
migration rewrites the instance's state for the new spec, points the instance
at the new version, refreshes its open tasks and timers and records an
`instance_migrated` event, in one transaction guarded by `lock_version`.

It is also how an instance stuck in `error` by a broken script is repaired:
deploy a fixed version, migrate the instance, then retry it.
"""
from copy import deepcopy

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from engine import audit
from engine.authoring.drafts import require_owner
from engine.authoring.versions import get_version
from engine.definitions.catalog import latest_version
from engine.definitions.workflows import SERIALIZER, instance_data, load_workflow, state_of, version_specs
from engine.errors import Conflict
from engine.runtime import projection, timetable
from engine.runtime.instances import instance_dict, load_readable
from engine.store.tables import Instance


def check_migration(uow, actor, instance_id, to_version=None):
    """Whether instance `instance_id` can move to `to_version` (default: the latest), and why not.

    Returns `{"instance_id", "from", "to", "possible", "reasons"}`; each reason is
    `{"code", "element_id"}` with code `finished`, `not_newer`, `completed_changed`,
    `completed_removed`, `current_removed` or `subprocess_removed`. Writes nothing.
    """
    require_owner(actor)
    with uow:
        instance, target = _instance_and_target(uow.session, actor, instance_id, to_version)
        reasons, _workflow = _plan(instance, target)
        return {"instance_id": instance.id, "from": instance.version.version, "to": target.version,
                "possible": not reasons, "reasons": reasons}


def migrate_instance(uow, actor, instance_id, to_version=None):
    """Move one instance to `to_version` (default: the latest version of its process).

    Raises Conflict with reason `migration_refused` and the `reasons` of
    `check_migration` when it is not safe (nothing is written), or reason
    `stale` when someone else changed the instance meanwhile. Returns the
    instance as a dict.
    """
    require_owner(actor)
    try:
        with uow:
            session = uow.session
            instance, target = _instance_and_target(session, actor, instance_id, to_version)
            reasons, workflow = _plan(instance, target)
            if reasons:
                raise Conflict(f"instance {instance_id} cannot move to version {target.version}",
                               reason="migration_refused", reasons=reasons)
            old = instance.version.version
            instance.version, instance.process_version_id = target, target.id
            instance.state = state_of(workflow)
            instance.data = instance_data(workflow)
            projection.refresh(session, instance, workflow)
            projection.sync(session, instance, workflow)
            timetable.sync(session, instance, workflow)
            audit.record(session, "instance_migrated", actor.username, instance,
                         **{"from": old, "to": target.version})
            uow.commit()
            return instance_dict(session, instance, actor=actor)
    except StaleDataError:
        raise Conflict(f"instance {instance_id} changed meanwhile", reason="stale") from None


def migrate_instances(uow, actor, process_key, from_version, to_version=None):
    """Migrate every unfinished instance of version `from_version`, each in its own transaction.

    Returns one `{"instance_id", "business_key", "migrated", "reasons"}` per instance.
    """
    require_owner(actor)
    with uow:
        source = get_version(uow.session, process_key, from_version)
        rows = uow.session.execute(select(Instance.id, Instance.business_key)
                                   .where(Instance.process_version_id == source.id,
                                          Instance.status.not_in(("completed", "cancelled")))
                                   .order_by(Instance.id)).all()
    outcomes = []
    for instance_id, business_key in rows:
        try:
            migrate_instance(uow, actor, instance_id, to_version)
            outcomes.append({"instance_id": instance_id, "business_key": business_key, "migrated": True,
                             "reasons": []})
        except Conflict as refused:
            reasons = refused.params.get("reasons") or [{"code": refused.params.get("reason"), "element_id": None}]
            outcomes.append({"instance_id": instance_id, "business_key": business_key, "migrated": False,
                             "reasons": reasons})
    return outcomes


def _instance_and_target(session, actor, instance_id, to_version):
    instance = load_readable(session, actor, instance_id)
    if to_version is None:
        target = latest_version(session, instance.process_key)
    else:
        target = get_version(session, instance.process_key, int(to_version))
    return instance, target


def _plan(instance, target):
    """(reasons the migration is refused, the migrated workflow when it is not)."""
    if instance.status in ("completed", "cancelled"):
        return [{"code": "finished", "element_id": None}], None
    if target.version <= instance.version.version:
        return [{"code": "not_newer", "element_id": None}], None
    workflow = load_workflow(instance.version, instance.state)
    spec, subprocesses = version_specs(target)
    top_diff, sub_diffs = diff_workflow(SERIALIZER.registry, workflow, spec, subprocesses)
    reasons = _refusals(top_diff)
    for sub_id, sub_diff in sub_diffs.items():
        if sub_diff is None:
            reasons.append({"code": "subprocess_removed", "element_id": workflow.subprocesses[sub_id].spec.name})
        else:
            reasons += _refusals(sub_diff)
    if reasons:
        return _unique(reasons), None
    kept = _snapshot(workflow, top_diff)
    migrate_workflow(top_diff, workflow, spec)
    for sub_id, sub_diff in sub_diffs.items():
        sub = workflow.subprocesses[sub_id]
        migrate_workflow(sub_diff, sub, subprocesses[sub.spec.name])
    workflow.subprocess_specs = dict(subprocesses)
    _restore(workflow, kept)
    stale = [t.task_spec.bpmn_id or t.task_spec.name for t in workflow.get_tasks()
             if t.task_spec is not _spec_of(t)]
    return _unique([{"code": "current_removed", "element_id": e} for e in stale]), workflow


def _refusals(diff):
    reasons = []
    for task in diff.changed:
        if task.has_state(TaskState.COMPLETED):
            reasons.append({"code": "completed_changed", "element_id": _element_id(task)})
    for task in diff.removed:
        if task.has_state(TaskState.COMPLETED):
            reasons.append({"code": "completed_removed", "element_id": _element_id(task)})
        elif task.has_state(TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR):
            reasons.append({"code": "current_removed", "element_id": _element_id(task)})
    return reasons


def _element_id(task):
    return task.task_spec.bpmn_id or task.task_spec.name


def _spec_of(task):
    return task.workflow.spec.task_specs.get(task.task_spec.name)


def _snapshot(workflow, diff):
    """The data and timer values of the open tasks, which resetting their branch would lose."""
    changed = {task.id for task in diff.changed}
    return {task.id: (deepcopy(task.data), deepcopy(task.internal_data), task.id in changed)
            for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)}


def _restore(workflow, kept):
    """Give the open tasks that survived the migration their data back, and their timers' due dates
    when their element did not change (a timer that already runs keeps its deadline)."""
    for task_id, (data, internal, changed) in kept.items():
        try:
            task = workflow.get_task_from_id(task_id)
        except TaskNotFoundException:
            continue
        if not task.has_state(TaskState.READY | TaskState.WAITING | TaskState.FUTURE):
            continue
        task.data = data
        if not changed and "event_value" in internal:
            task.internal_data["event_value"] = internal["event_value"]


def _unique(reasons):
    seen, result = set(), []
    for reason in reasons:
        key = (reason["code"], reason["element_id"])
        if key not in seen:
            seen.add(key)
            result.append(reason)
    return result

