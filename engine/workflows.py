"""SpiffWorkflow state in and out of the database.

A version's spec is serialized once at deploy time; an instance row keeps
only its own state, and the spec is put back when the instance is loaded.
"""
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.scripting import script_engine

SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
_SPEC_KEYS = ("spec", "subprocess_specs")


def spec_to_dict(spec, subprocesses):
    """The serialized form of a process spec and the specs it calls."""
    return {"spec": SERIALIZER.to_dict(spec),
            "subprocess_specs": {name: SERIALIZER.to_dict(sub) for name, sub in subprocesses.items()}}


def version_specs(version):
    """The restored (spec, subprocess specs) of a version; versions are immutable, so cached."""
    key = (version.id, version.checksum)
    if key not in _SPECS:
        if len(_SPECS) > 100:
            _SPECS.clear()
        _SPECS[key] = (SERIALIZER.from_dict(version.spec["spec"]),
                       {name: SERIALIZER.from_dict(sub) for name, sub in version.spec["subprocess_specs"].items()})
    return _SPECS[key]


_SPECS = {}


def new_workflow(version):
    """A fresh workflow of a deployed version, with the restricted script engine."""
    spec, subprocesses = version_specs(version)
    return BpmnWorkflow(spec, subprocesses, script_engine=script_engine())


def state_of(workflow):
    """The instance's own state: the serialized workflow without its spec."""
    state = SERIALIZER.to_dict(workflow)
    for key in _SPEC_KEYS:
        state.pop(key, None)
    state[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    return state


def load_workflow(version, state):
    """Rebuild a workflow from its version's spec and the instance's state."""
    serialized = {**state, **version.spec}
    SERIALIZER.migrate(serialized)
    workflow = SERIALIZER.from_dict(serialized)
    workflow.script_engine = script_engine()
    return workflow


def instance_data(workflow):
    """The data an instance holds now: the workflow's, else its latest completed element's.

    The joins SpiffWorkflow adds itself (no diagram id) may complete last with an older
    branch's data, e.g. the join of a task left by an interrupting boundary event: skipped.
    """
    if workflow.is_completed():
        return dict(workflow.data)
    last = workflow.last_task
    if last is not None and not last.task_spec.bpmn_id:
        done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id]
        last = max(done, key=lambda t: t.last_state_change, default=last)
    return dict(last.data) if last is not None else {}
