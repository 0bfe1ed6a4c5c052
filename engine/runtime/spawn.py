"""Create instances: started by a person, on a timer start, or by another instance's service task.

`progress.advance` runs a step and returns the files that step asked for (plain
`StartRequest` values); `run_step` runs a step and opens them, and is what every use
case that moves a file calls.
"""
from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select, update

from engine import audit
from engine.definitions.catalog import latest_version
from engine.definitions.workflows import load_workflow, new_workflow, version_specs
from engine.errors import Conflict, Forbidden
from engine.runtime import messages
from engine.runtime.progress import advance
from engine.store.tables import Instance, ProcessVersion, utcnow


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


def create_instance(session, version, actor, business_key, data=None, parent=None, letter=None):
    """Add an instance of `version`, run it to its first wait, and return it; the caller commits.

    A process whose start event waits for a message or a signal is opened by `letter`
    (see `deliver`), or by `parent` (the `demarrer_procedure` of another file, which
    sends the start message): the start event catches it, recorded as received.
    """
    if version.start_message and parent is None and letter is None:
        raise opened_by_procedure(version.process_key, version.start_message)
    if letter is None and parent is not None and version.start_message:
        letter = messages.Letter("message", version.start_message, {}, business_key, sender=actor,
                                 sender_instance=parent)
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
    run_step(session, instance, workflow, actor, step=_deliver_start(session, instance, workflow, letter, actor))
    return instance


def run_step(session, instance, workflow, actor, step=None):
    """Run `step` (if any) and the engine steps of `instance` (see `progress.advance`), then open
    the files its service tasks asked for (`demarrer_procedure`) and deliver the messages and
    signals it threw (`deliver`); the caller commits."""
    for request in advance(session, instance, workflow, actor, step):
        if isinstance(request, messages.Letter):
            deliver(session, request)
            continue
        if has_unfinished(session, request.process_key, request.business_key):
            audit.record(session, "instance_exists", actor, instance, process=request.process_key,
                         business_key=request.business_key)
            continue
        version = latest_version(session, request.process_key)
        create_instance(session, version, actor, request.business_key, request.data, parent=instance)


def deliver(session, letter):
    """Hand `letter` to every file waiting on it and open the procedures whose start event listens
    to it, in the caller's transaction; returns (ids of the files reached, ids of the files opened).

    Each receiving file moves in this transaction, its write guarded by its version counter
    (a concurrent delivery to the same file loses the race: the caller's transaction rolls
    back). Each file reached records `message_received` or `signal_received`; a letter that
    reaches no one and opens nothing is kept and recorded as `message_unmatched`.
    """
    depth = session.info.get(_DEPTH, 0)
    if depth >= MAX_CHAIN:
        raise Conflict(f"'{letter.name}' is part of a chain of more than {MAX_CHAIN} deliveries",
                       reason="delivery_chain_too_long", name=letter.name)
    session.info[_DEPTH] = depth + 1
    try:
        delivered = [i.id for i in messages.receivers(session, letter) if _hand_over(session, i, letter)]
        started = [i.id for i in _open_listeners(session, letter)]
        if not delivered and not started:
            messages.keep_unmatched(session, letter)
        return delivered, started
    finally:
        session.info[_DEPTH] = depth


_DEPTH = "djoliba_delivery_depth"
MAX_CHAIN = 20  # deliveries one letter may set off (files that answer files), to stop a loop


def _hand_over(session, instance, letter):
    """Deliver `letter` to one waiting file; whether an element of it caught the letter."""
    workflow = load_workflow(instance.version, instance.state)
    reached = []
    catch = messages.catch_step(workflow, letter, reached)

    def step():
        catch()
        if reached:
            audit.record(session, f"{letter.kind}_received", letter.sender, instance, element_id=reached[0],
                         elements=reached, **letter.described())
    run_step(session, instance, workflow, letter.sender, step=step)
    return bool(reached)


def _open_listeners(session, letter):
    """Open a file of each procedure whose start event listens to `letter` (one per business key)."""
    opened = []
    for version in messages.start_listeners(session, letter):
        key = letter.business_key or f"{letter.name}-{utcnow():%Y%m%d%H%M%S%f}"
        if has_unfinished(session, version.process_key, key):
            audit.record(session, "instance_exists", letter.sender, letter.sender_instance,
                         process=version.process_key, business_key=key)
            continue
        opened.append(create_instance(session, version, letter.sender, key, parent=letter.sender_instance,
                                      letter=letter))
    return opened


def opened_by_procedure(process_key, start_message):
    """The refusal to open by hand a procedure that only another one opens, by `start_message`."""
    return Forbidden(f"'{process_key}' is opened by another procedure (message '{start_message}')",
                     reason="opened_by_procedure", start_message=start_message, process_key=process_key)


def _deliver_start(session, instance, workflow, letter, actor):
    """The step that hands the start message or signal to a new instance, or None."""
    if letter is None:
        return None
    reached = []
    start = messages.start_event_step(workflow, letter, reached)

    def deliver_start():
        start()
        element = reached[0] if reached else None
        details = letter.described()
        if letter.kind == "message":
            details["message"] = letter.name
        audit.record(session, f"{letter.kind}_received", actor, instance, element_id=element, **details)
    return deliver_start


def lock_version_row(session, version):
    """Write-lock the version row, so that concurrent starts check the business key one at a time.

    A no-op UPDATE: a row lock on PostgreSQL, the database write lock on SQLite. Without
    it two simultaneous starts (a double click) both find the key free and both insert.
    """
    session.execute(update(ProcessVersion).where(ProcessVersion.id == version.id)
                    .values(process_key=ProcessVersion.process_key)
                    .execution_options(synchronize_session=False))


def same_key(business_key):
    """The condition "a file's reference is `business_key`", without case (`off-1` is `OFF-1`)."""
    return func.lower(Instance.business_key) == func.lower(business_key)


def has_unfinished(session, process_key, business_key):
    query = select(Instance.id).where(Instance.process_key == process_key, same_key(business_key),
                                      Instance.status.not_in(("completed", "cancelled")))
    return session.scalars(query).first() is not None
