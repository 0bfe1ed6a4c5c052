"""BPMN messages and signals: what files wait on, who may send what, and how a file catches one.

A `Letter` is a message or a signal on its way: its name, payload, and how it finds
its receivers — a message by the business key of the files (the default) or by the
values of the diagram's correlation properties; a signal reaches every file waiting
on it. `progress.advance` keeps each file's `event_waits` rows in step with its state
(`sync`) and hands back what the step threw and no element of the file caught
(`thrown`); `spawn.deliver` carries a letter to its receivers (`receivers`, `catch_step`)
and to the procedures whose start event listens to it (`start_listeners`).
"""
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, func, insert, select

from engine import audit
from engine.definitions.workflows import version_specs
from engine.store.tables import EventWait, Instance, ProcessVersion, UnmatchedMessage

SENDERS_PROPERTY = "allowedSenders"  # on a catching or start element: the roles that may send it from outside
ALWAYS_ALLOWED = "admin"
RECEIVING = ("running", "waiting")  # statuses of files a letter may reach


@dataclass
class Letter:
    kind: str  # "message" or "signal"
    name: str
    payload: object = None
    business_key: str | None = None
    correlation: dict = field(default_factory=dict)  # {correlation property: value}
    sender: str = ""  # who sent it: a username, or the actor of the step that threw it
    sender_instance: Instance | None = None  # the file that threw it, if one did

    def described(self):
        """What the audit events say about the letter and who sent it."""
        details = {"name": self.name, "type": self.kind, "payload": self.payload}
        if self.business_key is not None:
            details["business_key"] = self.business_key
        if self.correlation:
            details["correlation"] = self.correlation
        if self.sender_instance is not None:
            details.update(sender_id=self.sender_instance.id, sender_process=self.sender_instance.process_key)
        return details


def kind_of(definition):
    if isinstance(definition, MessageEventDefinition):
        return "message"
    if isinstance(definition, SignalEventDefinition):
        return "signal"
    return None


def _definitions(definition):
    """The message and signal definitions a catching element waits on (an event-based gateway: each branch's)."""
    items = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    return [item for item in items if kind_of(item)]


def _flat(correlations):
    """SpiffWorkflow's {correlation key: {property: value}} as {property: value}."""
    return {prop: value for values in (correlations or {}).values() for prop, value in (values or {}).items()}


def _waiting_tasks(workflow):
    return [task for task in workflow.event_manager.tasks.values() if task.has_state(TaskState.WAITING)]


def sync(session, instance, workflow):
    """Write down what `instance` waits on now (its `event_waits` rows), replacing what it waited on."""
    session.execute(delete(EventWait).where(EventWait.instance_id == instance.id))
    if instance.status not in RECEIVING:
        return
    rows = [{"instance_id": instance.id, "kind": kind_of(definition), "name": definition.name,
             "element_id": task.task_spec.bpmn_id, "correlation": _own_values(task, definition)}
            for task in _waiting_tasks(workflow) for definition in _definitions(task.task_spec.event_definition)]
    if rows:  # one statement for all
        session.execute(insert(EventWait), rows)


def _own_values(task, definition):
    """The waiting file's correlation values: those SpiffWorkflow keeps, and those of the element's own
    `processVariableCorrelation`, which SpiffWorkflow reads itself for a catch event but never for an
    event-based gateway's branch (its gateway waits in its place)."""
    values = _flat(task.workflow.correlations)
    own = [prop for prop in getattr(definition, "process_correlations", None) or [] if prop.name not in values]
    if own:
        try:
            computed = definition.calculate_correlations(task.workflow.script_engine, own, task.data)
        except Exception:  # noqa: BLE001 - a value the data cannot give: the file waits by its reference only
            computed = {}
        values.update(_flat(computed))
    return values


def thrown(workflow, instance, actor):
    """The letters `workflow` threw in its last step that none of its own elements caught."""
    letters = []
    for event in workflow.get_events():
        kind = kind_of(event.event_definition)
        if kind is None:
            continue
        letters.append(Letter(kind, event.event_definition.name, event.payload, business_key=instance.business_key,
                              correlation=_flat(event.correlations), sender=actor, sender_instance=instance))
    return letters


def receivers(session, letter):
    """The files waiting on `letter` that it reaches, oldest first (never the file that threw it)."""
    query = (select(Instance, EventWait.correlation).join(EventWait, EventWait.instance_id == Instance.id)
             .where(EventWait.kind == letter.kind, EventWait.name == letter.name, Instance.status.in_(RECEIVING))
             .order_by(Instance.id))
    if letter.kind == "message" and not letter.correlation:
        query = query.where(Instance.business_key == letter.business_key)
    found = {}
    for instance, correlation in session.execute(query):
        if letter.sender_instance is not None and instance.id == letter.sender_instance.id:
            continue
        if letter.kind == "message" and letter.correlation and not _correlated(letter.correlation, correlation):
            continue
        found.setdefault(instance.id, instance)
    return list(found.values())


def _correlated(wanted, values):
    return all(prop in (values or {}) and values[prop] == value for prop, value in wanted.items())


def catch_step(workflow, letter, reached):
    """The step that hands `letter` to the elements of `workflow` waiting on it; their ids go to `reached`.

    As SpiffWorkflow's own event manager does, every waiting element that catches it does
    (the boundary event interrupts its task, the gateway takes the branch); the correlation
    was checked when the file was chosen, so the file's own values go with the event.
    An element whose catch fails (a correlation expression on the content) is reached all the
    same: the letter stays with it, and retrying the file hands it over again (`redeliver_step`).
    """
    def catch():
        for task in _waiting_tasks(workflow):
            for definition in _definitions(task.task_spec.event_definition):
                if kind_of(definition) != letter.kind or definition.name != letter.name:
                    continue
                reached.append(task.task_spec.bpmn_id)
                _hand(task, definition, letter, _payload(letter), dict(task.workflow.correlations))
                break
    return catch


_KEPT = "djoliba_letter"  # internal data of a task catching a letter, until its catch succeeded


def _hand(task, definition, letter, payload, correlations):
    """`task` catches `letter` (with `payload`); the letter is kept on the task until the catch succeeded."""
    details = letter.described()
    if letter.kind == "message" and isinstance(task.task_spec, StartEvent):
        details["message"] = letter.name
    _catch(task, {"definition": definition.name, "payload": payload, "correlations": correlations,
                  "sender": letter.sender, "details": details})


def _catch(task, kept):
    task.internal_data[_KEPT] = kept
    definition = next(d for d in _definitions(task.task_spec.event_definition) if d.name == kept["definition"])
    task.task_spec.catch(task, BpmnEvent(definition, kept["payload"], kept["correlations"]))
    task.task_spec._update(task)
    task.internal_data.pop(_KEPT, None)


def holds_letter(task):
    """Whether `task` holds a letter it failed to catch."""
    return bool(task.internal_data.get(_KEPT))


def redeliver_step(workflow, caught):
    """Hand again to the failed elements of `workflow` the letters whose catch failed (see
    `catch_step`, `start_event_step`); `caught(task, sender, details)` is called for each caught.

    The element waits again, then catches the same letter (same content, same sender) as if it
    had just arrived; if the catch fails again, the letter stays with it for the next retry.
    """
    for task in [t for t in workflow.get_tasks(state=TaskState.ERROR) if holds_letter(t)]:
        kept = task.internal_data[_KEPT]
        task._set_state(TaskState.WAITING)
        _catch(task, kept)
        caught(task, kept["sender"], kept["details"])


def _payload(letter):
    return dict(letter.payload) if isinstance(letter.payload, dict) else letter.payload


def start_event_step(workflow, letter, reached):
    """The step that opens a new file of `workflow` by `letter`, caught by its start event (its id goes to `reached`)."""
    def start():
        workflow.do_engine_steps()  # up to the start event, which then waits
        for task in workflow.get_tasks(state=TaskState.WAITING):
            if isinstance(task.task_spec, StartEvent):
                definition = task.task_spec.event_definition
                payload = _payload(letter) if kind_of(definition) == letter.kind else {}
                reached.append(task.task_spec.bpmn_id)
                _hand(task, definition, letter, payload or {}, {})
                return
    return start


def latest_versions(session):
    newest = (select(ProcessVersion.process_key, func.max(ProcessVersion.version).label("version"))
              .group_by(ProcessVersion.process_key).subquery())
    return session.scalars(select(ProcessVersion).join(newest, (ProcessVersion.process_key == newest.c.process_key)
                                                       & (ProcessVersion.version == newest.c.version))
                           .order_by(ProcessVersion.process_key)).all()


def listeners(session, kind, name):
    """(version, element spec, is a start event) of every element of the latest versions that waits on it."""
    found = []
    for version in latest_versions(session):
        spec, subprocesses = version_specs(version)
        for owner in (spec, *subprocesses.values()):
            for task_spec in owner.task_specs.values():
                for element in elements_waiting(task_spec, kind, name):
                    found.append((version, element, isinstance(task_spec, StartEvent) and owner is spec))
    return found


def elements_waiting(task_spec, kind, name):
    """The elements `task_spec` stands for that wait on (kind, name): itself, or a gateway's branch event."""
    definition = getattr(task_spec, "event_definition", None)
    if definition is None or not isinstance(task_spec, CatchingEvent):
        return []
    if isinstance(definition, MultipleEventDefinition):
        # An event-based gateway keeps its branches' definitions, in the order of its outputs.
        return [output for item, output in zip(definition.event_definitions, task_spec.outputs)
                if kind_of(item) == kind and item.name == name]
    return [task_spec] if kind_of(definition) == kind and definition.name == name else []


def start_listeners(session, letter):
    """The latest versions whose start event listens to `letter`."""
    return [version for version, _element, is_start in listeners(session, letter.kind, letter.name) if is_start]


def allowed_senders(elements):
    """The roles that may send to these elements from outside: those their diagrams name, and `admin`."""
    roles = {ALWAYS_ALLOWED}
    for element in elements:
        properties = (getattr(element, "extensions", None) or {}).get("properties") or {}
        roles |= {role.strip() for role in (properties.get(SENDERS_PROPERTY) or "").split(",") if role.strip()}
    return roles


def keep_unmatched(session, letter):
    """Keep a letter that reached nobody and say so in the audit log."""
    row = UnmatchedMessage(kind=letter.kind, name=letter.name, business_key=letter.business_key,
                           correlation=letter.correlation, payload=letter.payload, sender=letter.sender,
                           sender_instance_id=letter.sender_instance.id if letter.sender_instance else None)
    session.add(row)
    audit.record(session, "message_unmatched", letter.sender, letter.sender_instance, **letter.described())
    return row
