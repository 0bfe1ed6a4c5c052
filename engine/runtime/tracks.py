"""Where instances are in their diagram: one instance's elements, and counts per element for a process."""
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine.accounts.access import sees_everything
from engine.definitions.catalog import latest_version
from engine.definitions.workflows import load_workflow
from engine.errors import Forbidden
from engine.runtime.instances import load_readable
from engine.store.tables import Instance, TaskRow, Timer

_ORDER = {"completed": 0, "active": 1, "error": 2}


def instance_track(uow, actor, instance_id):
    """The diagram of an instance's version and the state of each element it reached.

    Returns `{"source": BPMN text, "states": {element id: "completed" | "active" | "error"}}`;
    an element run several times shows its most pressing state (error, then active).
    Raises NotFound or Forbidden like reading the instance.
    """
    with uow:
        instance = load_readable(uow.session, actor, instance_id)
        states = {}
        for task in load_workflow(instance.version, instance.state).get_tasks():
            state = _state(task)
            element = task.task_spec.bpmn_id
            if state and element and _ORDER[state] >= _ORDER.get(states.get(element), -1):
                states[element] = state
        return {"source": main_source(instance.version), "states": states}


def _state(task):
    if task.has_state(TaskState.ERROR):
        return "error"
    if task.has_state(TaskState.READY | TaskState.WAITING | TaskState.STARTED):
        return "active"
    if task.has_state(TaskState.COMPLETED):
        return "completed"
    return None


def process_heat(uow, actor, process_key):
    """How many unfinished instances stand at each element of a process now, on its latest diagram.

    Counted from the open user tasks, the pending BPMN timers and the elements in
    error, over every version. Returns `{"source", "version", "counts": {element id: n}}`.
    Raises Forbidden for roles that do not read every file.
    """
    if not sees_everything(actor):
        raise Forbidden("the heat map is for roles that read every file", process_key=process_key)
    with uow:
        session = uow.session
        version = latest_version(session, process_key)
        counts = {}
        queries = [
            select(TaskRow.name, func.count(func.distinct(TaskRow.instance_id)))
            .where(TaskRow.process_key == process_key, TaskRow.state == "ready").group_by(TaskRow.name),
            select(Timer.element_id, func.count(func.distinct(Timer.instance_id)))
            .join(Instance, Instance.id == Timer.instance_id)
            .where(Instance.process_key == process_key, Timer.kind == "bpmn", Timer.status == "pending")
            .group_by(Timer.element_id),
            select(Instance.error_element, func.count()).where(Instance.process_key == process_key,
                                                               Instance.status == "error")
            .group_by(Instance.error_element),
        ]
        for query in queries:
            for element_id, count in session.execute(query):
                if element_id:
                    counts[element_id] = counts.get(element_id, 0) + count
        return {"source": main_source(version), "version": version.version, "counts": counts}


def main_source(version):
    """The text of the .bpmn file that defines a version's process."""
    for name, text in sorted(version.sources.items()):
        if name.endswith(".bpmn") and f'id="{version.process_key}"' in text:
            return text
    return next((t for n, t in sorted(version.sources.items()) if n.endswith(".bpmn")), "")
