"""What Djoliba reads from a diagram's elements: user task metadata, scripts, conditions."""
from dataclasses import dataclass
from datetime import timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.specs.MultiChoice import MultiChoice

from engine.accounts.roles import role_for_lane


@dataclass(frozen=True)
class UserTaskInfo:
    """The properties our engine needs on a user task (spiff extension properties)."""

    element_id: str
    title: str
    lane: str | None
    role: str | None
    form: str | None
    manual_section: str | None
    due_in: str | None
    due_date: str | None
    region_variable: str | None
    documentation: str | None
    subject_person: str | None = None  # expression giving the id of the person the task is about
    all_regions: str | None = None  # "true": a regional role's task offered to every region on purpose
    due_by: str | None = None  # expression giving the latest day the task may be due (a negotiated deadline)


def is_user_task(task_spec):
    return isinstance(task_spec, UserTask)


def user_task_info(task_spec):
    """Read a user task spec's title, lane, role, form and other properties."""
    props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    return UserTaskInfo(
        element_id=task_spec.bpmn_id,
        title=task_spec.bpmn_name or task_spec.bpmn_id,
        lane=task_spec.lane,
        role=role_for_lane(task_spec.lane),
        form=props.get("formJsonSchemaFilename"),
        manual_section=props.get("manualSection"),
        due_in=props.get("dueIn"),
        due_date=props.get("dueDate"),
        region_variable=props.get("regionVariable"),
        documentation=getattr(task_spec, "documentation", None),
        subject_person=props.get("subjectPerson"),
        all_regions=(props.get("allRegions") or "").strip().lower() or None,
        due_by=props.get("dueBy"),
    )


def parse_duration(expression):
    """Turn an ISO-8601 duration such as 'P5D' into a timedelta; raise ValueError otherwise."""
    try:
        parsed = TimerEventDefinition.parse_iso_duration(expression)
    except Exception:  # the library raises a bare Exception
        raise ValueError(f"not an ISO-8601 duration: {expression!r}") from None
    if parsed.get("years") or parsed.get("months"):
        raise ValueError("use days, hours or minutes rather than months or years")
    return timedelta(weeks=parsed.get("weeks", 0), days=parsed.get("days", 0),
                     hours=parsed.get("hours", 0), minutes=parsed.get("minutes", 0),
                     seconds=parsed.get("seconds", 0))


def code_of(task_spec):
    """Yield (mode, source) for each script or condition an element runs."""
    if isinstance(task_spec, ScriptTask) and task_spec.script:
        yield "exec", task_spec.script
    extensions = getattr(task_spec, "extensions", None) or {}
    for key in ("preScript", "postScript"):
        if extensions.get(key):
            yield "exec", extensions[key]
    if isinstance(task_spec, MultiChoice):
        for condition, _target in task_spec.cond_task_specs:
            if condition is not None and getattr(condition, "args", None):
                yield "eval", condition.args[0]
    properties = extensions.get("properties") or {}
    for name in ("dueDate", "dueBy", "subjectPerson"):
        if properties.get(name):
            yield "eval", properties[name]
    for param in (getattr(task_spec, "operation_params", None) or {}).values():
        yield "eval", param["value"]
    completion = getattr(task_spec, "condition", None)
    if isinstance(completion, str) and completion:
        yield "eval", completion


TRANSFER_PROPERTY = "personalDataTransfer"


def parse_transfer(text):
    """The declared transfer as a dict; ValueError when a field is missing."""
    pairs = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
    declared = {key.strip(): value.strip() for key, value in pairs.items()}
    missing = [key for key in ("personnes", "destinataire", "pays") if not declared.get(key)]
    if missing:
        raise ValueError(f"{TRANSFER_PROPERTY} lacks {', '.join(missing)}")
    return declared


def declared_transfer(task_spec):
    """The `personalDataTransfer` property of a task spec (a transfer of personal data abroad, see `engine.people.transfers`), or None."""
    return ((getattr(task_spec, "extensions", None) or {}).get("properties") or {}).get(TRANSFER_PROPERTY)
