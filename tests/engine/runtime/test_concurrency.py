"""Two people acting on the same file at the same moment, each in their own thread and transaction."""
import threading

import offer_data
import pytest
from conftest import BAMAKO, DCIM, KAYES, actor
from offer_flow import complete, history, kinds, offer_sent_to, start_offer, task_rows, the_task

from engine.errors import Conflict
from engine.runtime import instances, tasks
from engine.store.uow import UnitOfWork

COLLEAGUE = actor("dcim-collegue", "dcim")
ROUNDS = 4


def race(uow, *calls):
    """Run each `call(uow)` in its own thread with its own unit of work, released together by a barrier.

    Returns one ("ok", result) or ("error", exception) per call, in the order of `calls`.
    """
    barrier = threading.Barrier(len(calls), timeout=30)
    outcomes = [None] * len(calls)

    def run(index, call):
        own_uow = UnitOfWork(uow.session_factory)
        try:
            barrier.wait()
            outcomes[index] = ("ok", call(own_uow))
        except Exception as err:  # noqa: BLE001 - the test inspects whatever happened
            outcomes[index] = ("error", err)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return outcomes


def split(outcomes):
    won = [value for kind, value in outcomes if kind == "ok"]
    lost = [value for kind, value in outcomes if kind == "error"]
    return won, lost


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_two_people_complete_the_same_task_at_once(deployed, round_number):
    started = start_offer(deployed, f"OFF-2025-02{round_number:02d}")
    instance_id, task_id = started["id"], started["tasks"][0]["id"]
    spain = offer_data.enregistrer_saisonnier_espagne()
    ivory_coast = offer_data.enregistrer_chantier_cote_divoire()

    outcomes = race(deployed,
                    lambda uow: tasks.complete_task(uow, DCIM, task_id, spain),
                    lambda uow: tasks.complete_task(uow, COLLEAGUE, task_id, ivory_coast))

    won, lost = split(outcomes)
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], Conflict), repr(lost[0])
    assert lost[0].params["reason"] in ("stale", "not_open", "claimed")
    winner = "dcim" if outcomes[0][0] == "ok" else "dcim-collegue"
    winning_data = spain if winner == "dcim" else ivory_coast

    events = history(deployed, instance_id)
    completed = [e for e in events if e["kind"] == "task_completed"]
    assert len(completed) == 1
    assert completed[0]["actor"] == winner and completed[0]["task_id"] == task_id
    # The instance moved on exactly once, with the winner's data.
    current = instances.get_instance(deployed, DCIM, instance_id)
    assert [t["name"] for t in current["tasks"]] == ["verifier_employeur"]
    assert current["data"]["employeur_raison_sociale"] == winning_data["employeur_raison_sociale"]
    assert won[0]["tasks"][0]["id"] == current["tasks"][0]["id"]
    rows = task_rows(deployed, instance_id)
    assert [(r["name"], r["state"], r["completed_by"]) for r in rows] == [
        ("enregistrer_offre", "completed", winner),
        ("verifier_employeur", "ready", None),
    ]


def test_conflicting_decisions_at_once_follow_one_branch_only(deployed):
    instance_id = start_offer(deployed, "OFF-2025-0210")["id"]
    complete(deployed, DCIM, instance_id, "enregistrer_offre", offer_data.enregistrer_chantier_cote_divoire())
    task_id = the_task(deployed, DCIM, instance_id, "verifier_employeur")["id"]

    outcomes = race(deployed,
                    lambda uow: tasks.complete_task(uow, DCIM, task_id, offer_data.verifier_credible()),
                    lambda uow: tasks.complete_task(uow, COLLEAGUE, task_id, offer_data.verifier_non_credible()))

    won, lost = split(outcomes)
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], Conflict), outcomes
    current = instances.get_instance(deployed, DCIM, instance_id, with_history=True)
    gateways = [e["details"]["to"] for e in current["history"] if e["kind"] == "gateway_taken"]
    if outcomes[0][0] == "ok":  # credible won: negotiation is open, the offer is not closed
        assert current["status"] == "running"
        assert [t["name"] for t in current["tasks"]] == ["negocier_offre"]
        assert gateways == [["negocier_offre"]]
        assert "statut_offre" not in current["data"]
    else:
        assert current["status"] == "completed"
        assert current["data"]["statut_offre"] == "rejetee"
        assert gateways == [["clore_employeur_non_credible"]]
    assert sum(1 for e in current["history"] if e["kind"] == "task_completed") == 2


def test_two_regions_confirming_at_once_lose_no_confirmation(deployed):
    instance_id = offer_sent_to(deployed, "OFF-2025-0211", "bamako", "kayes")
    bamako_task = the_task(deployed, BAMAKO, instance_id, "confirmer_affichage")["id"]
    kayes_task = the_task(deployed, KAYES, instance_id, "confirmer_affichage")["id"]
    bamako_data = offer_data.confirmer_affichage(date="2025-02-05")
    kayes_data = offer_data.confirmer_sans_affichage()

    outcomes = race(deployed,
                    lambda uow: tasks.complete_task(uow, BAMAKO, bamako_task, bamako_data),
                    lambda uow: tasks.complete_task(uow, KAYES, kayes_task, kayes_data))

    # Both write the same instance: the second may be told to try again, but nothing is lost.
    _won, lost = split(outcomes)
    assert all(isinstance(err, Conflict) for err in lost), outcomes
    assert len(lost) <= 1
    if outcomes[0][0] == "error":
        tasks.complete_task(deployed, BAMAKO, bamako_task, bamako_data)
    if outcomes[1][0] == "error":
        tasks.complete_task(deployed, KAYES, kayes_task, kayes_data)

    done = instances.get_instance(deployed, DCIM, instance_id, with_history=True)
    assert done["status"] == "completed"
    assert done["data"]["confirmations_affichage"] == {
        "bamako": bamako_data["confirmation_affichage"], "kayes": kayes_data["confirmation_affichage"]}
    assert [k for k in kinds(done["history"]) if k[1] == "confirmer_affichage"] == \
        [("task_completed", "confirmer_affichage")] * 2
    assert kinds(done["history"])[-1] == ("instance_completed", "fin_offre_diffusee")


def test_two_people_claim_the_same_task_at_once(deployed):
    started = start_offer(deployed, "OFF-2025-0212")
    task_id = started["tasks"][0]["id"]

    outcomes = race(deployed,
                    lambda uow: tasks.claim_task(uow, DCIM, task_id),
                    lambda uow: tasks.claim_task(uow, COLLEAGUE, task_id))

    won, lost = split(outcomes)
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], Conflict) and lost[0].params["reason"] == "claimed"
    holder = won[0]["assignee"]
    assert the_task(deployed, DCIM, started["id"], "enregistrer_offre")["assignee"] == holder
    claims = [e for e in history(deployed, started["id"]) if e["kind"] == "task_claimed"]
    assert [e["actor"] for e in claims] == [holder]


@pytest.mark.parametrize("round_number", range(2))
def test_two_people_start_the_same_offer_at_once(deployed, round_number):
    key = f"OFF-2025-03{round_number:02d}"

    outcomes = race(deployed,
                    lambda uow: instances.start_instance(uow, DCIM, "offre_internationale", key),
                    lambda uow: instances.start_instance(uow, COLLEAGUE, "offre_internationale", key))

    won, lost = split(outcomes)
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], Conflict) and lost[0].params["reason"] == "business_key_taken"
    [only] = instances.list_instances(deployed, DCIM, business_key=key)
    assert only["id"] == won[0]["id"]
    assert len(tasks.list_open_tasks(deployed, DCIM)) == 1
