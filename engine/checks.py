"""Djoliba's own rules on a parsed diagram, run before anything is deployed."""
from SpiffWorkflow.bpmn.specs.defaults import StartEvent

from engine.elements import code_of, is_user_task, parse_duration, user_task_info
from engine import services
from engine.errors import Problem
from engine.roles import ROLES, role_for_lane
from engine.scripting import check_code


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


def check_specs(specs, files_by_process, forms, broken_forms=()):
    """Every problem found in the parsed processes, as Problem(file, element id, reason)."""
    problems = []
    for key, (spec, subprocesses) in specs.items():
        filename = files_by_process[key]
        for task_spec in all_task_specs(spec, subprocesses):
            problems += [Problem(filename, task_spec.bpmn_id or task_spec.name, reason)
                         for reason in _element_problems(task_spec, forms, broken_forms)]
    return problems


# Lengths of the columns these values are copied into.
_LIMITS = (("element id", lambda ts: ts.bpmn_id, 100), ("name", lambda ts: ts.bpmn_name, 300),
           ("lane", lambda ts: ts.lane, 100))


def _element_problems(task_spec, forms, broken_forms):
    for label, value_of, limit in _LIMITS:
        value = value_of(task_spec) or ""
        if len(value) > limit:
            yield f"{label} longer than {limit} characters"
    for mode, source in code_of(task_spec):
        reason = check_code(source, mode)
        if reason:
            kind = "script" if mode == "exec" else "condition"
            yield f"{kind} refused: {reason}"
    if getattr(task_spec, "operation_name", None) is not None:
        yield from services.problems(task_spec.operation_name, task_spec.operation_params or {})
    if not is_user_task(task_spec):
        return
    info = user_task_info(task_spec)
    if not info.lane:
        yield "user task outside any lane: put it in the lane of the role that does it"
    elif info.role not in ROLES:
        yield f"lane '{info.lane}' names no known role"
    if not info.form:
        yield "user task without a form (property formJsonSchemaFilename)"
    elif info.form not in forms and info.form not in broken_forms:
        yield f"form file '{info.form}' not found"
    if info.manual_section and len(info.manual_section) > 60:
        yield "manualSection longer than 60 characters"
    if info.due_in:
        try:
            parse_duration(info.due_in)
        except ValueError as err:
            yield f"dueIn: {err}"
