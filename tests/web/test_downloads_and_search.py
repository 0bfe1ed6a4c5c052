"""Download names cannot break their header, and a % or _ typed in a search is a letter, not a wildcard."""
import pytest
from conftest import BAMAKO

from engine import people
from tests.engine import accompagnement_candidat_data as data
from web.downloads import disposition


@pytest.mark.parametrize("name", ['offre"; x=1.bpmn', "offre\r\nSet-Cookie: a=b.bpmn", "offre_été.bpmn"])
def test_a_download_name_cannot_break_its_header(name):
    value = disposition(name)
    plain = value.split('filename="', 1)[1].split('"', 1)[0]
    assert "\r" not in value and "\n" not in value and '"' not in plain and "\\" not in plain
    assert value.endswith("filename*=UTF-8''" + __import__("urllib.parse").parse.quote(name, safe=""))


def test_percent_and_underscore_in_a_person_search_are_letters(deployed):
    people.register_person(deployed, BAMAKO, data.personne(nom="Keïta"))
    people.register_person(deployed, BAMAKO, data.personne(nom="Dia_llo"))
    assert people.list_persons(deployed, BAMAKO, "%") == []
    assert [p["nom"] for p in people.list_persons(deployed, BAMAKO, "dia_l")] == ["Dia_llo"]
    assert [p["nom"] for p in people.list_persons(deployed, BAMAKO, "keï")] == ["Keïta"]
