"""The persons registry: consent, regions, logged reads."""
import pytest
from conftest import BAMAKO, DCIM, DIRECTION, KAYES, actor
from sqlalchemy import select

from engine import audit, people
from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.store.tables import AuditEvent


def awa(**changes):
    data = {"nom": "Keïta", "prenoms": "Awa", "sexe": "F", "date_naissance": "1994-05-12", "region": "bamako",
            "telephone": "+223 76 12 34 56", "niveau_etudes": "secondaire", "metier": "Aide-soignante",
            "langues": ["fra", "bam"], "consentement": True}
    data.update(changes)
    return data


def _events(uow, kind):
    with uow:
        query = select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.seq)
        return [(e.actor, audit.details_of(e)) for e in uow.session.scalars(query)]


def test_a_counsellor_registers_in_their_region_with_consent(uow):
    person_id = people.register_person(uow, BAMAKO, awa())
    person = people.get_person(uow, BAMAKO, person_id)

    assert person["nom"] == "Keïta" and person["region"] == "bamako" and person["langues"] == ["fra", "bam"]
    assert person["consentement"]["date"] is not None
    assert person["consentement"]["finalite"].startswith("Placement à l'international")
    assert person["label"] == f"KEÏTA Awa, née en 1994 (n° {person_id})"
    assert _events(uow, "person_registered")[0][0] == "conseiller-bamako"


def test_consent_is_required_and_fields_are_checked(uow):
    with pytest.raises(ValidationFailed) as refused:
        people.register_person(uow, BAMAKO, awa(consentement=False, sexe="X", date_naissance="12/05/1994"))
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("consentement", "const"), ("sexe", "enum"), ("date_naissance", "format")}
    assert people.list_persons(uow, BAMAKO) == []


def test_counsellors_register_and_read_only_their_region(uow):
    with pytest.raises(ValidationFailed) as refused:
        people.register_person(uow, BAMAKO, awa(region="kayes"))
    assert [(e.field, e.code) for e in refused.value.errors] == [("region", "own_region")]

    in_kayes = people.register_person(uow, DCIM, awa(region="kayes", nom="Diallo"))
    with pytest.raises(Forbidden):
        people.get_person(uow, BAMAKO, in_kayes)
    assert [p["id"] for p in people.list_persons(uow, KAYES)] == [in_kayes]
    assert people.list_persons(uow, BAMAKO) == []
    assert [p["id"] for p in people.list_persons(uow, DCIM, "dia")] == [in_kayes]


def test_roles_without_files_of_their_own_read_none(uow):
    person_id = people.register_person(uow, DCIM, awa())
    for outsider in (DIRECTION, actor("evaluateur", "evaluateur"), actor("cpr", "cpr")):
        with pytest.raises(Forbidden):
            people.get_person(uow, outsider, person_id)
        with pytest.raises(Forbidden):
            people.list_persons(uow, outsider)
        with pytest.raises(Forbidden):
            people.register_person(uow, outsider, awa())
    with pytest.raises(NotFound):
        people.get_person(uow, DCIM, 999999)


def test_every_read_of_a_file_is_recorded(uow):
    person_id = people.register_person(uow, BAMAKO, awa())
    people.get_person(uow, BAMAKO, person_id)
    people.get_person(uow, DCIM, person_id)

    reads = _events(uow, "person_read")
    assert [(who, details["person_id"]) for who, details in reads] == [
        ("conseiller-bamako", person_id), ("dcim", person_id)]
