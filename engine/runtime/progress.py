"""Run an instance's engine steps and write down what happened."""
import traceback

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.exc import SQLAlchemyError

from engine import audit, people, records
from engine.definitions import catalog, countries
from engine.definitions.workflows import instance_data, state_of
from engine.runtime import messages, projection, timetable
from engine.store.tables import utcnow

_GATEWAYS = (ExclusiveGateway, InclusiveGateway)
MAX_FAILURES = 10  # failed elements one step records before it stops running the other branches
_FAILED_IN = "djoliba_failed_in"  # internal data of a task in ERROR: "run" or "update", for retry_step
MESSAGE_LIMIT = 2000  # characters of an error message or of a script's printed output kept


def advance(session, instance, workflow, actor, step=None):
    """Run `step` (if any) then the engine steps; save state, task projection and events.

    Whatever an element raises (a SpiffWorkflow error, a NameError in an expression,
    a TypeError from a multi-instance over a missing list, a RecursionError or
    MemoryError from a script...) does not lose the instance: the failing element's
    task is left in SpiffWorkflow's ERROR state, an `error` event records the message
    and the element, and the other branches still run. The instance is in `error` as
    long as one of its tasks is (see `retry_step`). Database errors are not the
    instance's: they propagate, and the caller's transaction rolls back.
    Returns the files the step's service tasks asked for (`StartRequest`s), which the
    caller opens, and the messages and signals it threw (`messages.Letter`s), which the
    caller delivers (`spawn.run_step`).
    """
    noted = []  # (kind, element id, details) of the decisions and gateways, in the order they happened
    engine = workflow.script_engine
    engine.process_exists = lambda key: catalog.deployed(session, key)
    engine.provide(region_personne=lambda person_id: people.region_of(session, person_id))
    engine.provide(date_naissance_personne=lambda person_id: people.birth_date_of(session, person_id))
    engine.provide(candidats_deja_retenus=lambda reference: records.candidatures.selected_for(session, reference))
    engine.provide(documents_requis_pays=lambda country: countries.required_documents(session, country))
    engine.on_print = lambda task, text: noted.append(("script_printed", task.task_spec.bpmn_id,
                                                       {"output": text[:MESSAGE_LIMIT]}))
    failures = _run(workflow, step, noted)
    for kind, element_id, details in noted:
        audit.record(session, kind, actor, instance, element_id=element_id, **details)
    for element, message in failures:
        audit.record(session, "error", actor, instance, element_id=element, message=message)
    if failures:
        instance.error_element, instance.error_message = failures[0]
    instance.status = _status(workflow, failures)
    if instance.status != "error":
        instance.error_message = instance.error_element = None
    instance.state = state_of(workflow)
    instance.data = instance_data(workflow)
    projection.sync(session, instance, workflow)
    timetable.sync(session, instance, workflow)
    messages.sync(session, instance, workflow)
    records.project(session, instance)
    requests, engine.outbox = engine.outbox, []
    requests += messages.thrown(workflow, instance, actor)
    if instance.status == "completed":
        instance.ended_at = utcnow()
        # The process's own end event, not one of an embedded subprocess's.
        ends = [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)
                if t.task_spec.__class__.__name__ == "EndEvent" and t.task_spec.bpmn_id and t.workflow is workflow]
        audit.record(session, "instance_completed", actor, instance, element_id=ends[-1] if ends else None)
    return requests


def retry_step(workflow, caught=lambda _task, _sender, _details: None):
    """The step that runs again the elements of `workflow` left in ERROR (see `advance`).

    An element that failed while it ran (a script, a condition, a user task's
    post-script) is READY again with its data (and any fix made to it): the engine
    steps run it, or its person completes it again. One that failed while it was
    being prepared (its pre-script, its multi-instance copies, its sub-process) is
    prepared again, as when the element before it completed. One that failed catching
    a message or signal (the start message of a file another one opened, a thrown
    message) catches the same letter again (`messages.redeliver_step`; `caught` is told).
    """
    def rerun():
        for task in workflow.get_tasks(state=TaskState.ERROR):
            failed_in = task.internal_data.pop(_FAILED_IN, "run")
            if messages.holds_letter(task):
                continue
            if failed_in == "run":
                task._set_state(TaskState.READY)
            else:
                task._set_state(TaskState.FUTURE)
                task.task_spec._update(task)
        messages.redeliver_step(workflow, caught)
    return rerun


def _run(workflow, step, noted):
    """Run `step` and the engine steps; return the failures met, as (element id, message).

    After a failure the failing task is in ERROR and the engine steps run again, so
    that the other branches of a parallel split go on; a failure whose task cannot
    be told, or one task failing twice, stops the step.
    """
    failures, failed = [], set()
    while True:
        try:
            if step is not None:
                step()
            workflow.do_engine_steps(will_complete_task=lambda task: _note_decision(task, noted),
                                     did_complete_task=lambda task: _completed(task, noted))
            return failures
        except Exception as err:  # any element's failure is the instance's (see advance)
            if _from_database(err):
                raise
            task = _failing_task(err)
            failures.append((_element_of(task, err), _message(err)))
            if task is None or task.id in failed or len(failures) >= MAX_FAILURES:
                return failures
            task._set_state(TaskState.ERROR)
            task.internal_data[_FAILED_IN] = "run" if _while_running(task, err) else "update"
            failed.add(task.id)
            step = None

def _note_decision(task, noted):
    """Before a business rule task runs: which rows of its decision table give the result (an automated
    decision about a person must be explainable: the row's number and its description are kept)."""
    engine = getattr(task.task_spec, "dmnEngine", None)
    if engine is None:
        return
    table = engine.decision_table
    try:
        rules = engine.decide(task)
    except Exception:  # noqa: BLE001 - the task's own run fails the same way, and the instance records it
        return
    if table.hit_policy != "COLLECT":
        rules = rules[:1]  # the first (or unique) matching row gives the result
    noted.append(("decision_taken", task.task_spec.bpmn_id, {
        "table": table.id, "hit_policy": table.hit_policy,
        "rules": [{"id": rule.id, "row": rule.row_number, "description": rule.description} for rule in rules]}))


def _note_gateway(task, noted):
    if isinstance(task.task_spec, _GATEWAYS):
        targets = [element for child in task.children if not child.has_state(TaskState.CANCELLED)
                   for element in _elements(child.task_spec)]
        noted.append(("gateway_taken", task.task_spec.bpmn_id, {"to": targets}))


def _completed(task, noted):
    _note_gateway(task, noted)
    if isinstance(task.task_spec, BoundaryEvent) and task.task_spec.cancel_activity:
        _drop_orphans(task.workflow.top_workflow)


def _drop_orphans(top):
    """Cancel and forget the sub-processes whose task is gone.

    SpiffWorkflow 3.2 drops the copies of a parallel multi-instance sub-process when an interrupting
    boundary event cancels it (the employer withdraws the offer while each region preselects) but
    leaves their sub-workflows running: its next engine step failed looking for their tasks.
    """
    while True:
        known = {task.id for task in top.get_tasks()}
        for subprocess in top.subprocesses.values():
            known |= {task.id for task in subprocess.get_tasks()}
        orphans = [key for key, sub in top.subprocesses.items()
                   if sub.parent_task_id is not None and sub.parent_task_id not in known]
        if not orphans:
            return
        for key in orphans:
            top.subprocesses.pop(key).cancel()


def _elements(spec):
    """The diagram elements a flow leads to: the element itself, or for a task with boundary events
    (SpiffWorkflow puts an unnamed split before it) the task the events are attached to."""
    if spec.bpmn_id:
        return [spec.bpmn_id]
    return [output.bpmn_id for output in spec.outputs if output.bpmn_id and not isinstance(output, BoundaryEvent)]


def _status(workflow, failures):
    if workflow.is_completed():
        return "completed"
    if failures or workflow.get_tasks(state=TaskState.ERROR):
        return "error"
    return "running" if workflow.get_tasks(state=TaskState.READY, manual=True) else "waiting"


def _from_database(err):
    """Whether `err` is, or was caused by, a database error (also when wrapped by SpiffWorkflow)."""
    seen, pending = set(), [err]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        if isinstance(current, SQLAlchemyError):
            return True
        seen.add(id(current))
        pending += [getattr(current, "exception", None), current.__cause__, current.__context__]
    return False


def _failing_task(err):
    """The task whose element raised `err`: the one SpiffWorkflow names, else the innermost
    frame of the traceback working on a task (SpiffWorkflow's specs receive it as `my_task`)."""
    task = getattr(err, "task", None)
    if isinstance(task, Task):
        return task
    for error in (err, err.__cause__, err.__context__):
        found = None
        for frame, _line in traceback.walk_tb(getattr(error, "__traceback__", None)):
            for name in ("my_task", "task", "self"):
                if isinstance(frame.f_locals.get(name), Task):
                    found = frame.f_locals[name]
                    break
        if found is not None:
            return found
    return None


def _while_running(task, err):
    """Whether `task` failed inside its own `Task.run` (else while being prepared or caught)."""
    return any(frame.f_code.co_name == "run" and frame.f_locals.get("self") is task
               for frame, _line in traceback.walk_tb(err.__traceback__))


def _element_of(task, err):
    if task is not None:
        return task.task_spec.bpmn_id or task.task_spec.name
    return getattr(err, "id", None)


def _message(err):
    """The error in one line: SpiffWorkflow's own wording, else the exception's type and text."""
    if isinstance(err, SpiffWorkflowException):
        text = str(err)
    else:
        text = ": ".join(part for part in (type(err).__name__, str(err)) if part)
        text = " ".join([text, *getattr(err, "__notes__", [])])
    return text[:MESSAGE_LIMIT]
