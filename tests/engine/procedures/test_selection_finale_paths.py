"""Every path of the final selection procedure (manual §7.7), from the list sent to the employer."""
from datetime import timedelta

import preselection_data
import pytest
import selection_finale_data as data
from conftest import BAMAKO, DCIM, KAYES
from offer_flow import complete, history, kinds, open_tasks, task_rows
from preselection_flow import (
    candidatures,
    children,
    due_delay,
    offer_status,
    register_candidates,
    selection_of,
    the_child,
)
from sqlalchemy import update

from engine import records
from engine.errors import ValidationFailed
from engine.runtime import tasks
from engine.store.tables import Candidature, Instance


def test_the_employer_meets_candidates_and_fills_every_post(deployed):
    offer, preselection_id, selection, candidates = selection_of(deployed, "OFF-2025-0201",
                                                                  {"bamako": 3, "kayes": 2}, posts=2)
    sid = selection["id"]
    bamako, kayes = candidates["bamako"], candidates["kayes"]

    assert selection["status"] == "running" and selection["business_key"] == "OFF-2025-0201"
    presentation = the_child(deployed, preselection_id, "mise_en_relation")
    assert (selection["parent_id"], selection["root_id"]) == (presentation["id"], offer["id"])
    # Opened by the presentation's message, with the list that was sent.
    [received] = [e for e in history(deployed, sid) if e["kind"] == "message_received"]
    assert (received["element_id"], received["details"]["message"], received["details"]["sender_id"]) == \
        ("debut", "dossiers_envoyes_employeur", presentation["id"])
    assert selection["data"]["reference_courrier"] == "ANPE/DCIM/2025/117"
    assert candidatures(deployed, offer["id"]) == {
        **{p: ("bamako", "presente") for p in bamako}, **{p: ("kayes", "presente") for p in kayes}}
    assert open_tasks(deployed, BAMAKO, sid) == []
    [plan] = selection["tasks"]
    assert (plan["name"], plan["manual_section"]) == ("planifier_rencontre", "7.7, 6.6")
    assert due_delay(plan) == timedelta(days=15)
    with pytest.raises(ValidationFailed):  # a meeting needs its candidates, date and place
        complete(deployed, DCIM, sid, "planifier_rencontre", {"rencontre_prevue": True})

    met = [bamako[0], bamako[1], kayes[0]]
    planned = complete(deployed, DCIM, sid, "planifier_rencontre", data.planifier_rencontre(met, date="2025-03-12"))

    assert planned["data"]["regions_a_convoquer"] == {"bamako": "bamako", "kayes": "kayes"}
    assert sorted((t["name"], t["role"], t["region"], t["manual_section"]) for t in planned["tasks"]) == [
        ("convoquer_candidats", "conseiller", "bamako", "7.7, 6.7"),
        ("convoquer_candidats", "conseiller", "kayes", "7.7, 6.7")]
    # Convocations are due on the meeting day.
    assert {t["due_at"] for t in planned["tasks"]} == {"2025-03-12T23:59:59+00:00"}
    # Each counsellor sees only their region's candidates to convene.
    bamako_task = open_tasks(deployed, BAMAKO, sid, "convoquer_candidats")[0]
    form = tasks.get_task(deployed, BAMAKO, bamako_task["id"])["form"]["schema"]
    confirmed = form["properties"]["convocation"]["properties"]["candidats_confirmes"]["items"]["oneOf"]
    assert sorted(c["const"] for c in confirmed) == [bamako[0], bamako[1]]
    with pytest.raises(ValidationFailed):
        complete(deployed, BAMAKO, sid, "convoquer_candidats", data.convoquer([bamako[0], kayes[0]]))
    complete(deployed, BAMAKO, sid, "convoquer_candidats", data.convoquer([bamako[0], bamako[1]]))
    convened = complete(deployed, KAYES, sid, "convoquer_candidats", data.convoquer([kayes[0]]))

    assert convened["data"]["convocations"]["kayes"]["candidats_confirmes"] == [kayes[0]]
    [record] = convened["tasks"]
    assert (record["name"], record["role"], record["manual_section"]) == ("enregistrer_selection", "dcim", "7.7")
    assert record["due_at"] == "2025-03-17T23:59:59+00:00"  # five days after the meeting, never before it
    with pytest.raises(ValidationFailed):  # only candidates the employer met can be selected
        complete(deployed, DCIM, sid, "enregistrer_selection", data.enregistrer_selection([bamako[2]]))

    done = complete(deployed, DCIM, sid, "enregistrer_selection",
                    data.enregistrer_selection([bamako[0], kayes[0]], presents=met, attente=[bamako[1]]))

    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_selection"] == "pourvue" and done["data"]["postes_restants"] == 0
    assert kinds(history(deployed, sid))[-1] == ("instance_completed", "fin_offre_pourvue")
    assert candidatures(deployed, offer["id"]) == {
        bamako[0]: ("bamako", "retenu"), bamako[1]: ("bamako", "non_retenu"), bamako[2]: ("bamako", "non_retenu"),
        kayes[0]: ("kayes", "retenu"), kayes[1]: ("kayes", "non_retenu")}
    assert offer_status(deployed, offer["id"]) == "satisfaite"
    # Projecting the offer's own file again (a retry, a migration) keeps what its chain decided.
    with deployed:
        records.project(deployed.session, deployed.session.get(Instance, offer["id"]))
        deployed.commit()
    assert offer_status(deployed, offer["id"]) == "satisfaite"
    # Each selected candidate has a departure aid file of their own, in the offer's chain.
    departures = children(deployed, sid, "aide_au_depart")
    assert sorted(d["business_key"] for d in departures) == sorted(
        [f"OFF-2025-0201/{bamako[0]}", f"OFF-2025-0201/{kayes[0]}"])
    for departure in departures:
        assert departure["parent_id"] == sid and departure["root_id"] == offer["id"]
        assert departure["status"] == "running"
        assert {key: departure["data"][key] for key in ("pays_destination", "employeur", "metier", "offre")} == {
            "pays_destination": "ES", "employeur": "Frutas del Condado S.L.", "metier": "Ouvrier agricole",
            "offre": "OFF-2025-0201"}
    assert sorted(d["data"]["candidat"] for d in departures) == sorted([bamako[0], kayes[0]])

    gateways = [(e["element_id"], e["details"]["to"]) for e in history(deployed, sid) if e["kind"] == "gateway_taken"]
    assert gateways == [("gw_modalite_presentation", ["planifier_rencontre"]),  # interviews agreed
                        ("gw_rencontre_prevue", ["preparer_convocations"]),
                        ("gw_candidats_selectionnes", ["demarrer_aides_depart"]),
                        ("gw_fusion_selection", ["gw_postes_restants"]),
                        ("gw_postes_restants", ["marquer_offre_pourvue"])]
    rows = task_rows(deployed, sid)
    assert [(r["name"], r["completed_by"]) for r in rows] == [
        ("planifier_rencontre", "dcim"),
        ("convoquer_candidats", "conseiller-bamako"), ("convoquer_candidats", "conseiller-kayes"),
        ("enregistrer_selection", "dcim")]


def test_the_employer_keeps_no_file_and_a_new_preselection_is_opened(deployed):
    offer, _preselection_id, selection, candidates = selection_of(deployed, "OFF-2025-0202", {"bamako": 2})
    sid = selection["id"]

    decide = complete(deployed, DCIM, sid, "planifier_rencontre", data.aucune_rencontre())

    assert decide["data"]["postes_restants"] == 40 and decide["data"]["candidats_selectionnes"] == []
    [task] = decide["tasks"]
    assert (task["name"], task["manual_section"]) == ("decider_suite_selection", "7.7, 7.4")
    assert due_delay(task) == timedelta(days=5)
    assert candidatures(deployed, offer["id"]) == {p: ("bamako", "non_retenu") for p in candidates["bamako"]}
    with pytest.raises(ValidationFailed):  # a relaunch needs regions, a number of candidates and a deadline
        complete(deployed, DCIM, sid, "decider_suite_selection", {"suite_selection": "relancer"})

    done = complete(deployed, DCIM, sid, "decider_suite_selection",
                    data.relancer_preselection("kayes", nombre=8, delai="2025-05-30"))

    assert done["status"] == "completed" and done["data"]["statut_selection"] == "infructueuse"
    assert kinds(history(deployed, sid))[-1] == ("instance_completed", "fin_preselection_relancee")
    assert children(deployed, sid, "aide_au_depart") == []
    assert offer_status(deployed, offer["id"]) == "diffusee"
    relaunched = the_child(deployed, sid, "preselection")
    assert relaunched["business_key"] == "OFF-2025-0202"
    assert (relaunched["parent_id"], relaunched["root_id"]) == (sid, offer["id"])
    assert {key: relaunched["data"][key] for key in ("regions_concernees", "nombre_candidats", "nombre_postes",
                                                     "delai_satisfaction", "tests_requis")} == {
        "regions_concernees": ["kayes"], "nombre_candidats": 8, "nombre_postes": 40,
        "delai_satisfaction": "2025-05-30", "tests_requis": []}
    assert [(t["name"], t["region"]) for t in relaunched["tasks"]] == [("recueillir_candidatures", "kayes")]

    # The new preselection leaves out the persons already handled for this offer.
    kayes = register_candidates(deployed, "kayes", 2)
    complete(deployed, KAYES, relaunched["id"], "recueillir_candidatures", preselection_data.recueillir(kayes))
    listed = complete(deployed, KAYES, relaunched["id"], "preselectionner_candidats",
                      preselection_data.preselectionner(kayes))
    assert listed["data"]["candidats_retenus"] == kayes
    assert candidatures(deployed, offer["id"]) == {
        **{p: ("bamako", "non_retenu") for p in candidates["bamako"]}, **{p: ("kayes", "preselectionne") for p in kayes}}


def test_nobody_selected_at_the_meeting_and_the_file_is_closed(deployed):
    offer, _preselection_id, selection, candidates = selection_of(deployed, "OFF-2025-0203", {"kayes": 2})
    sid = selection["id"]
    kayes = candidates["kayes"]
    planned = complete(deployed, DCIM, sid, "planifier_rencontre",
                       data.planifier_rencontre(kayes, modalite="presentiel"))
    assert [(t["name"], t["region"]) for t in planned["tasks"]] == [("convoquer_candidats", "kayes")]
    complete(deployed, KAYES, sid, "convoquer_candidats", data.convoquer())
    decide = complete(deployed, DCIM, sid, "enregistrer_selection", data.enregistrer_selection([], presents=kayes))

    assert decide["data"]["candidats_selectionnes"] == [] and decide["data"]["postes_restants"] == 40
    motif = "L'employeur renonce : aucun candidat ne parle assez l'espagnol."
    done = complete(deployed, DCIM, sid, "decider_suite_selection", data.clore(motif))

    assert done["status"] == "completed" and done["data"]["statut_selection"] == "infructueuse"
    assert done["data"]["motif_cloture_selection"] == motif
    gateways = [(e["element_id"], e["details"]["to"]) for e in history(deployed, sid) if e["kind"] == "gateway_taken"]
    assert ("gw_candidats_selectionnes", ["gw_fusion_selection"]) in gateways
    assert ("gw_postes_restants", ["decider_suite_selection"]) in gateways
    assert gateways[-1] == ("gw_suite_selection", ["clore_selection"])
    assert kinds(history(deployed, sid))[-1] == ("instance_completed", "fin_selection_close")
    assert children(deployed, sid) == []
    assert candidatures(deployed, offer["id"]) == {p: ("kayes", "non_retenu") for p in kayes}
    assert offer_status(deployed, offer["id"]) == "diffusee"


def test_a_partial_selection_is_closed_and_a_departed_candidate_stays_departed(deployed):
    offer, _preselection_id, selection, candidates = selection_of(deployed, "OFF-2025-0204", {"bamako": 2})
    sid = selection["id"]
    bamako = candidates["bamako"]
    complete(deployed, DCIM, sid, "planifier_rencontre", data.planifier_rencontre(bamako))
    complete(deployed, BAMAKO, sid, "convoquer_candidats", data.convoquer(bamako))
    decide = complete(deployed, DCIM, sid, "enregistrer_selection", data.enregistrer_selection(bamako[:1]))

    assert decide["data"]["postes_restants"] == 39 and decide["status"] == "running"
    assert offer_status(deployed, offer["id"]) == "satisfaite_en_partie"  # one of its 40 posts (§7.7)
    [departure] = children(deployed, sid, "aide_au_depart")
    assert departure["data"]["candidat"] == bamako[0]
    # Meanwhile the departure aid records the candidate's departure.
    with deployed:
        deployed.session.execute(update(Candidature).where(Candidature.offer_id == offer["id"],
                                                           Candidature.person_id == bamako[0]).values(stage="parti"))
        deployed.session.commit()

    done = complete(deployed, DCIM, sid, "decider_suite_selection", data.clore())

    assert done["data"]["statut_selection"] == "partielle"
    assert kinds(history(deployed, sid))[-1] == ("instance_completed", "fin_selection_close")
    assert candidatures(deployed, offer["id"]) == {bamako[0]: ("bamako", "parti"), bamako[1]: ("bamako", "non_retenu")}
