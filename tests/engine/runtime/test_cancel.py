"""One file per business key and procedure, and cancelling a file: who may, and what it closes."""
from datetime import datetime, timedelta, timezone

import offer_data
import pytest
import retour_migrant_data
import selection_finale_data
from conftest import BAMAKO, DCIM, DIRECTION, KAYES, actor
from offer_flow import PROCESS, complete, history, offer_up_to_transmission, start_offer, task_rows, the_task
from preselection_flow import children, offer_displayed, selection_of, the_child
from sqlalchemy import select

from engine import people
from engine.errors import Conflict, Forbidden, ValidationFailed
from engine.records import statistics
from engine.runtime import instances, tasks
from engine.runtime.cancel import REASON_LIMIT
from engine.runtime.timers import fire_due_timers
from engine.store.tables import CandidateService, Instance, Offer, Reintegration, ReturnRecord, Timer

ADMIN = actor("admin", "admin")
OWNER = actor("proprietaire", "proprietaire")
BAMAKO_COLLEAGUE = actor("conseiller-bamako-2", "conseiller", region="bamako")
REASON = "Doublon : l'offre a été enregistrée deux fois."


def cancel(uow, who, instance_id, reason=REASON):
    return instances.cancel_instance(uow, who, instance_id, reason)


def timers(uow, instance_id):
    """(kind, status) of an instance's timer rows."""
    with uow:
        return sorted((t.kind, t.status) for t in uow.session.scalars(select(Timer).where(Timer.instance_id == instance_id)))


def offer_row(uow, instance_id):
    with uow:
        row = uow.session.get(Offer, instance_id)
        return row.status, row.cancel_reason


def start_return(uow, key, who=BAMAKO):
    return instances.start_instance(uow, who, "retour_migrant", key)


# --- one file per business key ---------------------------------------------------------------------

def test_a_reference_is_refused_while_a_file_of_the_procedure_carries_it_unless_cancelled(deployed):
    first = start_offer(deployed, "OFF-2025-0400")["id"]
    with pytest.raises(Conflict) as running:
        start_offer(deployed, "OFF-2025-0400")
    assert running.value.params == {"reason": "business_key_taken", "business_key": "OFF-2025-0400",
                                    "instance_id": first}
    complete(deployed, DCIM, first, "enregistrer_offre", offer_data.enregistrer_chantier_cote_divoire())
    complete(deployed, DCIM, first, "verifier_employeur", offer_data.verifier_non_credible())
    with pytest.raises(Conflict) as finished:  # a closed offer is still the offer: not counted twice
        start_offer(deployed, "OFF-2025-0400")
    assert finished.value.params["instance_id"] == first
    with pytest.raises(Conflict) as closed:  # nor cancelled: what it recorded stays counted as it ended
        cancel(deployed, DCIM, first)
    assert closed.value.params == {"reason": "instance_finished", "instance_id": first}
    assert instances.get_instance(deployed, DCIM, first)["can_cancel"] is False
    assert offer_row(deployed, first)[0] != "annulee"

    # A file cancelled before it ended frees its reference.
    first = start_offer(deployed, "OFF-2025-0402")["id"]
    cancel(deployed, DCIM, first)
    again = start_offer(deployed, "OFF-2025-0402")
    assert again["id"] != first and again["status"] == "running"
    with pytest.raises(Conflict) as taken:  # the new file carries the key now, not the cancelled one
        start_offer(deployed, "OFF-2025-0402")
    assert taken.value.params["instance_id"] == again["id"]
    assert [i["status"] for i in instances.list_instances(deployed, DCIM, business_key="OFF-2025-0402")] == \
        ["running", "cancelled"]
    # Another procedure may use the same reference.
    assert start_return(deployed, "OFF-2025-0400")["status"] == "running"


def test_files_opened_by_another_file_still_share_its_reference(deployed):
    offer, preselection_id, selection, _candidates = selection_of(deployed, "OFF-2025-0401", {"bamako": 1})
    assert instances.get_instance(deployed, DCIM, preselection_id)["business_key"] == "OFF-2025-0401"
    with pytest.raises(Conflict) as refused:  # by hand, the offer's reference is taken
        start_offer(deployed, "OFF-2025-0401")
    assert refused.value.params["instance_id"] == offer["id"]

    complete(deployed, DCIM, selection["id"], "planifier_rencontre", selection_finale_data.aucune_rencontre())
    complete(deployed, DCIM, selection["id"], "decider_suite_selection",
             selection_finale_data.relancer_preselection("kayes"))

    # The relaunched preselection opens under the offer's reference, beside the finished first one.
    relaunched = the_child(deployed, selection["id"], "preselection")
    assert relaunched["business_key"] == "OFF-2025-0401" and relaunched["status"] == "running"
    statuses = {i["id"]: i["status"] for i in instances.list_instances(deployed, DCIM, process="preselection",
                                                                        business_key="OFF-2025-0401")}
    assert statuses == {preselection_id: "completed", relaunched["id"]: "running"}


# --- what cancelling closes ------------------------------------------------------------------------

def test_cancelling_an_offer_closes_its_tasks_and_reminders_and_counts_it_as_cancelled(deployed):
    instance_id = start_offer(deployed, "OFF-2025-0410")["id"]
    complete(deployed, DCIM, instance_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    task_id = the_task(deployed, DCIM, instance_id, "verifier_employeur")["id"]
    assert ("reminder", "pending") in timers(deployed, instance_id)
    kept = start_offer(deployed, "OFF-2025-0411")["id"]
    complete(deployed, DCIM, kept, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())

    cancelled = cancel(deployed, DCIM, instance_id, "  " + REASON + " ")

    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == REASON
    assert cancelled["ended_at"] is not None and cancelled["tasks"] == []
    assert [(r["name"], r["state"]) for r in task_rows(deployed, instance_id)] == [
        ("enregistrer_offre", "completed"), ("verifier_employeur", "cancelled")]
    assert {status for _kind, status in timers(deployed, instance_id)} == {"cancelled"}
    assert [t["instance_id"] for t in tasks.list_open_tasks(deployed, DCIM)] == [kept]
    later = datetime.now(timezone.utc) + timedelta(days=30)
    assert _fired(deployed, later) == [kept, kept]  # the other offer's reminder and escalation only
    [event] = [e for e in history(deployed, instance_id) if e["kind"] == "instance_cancelled"]
    assert (event["actor"], event["details"]["reason"], event["details"]["children"]) == ("dcim", REASON, [])
    read = instances.get_instance(deployed, DCIM, instance_id)
    assert read["cancel_reason"] == REASON and read["can_cancel"] is False

    # The business records and the statistics count it as cancelled, with its reason.
    assert offer_row(deployed, instance_id) == ("annulee", REASON)
    assert statistics.count(deployed, "offres_recues") == [("total", 1)]
    assert statistics.count(deployed, "postes_offerts") == [("total", 40)]
    assert statistics.count(deployed, "offres_annulees", by="categorie") == [(REASON, 1)]

    # Nothing more can be done on it.
    for attempt in (lambda: tasks.complete_task(deployed, DCIM, task_id, offer_data.verifier_credible()),
                    lambda: tasks.claim_task(deployed, DCIM, task_id),
                    lambda: instances.retry_instance(deployed, DCIM, instance_id),
                    lambda: cancel(deployed, DCIM, instance_id)):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.params["reason"] == "instance_cancelled"


def _fired(uow, now):
    """Fire what is due at `now`; the instance ids of the timers that fired."""
    done = [timer_id for timer_id, outcome in fire_due_timers(uow, now) if outcome == "fired"]
    with uow:
        return list(uow.session.scalars(select(Timer.instance_id).where(Timer.id.in_(done))))


def test_a_displayed_offer_is_finished_its_preselection_is_cancelled_on_its_own(deployed):
    offer = offer_displayed(deployed, "OFF-2025-0420", "bamako")
    preselection = the_child(deployed, offer["id"], "preselection")
    assert offer["status"] == "completed" and preselection["status"] == "running"
    assert [t["instance_id"] for t in tasks.list_open_tasks(deployed, BAMAKO)] == [preselection["id"]]
    diffused = statistics.count(deployed, "offres_diffusees")

    with pytest.raises(Conflict) as refused:  # the offer was displayed: it stays so in the statistics
        cancel(deployed, DCIM, offer["id"], "L'employeur a retiré son offre.")
    assert refused.value.params["reason"] == "instance_finished"
    assert offer_row(deployed, offer["id"])[0] != "annulee"
    assert statistics.count(deployed, "offres_diffusees") == diffused

    cancel(deployed, DCIM, preselection["id"], "L'employeur a retiré son offre.")

    closed = instances.get_instance(deployed, DCIM, preselection["id"], with_history=True)
    assert (closed["status"], closed["cancel_reason"]) == ("cancelled", "L'employeur a retiré son offre.")
    assert closed["tasks"] == [] and tasks.list_open_tasks(deployed, BAMAKO) == []
    assert closed["history"][-1]["details"] == {"reason": "L'employeur a retiré son offre.", "children": []}
    assert instances.get_instance(deployed, DCIM, offer["id"])["status"] == "completed"
    with pytest.raises(Conflict):  # the displayed offer still carries its reference
        start_offer(deployed, "OFF-2025-0420")


def test_a_recorded_return_is_finished_its_reintegration_is_cancelled_with_the_timer_it_waits_on(deployed):
    migrant = people.register_person(deployed, BAMAKO, retour_migrant_data.personne(date_naissance="1979-01-20"))
    started = start_return(deployed, "RET-2025-0430")
    complete(deployed, BAMAKO, started["id"], "enregistrer_retour",
             retour_migrant_data.enregistrer_retour(migrant, "tout_perdu"))
    complete(deployed, BAMAKO, started["id"], "proposer_accompagnement_prioritaire",
             retour_migrant_data.proposer_accompagnement())
    [reintegration] = children(deployed, started["id"], "reintegration")
    rid = reintegration["id"]
    complete(deployed, BAMAKO, rid, "inscrire_profiler", retour_migrant_data.inscrire(migrant))
    complete(deployed, BAMAKO, rid, "informer_orienter", retour_migrant_data.orienter("auto_emploi"))
    complete(deployed, BAMAKO, rid, "presenter_programmes_appui", retour_migrant_data.presenter_appui(modules=()))
    waiting = complete(deployed, BAMAKO, rid, "suivre_resultat", retour_migrant_data.suivre("en_formation"))
    assert waiting["status"] == "waiting" and ("bpmn", "pending") in timers(deployed, rid)

    kept = start_return(deployed, "RET-2025-0431")["id"]
    complete(deployed, BAMAKO, kept, "enregistrer_retour", retour_migrant_data.enregistrer_retour(migrant, "tout_perdu"))
    complete(deployed, BAMAKO, kept, "proposer_accompagnement_prioritaire",
             retour_migrant_data.proposer_accompagnement())
    [kept_reintegration] = children(deployed, kept, "reintegration")
    counted = ("retours", "retours_par_date", "reinsertions")
    assert [statistics.count(deployed, key) for key in counted] == [[("total", 2)]] * 3

    with pytest.raises(Conflict) as refused:  # the return was recorded and ended: it stays counted
        cancel(deployed, BAMAKO, started["id"], "Le migrant est reparti.")
    assert refused.value.params["reason"] == "instance_finished"
    cancel(deployed, BAMAKO, rid, "Le migrant est reparti.")  # its reintegration, still waiting, may be

    assert instances.get_instance(deployed, BAMAKO, rid)["status"] == "cancelled"
    assert ("bpmn", "pending") not in timers(deployed, rid)
    assert rid not in _fired(deployed, datetime.now(timezone.utc) + timedelta(days=91))  # the other file's only
    assert instances.get_instance(deployed, BAMAKO, rid)["status"] == "cancelled"
    # The records say so, and the statistics count the reintegration as cancelled, with the reason.
    with deployed:
        assert (deployed.session.get(Reintegration, rid).status,
                deployed.session.get(Reintegration, rid).cancel_reason) == ("annule", "Le migrant est reparti.")
        assert (deployed.session.get(ReturnRecord, started["id"]).status, deployed.session.get(ReturnRecord, kept).status,
                deployed.session.get(Reintegration, kept_reintegration["id"]).status) == ("termine", "termine", "en_cours")
    assert [statistics.count(deployed, key) for key in counted] == [[("total", 2)], [("total", 2)], [("total", 1)]]
    assert statistics.count(deployed, "reinsertions_annulees", by="categorie") == [("Le migrant est reparti.", 1)]
    assert statistics.count(deployed, "reinsertions_annulees", region="bamako") == [("total", 1)]
    assert statistics.count(deployed, "retours_annules") == []


def test_a_cancelled_candidate_file_is_not_counted_among_those_served(deployed):
    served = instances.start_instance(deployed, BAMAKO, "accompagnement_candidat", "ACC-2025-0440")["id"]
    instances.start_instance(deployed, BAMAKO, "accompagnement_candidat", "ACC-2025-0441")
    assert statistics.count(deployed, "accompagnements") == [("total", 2)]
    cancel(deployed, BAMAKO, served, "Ouvert par erreur.")
    with deployed:
        assert deployed.session.get(CandidateService, served).status == "annule"
    assert statistics.count(deployed, "accompagnements") == [("total", 1)]


# --- who may cancel --------------------------------------------------------------------------------

@pytest.mark.parametrize("who", [DCIM, ADMIN, actor("dcim-collegue", "dcim")])
def test_dcim_and_admin_cancel_a_central_file(deployed, who):
    instance_id = start_offer(deployed, "OFF-2025-0450")["id"]
    assert instances.get_instance(deployed, who, instance_id)["can_cancel"] is True
    assert cancel(deployed, who, instance_id)["status"] == "cancelled"
    assert history(deployed, instance_id)[-1]["actor"] == who.username


@pytest.mark.parametrize("who", [BAMAKO, BAMAKO_COLLEAGUE, ADMIN])
def test_the_regions_counsellors_and_admin_cancel_a_regional_file(deployed, who):
    instance_id = start_return(deployed, "RET-2025-0451")["id"]
    assert instances.get_instance(deployed, who, instance_id)["can_cancel"] is True
    assert cancel(deployed, who, instance_id)["status"] == "cancelled"


@pytest.mark.parametrize("process, key, opener, who", [
    (PROCESS, "OFF-2025-0460", DCIM, DIRECTION),  # reads every file, owns none
    (PROCESS, "OFF-2025-0461", DCIM, OWNER),
    ("retour_migrant", "RET-2025-0462", BAMAKO, DCIM),  # a regional procedure is the region's
    ("retour_migrant", "RET-2025-0463", BAMAKO, DIRECTION),
])
def test_others_may_read_a_file_but_not_cancel_it(deployed, process, key, opener, who):
    instance_id = instances.start_instance(deployed, opener, process, key)["id"]
    assert instances.get_instance(deployed, who, instance_id)["can_cancel"] is False
    with pytest.raises(Forbidden) as refused:
        cancel(deployed, who, instance_id)
    assert refused.value.params["reason"] == "cancel_not_allowed"
    assert instances.get_instance(deployed, DIRECTION, instance_id)["status"] == "running"


def test_another_regions_counsellor_cannot_cancel_nor_read_the_file(deployed):
    instance_id = start_return(deployed, "RET-2025-0470")["id"]
    with pytest.raises(Forbidden):
        cancel(deployed, KAYES, instance_id)
    offer_id = offer_up_to_transmission(deployed, "OFF-2025-0471")
    with pytest.raises(Forbidden):
        cancel(deployed, BAMAKO, offer_id)


@pytest.mark.parametrize("reason, code", [("", "required"), ("   ", "required"), (None, "required"),
                                          (42, "type"), ("x" * (REASON_LIMIT + 1), "maxLength")])
def test_a_reason_is_required(deployed, reason, code):
    instance_id = start_offer(deployed, "OFF-2025-0480")["id"]
    with pytest.raises(ValidationFailed) as refused:
        cancel(deployed, DCIM, instance_id, reason)
    assert [(e.field, e.code) for e in refused.value.errors] == [("reason", code)]
    with deployed:
        assert deployed.session.get(Instance, instance_id).status == "running"
    assert cancel(deployed, DCIM, instance_id, "x" * REASON_LIMIT)["cancel_reason"] == "x" * REASON_LIMIT
