"""A departure that ends for a cause outside the candidate (manual §7.4, §7.7, §7.8): the employer withdraws the offer
after the final selection, refuses to correct the contract, or the file is cancelled by hand. Every departure file of
the offer closes with the reason, the post is free again and the cause is counted."""
import aide_au_depart_data as depart_data
import selection_finale_data as selection_data
from conftest import BAMAKO, DCIM
from offer_flow import complete, history, kinds, open_tasks
from preselection_flow import candidatures, children, selection_of

from engine.records import statistics
from engine.runtime import inbound, instances
from engine.runtime.file_messages import send_to_file, sendable
from engine.store.tables import Departure, Instance, Offer

MOTIF = "L'employeur a fermé son exploitation de Huelva."
WITHDRAWS = "Le candidat a prévenu le DCIM qu'il reste au Mali."


def offer_row(uow, offer_id):
    with uow:
        row = uow.session.get(Offer, offer_id)
        return row.status, row.posts_filled, row.cancel_reason


def causes(uow, *file_ids):
    with uow:
        return [uow.session.get(Departure, file_id).cancellation_cause for file_id in file_ids]


def offered(uow, actor, file_id):
    with uow:
        return [m["name"] for m in sendable(uow.session, actor, uow.session.get(Instance, file_id))]


def selected(uow, business_key, count, posts, waiting=0):
    """An offer whose employer selected `count` Bamako candidates (the others on the waiting list)."""
    offer, _pre, selection, candidates = selection_of(uow, business_key, {"bamako": count + waiting}, posts=posts)
    persons = candidates["bamako"]
    complete(uow, DCIM, selection["id"], "planifier_rencontre", selection_data.planifier_rencontre(persons))
    complete(uow, BAMAKO, selection["id"], "convoquer_candidats", selection_data.convoquer())
    complete(uow, DCIM, selection["id"], "enregistrer_selection",
             selection_data.enregistrer_selection(persons[:count], attente=persons[count:]))
    files = {f["data"]["candidat"]: f["id"] for f in children(uow, selection["id"], "aide_au_depart")}
    return offer, selection, persons, files


def test_the_employer_withdrawing_after_the_selection_closes_every_departure_file(deployed):
    offer, selection, (first, second), files = selected(deployed, "OFF-2025-0811", 2, posts=2)
    assert instances.get_instance(deployed, DCIM, selection["id"])["status"] == "completed"  # all posts filled
    # The second one's documents are awaited (event-based gateway); the first one's departure is being planned.
    complete(deployed, DCIM, files[second], "planifier_depart", depart_data.planifier())
    complete(deployed, BAMAKO, files[second], "convoquer_candidat", depart_data.convoquer())
    complete(deployed, DCIM, files[second], "verifier_contrat", depart_data.contrat())
    complete(deployed, BAMAKO, files[second], "verifier_documents", depart_data.documents_en_attente())
    assert offered(deployed, DCIM, files[first]) == ["retrait_offre", "desistement_candidat"]
    assert "retrait_offre" not in offered(deployed, BAMAKO, files[second])  # DCIM owns the employer's news

    answer = send_to_file(deployed, DCIM, files[first], "retrait_offre", MOTIF)

    assert sorted(answer["delivered_to"]) == sorted(files.values())
    for file_id, element in ((files[first], "retrait_planifier_depart"), (files[second], "gw_attente_documents")):
        done = instances.get_instance(deployed, DCIM, file_id)
        assert done["status"] == "completed" and done["tasks"] == []
        assert done["data"]["motif_annulation"] == MOTIF
        assert kinds(history(deployed, file_id))[-2:] == [("message_received", element),
                                                          ("instance_completed", "fin_offre_retiree")]
    assert causes(deployed, *files.values()) == ["offre_retiree", "offre_retiree"]
    assert offer_row(deployed, offer["id"]) == ("retiree", 0, MOTIF)
    assert candidatures(deployed, offer["id"]) == {first: ("bamako", "depart_annule"),
                                                   second: ("bamako", "depart_annule")}
    assert dict(statistics.count(deployed, "departs_annules", by="categorie")) == {"offre_retiree": 2}


def test_the_employer_withdrawing_over_the_api_by_the_offer_reference_reaches_its_departure_files(deployed):
    offer, _selection, _persons, files = selected(deployed, "OFF-2025-0814", 2, posts=3)
    [decide] = open_tasks(deployed, DCIM, _selection["id"])  # a post left: the selection file waits too
    assert decide["name"] == "decider_suite_selection"

    answer = inbound.send_message(deployed, DCIM, "retrait_offre", business_key="OFF-2025-0814",
                                  payload={"motif": MOTIF})

    assert sorted(answer["delivered_to"]) == sorted([_selection["id"], *files.values()])
    assert causes(deployed, *files.values()) == ["offre_retiree", "offre_retiree"]
    assert offer_row(deployed, offer["id"]) == ("retiree", 0, MOTIF)


def test_dcim_reports_a_withdrawal_while_planning_and_a_refused_contract_frees_the_post(deployed):
    offer, _selection, (first, second, waiting), files = selected(deployed, "OFF-2025-0812", 2, posts=2, waiting=1)
    assert offer_row(deployed, offer["id"])[:2] == ("satisfaite", 2)
    # The counsellor cannot see the file while DCIM plans the departure: DCIM reports the withdrawal.
    send_to_file(deployed, DCIM, files[first], "desistement_candidat", WITHDRAWS)
    assert causes(deployed, files[first]) == ["desistement"]
    assert [t["name"] for t in open_tasks(deployed, DCIM, files[first])] == ["proposer_remplacant"]
    complete(deployed, DCIM, files[first], "proposer_remplacant", {"decision_remplacant": "aucun"})

    # The employer will not correct the second one's contract: the departure is cancelled, the post free.
    complete(deployed, DCIM, files[second], "planifier_depart", depart_data.planifier())
    complete(deployed, BAMAKO, files[second], "convoquer_candidat", depart_data.convoquer())
    complete(deployed, DCIM, files[second], "verifier_contrat", depart_data.contrat(frais=True))
    complete(deployed, DCIM, files[second], "demander_contrat_corrige",
             depart_data.demander_correction(["absence_frais"], recu=False))
    assert causes(deployed, files[second]) == ["contrat_non_conforme"]
    assert candidatures(deployed, offer["id"])[second] == ("bamako", "depart_annule")
    assert offer_row(deployed, offer["id"])[:2] == ("diffusee", 0)


def test_a_departure_cancelled_by_hand_frees_the_post(deployed):
    offer, _selection, (first, second), files = selected(deployed, "OFF-2025-0813", 2, posts=2)
    instances.cancel_instance(deployed, DCIM, files[first], "Dossier ouvert en double par erreur.")
    assert causes(deployed, files[first]) == ["dossier_annule"]
    assert candidatures(deployed, offer["id"]) == {first: ("bamako", "depart_annule"), second: ("bamako", "retenu")}
    assert offer_row(deployed, offer["id"])[:2] == ("satisfaite_en_partie", 1)
