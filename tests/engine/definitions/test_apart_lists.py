"""Two lists a form says are apart (`x-apart`) share no value: a candidate the employer retained is not also
on the waiting list, in the meeting's selection and in the selection on files."""
import json
from pathlib import Path

import pytest

from engine.definitions import forms
from engine.errors import ValidationFailed

FORMS = Path(__file__).resolve().parents[3] / "forms"
SCHEMA = {"type": "object", "x-apart": [["retenus", "attente"]],
          "properties": {"retenus": {"type": "array", "title": "Candidats retenus", "items": {"type": "integer"}},
                         "attente": {"type": "array", "title": "Liste d'attente", "items": {"type": "integer"}}}}


def problems(schema, data):
    with pytest.raises(ValidationFailed) as refused:
        forms.validate(schema, data)
    return [(e.field, e.code, e.params) for e in refused.value.errors]


def test_lists_apart_pass_and_a_shared_value_is_refused_on_the_second_list():
    forms.validate(SCHEMA, {"retenus": [17, 19], "attente": [21]})
    forms.validate(SCHEMA, {"retenus": [17]})  # one list alone is never in conflict
    assert problems(SCHEMA, {"retenus": [17, 19], "attente": [19, 21]}) == [
        ("attente", "lists_overlap", {"other": "Candidats retenus"})]


@pytest.mark.parametrize("form", ["selection_finale_enregistrer_selection", "selection_finale_selection_sur_dossiers"])
def test_the_final_selections_keep_the_retained_off_the_waiting_list(form):
    schema = json.loads((FORMS / f"{form}.schema.json").read_text(encoding="utf-8"))
    assert ["candidats_selectionnes", "candidats_liste_attente"] in schema["x-apart"]
    titles = schema["properties"]
    data = {"candidats_selectionnes": [17], "candidats_liste_attente": [17]}
    refused = [p for p in _all_problems(schema, data) if p[1] == "lists_overlap"]
    assert refused == [("candidats_liste_attente", "lists_overlap",
                        {"other": titles["candidats_selectionnes"]["title"]})]


def _all_problems(schema, data):
    try:
        forms.validate(schema, data)
    except ValidationFailed as refused:
        return [(e.field, e.code, e.params) for e in refused.errors]
    return []
