"""A selected candidate withdraws, or their visa is refused (manual §7.7, §7.8; issue 15 point 3): the departure file
closes with that cause, the post is free again and DCIM is asked to call the next candidate of the waiting list."""
import aide_au_depart_data as depart_data
import pytest
import selection_finale_data as selection_data
from conftest import BAMAKO, DCIM, KAYES
from offer_flow import complete, history, kinds, open_tasks
from preselection_flow import candidatures, children, offer_status, selection_of

from engine.errors import Forbidden
from engine.records import statistics
from engine.runtime import instances
from engine.runtime.file_messages import send_to_file, sendable
from engine.store.tables import Departure, Instance, Offer, TaskRow

WITHDRAWS = "Le candidat a trouvé un emploi à Bamako."
VISA = "Le consulat a refusé le visa de travail le 12 mai."


def posts(uow, offer_id):
    with uow:
        row = uow.session.get(Offer, offer_id)
        return row.status, row.posts_filled


def employer_selects(uow, selection_id, chosen, waiting):
    """The Bamako candidates meet the employer, who selects `chosen` and puts `waiting` on the waiting list."""
    complete(uow, DCIM, selection_id, "planifier_rencontre", selection_data.planifier_rencontre(chosen + waiting))
    complete(uow, BAMAKO, selection_id, "convoquer_candidats", selection_data.convoquer())
    complete(uow, DCIM, selection_id, "enregistrer_selection",
             selection_data.enregistrer_selection(chosen, attente=waiting))


def cause(uow, file_id):
    with uow:
        return uow.session.get(Departure, file_id).cancellation_cause


def test_a_withdrawal_calls_the_waiting_list_and_a_refused_visa_frees_the_post(deployed):
    offer, _pre, selection, candidates = selection_of(deployed, "OFF-2025-0801", {"bamako": 3}, posts=2)
    first, second, waiting = candidates["bamako"]
    employer_selects(deployed, selection["id"], [first, second], waiting=[waiting])
    assert posts(deployed, offer["id"]) == ("satisfaite", 2)
    files = {f["data"]["candidat"]: f for f in children(deployed, selection["id"], "aide_au_depart")}
    assert files[first]["data"]["liste_attente"] == [waiting]

    # The first one withdraws once convened: their counsellor says so from the file's page.
    file_id = files[first]["id"]
    complete(deployed, DCIM, file_id, "planifier_depart", depart_data.planifier())
    with deployed:
        assert sendable(deployed.session, BAMAKO, deployed.session.get(Instance, file_id)) == [
            {"name": "desistement_candidat", "label": "Le candidat se désiste"}]
        assert [m["name"] for m in sendable(deployed.session, DCIM, deployed.session.get(Instance, file_id))] == [
            "retrait_offre"]  # the employer's withdrawal; the candidate's is their counsellor's at this step
    with pytest.raises(Forbidden):  # another region's counsellor
        send_to_file(deployed, KAYES, file_id, "desistement_candidat", WITHDRAWS)
    send_to_file(deployed, BAMAKO, file_id, "desistement_candidat", WITHDRAWS)

    closed = instances.get_instance(deployed, DCIM, file_id)
    assert closed["data"]["cause_annulation"] == "desistement" and closed["data"]["motif_annulation"] == WITHDRAWS
    assert cause(deployed, file_id) == "desistement"
    assert posts(deployed, offer["id"]) == ("satisfaite_en_partie", 1)
    [call] = open_tasks(deployed, DCIM, file_id)
    assert call["name"] == "proposer_remplacant" and call["role"] == "dcim"
    done = complete(deployed, DCIM, file_id, "proposer_remplacant", {"decision_remplacant": "appeler"})

    assert done["status"] == "completed"
    assert kinds(history(deployed, file_id))[-1] == ("instance_completed", "fin_remplacant_appele")
    [called] = children(deployed, file_id, "aide_au_depart")
    assert called["business_key"] == f"OFF-2025-0801/{waiting}" and called["data"]["liste_attente"] == []
    assert candidatures(deployed, offer["id"]) == {first: ("bamako", "desiste"), second: ("bamako", "retenu"),
                                                   waiting: ("bamako", "retenu")}
    assert posts(deployed, offer["id"]) == ("satisfaite", 2)

    # The second one's visa is refused while the counsellor waits for the documents (event-based gateway).
    file_id = files[second]["id"]
    complete(deployed, DCIM, file_id, "planifier_depart", depart_data.planifier())
    complete(deployed, BAMAKO, file_id, "convoquer_candidat", depart_data.convoquer())
    complete(deployed, DCIM, file_id, "verifier_contrat", depart_data.contrat())
    waiting_file = complete(deployed, BAMAKO, file_id, "verifier_documents", depart_data.documents_en_attente())
    assert waiting_file["status"] == "waiting"
    send_to_file(deployed, BAMAKO, file_id, "refus_visa", VISA)

    events = history(deployed, file_id)
    assert ("message_received", "gw_attente_documents") in kinds(events)
    assert kinds(events)[-1] == ("instance_completed", "fin_depart_abandonne")  # nobody left on the list
    assert cause(deployed, file_id) == "visa_refuse"
    assert posts(deployed, offer["id"]) == ("satisfaite_en_partie", 1)
    assert dict(statistics.count(deployed, "departs_annules", by="categorie")) == {"desistement": 1, "visa_refuse": 1}
    assert sum(value for _label, value in statistics.count(deployed, "candidats_desistes")) == 2


def test_a_refused_visa_during_the_follow_up_and_a_candidate_passed_over(deployed):
    offer, _pre, selection, candidates = selection_of(deployed, "OFF-2025-0802", {"bamako": 3}, posts=1)
    chosen, gone, next_one = candidates["bamako"]
    employer_selects(deployed, selection["id"], [chosen], waiting=[gone, next_one])
    [file] = children(deployed, selection["id"], "aide_au_depart")
    complete(deployed, DCIM, file["id"], "planifier_depart", depart_data.planifier())
    complete(deployed, BAMAKO, file["id"], "convoquer_candidat", depart_data.convoquer())
    complete(deployed, DCIM, file["id"], "verifier_contrat", depart_data.contrat())

    send_to_file(deployed, BAMAKO, file["id"], "refus_visa", VISA)  # while the task is open: boundary event

    assert kinds(history(deployed, file["id"]))[-2] == ("message_received", "refus_visa_verifier_documents")
    [call] = open_tasks(deployed, DCIM, file["id"])
    assert call["name"] == "proposer_remplacant"
    with deployed:
        assert deployed.session.get(TaskRow, call["id"]).subject == str(gone)  # the task names who to call
    complete(deployed, DCIM, file["id"], "proposer_remplacant", {"decision_remplacant": "suivant"})
    complete(deployed, DCIM, file["id"], "proposer_remplacant", {"decision_remplacant": "appeler"})
    [called] = children(deployed, file["id"], "aide_au_depart")
    assert called["data"]["candidat"] == next_one
    assert offer_status(deployed, offer["id"]) == "satisfaite"


def test_a_relaunched_preselection_may_take_the_waiting_list_again(deployed):
    offer, _pre, selection, candidates = selection_of(deployed, "OFF-2025-0803", {"bamako": 3}, posts=2)
    chosen, waiting, refused = candidates["bamako"]
    complete(deployed, DCIM, selection["id"], "planifier_rencontre",
             selection_data.planifier_rencontre([chosen, waiting, refused]))
    complete(deployed, BAMAKO, selection["id"], "convoquer_candidats", selection_data.convoquer())
    complete(deployed, DCIM, selection["id"], "enregistrer_selection",
             selection_data.enregistrer_selection([chosen], attente=[waiting]))

    complete(deployed, DCIM, selection["id"], "decider_suite_selection", selection_data.relancer_preselection("bamako"))

    relaunched = children(deployed, selection["id"], "preselection")[0]
    assert set(relaunched["data"]["candidats_deja_traites"]) >= {chosen, refused}
    assert waiting not in relaunched["data"]["candidats_deja_traites"]  # may be registered and preselected again
