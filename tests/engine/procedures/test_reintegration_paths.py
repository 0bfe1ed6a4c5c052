"""Every path of the reintegration procedure (manual §9.2): salaried work or self-employment, validation of
experience, training at the centre, the APEJ orientation on both paths by the age bounds of the decision table
`eligibilite_apej` (the registry's birth date), and the follow-up loop."""
from datetime import datetime, timedelta, timezone

import pytest
import retour_migrant_data as data
from conftest import BAMAKO, DCIM, KAYES, actor, deploy_bundled
from offer_flow import complete, history, kinds, task_rows, the_task
from sqlalchemy import select

from engine import people
from engine.records import statistics
from engine.runtime import instances, tasks
from engine.runtime.timers import fire_due_timers
from engine.store.tables import Reintegration, Timer, as_utc

PROCESS = "reintegration"
EVALUATOR = actor("evaluateur", "evaluateur")
CPR = actor("cpr", "cpr")


@pytest.fixture
def reintegrations(uow):
    deploy_bundled(uow, "reintegration.bpmn", "reintegration.dmn")
    return uow


def register(uow, date_naissance="1990-04-12", region="bamako"):
    return people.register_person(uow, DCIM, data.personne(region=region, date_naissance=date_naissance))


def start(uow, migrant, key="RET-2025-0100/reintegration"):
    """A reintegration file opened by hand by a Bamako counsellor (their region comes with them)."""
    return instances.start_instance(uow, BAMAKO, PROCESS, key, {"migrant": migrant, "categorie_retour": "volontaire"})


def oriented(uow, migrant, parcours, vae=False, date="2025-03-14", key="RET-2025-0100/reintegration"):
    instance_id = start(uow, migrant, key)["id"]
    complete(uow, BAMAKO, instance_id, "inscrire_profiler", data.inscrire(migrant))
    return instance_id, complete(uow, BAMAKO, instance_id, "informer_orienter", data.orienter(parcours, vae, date))


def record(uow, instance_id):
    with uow:
        row = uow.session.get(Reintegration, instance_id)
        return (row.person_id, row.region, row.path, row.outcome)


def due_delay(task):
    return datetime.fromisoformat(task["due_at"]) - datetime.fromisoformat(task["created_at"])


def only(after, name):
    [task] = after["tasks"]
    assert task["name"] == name, after["tasks"]
    return task


def test_registration_and_orientation_by_the_regional_counsellor(reintegrations):
    migrant = register(reintegrations)
    started = start(reintegrations, migrant)

    first = only(started, "inscrire_profiler")
    assert (first["title"], first["role"], first["region"], first["manual_section"]) == (
        "Inscrire et profiler le migrant de retour", "conseiller", "bamako", "9.2.1")
    assert due_delay(first) == timedelta(days=5)
    assert [t for t in tasks.list_open_tasks(reintegrations, KAYES) if t["instance_id"] == started["id"]] == []
    assert tasks.get_task(reintegrations, BAMAKO, first["id"])["data"]["migrant"] == migrant  # prefilled
    assert record(reintegrations, started["id"]) == (migrant, "bamako", None, None)

    after = complete(reintegrations, BAMAKO, started["id"], "inscrire_profiler", data.inscrire(migrant))
    assert after["data"]["region"] == "bamako"
    orient = only(after, "informer_orienter")
    assert (orient["region"], orient["manual_section"]) == ("bamako", "9.2.1, 8.2.5")
    assert due_delay(orient) == timedelta(days=10)
    events = history(reintegrations, started["id"])
    assert events[-1]["changes"]["projet_professionnel"]["new"].startswith("Créer une exploitation")


def test_salaried_path_straight_to_a_job(reintegrations):
    migrant = register(reintegrations)
    instance_id, after = oriented(reintegrations, migrant, "salarie")

    # 34 years old on the orientation day: the APEJ is proposed on the salaried path too.
    apej = only(after, "orienter_apej")
    assert (apej["title"], apej["region"], apej["manual_section"]) == (
        "Orienter le migrant vers l'APEJ", "bamako", "9.2.2, 9.2.3, 4")
    after = complete(reintegrations, BAMAKO, instance_id, "orienter_apej", data.orienter_apej("insertion_emploi"))
    accompany = only(after, "accompagner_salarie")
    assert (accompany["role"], accompany["region"], accompany["manual_section"]) == ("conseiller", "bamako", "9.2.2")
    assert due_delay(accompany) == timedelta(days=30)
    assert record(reintegrations, instance_id) == (migrant, "bamako", "salarie", None)
    after = complete(reintegrations, BAMAKO, instance_id, "accompagner_salarie", data.accompagner_salarie())
    follow = only(after, "suivre_resultat")
    assert (follow["region"], follow["manual_section"]) == ("bamako", "9.2, 9.2.1")
    assert due_delay(follow) == timedelta(days=90)
    done = complete(reintegrations, BAMAKO, instance_id, "suivre_resultat", data.suivre("place_emploi"))

    assert done["status"] == "completed"
    assert kinds(history(reintegrations, instance_id)) == [
        ("instance_started", None),
        ("task_completed", "inscrire_profiler"),
        ("task_completed", "informer_orienter"),
        ("gateway_taken", "gw_vae"),
        ("gateway_taken", "gw_vae_fin"),
        ("decision_taken", "eligibilite_apej"),
        ("gateway_taken", "gw_apej"),
        ("task_completed", "orienter_apej"),
        ("gateway_taken", "gw_apej_fin"),
        ("gateway_taken", "gw_parcours"),
        ("task_completed", "accompagner_salarie"),
        ("gateway_taken", "gw_formation_salarie"),
        ("gateway_taken", "gw_formation_salarie_fin"),
        ("gateway_taken", "gw_suivi"),
        ("task_completed", "suivre_resultat"),
        ("gateway_taken", "gw_resultat"),
        ("instance_completed", "fin_reintegre"),
    ]
    gateways = {e["element_id"]: e["details"]["to"] for e in history(reintegrations, instance_id)
                if e["kind"] == "gateway_taken"}
    assert gateways["gw_vae"] == ["gw_vae_fin"] and gateways["gw_parcours"] == ["accompagner_salarie"]
    assert gateways["gw_formation_salarie"] == ["gw_formation_salarie_fin"]
    assert gateways["gw_resultat"] == ["fin_reintegre"]
    assert record(reintegrations, instance_id) == (migrant, "bamako", "salarie", "place_emploi")


def test_salaried_path_with_validation_of_experience_and_reconversion_then_dropping_out(reintegrations):
    migrant = register(reintegrations, date_naissance="1979-01-20")  # 46: no APEJ
    instance_id, after = oriented(reintegrations, migrant, "salarie", vae=True)

    evaluate = only(after, "evaluer_acquis")
    assert (evaluate["title"], evaluate["role"], evaluate["region"], evaluate["manual_section"]) == (
        "Évaluer les compétences acquises à l'étranger", "evaluateur", None, "8.2.5, 9.2.1, 6.6")
    assert due_delay(evaluate) == timedelta(days=15)
    assert the_task(reintegrations, EVALUATOR, instance_id, "evaluer_acquis")["id"] == evaluate["id"]
    after = complete(reintegrations, EVALUATOR, instance_id, "evaluer_acquis", data.evaluer_acquis())
    only(after, "accompagner_salarie")
    after = complete(reintegrations, BAMAKO, instance_id, "accompagner_salarie",
                     data.accompagner_salarie("reconversion"))

    train = only(after, "former_adaptation")
    assert (train["title"], train["role"], train["region"], train["manual_section"]) == (
        "Dispenser la formation d'adaptation ou de reconversion", "cpr", None, "9.2.2, 6.3")
    assert due_delay(train) == timedelta(days=90)
    after = complete(reintegrations, CPR, instance_id, "former_adaptation", data.former_adaptation(achevee=False))
    only(after, "suivre_resultat")
    done = complete(reintegrations, BAMAKO, instance_id, "suivre_resultat", data.suivre("abandon"))

    assert done["status"] == "completed"
    events = history(reintegrations, instance_id)
    gateways = {e["element_id"]: e["details"]["to"] for e in events if e["kind"] == "gateway_taken"}
    assert gateways["gw_vae"] == ["evaluer_acquis"] and gateways["gw_formation_salarie"] == ["former_adaptation"]
    assert gateways["gw_apej"] == ["gw_apej_fin"]
    assert gateways["gw_resultat"] == ["fin_abandon"]
    assert kinds(events)[-1] == ("instance_completed", "fin_abandon")
    by_task = {e["element_id"]: e for e in events if e["kind"] == "task_completed"}
    assert by_task["evaluer_acquis"]["actor"] == "evaluateur"
    assert by_task["evaluer_acquis"]["changes"]["resultat_evaluation_acquis"] == {"old": None, "new": "confirmees"}
    assert by_task["former_adaptation"]["actor"] == "cpr"
    assert record(reintegrations, instance_id) == (migrant, "bamako", "salarie", "abandon")
    assert [r["name"] for r in task_rows(reintegrations, instance_id)] == [
        "inscrire_profiler", "informer_orienter", "evaluer_acquis", "accompagner_salarie", "former_adaptation",
        "suivre_resultat"]


def test_self_employment_for_a_migrant_of_35_goes_through_apej_and_the_modules(reintegrations):
    migrant = register(reintegrations, date_naissance="1990-04-12")
    instance_id, after = oriented(reintegrations, migrant, "auto_emploi", date="2025-03-14")

    assert after["data"]["date_naissance_migrant"] == "1990-04-12"
    assert after["data"]["age_migrant"] == 34 and after["data"]["eligible_apej"] is True
    apej = only(after, "orienter_apej")
    assert due_delay(apej) == timedelta(days=10)
    after = complete(reintegrations, BAMAKO, instance_id, "orienter_apej", data.orienter_apej())

    present = only(after, "presenter_programmes_appui")
    assert (present["role"], present["region"], present["manual_section"]) == ("conseiller", "bamako", "9.2.3")
    assert due_delay(present) == timedelta(days=15)
    after = complete(reintegrations, BAMAKO, instance_id, "presenter_programmes_appui", data.presenter_appui())

    modules = only(after, "former_entrepreneuriat")
    assert (modules["title"], modules["role"], modules["region"], modules["manual_section"]) == (
        "Dispenser les modules TRIE, CREE, GERME", "cpr", None, "9.2.3, 6.2, 6.3")
    assert due_delay(modules) == timedelta(days=60)
    after = complete(reintegrations, CPR, instance_id, "former_entrepreneuriat", data.former_entrepreneuriat())
    only(after, "suivre_resultat")
    done = complete(reintegrations, BAMAKO, instance_id, "suivre_resultat", data.suivre("entreprise_creee"))

    assert done["status"] == "completed"
    events = history(reintegrations, instance_id)
    gateways = {e["element_id"]: e["details"]["to"] for e in events if e["kind"] == "gateway_taken"}
    assert gateways["gw_parcours"] == ["presenter_programmes_appui"]
    assert gateways["gw_apej"] == ["orienter_apej"] and gateways["gw_modules"] == ["former_entrepreneuriat"]
    assert gateways["gw_resultat"] == ["fin_reintegre"]
    assert record(reintegrations, instance_id) == (migrant, "bamako", "auto_emploi", "entreprise_creee")


def test_self_employment_over_40_without_modules_and_a_second_follow_up_three_months_later(reintegrations):
    migrant = register(reintegrations, date_naissance="1979-01-20")
    instance_id, after = oriented(reintegrations, migrant, "auto_emploi", date="2025-03-14")
    assert after["data"]["age_migrant"] == 46 and after["data"]["eligible_apej"] is False
    after = complete(reintegrations, BAMAKO, instance_id, "presenter_programmes_appui",
                     data.presenter_appui(modules=()))
    only(after, "suivre_resultat")
    gateways = {e["element_id"]: e["details"]["to"] for e in history(reintegrations, instance_id)
                if e["kind"] == "gateway_taken"}
    assert gateways["gw_apej"] == ["gw_apej_fin"] and gateways["gw_modules"] == ["gw_modules_fin"]

    waiting = complete(reintegrations, BAMAKO, instance_id, "suivre_resultat", data.suivre("en_formation"))
    assert waiting["status"] == "waiting" and waiting["tasks"] == []
    assert record(reintegrations, instance_id) == (migrant, "bamako", "auto_emploi", "en_formation")
    assert statistics.count(reintegrations, "resultats_reinsertion", by="categorie") == [("en_formation", 1)]
    with reintegrations:
        [(element_id, timer_due)] = [(t.element_id, as_utc(t.due_at)) for t in reintegrations.session.scalars(
            select(Timer).where(Timer.instance_id == instance_id, Timer.kind == "bpmn", Timer.status == "pending"))]
    assert element_id == "attendre_nouveau_suivi"
    now = datetime.now(timezone.utc)
    assert timedelta(days=89) < timer_due - now <= timedelta(days=90)

    assert [outcome for _id, outcome in fire_due_timers(reintegrations, now + timedelta(days=89))] == []
    fired = fire_due_timers(reintegrations, now + timedelta(days=91))
    assert ("fired" in [outcome for _id, outcome in fired])
    again = the_task(reintegrations, BAMAKO, instance_id, "suivre_resultat")
    assert again["region"] == "bamako"
    done = tasks.complete_task(reintegrations, BAMAKO, again["id"], data.suivre("entreprise_creee", "2025-10-01"))

    assert done["status"] == "completed"
    events = history(reintegrations, instance_id)
    assert [e["element_id"] for e in events if e["kind"] == "task_completed"][-2:] == ["suivre_resultat",
                                                                                     "suivre_resultat"]
    assert ("timer_fired", "attendre_nouveau_suivi") in kinds(events)
    assert [e["details"]["to"] for e in events if e["element_id"] == "gw_resultat"] == [
        ["attendre_nouveau_suivi"], ["fin_reintegre"]]
    assert record(reintegrations, instance_id) == (migrant, "bamako", "auto_emploi", "entreprise_creee")
    # The outcomes of the last follow-up, for the managers (DOM box): the second one replaced the first.
    assert statistics.count(reintegrations, "resultats_reinsertion", by="categorie") == [("entreprise_creee", 1)]
    assert statistics.count(reintegrations, "resultats_reinsertion", by="sexe") == [("M", 1)]


@pytest.mark.parametrize("born, oriented_on, path, age, row", [
    ("2007-03-15", "2025-03-14", "auto_emploi", 17, "regle_hors_tranche"),  # turns 18 the next day
    ("2007-03-14", "2025-03-14", "salarie", 18, "regle_tranche_apej"),      # 18 on the day
    ("1984-03-14", "2025-03-14", "salarie", 41, "regle_hors_tranche"),      # 41 on the day
    ("1984-03-15", "2025-03-14", "auto_emploi", 40, "regle_tranche_apej"),  # still 40, 41 the next day
    (None, "2025-03-14", "salarie", None, "regle_age_inconnu"),             # no birth date in the registry
])
def test_the_apej_age_bounds_are_a_decision_table_on_the_registry_birth_date(reintegrations, born, oriented_on,
                                                                              path, age, row):
    migrant = register(reintegrations, date_naissance=born)
    instance_id, after = oriented(reintegrations, migrant, path, date=oriented_on)

    eligible = row == "regle_tranche_apej"
    assert after["data"]["age_migrant"] == age and after["data"]["eligible_apej"] is eligible
    next_task = "accompagner_salarie" if path == "salarie" else "presenter_programmes_appui"
    assert [t["name"] for t in after["tasks"]] == (["orienter_apej"] if eligible else [next_task])
    [decision] = [e for e in history(reintegrations, instance_id) if e["kind"] == "decision_taken"]
    assert (decision["element_id"], [r["id"] for r in decision["details"]["rules"]]) == ("eligibilite_apej", [row])
