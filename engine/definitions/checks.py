"""Djoliba's own rules on a parsed diagram, run before anything is deployed.

Rules on one element take its parsed task spec; rules on the flow (what no
start event reaches, gateways that may find no way out) read the BPMN XML,
because the parser only builds specs for what a start event reaches.
"""
import ast
import re

from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)

from engine.accounts.roles import REGIONAL_ROLES, ROLES, role_for_lane
from engine.definitions import elements
from engine.definitions.elements import code_of, is_user_task, parse_duration, user_task_info
from engine.definitions.scripting import check_code
from engine.errors import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FLOW_NODES = {"task", "userTask", "scriptTask", "serviceTask", "manualTask", "businessRuleTask", "sendTask",
              "receiveTask", "callActivity", "subProcess", "transaction", "exclusiveGateway", "inclusiveGateway",
              "parallelGateway", "eventBasedGateway", "complexGateway", "startEvent", "endEvent",
              "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}


def all_task_specs(spec, subprocesses):
    yield from spec.task_specs.values()
    for sub in subprocesses.values():
        yield from sub.task_specs.values()


def user_tasks(spec, subprocesses):
    """UserTaskInfo of every user task in a process and its subprocesses."""
    return [user_task_info(ts) for ts in all_task_specs(spec, subprocesses) if is_user_task(ts)]


def start_role(spec):
    """The role allowed to start the process: the lane of its start event."""
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, StartEvent) and task_spec.lane:
            return role_for_lane(task_spec.lane)
    return None


def start_message(spec):
    """The message that opens the process, when its start event waits for one (another procedure sends it)."""
    for task_spec in spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        if isinstance(task_spec, StartEvent) and isinstance(definition, MessageEventDefinition):
            return definition.name
    return None


def check_specs(specs, files_by_process, forms, broken_forms=()):
    """Every problem found in the parsed processes, as Problem(file, element id, reason)."""
    problems = []
    for key, (spec, subprocesses) in specs.items():
        filename = files_by_process[key]
        for task_spec in all_task_specs(spec, subprocesses):
            problems += [Problem(filename, task_spec.bpmn_id or task_spec.name, reason)
                         for reason in _element_problems(task_spec, forms, broken_forms)]
        for name, sub in subprocesses.items():
            condition = getattr(sub, "completion_condition", None)  # an ad-hoc sub-process's, on its spec
            reason = check_code(condition, "eval") if condition else None
            if reason:
                problems.append(Problem(filename, name, f"completion condition refused: {reason}"))
    return problems


# Lengths of the columns these values are copied into.
_LIMITS = (("element id", lambda ts: ts.bpmn_id, 100), ("name", lambda ts: ts.bpmn_name, 300),
           ("lane", lambda ts: ts.lane, 100))


def _element_problems(task_spec, forms, broken_forms):
    for label, value_of, limit in _LIMITS:
        value = value_of(task_spec) or ""
        if len(value) > limit:
            yield f"{label} longer than {limit} characters"
    yield from _timer_problems(task_spec)
    for mode, source in code_of(task_spec):
        reason = check_code(source, mode)
        if reason:
            kind = "script" if mode == "exec" else "condition"
            yield f"{kind} refused: {reason}"
    if getattr(task_spec, "manual", False) and not is_user_task(task_spec):
        yield from _manual_task_problems(task_spec)
    if not is_user_task(task_spec):
        return
    info = user_task_info(task_spec)
    if not info.lane:
        yield "user task outside any lane: put it in the lane of the role that does it"
    elif info.role not in ROLES:
        yield f"lane '{info.lane}' names no known role"
    if info.role in REGIONAL_ROLES and not info.region_variable and info.all_regions != "true":
        yield f"a task of the '{info.lane}' lane goes to one region's counsellors: name the data field giving the " \
              "region (property regionVariable), or set the property allRegions to true to offer it to every region"
    if not info.form:
        yield "user task without a form (property formJsonSchemaFilename)"
    elif info.form not in forms and info.form not in broken_forms:
        yield f"form file '{info.form}' not found"
    if info.manual_section and len(info.manual_section) > 60:
        yield "manualSection longer than 60 characters"
    if elements.declared_transfer(task_spec):
        try:
            elements.parse_transfer(elements.declared_transfer(task_spec))
        except ValueError as err:
            yield str(err)
    if info.due_in:
        try:
            parse_duration(info.due_in)
        except ValueError as err:
            yield f"dueIn: {err}"


def _manual_task_problems(task_spec):
    """A plain or manual task (bpmn-js's default palette "Task"): its lane's role does it, with no form."""
    role = role_for_lane(task_spec.lane)
    if not task_spec.lane:
        yield "task that nobody can do: put it in the lane of the role that does it (or make it a user task " \
              "with a form)"
    elif role not in ROLES:
        yield f"lane '{task_spec.lane}' names no known role"


# An unquoted ISO-8601 value: Python reads P5D as a variable name and 2026-01-31 as a subtraction.
_BARE_ISO = re.compile(r"(R\d*/)?P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}.*", re.IGNORECASE)


def _timer_problems(task_spec):
    definition = getattr(task_spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition):
        return
    expression = (definition.expression or "").strip()
    if _BARE_ISO.fullmatch(expression):
        yield f"timer expression must be quoted: write \"{expression}\""
        return
    reason = check_code(expression, "eval")
    if reason:
        yield f"timer expression refused: {reason}"
        return
    try:
        value = ast.literal_eval(expression)
    except ValueError:
        return  # computed from the file's data when the timer starts
    if not isinstance(value, str):
        yield "timer expression must be a quoted ISO-8601 text such as \"P5D\""
        return
    try:
        _parse_timer(definition, value)
    except Exception:  # the library's parsers raise bare Exceptions and ValueErrors
        yield f"timer expression {value!r} is not a valid ISO-8601 {_timer_kind(definition)}"


def _parse_timer(definition, value):
    if isinstance(definition, CycleTimerEventDefinition):
        TimerEventDefinition.parse_iso_recurring_interval(value)
    elif isinstance(definition, DurationTimerEventDefinition):
        TimerEventDefinition.parse_iso_duration(value)
    elif TimerEventDefinition.parse_time_or_duration(value) is None:
        raise ValueError(value)


def _timer_kind(definition):
    if isinstance(definition, CycleTimerEventDefinition):
        return "cycle (e.g. R3/P7D)"
    if isinstance(definition, DurationTimerEventDefinition):
        return "duration (e.g. P5D)"
    return "date (e.g. 2026-03-31T12:00:00)"


def check_flow(trees, specs, files_by_process):
    """Problems of the flow in each process's XML: unreachable elements, gateways without a way out."""
    problems = []
    for key, (spec, subprocesses) in specs.items():
        filename = files_by_process[key]
        process = _process_element(trees.get(filename), key)
        if process is None:
            continue
        known = {ts.bpmn_id for ts in all_task_specs(spec, subprocesses) if ts.bpmn_id}
        problems += [Problem(filename, element_id, reason) for element_id, reason
                     in [*_unreachable(process, known), *_gateways_without_default(process)]]
    return problems


def _process_element(tree, key):
    if tree is None:
        return None
    for process in tree.iter(f"{{{BPMN_NS}}}process"):
        if process.get("id") == key:
            return process
    return None


def _local(element):
    return element.tag.split("}", 1)[-1] if isinstance(element.tag, str) else ""


def _unreachable(process, known):
    for element in process.iter():
        if _local(element) in FLOW_NODES and element.get("id") and element.get("id") not in known:
            yield element.get("id"), "unreachable: no path from a start event leads to this element"


def _gateways_without_default(process):
    flows = [f for f in process.iter(f"{{{BPMN_NS}}}sequenceFlow")]
    for gateway in process.iter(f"{{{BPMN_NS}}}exclusiveGateway", f"{{{BPMN_NS}}}inclusiveGateway"):
        outgoing = [f for f in flows if f.get("sourceRef") == gateway.get("id")]
        conditional = [f for f in outgoing if f.find(f"{{{BPMN_NS}}}conditionExpression") is not None]
        if outgoing and len(conditional) == len(outgoing) and not gateway.get("default"):
            yield gateway.get("id"), ("gateway without a default flow: when no condition holds the file "
                                      "stops in error; mark one outgoing flow as the default")
