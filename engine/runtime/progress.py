"""Run an instance's engine steps and write down what happened."""
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine import audit, people, records
from engine.definitions import catalog
from engine.definitions.workflows import instance_data, state_of
from engine.runtime import projection, timetable
from engine.store.tables import utcnow

_GATEWAYS = (ExclusiveGateway, InclusiveGateway)


def advance(session, instance, workflow, actor, step=None):
    """Run `step` (if any) then the engine steps; save state, task projection and events.

    A script or condition that fails does not lose the instance: it is saved
    in the `error` status with the message and the failing element's id.
    Returns the files the step's service tasks asked for (`StartRequest`s), which the
    caller opens (`spawn.run_step`).
    """
    noted = []  # (kind, element id, details) of the decisions and gateways, in the order they happened
    workflow.script_engine.process_exists = lambda key: catalog.deployed(session, key)
    workflow.script_engine.provide(region_personne=lambda person_id: people.region_of(session, person_id))
    workflow.script_engine.provide(date_naissance_personne=lambda person_id: people.birth_date_of(session, person_id))
    try:
        if step is not None:
            step()
        workflow.do_engine_steps(will_complete_task=lambda task: _note_decision(task, noted),
                                 did_complete_task=lambda task: _note_gateway(task, noted))
    except SpiffWorkflowException as err:
        _fail(session, instance, err, actor)
    else:
        instance.error_message = instance.error_element = None
        instance.status = _status(workflow)
    for kind, element_id, details in noted:
        audit.record(session, kind, actor, instance, element_id=element_id, **details)
    instance.state = state_of(workflow)
    instance.data = instance_data(workflow)
    projection.sync(session, instance, workflow)
    timetable.sync(session, instance, workflow)
    records.project(session, instance)
    requests, workflow.script_engine.outbox = workflow.script_engine.outbox, []
    if instance.status == "completed":
        instance.ended_at = utcnow()
        # The process's own end event, not one of an embedded subprocess's.
        ends = [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)
                if t.task_spec.__class__.__name__ == "EndEvent" and t.task_spec.bpmn_id and t.workflow is workflow]
        audit.record(session, "instance_completed", actor, instance, element_id=ends[-1] if ends else None)
    return requests


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
        targets = [child.task_spec.bpmn_id for child in task.children
                   if not child.has_state(TaskState.CANCELLED) and child.task_spec.bpmn_id]
        noted.append(("gateway_taken", task.task_spec.bpmn_id, {"to": targets}))


def _status(workflow):
    if workflow.is_completed():
        return "completed"
    return "running" if workflow.get_tasks(state=TaskState.READY, manual=True) else "waiting"


def _fail(session, instance, err, actor):
    task = getattr(err, "task", None)
    element = getattr(getattr(task, "task_spec", None), "bpmn_id", None) or getattr(err, "id", None)
    instance.status = "error"
    instance.error_message = str(err)
    instance.error_element = element
    audit.record(session, "error", actor, instance, element_id=element, message=str(err))
