"""Create instances: started by a person, on a timer start, or by another instance's service task.

`progress.advance` runs a step and returns the files that step asked for (plain
`StartRequest` values); `run_step` runs a step and opens them, and is what every use
case that moves a file calls.
"""
from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update

from engine import audit
from engine.definitions.catalog import latest_version
from engine.definitions.workflows import new_workflow, version_specs
from engine.errors import Forbidden
from engine.runtime.progress import advance
from engine.store.tables import Instance, ProcessVersion


def open_timed_start(session, version):
    """A process that starts on a timer gets one file waiting on its start event, if none is open."""
    if not has_timer_start(version) or has_unfinished_process(session, version.process_key):
        return None
    return create_instance(session, version, "planificateur", f"{version.process_key}-v{version.version}")


def has_timer_start(version):
    spec, _subprocesses = version_specs(version)
    return any(isinstance(ts, StartEvent) and isinstance(getattr(ts, "event_definition", None), TimerEventDefinition)
               for ts in spec.task_specs.values())


def has_unfinished_process(session, process_key):
    query = select(Instance.id).where(Instance.process_key == process_key,
                                      Instance.status.not_in(("completed", "cancelled")))
    return session.scalars(query.limit(1)).first() is not None


def create_instance(session, version, actor, business_key, data=None, parent=None):
    """Add an instance of `version`, run it to its first wait, and return it; the caller commits.

    A process whose start event waits for a message is opened by `parent`: the
    message is delivered to the new instance and recorded as received.
    """
    if version.start_message and parent is None:
        raise opened_by_procedure(version.process_key, version.start_message)
    workflow = new_workflow(version)
    # Diagrams read the file's own reference (e.g. to pass it on to the procedures it starts).
    start_data = {**(data or {}), "reference_dossier": business_key}
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(start_data)
    instance = Instance(version=version, process_version_id=version.id, process_key=version.process_key,
                        business_key=business_key, status="running", state={}, data={}, started_by=actor,
                        parent_id=parent.id if parent else None,
                        root_id=(parent.root_id or parent.id) if parent else None)
    session.add(instance)
    session.flush()
    audit.record(session, "instance_started", actor, instance, version=version.version,
                 parent_id=instance.parent_id, changes=audit.changes({}, data or {}))
    run_step(session, instance, workflow, actor, step=_deliver_start(session, instance, workflow, parent, actor))
    return instance


def run_step(session, instance, workflow, actor, step=None):
    """Run `step` (if any) and the engine steps of `instance` (see `progress.advance`), then open
    the files its service tasks asked for (`demarrer_procedure`); the caller commits."""
    for request in advance(session, instance, workflow, actor, step):
        if has_unfinished(session, request.process_key, request.business_key):
            audit.record(session, "instance_exists", actor, instance, process=request.process_key,
                         business_key=request.business_key)
            continue
        version = latest_version(session, request.process_key)
        create_instance(session, version, actor, request.business_key, request.data, parent=instance)


def opened_by_procedure(process_key, start_message):
    """The refusal to open by hand a procedure that only another one opens, by `start_message`."""
    return Forbidden(f"'{process_key}' is opened by another procedure (message '{start_message}')",
                     reason="opened_by_procedure", start_message=start_message, process_key=process_key)


def _deliver_start(session, instance, workflow, parent, actor):
    """The step that hands the start message to a message-started instance, or None."""
    version = instance.version
    if not version.start_message:
        return None

    def deliver():
        workflow.do_engine_steps()  # up to the start event, which then waits for its message
        starts = [t for t in workflow.get_tasks(state=TaskState.WAITING) if isinstance(t.task_spec, StartEvent)]
        workflow.catch(BpmnEvent(starts[0].task_spec.event_definition, {}))
        audit.record(session, "message_received", actor, instance, element_id=starts[0].task_spec.bpmn_id,
                     message=version.start_message, sender_id=parent.id, sender_process=parent.process_key)
    return deliver


def lock_version_row(session, version):
    """Write-lock the version row, so that concurrent starts check the business key one at a time.

    A no-op UPDATE: a row lock on PostgreSQL, the database write lock on SQLite. Without
    it two simultaneous starts (a double click) both find the key free and both insert.
    """
    session.execute(update(ProcessVersion).where(ProcessVersion.id == version.id)
                    .values(process_key=ProcessVersion.process_key)
                    .execution_options(synchronize_session=False))


def has_unfinished(session, process_key, business_key):
    query = select(Instance.id).where(Instance.process_key == process_key,
                                      Instance.business_key == business_key,
                                      Instance.status.not_in(("completed", "cancelled")))
    return session.scalars(query).first() is not None
