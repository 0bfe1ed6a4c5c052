"""Retention erases what finished files say about the persons it erases (law 2013-015): the personal
fields typed in their forms leave the files' data, workflow state and audit events; the audit chain
still verifies, and still finds any other change."""
import json
from datetime import date, timedelta

import accompagnement_candidat_data
import preselection_data
import retour_migrant_data
from conftest import BAMAKO, DCIM, actor
from offer_flow import complete, open_tasks
from preselection_flow import preselection_of, register_candidates
from sqlalchemy import select, update

from engine import audit, people
from engine.audit.verify import verify
from engine.people.erasure import ERASED
from engine.records import statistics
from engine.runtime import instances, tasks
from engine.store.tables import AuditEvent, Base, Departure, utcnow

YEAR = timedelta(days=366)
EVALUATOR = actor("evaluateur", "evaluateur")
NAME, PHONE = "Tessougué", "+223 66 48 21 97"  # typed in free-text fields of the forms


def stored_text(uow):
    """Every row of every table as one text: what someone reading the database would find."""
    with uow:
        connection = uow.session.connection()
        rows = [[list(row) for row in connection.execute(select(table))] for table in Base.metadata.sorted_tables]
    return json.dumps(rows, ensure_ascii=False, default=str)


def erasures(uow):
    with uow:
        return [audit.details_of(e) for e in uow.session.scalars(select(AuditEvent).where(AuditEvent.kind == audit.REDACTION)
                                                       .order_by(AuditEvent.seq))]


def counts(uow):
    return {(key, by): statistics.count(uow, key, by=by, today=date(2036, 1, 1))
            for key in ("candidats_inscrits", "retours") for by in (None, "sexe", "age", "region")}


def a_finished_return(uow):
    """A migrant registered with NAME and PHONE, whose return file the counsellor filled in with them."""
    registered = retour_migrant_data.personne(nom=NAME, prenoms="Mariam", sexe="F")
    migrant = people.register_person(uow, BAMAKO, {**registered, "telephone": PHONE})
    returned = instances.start_instance(uow, BAMAKO, "retour_migrant", "RET-RGPD-9")["id"]
    record = retour_migrant_data.enregistrer_retour(migrant, "emploi_local")
    record["circonstances_retour"] = f"Mariam {NAME}, joignable au {PHONE}, hébergée chez sa sœur à Kati."
    complete(uow, BAMAKO, returned, "enregistrer_retour", record)
    refused = retour_migrant_data.refuser_accompagnement(f"Mme {NAME} reprend la boutique de sa sœur.")
    assert complete(uow, BAMAKO, returned, "proposer_accompagnement", refused)["status"] == "completed"
    return migrant, returned


def a_finished_accompaniment(uow):
    """A candidate who gave up migration, NAME's cousin: her file's free text names NAME too."""
    candidate = people.register_person(uow, BAMAKO, accompagnement_candidat_data.personne(nom="Dembélé"))
    file_id = instances.start_instance(uow, BAMAKO, "accompagnement_candidat", "ACC-RGPD-9")["id"]
    analysis = accompagnement_candidat_data.analyser(candidate, diplomes=False)
    analysis["caracteristiques_personnelles"] = f"Vit chez sa cousine Mariam {NAME} ({PHONE})."
    complete(uow, BAMAKO, file_id, "analyser_demande", analysis)
    complete(uow, BAMAKO, file_id, "construire_projet", accompagnement_candidat_data.projet())
    complete(uow, BAMAKO, file_id, "informer_migration_legale", accompagnement_candidat_data.informer())
    done = complete(uow, BAMAKO, file_id, "conclure_accompagnement",
                    accompagnement_candidat_data.conclure_renonce(f"Reste à Kati auprès de Mme {NAME}."))
    assert done["status"] == "completed"
    return candidate, file_id


def test_retention_erases_the_personal_fields_of_the_persons_finished_files(deployed, database_url, monkeypatch,
                                                                              capsys):
    migrant, returned = a_finished_return(deployed)
    candidate, accompaniment = a_finished_accompaniment(deployed)
    assert NAME in stored_text(deployed) and PHONE in stored_text(deployed)
    before = counts(deployed)

    assert people.apply_retention(deployed, utcnow() + 11 * YEAR) == sorted([migrant, candidate])

    # Nowhere in the database any more: registry, files' data and state, audit events, tasks.
    text = stored_text(deployed)
    assert NAME not in text and PHONE not in text and "48 21 97" not in text
    assert counts(deployed) == before
    assert verify(deployed).ok

    # The files keep their persons (the pseudonymised rows) and what is not personal.
    file = instances.get_instance(deployed, DCIM, returned, with_history=True)
    assert file["data"]["migrant"] == migrant and file["data"]["pays_provenance"] == "ES"
    assert file["data"]["circonstances_retour"] == file["data"]["motif_refus"] == ERASED
    assert file["data"]["metier_exerce_etranger"] == ERASED and file["data"]["motifs_retour"] == ["emploi_local"]
    changes = [e["changes"] for e in file["history"] if e["kind"] == "task_completed"]
    assert changes[0]["circonstances_retour"] == {"old": None, "new": ERASED}
    assert changes[0]["date_retour"] == {"old": None, "new": "2025-03-02"}
    assert {tuple(e["persons"]) for e in erasures(deployed)} == {(migrant,), (candidate,)}
    assert {"circonstances_retour", "motif_refus", "caracteristiques_personnelles", "motif_renoncement"} <= {
        field for e in erasures(deployed) for field in e["fields"]}
    export = people.export_person(deployed, DCIM, migrant)
    assert export["personne"]["nom"] == f"Personne n° {migrant}" and returned in {f["id"] for f in export["dossiers"]}

    # A second run finds nothing more to do.
    assert people.apply_retention(deployed, utcnow() + 30 * YEAR) == []
    assert len(erasures(deployed)) == 2

    # Any change made behind the engine's back is still found: putting a value back, or changing another event.
    with deployed:
        redacted = deployed.session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id == returned, AuditEvent.kind == "task_completed").order_by(AuditEvent.seq)).first()
        seq, said = redacted.seq, redacted.details
    put_back = {**said, "changes": {**said["changes"], "circonstances_retour": {"old": None, "new": NAME}}}
    with deployed.session_factory.kw["bind"].begin() as connection:
        connection.execute(update(AuditEvent.__table__).where(AuditEvent.seq == seq).values(details=put_back))
    assert (verify(deployed).problem, verify(deployed).seq) == ("altered", seq)


def test_a_shared_file_loses_a_candidates_evaluation_with_them_and_the_rest_with_the_last(deployed):
    first, second = register_candidates(deployed, "bamako", 2)
    offer, preselection = preselection_of(deployed, "OFF-RGPD-5", "bamako")
    pid = preselection["id"]
    complete(deployed, BAMAKO, pid, "recueillir_candidatures", preselection_data.recueillir([first, second]))
    complete(deployed, BAMAKO, pid, "preselectionner_candidats", preselection_data.preselectionner([first, second]))
    complete(deployed, EVALUATOR, pid, "preparer_tests",
             preselection_data.preparer_tests(epreuves=("test_technique",), note_minimale=12))
    notes = {first: "Moussa TRAORÉ est arrivé en retard, tél. 70 11 22 33.",
             second: "Aminata DIARRA a abandonné l'épreuve, souffrante."}
    for task in open_tasks(deployed, EVALUATOR, pid, "evaluer_candidat"):
        candidate = tasks.get_task(deployed, EVALUATOR, task["id"])["data"]["candidat"]
        evaluation = preselection_data.evaluer(candidate, test_technique=9)
        evaluation["evaluation"]["observations_evaluation"] = notes[candidate]
        tasks.complete_task(deployed, EVALUATOR, task["id"], evaluation)
    assert complete(deployed, DCIM, pid, "decider_relance", preselection_data.clore())["status"] == "completed"
    shared = preselection_data.recueillir([])["observations_recueil"]
    with deployed:  # the second candidate has left to work abroad since: kept ten years
        deployed.session.add(Departure(instance_id=offer["id"], person_id=second, destination_country="ES",
                                       departed_on=date(2025, 6, 1), status="parti"))
        deployed.session.commit()

    # Six years on, the first candidate is erased: only what was typed about him alone leaves the file.
    assert people.apply_retention(deployed, utcnow() + 6 * YEAR) == [first]
    text = stored_text(deployed)
    assert notes[first] not in text and "70 11 22 33" not in text
    assert notes[second] in text and shared in text
    assert verify(deployed).ok
    [erased] = erasures(deployed)
    assert (erased["persons"], erased["fields"]) == ([first], ["observations_evaluation"])

    # Once the last candidate it names is erased, the shared file loses every personal field.
    assert people.apply_retention(deployed, utcnow() + 11 * YEAR) == [second]
    text = stored_text(deployed)
    assert notes[second] not in text and shared not in text
    assert verify(deployed).ok
    assert [e["fields"] for e in erasures(deployed)][1] == ["observations_evaluation", "observations_recueil"]
