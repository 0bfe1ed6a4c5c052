"""Timers, reminders and escalations, fired by the engine's clock (`now` passed in, no sleeping)."""
import threading
from datetime import timedelta

import offer_data
import timer_diagrams as diagrams
from conftest import DCIM, DIRECTION
from offer_flow import complete, history, kinds, start_offer
from sqlalchemy import select

from engine.accounts.notifications import unread
from engine.authoring.deploy import deploy
from engine.runtime import instances, tasks
from engine.runtime.timers import MAX_ATTEMPTS, fire_due_timers
from engine.store.tables import Timer, utcnow

DAY = timedelta(days=1)


def _deploy(uow, bpmn):
    deploy(uow, {"diagramme.bpmn": bpmn, diagrams.FORM: diagrams.FORM_SCHEMA}, "test")


def _start(uow, bpmn, key="MIN-1"):
    _deploy(uow, bpmn)
    process_key = next(p for p in instances.list_processes(uow) if p["key"].startswith("minuterie"))["key"]
    return instances.start_instance(uow, DCIM, process_key, key)


def _timers(uow, instance_id, **where):
    with uow:
        query = select(Timer).where(Timer.instance_id == instance_id)
        for name, value in where.items():
            query = query.where(getattr(Timer, name) == value)
        return [(t.kind, t.element_id, t.status) for t in uow.session.scalars(query.order_by(Timer.id))]


def _fired(outcomes):
    return [outcome for _timer, outcome in outcomes if outcome == "fired"]


def test_boundary_timer_escalates_an_untouched_task(uow):
    instance = _start(uow, diagrams.boundary_escalation("P2D"))
    assert _timers(uow, instance["id"], kind="bpmn") == [("bpmn", "delai_depasse", "pending")]

    assert fire_due_timers(uow, utcnow() + DAY) == []  # not yet due
    assert len(_fired(fire_due_timers(uow, utcnow() + 2 * DAY + timedelta(minutes=1)))) == 1

    done = instances.get_instance(uow, DCIM, instance["id"], with_history=True)
    assert done["status"] == "completed"
    assert done["data"]["escalade"] is True
    assert done["tasks"] == []  # the interrupted task left the inbox
    assert ("timer_fired", "delai_depasse") in kinds(done["history"])
    assert kinds(done["history"])[-1] == ("instance_completed", "fin_escalade")
    assert [e["actor"] for e in done["history"] if e["kind"] == "timer_fired"] == ["planificateur"]


def test_completed_task_cancels_its_boundary_timer(uow):
    instance = _start(uow, diagrams.boundary_escalation("P2D"))
    task_id = instance["tasks"][0]["id"]
    tasks.complete_task(uow, DCIM, task_id, {"note": "traité à temps"})

    assert _timers(uow, instance["id"], kind="bpmn") == [("bpmn", "delai_depasse", "cancelled")]
    assert fire_due_timers(uow, utcnow() + 10 * DAY) == []
    assert instances.get_instance(uow, DCIM, instance["id"])["data"].get("escalade") is None


def test_cycle_timer_fires_three_times(uow):
    instance = _start(uow, diagrams.cycle_reminder("R3/P1D"))
    now = utcnow()
    fired = [len(_fired(fire_due_timers(uow, now + n * DAY + timedelta(minutes=1)))) for n in range(1, 6)]

    assert fired == [1, 1, 1, 0, 0]
    events = history(uow, instance["id"])
    assert [k for k in kinds(events) if k[0] == "timer_fired"] == [("timer_fired", "relance")] * 3
    assert [k for k in kinds(events) if k == ("instance_completed", "fin_relance")] == []
    assert instances.get_instance(uow, DCIM, instance["id"])["status"] == "running"  # the task is still there


def test_timer_due_during_downtime_fires_once_at_start(uow):
    instance = _start(uow, diagrams.wait_then_script("P1D"))
    assert instances.get_instance(uow, DCIM, instance["id"])["status"] == "waiting"

    back_up = utcnow() + 10 * DAY  # everything was down for ten days
    assert len(_fired(fire_due_timers(uow, back_up))) == 1
    assert fire_due_timers(uow, back_up) == []  # a second start fires nothing again

    done = instances.get_instance(uow, DCIM, instance["id"], with_history=True)
    assert done["status"] == "completed" and done["data"]["attente_finie"] is True
    assert [k for k in kinds(done["history"]) if k[0] == "timer_fired"] == [("timer_fired", "attendre")]


def test_two_schedulers_fire_a_timer_once(uow):
    instance = _start(uow, diagrams.wait_then_script("P1D"))
    later = utcnow() + 2 * DAY
    barrier = threading.Barrier(2)
    outcomes = []

    def scheduler():
        barrier.wait()
        outcomes.extend(fire_due_timers(uow.__class__(uow.session_factory), later))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcome for _timer, outcome in outcomes).count("fired") == 1
    assert [k for k in kinds(history(uow, instance["id"])) if k[0] == "timer_fired"] == [("timer_fired", "attendre")]
    assert instances.get_instance(uow, DCIM, instance["id"])["status"] == "completed"


def test_failing_timer_is_retried_then_shows_a_retryable_error(uow):
    instance = _start(uow, diagrams.wait_then_script("P1D", script="taux = montant / 0"))
    moment = utcnow() + 2 * DAY
    outcomes = []
    for _attempt in range(MAX_ATTEMPTS):
        outcomes += [outcome for _timer, outcome in fire_due_timers(uow, moment)]
        moment += timedelta(hours=1)

    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed"]
    failed = instances.get_instance(uow, DCIM, instance["id"], with_history=True)
    assert failed["status"] == "error"
    assert failed["error"]["element_id"] == "apres_attente"
    assert "montant" in failed["error"]["message"]
    assert [k[0] for k in kinds(failed["history"])].count("timer_retry") == MAX_ATTEMPTS - 1
    assert _timers(uow, instance["id"]) == [("bpmn", "attendre", "failed")]
    assert fire_due_timers(uow, moment + DAY) == []  # given up: no endless retries

    retried = instances.retry_instance(uow, DCIM, instance["id"])
    assert retried["status"] == "error"  # the script still divides by zero, and says so again
    assert kinds(instances.get_instance(uow, DCIM, instance["id"], with_history=True)["history"])[-2:] == [
        ("instance_retried", "apres_attente"), ("error", "apres_attente")]


def test_reminder_before_and_escalation_after_a_task_deadline(uow, deployed):
    instance_id = start_offer(deployed, "OFF-DELAI")["id"]
    complete(deployed, DCIM, instance_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    # verifier_employeur is due in five days (dueIn P5D)
    start = utcnow()
    assert fire_due_timers(deployed, start + 3 * DAY) == []

    assert len(_fired(fire_due_timers(deployed, start + 4 * DAY + timedelta(hours=1)))) == 1
    reminded = {n["kind"] for n in unread(deployed, "dcim")}
    assert reminded == {"reminder"}
    assert "Vérifier la crédibilité de l'employeur" in unread(deployed, "dcim")[0]["message"]
    assert unread(deployed, "conseiller-bamako") == []

    assert len(_fired(fire_due_timers(deployed, start + 5 * DAY + timedelta(hours=1)))) == 1
    assert [n["kind"] for n in unread(deployed, "chef-dcim")] == ["escalation", "reminder"]
    assert [n["kind"] for n in unread(deployed, "dcim")] == ["reminder"]  # escalations go to the head only
    events = kinds(history(deployed, instance_id))
    assert ("task_reminder", "verifier_employeur") in events and ("task_escalation", "verifier_employeur") in events


def test_reminder_goes_to_the_assignee_only(uow, deployed):
    instance_id = start_offer(deployed, "OFF-RAPPEL")["id"]
    task = instances.get_instance(deployed, DCIM, instance_id)["tasks"][0]
    complete(deployed, DCIM, instance_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    verify = instances.get_instance(deployed, DCIM, instance_id)["tasks"][0]
    tasks.claim_task(deployed, DCIM, verify["id"])

    fire_due_timers(deployed, utcnow() + 4 * DAY + timedelta(hours=1))
    assert [n["kind"] for n in unread(deployed, "dcim")] == ["reminder"]
    assert unread(deployed, "chef-dcim") == []  # the head holds the dcim role, but the task is claimed
    assert task["name"] == "enregistrer_offre"


def test_completing_a_task_cancels_its_reminder_and_escalation(uow, deployed):
    instance_id = start_offer(deployed, "OFF-FAIT")["id"]
    complete(deployed, DCIM, instance_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    complete(deployed, DCIM, instance_id, "verifier_employeur", offer_data.verifier_non_credible())

    assert fire_due_timers(deployed, utcnow() + 30 * DAY) == []
    assert {status for _k, _e, status in _timers(deployed, instance_id)} == {"cancelled"}
    assert unread(deployed, "chef-dcim") == []


def test_due_date_from_data_else_due_in(uow):
    _deploy(uow, diagrams.task_due_from_data("echeance"))
    with_date = instances.start_instance(uow, DCIM, "minuterie_echeance", "ECH-1", {"echeance": "2031-03-15"})
    without = instances.start_instance(uow, DCIM, "minuterie_echeance", "ECH-2", {})

    assert with_date["tasks"][0]["due_at"].startswith("2031-03-15T23:59:59")
    due_in = without["tasks"][0]["due_at"]
    assert due_in[:10] == (utcnow() + timedelta(days=7)).date().isoformat()


def test_notifications_reach_only_the_tasks_people(uow, deployed):
    instance_id = start_offer(deployed, "OFF-PERSO")["id"]
    complete(deployed, DCIM, instance_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    fire_due_timers(deployed, utcnow() + 6 * DAY)
    assert unread(deployed, "dcim") != []
    for other in (DIRECTION.username, "conseiller-bamako", "directeur-bamako", "evaluateur"):
        assert unread(deployed, other) == []


def test_timer_start_event_opens_a_waiting_file_that_runs_each_cycle(uow):
    _deploy(uow, diagrams.timed_start("R3/P1D"))
    waiting = instances.list_instances(uow, DIRECTION, process="minuterie_depart")
    assert [(i["business_key"], i["status"]) for i in waiting] == [("minuterie_depart-v1", "waiting")]
    _deploy(uow, diagrams.timed_start("R3/P1D"))  # unchanged: no second file
    assert len(instances.list_instances(uow, DIRECTION, process="minuterie_depart")) == 1

    now = utcnow()
    fired = [len(_fired(fire_due_timers(uow, now + n * DAY + timedelta(minutes=1)))) for n in range(1, 5)]
    assert fired == [1, 1, 1, 0]
    events = kinds(history(uow, waiting[0]["id"]))
    assert events.count(("timer_fired", "chaque_jour")) == 3
    assert instances.get_instance(uow, DIRECTION, waiting[0]["id"])["status"] == "completed"
