"""Every path of the services to candidates (manual §8.1, §8.2.1–8.2.5), driven through the engine API."""
from datetime import date, datetime, timedelta

import accompagnement_candidat_data as data
import pytest
from conftest import BAMAKO, DCIM, DIRECTION, KAYES, actor, deploy_bundled
from offer_flow import complete, history, kinds, open_tasks, task_rows

from engine import people
from engine.errors import Forbidden, ValidationFailed
from engine.runtime import instances, tasks
from engine.store.tables import CandidateService

PROCESS = "accompagnement_candidat"
# A second Bamako counsellor: the directorate's counsellors share its files.
BAMAKO_2 = actor("conseiller-bamako-2", "conseiller", region="bamako")


@pytest.fixture
def accompagnement(uow):
    """The procedure deployed alone, so that other procedures' drafts cannot break these tests."""
    deploy_bundled(uow, "accompagnement_candidat.bpmn")
    return uow


@pytest.fixture
def persons(accompagnement):
    """Two Bamako candidates and a Kayes one, registered by their counsellors: (bamako, bamako, kayes)."""
    return (people.register_person(accompagnement, BAMAKO, data.personne()),
            people.register_person(accompagnement, BAMAKO, data.personne(nom="Coulibaly", prenoms="Ibrahim",
                                                                         sexe="M")),
            people.register_person(accompagnement, KAYES, data.personne(region="kayes", nom="Sissoko",
                                                                        prenoms="Mariam")))


def due_delay(task):
    return datetime.fromisoformat(task["due_at"]) - datetime.fromisoformat(task["created_at"])


def service(uow, instance_id):
    """The file's row of the candidate services table, without its bookkeeping columns."""
    with uow:
        row = uow.session.get(CandidateService, instance_id)
        return None if row is None else {column.key: getattr(row, column.key) for column in row.__table__.columns
                                          if column.key not in ("instance_id", "updated_at")}


OPENED = {"person_id": None, "region": "bamako", "status": "en_cours", "stage": "accueil", "employability": None,
          "motivation": None, "cv_finalised": None, "project_realistic": None, "session_kind": None,
          "session_on": None, "equivalence_asked": None, "equivalence_started": None, "outcome": None,
          "training": None, "concluded_on": None}


def start(uow, key="ACC-2025-0001", by=BAMAKO):
    return instances.start_instance(uow, by, PROCESS, key)


def up_to_conclusion(uow, instance_id, candidat, diplomes):
    complete(uow, BAMAKO, instance_id, "analyser_demande", data.analyser(candidat, diplomes=diplomes))
    complete(uow, BAMAKO_2, instance_id, "construire_projet", data.projet())
    return complete(uow, BAMAKO, instance_id, "informer_migration_legale", data.informer())


def test_counsellor_opens_a_file_that_stays_in_their_region(accompagnement, persons):
    bamako_1, bamako_2, kayes_1 = persons
    started = start(accompagnement)

    assert started["status"] == "running" and started["started_by"] == "conseiller-bamako"
    assert started["data"]["region_initiateur"] == "bamako"
    # Counted from the start, in the counsellor's directorate, before any person is named.
    assert service(accompagnement, started["id"]) == {
        **OPENED, "opened_on": datetime.fromisoformat(started["started_at"]).date()}
    [analyse] = started["tasks"]
    assert (analyse["name"], analyse["role"], analyse["region"]) == ("analyser_demande", "conseiller", "bamako")
    assert analyse["title"] == "Analyser la demande et évaluer l'employabilité"
    assert analyse["manual_section"] == "8.1"
    assert due_delay(analyse) == timedelta(days=5)
    assert [t["id"] for t in open_tasks(accompagnement, BAMAKO_2, started["id"])] == [analyse["id"]]
    assert open_tasks(accompagnement, KAYES, started["id"]) == []
    assert open_tasks(accompagnement, DCIM, started["id"]) == []
    for attempt in (lambda: tasks.get_task(accompagnement, KAYES, analyse["id"]),
                    lambda: tasks.complete_task(accompagnement, KAYES, analyse["id"], data.analyser(kayes_1))):
        with pytest.raises(Forbidden):
            attempt()
    # The person is chosen among the files of the counsellor's region only.
    form = tasks.get_task(accompagnement, BAMAKO, analyse["id"])["form"]["schema"]
    assert {c["const"] for c in form["properties"]["candidat"]["oneOf"]} == {bamako_1, bamako_2}
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(accompagnement, BAMAKO, analyse["id"], data.analyser(kayes_1))
    assert [(e.field, e.code) for e in refused.value.errors] == [("candidat", "enum")]
    # Only counsellors open such files; a Kayes counsellor's file is in Kayes.
    for outsider in (DCIM, DIRECTION):
        with pytest.raises(Forbidden):
            start(accompagnement, "ACC-2025-0002", by=outsider)
    kayes_file = start(accompagnement, "ACC-2025-0003", by=KAYES)
    assert [(t["name"], t["region"]) for t in kayes_file["tasks"]] == [("analyser_demande", "kayes")]
    assert service(accompagnement, kayes_file["id"])["region"] == "kayes"


def test_candidate_with_diplomas_ready_for_offers(accompagnement, persons):
    candidat = persons[0]
    started = start(accompagnement)
    instance_id = started["id"]
    opened_on = datetime.fromisoformat(started["started_at"]).date()

    analysed = complete(accompagnement, BAMAKO, instance_id, "analyser_demande", data.analyser(candidat))
    assert analysed["data"]["region_candidat"] == "bamako"
    assert analysed["data"]["statut_accompagnement"] == "en_cours"
    assessed = {**OPENED, "opened_on": opened_on, "person_id": candidat, "stage": "analyse",
                "employability": "elevee", "motivation": "forte", "equivalence_asked": True}
    assert service(accompagnement, instance_id) == assessed
    [project] = analysed["tasks"]
    assert (project["name"], project["role"], project["region"]) == ("construire_projet", "conseiller", "bamako")
    assert project["title"] == "Aider à construire le projet, le CV et la lettre de motivation"
    assert project["manual_section"] == "8.1" and due_delay(project) == timedelta(days=15)
    summary = tasks.get_task(accompagnement, BAMAKO, project["id"])["file"]
    fields = dict(field for section in summary for field in section["fields"])
    assert fields["Candidat"].startswith("KEÏTA Fatoumata")
    assert fields["Employabilité à l'international"] == "Élevée : peut postuler dès maintenant"

    projected = complete(accompagnement, BAMAKO_2, instance_id, "construire_projet", data.projet())
    helped = {**assessed, "stage": "projet", "cv_finalised": True, "project_realistic": True}
    assert service(accompagnement, instance_id) == helped
    [inform] = projected["tasks"]
    assert (inform["name"], inform["region"]) == ("informer_migration_legale", "bamako")
    assert inform["manual_section"] == "8.2.1, 8.2.2, 8.2.4, 8.2.7"
    assert due_delay(inform) == timedelta(days=30)
    with pytest.raises(ValidationFailed) as refused:  # a group session counts its participants
        tasks.complete_task(accompagnement, BAMAKO, inform["id"],
                            {k: v for k, v in data.informer().items() if k != "nombre_participants"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("nombre_participants", "required")]

    informed = complete(accompagnement, BAMAKO, instance_id, "informer_migration_legale", data.informer())
    informed_row = {**helped, "stage": "information", "session_kind": "collective", "session_on": date(2025, 3, 24)}
    assert service(accompagnement, instance_id) == informed_row
    [equivalence] = informed["tasks"]
    assert (equivalence["name"], equivalence["region"]) == ("informer_equivalence", "bamako")
    assert equivalence["title"] == "Informer sur l'équivalence des diplômes"
    assert equivalence["manual_section"] == "8.2.5" and due_delay(equivalence) == timedelta(days=15)

    equivalent = complete(accompagnement, BAMAKO, instance_id, "informer_equivalence", data.equivalence())
    assert service(accompagnement, instance_id) == {**informed_row, "stage": "equivalence",
                                                    "equivalence_started": True}
    [conclude] = equivalent["tasks"]
    assert (conclude["name"], conclude["region"]) == ("conclure_accompagnement", "bamako")
    assert conclude["manual_section"] == "8.1, 8.2.2, 6.2" and due_delay(conclude) == timedelta(days=10)

    done = complete(accompagnement, BAMAKO, instance_id, "conclure_accompagnement", data.conclure_pret())
    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_accompagnement"] == "pret_pour_offre"
    assert service(accompagnement, instance_id) == {
        **informed_row, "stage": "conclusion", "equivalence_started": True, "status": "conclu",
        "outcome": "pret_pour_offre", "concluded_on": date(2025, 4, 2)}

    events = history(accompagnement, instance_id)
    assert kinds(events) == [
        ("instance_started", None),
        ("task_completed", "analyser_demande"),
        ("task_completed", "construire_projet"),
        ("task_completed", "informer_migration_legale"),
        ("gateway_taken", "gw_diplomes"),
        ("task_completed", "informer_equivalence"),
        ("task_completed", "conclure_accompagnement"),
        ("gateway_taken", "gw_issue"),
        ("instance_completed", "fin_pret_pour_offre"),
    ]
    assert events[0]["changes"] == {"region_initiateur": {"old": None, "new": "bamako"}}
    assert events[1]["changes"]["candidat"] == {"old": None, "new": candidat}
    assert events[4]["details"]["to"] == ["informer_equivalence"]
    assert events[7]["details"]["to"] == ["fin_pret_pour_offre"]
    assert [e["actor"] for e in events if e["kind"] == "task_completed"] == [
        "conseiller-bamako", "conseiller-bamako-2", "conseiller-bamako", "conseiller-bamako", "conseiller-bamako"]
    rows = task_rows(accompagnement, instance_id)
    assert [(r["name"], r["region"], r["state"]) for r in rows] == [
        ("analyser_demande", "bamako", "completed"), ("construire_projet", "bamako", "completed"),
        ("informer_migration_legale", "bamako", "completed"), ("informer_equivalence", "bamako", "completed"),
        ("conclure_accompagnement", "bamako", "completed")]


def test_candidate_without_diplomas_oriented_to_training(accompagnement, persons):
    instance_id = start(accompagnement)["id"]
    informed = up_to_conclusion(accompagnement, instance_id, persons[1], diplomes=False)

    assert [t["name"] for t in informed["tasks"]] == ["conclure_accompagnement"]  # no equivalence step
    [conclude] = informed["tasks"]
    with pytest.raises(ValidationFailed) as refused:  # training needs the training proposed
        tasks.complete_task(accompagnement, BAMAKO, conclude["id"],
                            {k: v for k, v in data.conclure_formation().items() if k != "formation_orientee"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("formation_orientee", "required")]

    done = complete(accompagnement, BAMAKO, instance_id, "conclure_accompagnement", data.conclure_formation())

    assert done["status"] == "completed"
    assert done["data"]["statut_accompagnement"] == "oriente_formation"
    row = service(accompagnement, instance_id)
    assert (row["person_id"], row["status"], row["stage"], row["outcome"], row["training"]) == \
        (persons[1], "conclu", "conclusion", "oriente_formation", "cours_langue")
    # No diplomas to have recognised: asked no, and no equivalence step recorded.
    assert (row["equivalence_asked"], row["equivalence_started"]) == (False, None)
    events = history(accompagnement, instance_id)
    assert [(e["element_id"], e["details"]["to"]) for e in events if e["kind"] == "gateway_taken"] == [
        ("gw_diplomes", ["conclure_accompagnement"]), ("gw_issue", ["fin_oriente_formation"])]
    assert kinds(events)[-1] == ("instance_completed", "fin_oriente_formation")
    assert "informer_equivalence" not in {r["name"] for r in task_rows(accompagnement, instance_id)}


def test_candidate_giving_up_migration(accompagnement, persons):
    instance_id = start(accompagnement)["id"]
    up_to_conclusion(accompagnement, instance_id, persons[0], diplomes=False)

    done = complete(accompagnement, BAMAKO, instance_id, "conclure_accompagnement", data.conclure_renonce())

    assert done["status"] == "completed"
    assert done["data"]["statut_accompagnement"] == "renonce_migration"
    row = service(accompagnement, instance_id)
    assert (row["status"], row["outcome"], row["training"], row["concluded_on"]) == \
        ("conclu", "renonce_migration", None, date(2025, 4, 2))
    assert done["data"]["motif_renoncement"] == "La candidate préfère un poste proposé à Sikasso."
    events = history(accompagnement, instance_id)
    assert events[-2]["element_id"] == "gw_issue" and events[-2]["details"]["to"] == ["fin_renonce_migration"]
    assert kinds(events)[-1] == ("instance_completed", "fin_renonce_migration")


def test_the_persons_export_lists_their_candidate_services(accompagnement, persons):
    instance_id = start(accompagnement)["id"]
    up_to_conclusion(accompagnement, instance_id, persons[0], diplomes=False)

    export = people.export_person(accompagnement, BAMAKO, persons[0])

    assert [(row["instance_id"], row["stage"], row["employability"]) for row in export["accompagnements"]] == [
        (instance_id, "information", "elevee")]
    assert instance_id in {file["id"] for file in export["dossiers"]}
    assert people.export_person(accompagnement, BAMAKO, persons[1])["accompagnements"] == []


def test_the_counsellor_closes_the_services_at_any_step_with_a_reason(accompagnement, persons):
    """An exit of issue 15, point 5: the candidate gives up midway. The file's own cancel closes it (its
    counsellor owns it; another region's may not), with the reason; the record says it is cancelled."""
    bamako, _other, _kayes = persons
    started = start(accompagnement)
    complete(accompagnement, BAMAKO, started["id"], "analyser_demande", data.analyser(bamako))
    with pytest.raises(Forbidden):
        instances.cancel_instance(accompagnement, KAYES, started["id"], "Abandon : la candidate ne vient plus.")

    closed = instances.cancel_instance(accompagnement, BAMAKO_2, started["id"], "Abandon : la candidate ne vient plus.")

    assert closed["status"] == "cancelled" and closed["cancel_reason"] == "Abandon : la candidate ne vient plus."
    assert open_tasks(accompagnement, BAMAKO, started["id"]) == []
    assert service(accompagnement, started["id"])["status"] == "annule"
