"""Personal data (law 2013-015): a person's export, retention and erasure, transfers abroad."""
from datetime import date, timedelta

import offer_data
import pytest
import retour_migrant_data
import selection_finale_data
from conftest import BAMAKO, DCIM, KAYES
from offer_flow import complete, offer_sent_to
from preselection_flow import selection_of
from sqlalchemy import select

from engine import audit, people
from engine.definitions import elements
from engine.errors import Forbidden, NotFound
from engine.records import statistics
from engine.runtime import instances
from engine.store.tables import (
    AuditEvent,
    Candidature,
    Departure,
    Instance,
    Person,
    Reintegration,
    ReturnRecord,
    utcnow,
)

YEAR = timedelta(days=366)
TODAY = date(2026, 11, 29)
PERSONS = [  # (name, sex, birth date, region, stage reached)
    ("Keïta", "F", "1994-05-12", "bamako", "parti"), ("Traoré", "M", "1988-02-01", "bamako", "retenu"),
    ("Diallo", "F", "2001-12-30", "kayes", "presente"), ("Sissoko", "M", "1970-07-07", "kayes", "inscrit"),
    ("Coulibaly", "M", None, "bamako", "inscrit")]


def _candidates_of_an_offer(uow):
    """PERSONS registered, with their candidatures to one offer (ended), a departure and a return."""
    ids = [people.register_person(uow, DCIM, {"nom": n, "prenoms": "Awa", "sexe": s, "region": r,
                                              "telephone": f"+223 70 00 00 0{i}", "adresse": "Quartier du fleuve",
                                              "consentement": True, **({"date_naissance": b} if b else {})})
           for i, (n, s, b, r, _stage) in enumerate(PERSONS)]
    offer_id = offer_sent_to(uow, "OFF-RGPD-3", "bamako", "kayes")
    for counsellor in (BAMAKO, KAYES):
        complete(uow, counsellor, offer_id, "confirmer_affichage", offer_data.confirmer_affichage())
    rows = [Candidature(offer_id=offer_id, person_id=person_id, region=person[3], stage=person[4])
            for person_id, person in zip(ids, PERSONS)]
    rows.append(Departure(instance_id=offer_id, person_id=ids[0], destination_country="SA", status="parti",
                          departed_on=date(2025, 10, 6)))
    rows.append(ReturnRecord(instance_id=offer_id, person_id=ids[3], region="kayes", category="volontaire",
                             registered_on=date(2026, 1, 20), country_from="SA"))
    with uow:
        uow.session.add_all(rows)
        uow.session.commit()
    return ids


def _events(uow, kind):
    with uow:
        return [audit.details_of(e) for e in uow.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)
                                                         .order_by(AuditEvent.seq))]


def _statistics(uow):
    return {(key, by): statistics.count(uow, key, by=by, today=TODAY)
            for key in ("candidats_inscrits", "candidats_partis", "departs", "retours")
            for by in (None, "sexe", "age", "region", "pays", "categorie")}


def test_the_shortlist_sent_to_the_employer_is_a_recorded_transfer_abroad(deployed):
    offer, _pre, selection, candidates = selection_of(deployed, "OFF-RGPD-1", {"bamako": 2, "kayes": 1})

    [transfer] = _events(deployed, "personal_data_transfer")
    assert transfer == {"persons": sorted(candidates["bamako"] + candidates["kayes"]),
                        "documents": ["cv", "lettres_motivation", "copies_diplomes", "resultats_tests"],
                        "recipient": "Frutas del Condado S.L.", "country": "ES"}
    # Only that task declares a transfer: the preselection's steps recorded none.
    complete(deployed, DCIM, selection["id"], "planifier_rencontre",
             selection_finale_data.planifier_rencontre(candidates["bamako"]))
    assert len(_events(deployed, "personal_data_transfer")) == 1
    # Files still open keep their persons, whatever the retention period.
    assert people.apply_retention(deployed, utcnow() + 30 * YEAR) == []


def test_the_export_holds_everything_stored_about_the_person(deployed):
    offer, preselection, selection, candidates = selection_of(deployed, "OFF-RGPD-2", {"bamako": 2})
    person, other = candidates["bamako"]
    returned = instances.start_instance(deployed, BAMAKO, "retour_migrant", "RET-RGPD-2")["id"]
    complete(deployed, BAMAKO, returned, "enregistrer_retour", retour_migrant_data.enregistrer_retour(person))
    with deployed:
        deployed.session.add(Departure(instance_id=selection["id"], person_id=person, destination_country="ES",
                                       departed_on=date(2025, 4, 1), status="parti"))
        deployed.session.add(Reintegration(instance_id=returned, person_id=person, region="bamako",
                                           path="auto_emploi"))
        deployed.session.commit()
    people.get_person(deployed, BAMAKO, person)

    export = people.export_person(deployed, BAMAKO, person)

    registered = people.get_person(deployed, DCIM, person)
    assert {k: v for k, v in export["personne"].items() if k != "efface_le"} == registered
    assert export["personne"]["consentement"]["date"] and export["personne"]["efface_le"] is None
    assert [(c["offre_reference"], c["stage"], c["region"]) for c in export["candidatures"]] == [
        ("OFF-RGPD-2", "presente", "bamako")]
    assert [(d["instance_id"], d["destination_country"], d["departed_on"]) for d in export["departs"]] == [
        (selection["id"], "ES", "2025-04-01")]
    assert [(r["instance_id"], r["country_from"]) for r in export["retours"]] == [(returned, "ES")]
    assert [(r["instance_id"], r["path"]) for r in export["reinsertions"]] == [(returned, "auto_emploi")]
    with deployed:
        naming = {i.id for i in deployed.session.scalars(select(Instance))
                  if str(person) in str({k: i.data.get(k) for k in people.PERSON_FIELDS})}
    files = {f["id"]: f for f in export["dossiers"]}
    assert set(files) == naming | {offer["id"]} and {preselection, selection["id"], returned} <= set(files)
    assert files[returned]["donnees"]["migrant"] == person
    kinds = [e["type"] for e in export["historique"]]
    assert kinds[0] == "person_registered" and {"person_read", "personal_data_transfer"} <= set(kinds)
    # The export is itself recorded, and only what names the person is in it.
    assert _events(deployed, "person_exported") == [{"person_id": person}]
    assert all(c["person_id"] == person for c in export["candidatures"])
    assert people.export_person(deployed, DCIM, other)["retours"] == []


def test_the_export_has_the_access_of_reading_the_file(uow):
    person = people.register_person(uow, BAMAKO, retour_migrant_data.personne())
    with pytest.raises(Forbidden):
        people.export_person(uow, KAYES, person)
    with pytest.raises(NotFound):
        people.export_person(uow, DCIM, person + 1)
    assert _events(uow, "person_exported") == []


def test_retention_pseudonymises_and_statistics_stay_the_same(deployed):
    person_ids = _candidates_of_an_offer(deployed)
    before = _statistics(deployed)
    migrants = {person_ids[0], person_ids[3]}

    # After six years the candidates' files are past their retention, the migrants' not yet.
    now = utcnow() + 6 * YEAR
    assert set(people.apply_retention(deployed, now)) == set(person_ids) - migrants
    assert _statistics(deployed) == before
    assert {p["id"] for p in people.list_persons(deployed, DCIM)} == migrants
    with deployed:
        assert {i for i, _label in people.person_choices(deployed.session)(person_ids, None)} == migrants
        erased = deployed.session.get(Person, person_ids[1])
        assert (erased.last_name, erased.first_names, erased.phone, erased.email, erased.address) == \
            (f"Personne n° {person_ids[1]}", "", None, None, None)
        assert (erased.sex, erased.birth_date, erased.region) == ("M", date(1988, 1, 1), "bamako")
        assert erased.erased_at is not None

    # Eleven years on the migrants' too; the periods are per kind of file and configurable.
    assert people.apply_retention(deployed, now, years={"migrant": 1}) == sorted(migrants)
    assert people.list_persons(deployed, DCIM) == []
    assert _statistics(deployed) == before
    events = _events(deployed, "person_erased")
    assert sorted(e["person_id"] for e in events) == sorted(person_ids)
    assert "Traoré" not in str(events)

    # A second run changes nothing.
    assert people.apply_retention(deployed, now + 20 * YEAR) == []
    assert len(_events(deployed, "person_erased")) == len(person_ids)
    assert _statistics(deployed) == before


def test_a_declared_transfer_names_its_persons_recipient_and_country():
    assert elements.parse_transfer("personnes=candidats; destinataire=employeur ; pays=pays_travail") == {
        "personnes": "candidats", "destinataire": "employeur", "pays": "pays_travail"}
    with pytest.raises(ValueError, match="lacks destinataire, pays"):
        elements.parse_transfer("personnes=candidats")
