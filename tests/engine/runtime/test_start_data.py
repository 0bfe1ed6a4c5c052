"""What a file may be given when it opens: an object of plain field names, of bounded size (red-team
finding: 50 MB and fields named like the script guards were accepted)."""
import pytest
from conftest import DCIM

from engine.errors import ValidationFailed
from engine.runtime import instances


@pytest.mark.parametrize("data, field, code", [
    ({"__builtins__": {}}, "data.__builtins__", "field_name"),
    ({"_getiter_": 1}, "data._getiter_", "field_name"),
    ({"montant total": 1}, "data.montant total", "field_name"),
    ({"texte": "x" * 300_000}, "data", "too_large"),
    (["pas", "un", "objet"], "data", "type"),
])
def test_start_data_is_refused_naming_what_to_fix(deployed, data, field, code):
    with pytest.raises(ValidationFailed) as refused:
        instances.start_instance(deployed, DCIM, "offre_internationale", "OFF-DATA-1", data=data)
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]
    assert instances.list_instances(deployed, DCIM, business_key="OFF-DATA-1") == []


def test_plain_start_data_opens_the_file(deployed):
    started = instances.start_instance(deployed, DCIM, "offre_internationale", "OFF-DATA-2",
                                       data={"source_offre": "prospection", "nombre_postes": 3})
    assert started["data"]["nombre_postes"] == 3
