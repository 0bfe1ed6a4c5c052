"""A text typed in a form is bounded even when the form's author set no maxLength."""
import json

import pytest
from conftest import DCIM
from tiny_diagrams import chain, process, user_element

from engine.authoring.deploy import deploy
from engine.definitions.forms import TEXT_LIMIT
from engine.errors import ValidationFailed
from engine.runtime import instances, tasks

FORM = {"type": "object", "properties": {"note": {"type": "string"}, "motifs": {"type": "array",
                                                                                   "items": {"type": "string"}},
                                         "long": {"type": "string", "maxLength": 2 * TEXT_LIMIT}}}


def test_a_text_without_maxlength_is_bounded_and_one_with_its_own_keeps_it(uow):
    deploy(uow, {"essai.bpmn": process(chain(("tache", user_element("tache", form="note.schema.json")))),
                 "note.schema.json": json.dumps(FORM).encode()}, "admin")
    [task] = instances.start_instance(uow, DCIM, "essai", "ESS-LONG-1")["tasks"]
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(uow, DCIM, task["id"], {"note": "x" * (TEXT_LIMIT + 1), "motifs": ["y" * 20_000]})
    assert [(e.field, e.code, e.params) for e in refused.value.errors] == [
        ("note", "maxLength", {"limit": TEXT_LIMIT}), ("motifs", "maxLength", {"limit": TEXT_LIMIT})]
    done = tasks.complete_task(uow, DCIM, task["id"], {"note": "x" * TEXT_LIMIT, "long": "z" * (TEXT_LIMIT + 5)})
    assert done["status"] == "completed"
