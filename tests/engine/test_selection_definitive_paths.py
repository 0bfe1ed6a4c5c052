"""Every path of the final selection procedure (manual §7.6, §7.7), from the list fixed by the preselection."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

import preselection_data
import selection_definitive_data as data
from conftest import BAMAKO, DCIM, KAYES
from engine import notifications, tasks, timers
from engine.errors import ValidationFailed
from engine.tables import Candidature
from offer_flow import complete, history, kinds, open_tasks, task_rows
from preselection_flow import (candidatures, children, due_delay, offer_status, register_candidates, selection_of,
                               the_child)


def test_the_list_is_sent_then_the_employer_fills_every_post(deployed):
    offer, preselection_id, selection, candidates = selection_of(deployed, "OFF-2025-0201",
                                                                 {"bamako": 3, "kayes": 2}, posts=2)
    sid = selection["id"]
    bamako, kayes = candidates["bamako"], candidates["kayes"]
    presented = sorted(bamako + kayes)

    assert selection["status"] == "running" and selection["business_key"] == "OFF-2025-0201"
    assert (selection["parent_id"], selection["root_id"]) == (preselection_id, offer["id"])
    [send] = selection["tasks"]
    assert (send["name"], send["role"], send["region"], send["manual_section"]) == \
        ("envoyer_liste_employeur", "dcim", None, "7.6")
    # Due by the end of the satisfaction deadline agreed with the employer.
    assert datetime.fromisoformat(send["due_at"]) == datetime(2025, 3, 31, 23, 59, 59, tzinfo=timezone.utc)
    assert open_tasks(deployed, BAMAKO, sid) == []

    sent = complete(deployed, DCIM, sid, "envoyer_liste_employeur", data.envoyer_liste())
    assert sent["data"]["etapes_candidats"] == {str(p): "presente" for p in presented}
    assert candidatures(deployed, offer["id"]) == {
        **{p: ("bamako", "presente") for p in bamako}, **{p: ("kayes", "presente") for p in kayes}}
    [plan] = sent["tasks"]
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
    assert gateways == [("gw_rencontre_prevue", ["preparer_convocations"]),
                        ("gw_candidats_selectionnes", ["demarrer_aides_depart"]),
                        ("gw_fusion_selection", ["gw_postes_restants"]),
                        ("gw_postes_restants", ["marquer_offre_pourvue"])]
    rows = task_rows(deployed, sid)
    assert [(r["name"], r["completed_by"]) for r in rows] == [
        ("envoyer_liste_employeur", "dcim"), ("planifier_rencontre", "dcim"),
        ("convoquer_candidats", "conseiller-bamako"), ("convoquer_candidats", "conseiller-kayes"),
        ("enregistrer_selection", "dcim")]


def test_the_employer_keeps_no_file_and_a_new_preselection_is_opened(deployed):
    offer, _preselection_id, selection, candidates = selection_of(deployed, "OFF-2025-0202", {"bamako": 2})
    sid = selection["id"]
    complete(deployed, DCIM, sid, "envoyer_liste_employeur", data.envoyer_liste())

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
    complete(deployed, DCIM, sid, "envoyer_liste_employeur", data.envoyer_liste())
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
    assert gateways[-1] == ("gw_suite_selection", ["clore_mise_en_relation"])
    assert kinds(history(deployed, sid))[-1] == ("instance_completed", "fin_mise_en_relation_close")
    assert children(deployed, sid) == []
    assert candidatures(deployed, offer["id"]) == {p: ("kayes", "non_retenu") for p in kayes}
    assert offer_status(deployed, offer["id"]) == "diffusee"


def test_a_partial_selection_is_closed_and_a_departed_candidate_stays_departed(deployed):
    offer, _preselection_id, selection, candidates = selection_of(deployed, "OFF-2025-0204", {"bamako": 2})
    sid = selection["id"]
    bamako = candidates["bamako"]
    complete(deployed, DCIM, sid, "envoyer_liste_employeur", data.envoyer_liste())
    complete(deployed, DCIM, sid, "planifier_rencontre", data.planifier_rencontre(bamako))
    complete(deployed, BAMAKO, sid, "convoquer_candidats", data.convoquer(bamako))
    decide = complete(deployed, DCIM, sid, "enregistrer_selection", data.enregistrer_selection(bamako[:1]))

    assert decide["data"]["postes_restants"] == 39 and decide["status"] == "running"
    assert offer_status(deployed, offer["id"]) == "satisfaite"
    [departure] = children(deployed, sid, "aide_au_depart")
    assert departure["data"]["candidat"] == bamako[0]
    # Meanwhile the departure aid records the candidate's departure.
    with deployed:
        deployed.session.execute(update(Candidature).where(Candidature.offer_id == offer["id"],
                                                           Candidature.person_id == bamako[0]).values(stage="parti"))
        deployed.session.commit()

    done = complete(deployed, DCIM, sid, "decider_suite_selection", data.clore())

    assert done["data"]["statut_selection"] == "partielle"
    assert kinds(history(deployed, sid))[-1] == ("instance_completed", "fin_mise_en_relation_close")
    assert candidatures(deployed, offer["id"]) == {bamako[0]: ("bamako", "parti"), bamako[1]: ("bamako", "non_retenu")}


def test_sending_the_list_late_escalates_to_the_dcim_head(deployed):
    deadline = (datetime.now(timezone.utc) + timedelta(days=20)).date()
    _offer, _preselection_id, selection, _candidates = selection_of(deployed, "OFF-2025-0205", {"bamako": 1},
                                                                    deadline=deadline.isoformat())
    [send] = selection["tasks"]
    due = datetime.fromisoformat(send["due_at"])
    assert due == datetime(deadline.year, deadline.month, deadline.day, 23, 59, 59, tzinfo=timezone.utc)

    timers.fire_due_timers(deployed, now=due - timedelta(hours=12))
    reminded = [(n["kind"], n["task_id"]) for n in notifications.unread(deployed, "dcim")]
    timers.fire_due_timers(deployed, now=due + timedelta(minutes=1))
    to_head = [(n["kind"], n["task_id"]) for n in notifications.unread(deployed, "chef-dcim")]

    assert reminded == [("reminder", send["id"])]
    # The head of the DCIM is a DCIM agent too: reminded first, then told of the delay.
    assert sorted(to_head) == [("escalation", send["id"]), ("reminder", send["id"])]
    assert [(n["kind"], n["task_id"]) for n in notifications.unread(deployed, "dcim")] == reminded
    events = [(e["kind"], e["element_id"]) for e in history(deployed, selection["id"])]
    assert events[-2:] == [("task_reminder", "envoyer_liste_employeur"), ("task_escalation", "envoyer_liste_employeur")]
