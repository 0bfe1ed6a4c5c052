"""Candidates on the portal, through the engine: they register themselves awaiting confirmation, upload
documents checked by their content, apply to a displayed offer; a counsellor of their region confirms
them (the application joins the open collection of the offer's preselection) or merges a duplicate."""
import re
from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import select
from conftest import BAMAKO, DCIM, KAYES

from engine.accounts import outbox
from engine.accounts.credentials import LoginLocked
from engine.accounts.throttle import LoginLimits
from engine.definitions.workflows import load_workflow
from engine.errors import Hidden, NotFound, ValidationFailed
from engine.people import candidates_portal as candidates
from engine.people import apply_retention, documents, export_person
from engine.runtime import online_applications as applications
from engine.store.tables import Instance, Person, TaskRow, utcnow

PASSWORD = "maconnerie-de-kayes-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def profile(**changes):
    return {"nom": "Traoré", "prenoms": "Awa", "sexe": "F", "date_naissance": "1996-04-12", "region": "kayes",
            "telephone": "76 12 34 99", "niveau_etudes": "secondaire", "diplome": "CAP d'agriculture, 2015",
            "profession": "9211", "annees_experience": 4, "langues": ["fra", "bam"], "consentement": True,
            **changes}


def registered(uow, email, **changes):
    candidates.register_candidate(uow, profile(**changes), email, PASSWORD, PASSWORD, address="10.0.0.9")
    code = re.search(r"\b(\d{6})\b", outbox.messages(uow)[0]["body"]).group(1)
    candidates.verify_email(uow, email, code)
    return candidates.authenticate_candidate(uow, email, PASSWORD)


def collecting_task(uow, offer_id, region):
    with uow:
        row = uow.session.scalars(select(TaskRow).where(
            TaskRow.name == "recueillir_candidatures", TaskRow.region == region, TaskRow.state == "ready")).first()
        instance = uow.session.get(Instance, row.instance_id)
        assert instance.root_id == offer_id
        return load_workflow(instance.version, instance.state).get_task_from_id(UUID(row.id)).data


def test_a_candidate_registers_applies_and_joins_kayes_collection_once_confirmed(demo, tmp_path):
    uow = demo
    candidate = registered(uow, "awa.traore@example.ml")
    assert candidate.verified and not candidate.confirmed
    with uow:
        person = uow.session.get(Person, candidate.person_id)
        assert person.awaiting_confirmation and person.consent_purpose and person.details["diplome"]
        assert person.created_by == candidate.audit_name
    # The portal's person is chosen for no task before confirmation.
    with uow:
        from engine.people import person_choices
        assert candidate.person_id not in dict(person_choices(uow.session)(None, "kayes"))

    doc = documents.add_document(uow, tmp_path, candidate.person_id, candidate.audit_name, "cv", "cv.pdf", PDF)
    assert list(tmp_path.iterdir())[0].name.endswith(".pdf")
    with pytest.raises(ValidationFailed) as disguised:  # a PNG named .pdf is a PNG; a text named .pdf is refused
        documents.add_document(uow, tmp_path, candidate.person_id, candidate.audit_name, "cv", "cv.pdf",
                               b"#!/bin/sh\nrm -rf /\n")
    assert disguised.value.errors[0].code == "file_type"
    with pytest.raises(ValidationFailed) as large:
        documents.add_document(uow, tmp_path, candidate.person_id, candidate.audit_name, "cv", "cv.pdf",
                               PDF + b"x" * 2000, max_bytes=1000)
    assert large.value.errors[0].code == "too_large"
    kept = documents.add_document(uow, tmp_path, candidate.person_id, candidate.audit_name, "diplome", "d.pdf", PNG)
    newest = documents.documents_of(uow, candidate.person_id)[0]
    assert (newest["id"], newest["filename"], newest["media_type"]) == (kept, "d.png", "image/png")
    # Read by the Kayes counsellor, never by Bamako's; each read recorded.
    assert documents.read_document(uow, tmp_path, KAYES, candidate.person_id, doc)[1] == PDF
    with pytest.raises(Hidden):
        documents.read_document(uow, tmp_path, BAMAKO, candidate.person_id, doc)

    [offer] = [o for o in applications.displayed_offers(uow) if o["reference"] == "OFF-2026-001"]
    assert offer["regions"] == ["bamako", "kayes"]
    shown = applications.displayed_offer(uow, offer["id"])
    assert not any("mploy" in label for label, _text in shown["fields"])
    assert applications.apply(uow, candidate, offer["id"]) == "attente_identite"
    with pytest.raises(ValidationFailed) as twice:
        applications.apply(uow, candidate, offer["id"])
    assert twice.value.errors[0].code == "already_applied"
    collected = collecting_task(uow, offer["id"], "kayes").get("candidats_inscrits_region") or []
    assert candidate.person_id not in collected

    assert [p["id"] for p in applications.awaiting_persons(uow, KAYES)] == [candidate.person_id]
    assert applications.awaiting_persons(uow, BAMAKO) == []
    with pytest.raises(Hidden):
        applications.confirm_person(uow, BAMAKO, candidate.person_id)
    applications.confirm_person(uow, KAYES, candidate.person_id)
    data = collecting_task(uow, offer["id"], "kayes")
    assert candidate.person_id in data["candidats_inscrits_region"]
    assert "appel_candidature" in data["modes_identification"] and data["candidatures_recues"] is True
    [mine] = applications.my_applications(uow, candidate)
    assert mine["stage"] == "transmise" and mine["reference"] == "OFF-2026-001"


def test_another_candidate_reads_neither_the_others_documents_nor_their_applications(demo, tmp_path):
    uow = demo
    first = registered(uow, "moussa.keita@example.ml", nom="Keïta", prenoms="Moussa", sexe="M",
                       telephone="66 00 11 22")
    second = registered(uow, "fanta.diallo@example.ml", nom="Diallo", prenoms="Fanta", telephone="66 00 11 33")
    doc = documents.add_document(uow, tmp_path, first.person_id, first.audit_name, "cv", "cv.pdf", PDF)
    with pytest.raises(NotFound):
        documents.read_own_document(uow, tmp_path, second, doc)
    assert documents.read_own_document(uow, tmp_path, first, doc)[1] == PDF
    [offer] = [o for o in applications.displayed_offers(uow) if o["reference"] == "OFF-2026-001"]
    applications.apply(uow, first, offer["id"])
    assert applications.my_applications(uow, second) == []


def test_a_duplicate_is_merged_into_the_existing_file_and_its_application_joins(demo, tmp_path):
    uow = demo
    with uow:
        existing = uow.session.scalars(select(Person).where(Person.region == "kayes", Person.birth_date.is_not(None),
                                                            Person.awaiting_confirmation.is_(False))).first()
        uow.session.expunge(existing)
    candidate = registered(uow, "doublon@example.ml", nom=existing.last_name, prenoms=existing.first_names,
                           sexe=existing.sex, date_naissance=existing.birth_date.isoformat(), telephone="70 70 70 70")
    [offer] = [o for o in applications.displayed_offers(uow) if o["reference"] == "OFF-2026-001"]
    applications.apply(uow, candidate, offer["id"])
    [waiting] = [p for p in applications.awaiting_persons(uow, KAYES) if p["id"] == candidate.person_id]
    assert existing.id in [p["id"] for p in waiting["alike"]]
    with pytest.raises(ValidationFailed):
        applications.merge_person(uow, KAYES, candidate.person_id, candidate.person_id)
    with uow:
        bamako_person = uow.session.scalars(select(Person.id).where(Person.region == "bamako")).first()
    with pytest.raises(ValidationFailed) as elsewhere:  # another region's person: not said to exist
        applications.merge_person(uow, KAYES, candidate.person_id, bamako_person)
    assert elsewhere.value.errors[0].code == "merge_target"
    applications.merge_person(uow, KAYES, candidate.person_id, existing.id)
    with uow:
        assert uow.session.get(Person, candidate.person_id) is None
    again = candidates.authenticate_candidate(uow, "doublon@example.ml", PASSWORD)
    assert again.person_id == existing.id
    assert existing.id in collecting_task(uow, offer["id"], "kayes")["candidats_inscrits_region"]
    assert applications.my_applications(uow, again)[0]["stage"] in ("transmise", "inscrit")


def test_too_many_applications_or_uploads_are_refused(demo, tmp_path):
    uow = demo
    candidate = registered(uow, "hawa@example.ml", nom="Coulibaly", prenoms="Hawa", telephone="65 43 21 09")
    for number in range(2):
        documents.add_document(uow, tmp_path, candidate.person_id, candidate.audit_name, "autre", "a.pdf", PDF,
                               per_day=2)
    with pytest.raises(ValidationFailed) as refused:
        documents.add_document(uow, tmp_path, candidate.person_id, candidate.audit_name, "autre", "a.pdf", PDF,
                               per_day=2)
    assert refused.value.errors[0].code == "too_many_uploads"
    [offer] = [o for o in applications.displayed_offers(uow) if o["reference"] == "OFF-2026-001"]
    with pytest.raises(ValidationFailed) as applied:
        applications.apply(uow, candidate, offer["id"], per_day=0)
    assert applied.value.errors[0].code == "too_many_applications"
    with pytest.raises(NotFound):
        applications.confirm_person(uow, DCIM, 10 ** 9)


def test_registering_again_with_an_address_tells_its_owner_and_registers_no_one(demo):
    uow = demo
    registered(uow, "double@example.ml", nom="Sangaré", prenoms="Oumou", telephone="79 11 22 33")
    again = candidates.register_candidate(uow, profile(nom="Autre", prenoms="Quelqu'un", telephone="79 44 55 66"),
                                          "double@example.ml", PASSWORD, PASSWORD, address="10.0.0.8")
    assert again is None
    told = outbox.messages(uow)[0]
    assert told["recipient"] == "double@example.ml" and "déjà un compte" in told["body"]
    with uow:
        assert uow.session.scalars(select(Person).where(Person.last_name == "Autre")).all() == []


def test_one_address_registers_only_so_many_candidates(demo):
    uow = demo
    limits = LoginLimits(address_attempts=2)
    for number in range(2):
        candidates.register_candidate(uow, profile(nom=f"Robot{number}", telephone=f"60 00 00 0{number}"),
                                      f"robot{number}@example.ml", PASSWORD, PASSWORD, address="10.9.9.9",
                                      limits=limits)
    with pytest.raises(LoginLocked):
        candidates.register_candidate(uow, profile(nom="Robot2", telephone="60 00 00 09"), "robot2@example.ml",
                                      PASSWORD, PASSWORD, address="10.9.9.9", limits=limits)


def test_the_export_names_the_portal_records_and_retention_deletes_them_with_the_files(demo, tmp_path):
    uow = demo
    candidate = registered(uow, "retention@example.ml", nom="Diarra", prenoms="Bintou", telephone="78 00 00 01")
    documents.add_document(uow, tmp_path, candidate.person_id, candidate.audit_name, "cv", "cv.pdf", PDF)
    exported = export_person(uow, DCIM, candidate.person_id)
    assert exported["compte_portail"]["email"] == "retention@example.ml"
    assert [d["fichier"] for d in exported["documents_deposes"]] == ["cv.pdf"]
    assert "password_hash" not in str(exported) and "stored_name" not in str(exported)

    later = utcnow() + timedelta(days=1)
    erased = apply_retention(uow, later, {"candidat": 0, "migrant": 0}, documents_dir=tmp_path)
    assert candidate.person_id in erased
    assert list(tmp_path.iterdir()) == [] and documents.documents_of(uow, candidate.person_id) == []
    assert candidates.authenticate_candidate(uow, "retention@example.ml", PASSWORD) is None
