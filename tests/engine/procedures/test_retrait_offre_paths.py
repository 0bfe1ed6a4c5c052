"""The employer withdraws the offer at any stage (manual §7.4–7.7; message `retrait_offre`), from the file's page:
whichever file of the offer's chain runs closes with the reason, and the offer counts as withdrawn."""
import offer_data
import pytest
import selection_finale_data as selection_data
from conftest import BAMAKO, DCIM
from offer_flow import complete, history, kinds, start_offer
from preselection_flow import offer_status, preselection_of, selection_of

from engine.errors import Conflict, Forbidden, ValidationFailed
from engine.records import statistics
from engine.runtime import instances
from engine.runtime.file_messages import send_to_file, sendable
from engine.store.tables import Instance, Offer

MOTIF = "L'employeur a pourvu ses postes par un autre canal."
WITHDRAW = "L'employeur retire son offre"


def offered(uow, actor, instance_id):
    with uow:
        return sendable(uow.session, actor, uow.session.get(Instance, instance_id))


def offer_row(uow, offer_id):
    with uow:
        row = uow.session.get(Offer, offer_id)
        return row.status, row.cancel_reason


def test_withdrawn_during_the_negotiation_the_offer_file_closes_with_the_reason(deployed):
    offer_id = start_offer(deployed, "OFF-2025-0901")["id"]
    complete(deployed, DCIM, offer_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    complete(deployed, DCIM, offer_id, "verifier_employeur", offer_data.verifier_credible())
    assert offered(deployed, DCIM, offer_id) == [{"name": "retrait_offre", "label": WITHDRAW}]
    assert offered(deployed, BAMAKO, offer_id) == []  # the counsellors do not own the offer

    answer = send_to_file(deployed, DCIM, offer_id, "retrait_offre", MOTIF)

    assert answer == {"delivered_to": [offer_id], "started": []}
    done = instances.get_instance(deployed, DCIM, offer_id)
    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_offre"] == "retiree" and done["data"]["motif_retrait"] == MOTIF
    events = history(deployed, offer_id)
    assert kinds(events)[-2:] == [("message_received", "retrait_negocier_offre"),
                                  ("instance_completed", "fin_offre_retiree")]
    assert events[-2]["actor"] == "dcim" and events[-2]["details"]["payload"] == {"motif": MOTIF}
    assert offer_row(deployed, offer_id) == ("retiree", MOTIF)
    assert statistics.count(deployed, "offres_retirees", by="categorie") == [(MOTIF, 1)]
    with pytest.raises(Conflict) as refused:  # nothing waits on it any more
        send_to_file(deployed, DCIM, offer_id, "retrait_offre", MOTIF)
    assert refused.value.params["reason"] == "not_waiting"


def test_withdrawn_during_the_regional_preselection(deployed):
    offer, preselection = preselection_of(deployed, "OFF-2025-0902", "bamako", "kayes")
    assert offered(deployed, BAMAKO, preselection["id"]) == []
    with pytest.raises(Forbidden):
        send_to_file(deployed, BAMAKO, preselection["id"], "retrait_offre", MOTIF)
    with pytest.raises(ValidationFailed):  # the reason is required
        send_to_file(deployed, DCIM, preselection["id"], "retrait_offre", "  ")

    send_to_file(deployed, DCIM, preselection["id"], "retrait_offre", MOTIF)

    done = instances.get_instance(deployed, DCIM, preselection["id"])
    assert done["error"] is None, done["error"]
    assert done["status"] == "completed" and done["tasks"] == []  # both regions' tasks closed
    assert kinds(history(deployed, preselection["id"]))[-1] == ("instance_completed", "fin_offre_retiree")
    assert offer_row(deployed, offer["id"]) == ("retiree", MOTIF)
    assert offer_status(deployed, offer["id"]) == "retiree"


def test_withdrawn_while_the_regions_convene_candidates_for_the_final_selection(deployed):
    offer, preselection_id, selection, candidates = selection_of(deployed, "OFF-2025-0903", {"bamako": 2})
    complete(deployed, DCIM, selection["id"], "planifier_rencontre",
             selection_data.planifier_rencontre(candidates["bamako"]))

    answer = send_to_file(deployed, DCIM, selection["id"], "retrait_offre", MOTIF)

    assert answer["delivered_to"] == [selection["id"]]  # the earlier files of the chain had ended
    done = instances.get_instance(deployed, DCIM, selection["id"])
    assert done["status"] == "completed" and done["tasks"] == [] and done["data"]["offre_retiree"] is True
    assert offer_row(deployed, offer["id"]) == ("retiree", MOTIF)
    with deployed:  # the offer's own file projected again (a migration, a retry) keeps it withdrawn
        from engine import records
        records.project(deployed.session, deployed.session.get(Instance, offer["id"]))
        deployed.commit()
    assert offer_row(deployed, offer["id"]) == ("retiree", MOTIF)
