"""The registry keeps one file per person: duplicates asked about, impossible birth dates refused,
telephone numbers in one form; a person's page lists what they went through."""
from datetime import date

import offer_flow
import pytest
from conftest import BAMAKO, DCIM, KAYES
from sqlalchemy import select

from engine import audit, people
from engine.errors import Hidden, ValidationFailed
from engine.people.identity import normalised_phone
from engine.runtime import instances
from engine.store.tables import AuditEvent, CandidateService, Candidature, Departure, utcnow


def fanta(**changes):
    data = {"nom": "Koné", "prenoms": "Fanta", "sexe": "F", "date_naissance": "1997-03-08", "region": "bamako",
            "telephone": "76 45 12 09", "consentement": True, **changes}
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(("typed", "kept"), [
    ("76 45 12 09", "+22376451209"), ("76.45.12.09", "+22376451209"), ("+223 76-45-12-09", "+22376451209"),
    ("00223 76 45 12 09", "+22376451209"), ("22376451209", "+22376451209"), ("+33 6 12 34 56 78", "+33612345678"),
    ("0033 (6) 12 34 56 78", "+33612345678"), ("+966 50 123 4567", "+966501234567"),
    ("7645120", None), ("+223 76 45 12", None), ("06 12 34 56 78", None), ("76 45 12 O9", None), ("+", None)])
def test_telephone_numbers_are_kept_in_their_international_form(typed, kept):
    assert normalised_phone(typed) == kept


def test_a_number_that_cannot_be_read_is_refused_and_a_malian_one_gains_its_code(uow):
    with pytest.raises(ValidationFailed) as refused:
        people.register_person(uow, BAMAKO, fanta(telephone="45 12 09"))
    assert [(e.field, e.code) for e in refused.value.errors] == [("telephone", "phone_unreadable")]

    person_id = people.register_person(uow, BAMAKO, fanta())
    assert people.get_person(uow, BAMAKO, person_id)["telephone"] == "+22376451209"


def test_birth_dates_in_the_future_or_under_fifteen_are_refused(uow):
    today = utcnow().date()
    fifteen = date(today.year - 15, today.month, 28 if today.month == 2 and today.day == 29 else today.day)
    a_day_too_young = date.fromordinal(fifteen.toordinal() + 1)
    for born, code in ((date(today.year + 5, 1, 1), "birth_date_future"), (a_day_too_young, "too_young")):
        with pytest.raises(ValidationFailed) as refused:
            people.register_person(uow, BAMAKO, fanta(date_naissance=born.isoformat()))
        assert [(e.field, e.code) for e in refused.value.errors] == [("date_naissance", code)]
    assert people.register_person(uow, BAMAKO, fanta(date_naissance=fifteen.isoformat()))  # 15 today: taken


def test_the_same_name_and_birth_date_or_the_same_telephone_is_asked_about(uow):
    first = people.register_person(uow, BAMAKO, fanta())
    kayes = people.register_person(uow, KAYES, fanta(nom="Sacko", prenoms="Issa", sexe="M", region="kayes",
                                                      date_naissance="1980-01-01", telephone="+223 66 00 11 22"))

    # Case, accents and spaces do not make another person; nor does another way of writing the number.
    with pytest.raises(people.PossibleDuplicate) as same_name:
        people.register_person(uow, BAMAKO, fanta(nom="  KONE ", prenoms="fantà", telephone=None))
    assert [(p["id"], p["reasons"], p["readable"]) for p in same_name.value.persons] == \
        [(first, ["name_birth_date"], True)]
    assert same_name.value.persons[0]["label"] == f"KONÉ Fanta, née en 1997 (n° {first})"

    # Another region's person is named by number only.
    with pytest.raises(people.PossibleDuplicate) as same_phone:
        people.register_person(uow, BAMAKO, fanta(nom="Diarra", prenoms="Ami", telephone="0022366001122"))
    assert same_phone.value.persons == [{"id": kayes, "label": f"n° {kayes}", "region": "kayes",
                                         "readable": False, "reasons": ["phone"]}]

    # The counsellor checked: someone else (a sister sharing the family's telephone). Recorded.
    sister = people.register_person(uow, BAMAKO, fanta(nom="Diarra", prenoms="Ami", telephone="66 00 11 22"),
                                    other_than={kayes})
    with uow:
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.kind == "person_registered")
                                     .order_by(AuditEvent.seq)).all()
        assert [audit.details_of(e).get("other_than") for e in events] == [None, None, [kayes]]
        assert audit.details_of(events[-1])["person_id"] == sister
    # A confirmation about other persons does not cover a new one.
    with pytest.raises(people.PossibleDuplicate):
        people.register_person(uow, BAMAKO, fanta(telephone=None), other_than={kayes})


def test_an_erased_person_is_no_duplicate(uow):
    people.register_person(uow, BAMAKO, fanta())
    assert people.apply_retention(uow, now=utcnow().replace(year=utcnow().year + 20))
    assert people.register_person(uow, BAMAKO, fanta())


def test_a_persons_activity_names_their_files_and_which_the_reader_may_open(deployed):
    uow = deployed
    person_id = people.register_person(uow, BAMAKO, fanta())
    offer_id = offer_flow.offer_up_to_transmission(uow, "OFF-2026-7")  # a DCIM file, no task of Bamako's yet
    service_id = instances.start_instance(uow, BAMAKO, "accompagnement_candidat", "ACC-7")["id"]
    with uow:
        uow.session.get(CandidateService, service_id).person_id = person_id  # as its first step records
        uow.session.add_all([Candidature(offer_id=offer_id, person_id=person_id, region="bamako", stage="inscrit"),
                             Departure(instance_id=service_id, person_id=person_id, destination_country="ES",
                                       status="prevu")])
        uow.session.commit()

    seen = people.person_activity(uow, BAMAKO, person_id)
    assert [(c["dossier"]["reference"], c["dossier"]["lisible"], c["pays"]) for c in seen["candidatures"]] == \
        [("OFF-2026-7", False, "ES")]  # the counsellor has no task in the offer's file
    assert [(s["dossier"]["id"], s["dossier"]["lisible"]) for s in seen["accompagnements"]] == [(service_id, True)]
    assert [d["pays"] for d in seen["departs"]] == ["ES"] and seen["retours"] == seen["reinsertions"] == []
    assert people.person_activity(uow, DCIM, person_id)["candidatures"][0]["dossier"] == {
        "id": offer_id, "reference": "OFF-2026-7", "procedure": "offre_internationale", "statut": "running",
        "lisible": True}
    with pytest.raises(Hidden):
        people.person_activity(uow, KAYES, person_id)
