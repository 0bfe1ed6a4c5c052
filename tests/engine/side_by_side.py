"""One diagram run twice: by Djoliba (its use cases, on the test database) and by bare SpiffWorkflow in memory,
given the same start data and the same events, so that a test can compare what each did.

What a run did (`Outcome`): the elements it completed (in order, or sorted where the diagram leaves the
order open), its data, and whether it finished. Events are steps: `Complete(element, data)`,
`Wait(timedelta)` (time passes: due timers fire), `Message(name, payload)`, `Signal(name, payload)`.
"""
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from conftest import DCIM, actor
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.authoring.deploy import deploy
from engine.definitions import workflows
from engine.definitions.workflows import instance_data, load_workflow
from engine.runtime import inbound, instances, tasks
from engine.runtime.timers import fire_due_timers
from engine.store.tables import Instance, utcnow

ADMIN = actor("admin", "admin")
KEY = "DOS-1"


@dataclass(frozen=True)
class Complete:
    element: str
    data: dict


@dataclass(frozen=True)
class Wait:
    delay: timedelta


@dataclass(frozen=True)
class Message:
    name: str
    payload: dict


class Signal(Message):
    """A signal: sent like a message, but to every file waiting on it."""


@dataclass(frozen=True)
class Outcome:
    path: list
    data: dict
    finished: bool


def outcome(workflow, ordered=False):
    """What a workflow did: its completed elements (in the order they completed, else sorted), data, end."""
    done = sorted((t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id),
                  key=lambda t: t.last_state_change)
    path = [t.task_spec.bpmn_id for t in done]
    data = {k: v for k, v in instance_data(workflow).items() if k != "reference_dossier"}
    return Outcome(path if ordered else sorted(path), data, workflow.is_completed())


def process_id(bpmn):
    return bpmn.split(b'<bpmn:process id="')[1].split(b'"')[0].decode()


# --- Djoliba ------------------------------------------------------------------------------------------------------

def djoliba_outcome(uow, instance_id, ordered=False):
    with uow:
        instance = uow.session.get(Instance, instance_id)
        return outcome(load_workflow(instance.version, instance.state), ordered)


def run_djoliba(uow, files, pid, data=None, steps=(), key=KEY):
    """Deploy `files`, open a file of `pid` as DCIM with `data`, then play `steps`; the file's id."""
    deploy(uow, files, "test")
    instance_id = instances.start_instance(uow, DCIM, pid, key, data=data)["id"]
    clock = utcnow()
    for step in steps:
        workflows.forget_specs()  # each step as another server process would run it: specs restored afresh
        if isinstance(step, Complete):
            task = next(t for t in instances.get_instance(uow, DCIM, instance_id)["tasks"] if t["name"] == step.element)
            tasks.complete_task(uow, DCIM, task["id"], step.data)
        elif isinstance(step, Wait):
            clock += step.delay
            fire_due_timers(uow, clock)
        elif isinstance(step, Signal):
            inbound.send_signal(uow, ADMIN, step.name, payload=step.payload)
        else:
            inbound.send_message(uow, ADMIN, step.name, business_key=key, payload=step.payload)
    return instance_id


# --- bare SpiffWorkflow -------------------------------------------------------------------------------------------

def bare_workflow(files, pid, data=None, key=KEY):
    """A bare SpiffWorkflow workflow of `pid` (its .bpmn and .dmn `files`), started with `data`."""
    parser = SpiffBpmnParser()
    for name, content in files.items():
        if name.endswith(".dmn"):
            parser.add_dmn_io(io.BytesIO(content), name)
        elif name.endswith(".bpmn"):
            parser.add_bpmn_io(io.BytesIO(content), name)
    workflow = BpmnWorkflow(parser.get_spec(pid), parser.get_subprocess_specs(pid))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update({**(data or {}), "reference_dossier": key})
    workflow.do_engine_steps()
    return workflow


def run_bare(files, pid, data=None, steps=(), key=KEY):
    workflow = bare_workflow(files, pid, data, key)
    for step in steps:
        if isinstance(step, Complete):
            bare_complete(workflow, step.element, step.data)
        elif isinstance(step, Wait):
            bare_wait(workflow, step.delay)
        else:
            bare_send(workflow, step.name, step.payload)
    return workflow


def bare_send(workflow, name, payload):
    """Send the message or signal `name` to what waits on it, as SpiffWorkflow's own event manager does."""
    for task in workflow.event_manager.tasks.values():
        definition = task.task_spec.event_definition
        for item in getattr(definition, "event_definitions", [definition]):
            if item.name == name:
                workflow.send_event(BpmnEvent(item, payload))
                workflow.do_engine_steps()
                return
    raise AssertionError(f"nothing waits on {name}")


def bare_complete(workflow, element_id, data):
    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == element_id)
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()


def bare_wait(workflow, delay):
    """Let `delay` pass: every waiting timer's due time moves that much closer (SpiffWorkflow reads the clock)."""
    for task in workflow.get_tasks(state=TaskState.WAITING):
        value = task.internal_data.get("event_value")
        if isinstance(value, dict) and "next" in value:  # a cycle: its next occurrence
            value["next"] = (datetime.fromisoformat(value["next"]) - delay).isoformat()
        elif isinstance(value, str):
            task.internal_data["event_value"] = (datetime.fromisoformat(value) - delay).isoformat()
    workflow.refresh_timers()
    workflow.do_engine_steps()


def run_both(uow, files, pid, data=None, steps=(), ordered=False):
    """(Djoliba's outcome, bare SpiffWorkflow's outcome, the file's id) of `pid` given the same data and steps."""
    instance_id = run_djoliba(uow, files, pid, data, steps)
    bare = run_bare(files, pid, data, steps)
    return djoliba_outcome(uow, instance_id, ordered), outcome(bare, ordered), instance_id
