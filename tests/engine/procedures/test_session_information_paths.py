"""Every path of the information session procedure (manual §8.2.1, §6.7): planned, then held with its
attendance list and head count (each registered person present has it in their file), postponed to a new
date, or cancelled with a reason."""
from datetime import date

import pytest
import session_information_data as data
from conftest import BAMAKO, KAYES, deploy_bundled
from offer_flow import complete, history, kinds
from sqlalchemy import select

from engine import people
from engine.errors import ValidationFailed
from engine.records import information_sessions, statistics
from engine.runtime import instances, tasks
from engine.store.tables import InformationSession, SessionAttendance

PROCESS = "session_information"


@pytest.fixture
def sessions(uow):
    deploy_bundled(uow, "session_information.bpmn")
    return uow


@pytest.fixture
def candidates(sessions):
    return [people.register_person(sessions, BAMAKO, data.personne(nom, prenoms, telephone=phone))
            for nom, prenoms, phone in (("Coulibaly", "Awa", "+223 66 40 11 01"),
                                        ("Sissoko", "Fanta", "+223 66 40 11 02"))]


def planned(uow, key="SI-BKO-2025-06"):
    started = instances.start_instance(uow, BAMAKO, PROCESS, key)
    [task] = started["tasks"]
    assert (task["name"], task["role"], task["region"], task["manual_section"]) == (
        "planifier_session", "conseiller", "bamako", "8.2.1, 6.7")
    after = complete(uow, BAMAKO, started["id"], "planifier_session", data.planifier())
    [hold] = after["tasks"]
    assert (hold["name"], hold["region"], hold["due_at"][:10]) == ("tenir_session", "bamako", "2025-06-12")
    return started["id"]


def session_row(uow, instance_id):
    with uow:
        row = uow.session.get(InformationSession, instance_id)
        attended = sorted(uow.session.scalars(select(SessionAttendance.person_id)
                                              .where(SessionAttendance.instance_id == instance_id)))
        return {"status": row.status, "kind": row.kind, "planned_on": row.planned_on, "held_on": row.held_on,
                "themes": row.themes, "countries": row.countries, "head_count": row.head_count,
                "region": row.region, "attended": attended}


def test_a_session_held_is_recorded_once_and_in_each_attendee_s_file(sessions, candidates):
    other = people.register_person(sessions, KAYES, data.personne("Keita", "Mariam", region="kayes",
                                                                  telephone="+223 66 40 11 03"))
    instance_id = planned(sessions)
    assert session_row(sessions, instance_id)["status"] == "planifiee"
    # The attendance list offers the region's registered persons only.
    hold = [t for t in tasks.list_open_tasks(sessions, BAMAKO) if t["instance_id"] == instance_id][0]
    offered = tasks.get_task(sessions, BAMAKO, hold["id"])["form"]["schema"]["properties"]["participants"]
    assert {c["const"] for c in offered["items"]["oneOf"]} == set(candidates)
    with pytest.raises(ValidationFailed) as refused:
        complete(sessions, BAMAKO, instance_id, "tenir_session", data.tenir([candidates[0], other]))
    assert [e.field for e in refused.value.errors] == ["participants"]
    held = data.tenir(candidates, nombre=14)
    del held["nombre_participants"], held["themes_traites"]
    with pytest.raises(ValidationFailed) as refused:
        complete(sessions, BAMAKO, instance_id, "tenir_session", held)
    assert sorted(e.field for e in refused.value.errors) == ["nombre_participants", "themes_traites"]

    after = complete(sessions, BAMAKO, instance_id, "tenir_session", data.tenir(candidates, nombre=14))

    assert after["status"] == "completed" and after["data"]["effectif_session"] == 14
    assert kinds(history(sessions, instance_id))[-1] == ("instance_completed", "fin_session_tenue")
    assert session_row(sessions, instance_id) == {
        "status": "tenue", "kind": "collective", "planned_on": date(2025, 6, 12), "held_on": date(2025, 6, 12),
        "themes": "missions_diplomatiques,risques_migration_irreguliere,voies_migration_legale,"
                  "cadre_legal_conditions_pays", "countries": "ES,SN", "head_count": 14, "region": "bamako",
        "attended": sorted(candidates)}
    with sessions:
        [attended] = information_sessions.attended_by(sessions.session, candidates[1])
        assert information_sessions.attended_by(sessions.session, other) == []
    assert (attended["instance_id"], attended["held_on"], attended["countries"]) == (
        instance_id, date(2025, 6, 12), ["ES", "SN"])
    # The person's export (right of access) holds the session and its file.
    exported = people.export_person(sessions, BAMAKO, candidates[0])
    assert [row["instance_id"] for row in exported["sessions_information"]] == [instance_id]
    assert instance_id in [f["id"] for f in exported["dossiers"]]


def test_the_head_count_is_at_least_the_registered_persons_present(sessions, candidates):
    instance_id = planned(sessions)
    after = complete(sessions, BAMAKO, instance_id, "tenir_session", data.tenir(candidates, nombre=1))
    assert after["data"]["effectif_session"] == 2
    assert session_row(sessions, instance_id)["head_count"] == 2


def test_a_session_of_unregistered_persons_only_keeps_its_head_count(sessions):
    instance_id = planned(sessions)
    complete(sessions, BAMAKO, instance_id, "tenir_session", data.tenir([], nombre=9))
    row = session_row(sessions, instance_id)
    assert (row["status"], row["head_count"], row["attended"]) == ("tenue", 9, [])


def test_a_postponed_session_is_held_on_its_new_date(sessions, candidates):
    instance_id = planned(sessions)
    with pytest.raises(ValidationFailed) as refused:
        complete(sessions, BAMAKO, instance_id, "tenir_session", {"issue_session": "reportee"})
    assert [e.field for e in refused.value.errors] == ["nouvelle_date_session"]
    after = complete(sessions, BAMAKO, instance_id, "tenir_session", data.reporter("2025-06-19"))
    [hold] = after["tasks"]
    assert (hold["name"], hold["due_at"][:10]) == ("tenir_session", "2025-06-19")
    assert after["data"]["nombre_reports"] == 1
    assert session_row(sessions, instance_id)["planned_on"] == date(2025, 6, 19)
    assert history(sessions, instance_id)[-1]["details"]["to"] == ["reporter_session"]
    complete(sessions, BAMAKO, instance_id, "tenir_session", data.tenir(candidates[:1], nombre=5))
    assert session_row(sessions, instance_id)["attended"] == candidates[:1]


def test_a_cancelled_session_says_why_and_is_in_nobody_s_file(sessions, candidates):
    instance_id = planned(sessions)
    with pytest.raises(ValidationFailed) as refused:
        complete(sessions, BAMAKO, instance_id, "tenir_session", {"issue_session": "annulee"})
    assert [e.field for e in refused.value.errors] == ["motif_annulation_session"]
    after = complete(sessions, BAMAKO, instance_id, "tenir_session", data.annuler())
    assert after["status"] == "completed" and after["data"]["statut_session"] == "annulee"
    assert kinds(history(sessions, instance_id))[-1] == ("instance_completed", "fin_session_annulee")
    row = session_row(sessions, instance_id)
    assert (row["status"], row["held_on"], row["head_count"], row["attended"]) == ("annulee", None, None, [])


def test_the_sessions_held_and_who_came_are_counted_in_the_statistics(sessions, candidates):
    man = people.register_person(sessions, BAMAKO, data.personne("Traoré", "Issa", sexe="M",
                                                                 telephone="+223 66 40 11 04"))
    first = planned(sessions)
    complete(sessions, BAMAKO, first, "tenir_session", data.tenir(candidates, nombre=14))
    second = planned(sessions, "SI-BKO-2025-07")
    complete(sessions, BAMAKO, second, "tenir_session", {**data.tenir([man], nombre=5),
                                                         "themes_traites": ["voies_migration_legale"]})
    cancelled = planned(sessions, "SI-BKO-2025-08")
    complete(sessions, BAMAKO, cancelled, "tenir_session", data.annuler())
    planned(sessions, "SI-BKO-2025-09")  # planned, not held yet: not counted

    # Two sessions held (the cancelled and the planned ones are not), 19 people counted, 3 of them registered.
    assert statistics.count(sessions, "sessions_tenues") == [("total", 2)]
    assert statistics.count(sessions, "sessions_tenues", by="categorie") == [("collective", 2)]
    assert statistics.count(sessions, "participants_sessions") == [("total", 19)]
    assert statistics.count(sessions, "inscrits_sessions", by="sexe") == [("F", 2), ("M", 1)]
    assert statistics.count(sessions, "inscrits_sessions", by="region") == [("bamako", 3)]
    # A session on several themes (countries presented) counts under each of them.
    assert dict(statistics.count(sessions, "participants_sessions", by="categorie")) == {
        "missions_diplomatiques": 14, "risques_migration_irreguliere": 14, "voies_migration_legale": 19,
        "cadre_legal_conditions_pays": 14}
    assert statistics.count(sessions, "inscrits_sessions", by="pays") == [("ES", 3), ("SN", 3)]
    assert statistics.count(sessions, "sessions_tenues", by="mois") == [("2025-06", 2)]
    assert statistics.count(sessions, "inscrits_sessions", start=date(2025, 7, 1)) == []
    assert statistics.count(sessions, "inscrits_sessions", region="kayes") == []
