"""A form is compiled once per process and version: a process owner's new version is checked by its own
form at once, the files of the old version keep theirs, and a person registered meanwhile is a valid
choice at the next submission."""
import json

import pytest
from conftest import DCIM
from preselection_data import person
from tiny_diagrams import chain, process, user_element

from engine import people
from engine.authoring.deploy import deploy
from engine.errors import ValidationFailed
from engine.runtime import instances, tasks


def _deploy(uow, form):
    deploy(uow, {"essai.bpmn": process(chain(("tache", user_element("tache", form="note.schema.json")))),
                 "note.schema.json": json.dumps(form).encode()}, "admin")


def _open_task(uow, key):
    [task] = instances.start_instance(uow, DCIM, "essai", key)["tasks"]
    return task["id"]


def _refused(uow, task_id, data):
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(uow, DCIM, task_id, data)
    return [(e.field, e.code) for e in refused.value.errors]


def _note(limit):
    return {"type": "object", "properties": {"note": {"type": "string", "maxLength": limit}}}


def test_each_version_is_checked_by_its_own_form_after_a_new_deploy(uow):
    _deploy(uow, _note(5))
    old = _open_task(uow, "ESS-V1")
    assert _refused(uow, old, {"note": "123456"}) == [("note", "maxLength")]  # version 1's form is compiled
    _deploy(uow, _note(10))
    new = _open_task(uow, "ESS-V2")
    assert tasks.complete_task(uow, DCIM, new, {"note": "1234567"})["status"] == "completed"
    assert _refused(uow, old, {"note": "123456"}) == [("note", "maxLength")]  # the running file keeps version 1's
    assert tasks.complete_task(uow, DCIM, old, {"note": "12345"})["status"] == "completed"


def test_a_person_registered_after_the_form_was_compiled_is_a_valid_choice(uow):
    _deploy(uow, {"type": "object", "properties": {"candidat": {"type": "integer", "x-reference": "persons"}}})
    first = people.register_person(uow, DCIM, person("bamako", 0))
    task_id = _open_task(uow, "ESS-P1")
    assert _refused(uow, task_id, {"candidat": first + 1000}) == [("candidat", "enum")]
    second = people.register_person(uow, DCIM, person("bamako", 1))
    assert tasks.complete_task(uow, DCIM, task_id, {"candidat": second})["status"] == "completed"


def test_a_form_comparing_with_a_date_of_the_file_is_checked_against_each_files_own_date(uow):
    limit = {"type": "object", "properties": {"limite": {"type": "string", "format": "date"}}}
    start = {"type": "object", "properties": {"debut": {"type": "string", "format": "date"}},
             "x-date-order": [["debut", {"from": "limite", "title": "Limite"}]]}
    deploy(uow, {"essai.bpmn": process(chain(("limite", user_element("limite", form="limite.schema.json")),
                                             ("debut_tache", user_element("debut_tache", form="debut.schema.json")))),
                 "limite.schema.json": json.dumps(limit).encode(),
                 "debut.schema.json": json.dumps(start).encode()}, "admin")
    opened = {}
    for key, day in (("ESS-D1", "2026-01-10"), ("ESS-D2", "2026-03-10")):
        [task] = instances.start_instance(uow, DCIM, "essai", key)["tasks"]
        [opened[key]] = [t["id"] for t in tasks.complete_task(uow, DCIM, task["id"], {"limite": day})["tasks"]]
    assert _refused(uow, opened["ESS-D1"], {"debut": "2026-02-01"}) == [("debut", "date_after_file")]
    assert tasks.complete_task(uow, DCIM, opened["ESS-D2"], {"debut": "2026-02-01"})["status"] == "completed"
