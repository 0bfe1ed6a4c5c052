"""Erasing what finished files say about erased persons (retention, law 2013-015).

When retention pseudonymises persons, the closed files (completed or cancelled)
that name them lose the values of their personal fields (marked
`"x-personal": true` in their forms, see `engine.people.sensitive`), replaced by
ERASED: in the file's data, in its workflow state (the data and changes of each
task and subprocess) and in its audit events (`audit.redact`, recorded as one
`personal_data_erased` event per file, with the persons and fields erased).
Person ids stay: they point to the pseudonymised row of the registry.

- A file whose persons are all erased (a departure, a return, a reintegration,
  a candidate's services; a shared file once its last person is erased) loses
  every personal field.
- A file shared with persons still in the registry (a preselection, a final
  selection) keeps what is about all of them: only the values typed in the
  steps about erased persons alone — a step whose form chooses one person, such
  as a candidate's evaluation — are erased, wherever the file copied them,
  unless the same value was also typed in another step.
"""
import json
from uuid import UUID

from sqlalchemy import select

from engine import audit
from engine.definitions.workflows import load_workflow
from engine.people.sensitive import personal_fields, subject_fields
from engine.store.tables import AuditEvent, Instance, Person

ERASED = "[effacé]"
CLOSED = ("completed", "cancelled")


def erase_files(session, persons, named, actor):
    """Erase the personal fields of the closed files that name one of `persons` (ids just erased).

    `named(data)` gives the ids (as text) of the persons a file's data names.
    Returns the ids of the files changed.
    """
    just = {str(p) for p in persons}
    erased = just | {str(i) for i in session.scalars(select(Person.id).where(Person.erased_at.is_not(None)))}
    changed = []
    rows = session.execute(select(Instance.id, Instance.data).where(Instance.status.in_(CLOSED))
                           .order_by(Instance.id)).all()
    for instance_id, data in rows:
        about = named(data or {})
        if not about & just:
            continue
        instance = session.get(Instance, instance_id)
        fields = personal_fields(instance.version)
        if not fields:
            continue
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                      .order_by(AuditEvent.seq)))
        if about <= erased:
            gone = lambda key, _value, fields=fields: key in fields  # noqa: E731
        else:
            typed = _typed_about(load_workflow(instance.version, instance.state), events, fields,
                                 subject_fields(instance.version), erased)
            gone = lambda key, value, typed=typed: (key, _canonical(value)) in typed  # noqa: E731
        if _erase(session, instance, events, gone, actor, sorted(int(p) for p in about & erased)):
            changed.append(instance_id)
    return changed


def _erase(session, instance, events, gone, actor, persons):
    """Replace the values `gone(key, value)` selects in the file and its events; True when any was."""
    seen = set()
    data, state = _scrub(instance.data, gone, seen), _scrub(instance.state, gone, seen)
    replacements = [(event, new) for event in events
                    for new in [_scrub_details(event.details or {}, gone, seen)] if new != event.details]
    if not seen:
        return False
    instance.data, instance.state = data, state
    audit.redact(session, actor, instance, replacements, persons=persons, fields=sorted(seen))
    return True


def _scrub(value, gone, seen):
    """`value` with each personal value that `gone` selects replaced by ERASED; their keys go in `seen`."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if _filled(item) and gone(key, item):
                seen.add(key)
                result[key] = ERASED
            else:
                result[key] = _scrub(item, gone, seen)
        return result
    if isinstance(value, list):
        return [_scrub(item, gone, seen) for item in value]
    return value


def _scrub_details(details, gone, seen):
    """An event's details scrubbed; in `changes`, a field's old and new values each."""
    changes = details.get("changes")
    if not isinstance(changes, dict):
        return _scrub(details, gone, seen)
    scrubbed = {name: ({side: _scrub({name: change[side]}, gone, seen)[name] for side in ("old", "new")}
                       if isinstance(change, dict) and set(change) == {"old", "new"} else _scrub(change, gone, seen))
                for name, change in changes.items()}
    return {**_scrub({k: v for k, v in details.items() if k != "changes"}, gone, seen), "changes": scrubbed}


def _typed_about(workflow, events, fields, subjects, erased):
    """(field, value) of the personal values typed in the steps about erased persons only."""
    typed, elsewhere = set(), set()
    for event in events:
        changes = (event.details or {}).get("changes")
        if not isinstance(changes, dict):
            continue
        about = _subjects(workflow, event.task_id, subjects)
        into = typed if about and about <= erased else elsewhere
        for name, change in changes.items():
            _collect({name: change.get("new") if isinstance(change, dict) else change}, fields, into)
    return typed - elsewhere


def _subjects(workflow, task_id, subjects):
    """The persons (ids as text) that the data of task `task_id` chooses through its subject fields."""
    try:
        data = workflow.get_task_from_id(UUID(task_id)).data
    except Exception:  # noqa: BLE001 - no task (an instance event), or one the workflow no longer has
        return set()
    return {str(value) for key, value in data.items()
            if key in subjects and isinstance(value, int) and not isinstance(value, bool)}


def _collect(value, fields, into):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in fields and _filled(item):
                into.add((key, _canonical(item)))
            else:
                _collect(item, fields, into)
    elif isinstance(value, list):
        for item in value:
            _collect(item, fields, into)


def _filled(value):
    return value not in (None, "", [], {}, ERASED)


def _canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
