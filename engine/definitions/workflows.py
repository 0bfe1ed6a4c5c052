"""SpiffWorkflow state in and out of the database.

A version's spec is serialized once at deploy time; an instance row keeps
only its own state. Each process restores a version's spec once (`version_specs`)
and every workflow of that version is built on those shared, never-changed
objects: SpiffWorkflow's own restore pops keys from the dicts it reads, so the
stored dicts are never handed to it, only copies.
"""
import copy
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.definitions import forms
from engine.definitions.scripting import script_engine

SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


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
        stored = copy.deepcopy(version.spec)
        _SPECS[key] = (SERIALIZER.from_dict(stored["spec"]),
                       {name: SERIALIZER.from_dict(sub) for name, sub in stored["subprocess_specs"].items()})
    return _SPECS[key]


_SPECS = {}


def version_forms(version):
    """The forms of a version ({filename: schema}), read once per process: versions are immutable.

    The dicts are shared: read them, copy before changing (`forms.expand` copies).
    """
    key = (version.id, version.checksum)
    if key not in _FORMS:
        if len(_FORMS) > 100:
            _FORMS.clear()
        _FORMS[key] = version.forms
    return _FORMS[key]


_FORMS = {}


def forget_specs():
    """Drop the restored specs and forms of this process: the next loads read them again, as a new process would."""
    _SPECS.clear()
    _FORMS.clear()
    forms.forget_validators()


def new_workflow(version):
    """A fresh workflow of a deployed version, with the restricted script engine."""
    spec, subprocesses = version_specs(version)
    return BpmnWorkflow(spec, dict(subprocesses), script_engine=script_engine())


def state_of(workflow):
    """The instance's own state: the serialized workflow without its spec (never serialized: the
    version holds it); the same dict as SpiffWorkflow's own serialization with its spec keys removed."""
    state = _STATE.state_to_dict(workflow)
    state[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    return state


class _StateConverter(BpmnWorkflowConverter):
    """Restores an instance's state onto its version's already restored specs."""

    def restore(self, dct, spec, subprocess_specs):
        workflow = BpmnWorkflow(spec, dict(subprocess_specs), script_engine=script_engine(), deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


    def state_to_dict(self, workflow):
        """`BpmnWorkflowConverter.to_dict` (with the registry's typename) less the spec and subprocess specs."""
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        dct["typename"] = self.registry.typenames[workflow.__class__]
        return dct


_STATE = _StateConverter(BpmnWorkflow, SERIALIZER.registry)


def load_workflow(version, state):
    """Rebuild a workflow from its version's (shared) specs and the instance's state.

    `state` is left as it was: the restore pops keys, so it works on copies of the
    dicts it pops from (the top level and each subprocess's).
    """
    dct = {**state, "subprocesses": {key: dict(sub) for key, sub in state.get("subprocesses", {}).items()}}
    SERIALIZER.migrate(dct)
    return _STATE.restore(dct, *version_specs(version))


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
