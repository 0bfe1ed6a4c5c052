"""Every path of the preselection procedure (manual §7.5, §6.6) and its link from the offer, through the engine API."""
from datetime import datetime, timedelta

import offer_data
import preselection_data as data
import pytest
from conftest import BAMAKO, DCIM, DIRECTION, KAYES, actor
from offer_flow import complete, history, kinds, open_tasks, task_rows
from preselection_flow import (
    candidatures,
    children,
    due_delay,
    offer_status,
    preselection_of,
    register_candidates,
    the_child,
)

from engine.accounts import notifications
from engine.errors import ValidationFailed
from engine.runtime import instances, tasks, timers

EVALUATOR = actor("evaluateur", "evaluateur")


def evaluate_all(uow, instance_id, results):
    """Complete every open evaluation of an instance: `results` maps a candidate to evaluer() keyword arguments."""
    done = None
    for task in open_tasks(uow, EVALUATOR, instance_id, "evaluer_candidat"):
        candidate = tasks.get_task(uow, EVALUATOR, task["id"])["data"]["candidat"]
        done = tasks.complete_task(uow, EVALUATOR, task["id"], data.evaluer(candidate, **results[candidate]))
    return done


def only_bamako_applies(uow, business_key, count):
    """An offer without tests shown in Bamako and Kayes; Kayes has no application, Bamako registers `count`.

    Returns (offer dict, preselection id, Bamako's candidates), Bamako's preselection open.
    """
    bamako = register_candidates(uow, "bamako", count)
    offer, preselection = preselection_of(uow, business_key, "bamako", "kayes", negotiation=data.negocier_sans_tests())
    complete(uow, KAYES, preselection["id"], "recueillir_candidatures", data.recueillir_aucune())
    complete(uow, BAMAKO, preselection["id"], "recueillir_candidatures", data.recueillir(bamako))
    return offer, preselection["id"], bamako


def test_a_displayed_offer_opens_its_preselection_in_each_region(deployed):
    offer, preselection = preselection_of(deployed, "OFF-2025-0101", "bamako", "kayes")

    assert offer["status"] == "completed" and offer["data"]["statut_offre"] == "diffusee"
    assert kinds(history(deployed, offer["id"]))[-5:] == [
        ("task_completed", "transmettre_offre"), ("gateway_taken", "gw_affichage"),
        ("task_completed", "confirmer_affichage"),
        ("task_completed", "confirmer_affichage"), ("instance_completed", "fin_offre_diffusee")]
    assert offer_status(deployed, offer["id"]) == "diffusee"
    # The preselection is the offer's own, linked instance, under the offer's reference.
    assert preselection["process_key"] == "preselection"
    assert preselection["business_key"] == "OFF-2025-0101"
    assert preselection["parent_id"] == offer["id"] and preselection["root_id"] == offer["id"]
    assert preselection["status"] == "running" and preselection["started_by"] == "conseiller-kayes"
    assert {key: preselection["data"][key] for key in ("regions_concernees", "nombre_candidats", "nombre_postes",
                                                       "delai_satisfaction", "tests_requis", "metier",
                                                       "lieu_travail_pays", "candidats_deja_traites")} == {
        "regions_concernees": ["bamako", "kayes"], "nombre_candidats": 60, "nombre_postes": 40,
        "delai_satisfaction": offer_data.DELAI_SATISFACTION, "tests_requis": ["test_linguistique", "test_technique"],
        "metier": "Ouvrier agricole", "lieu_travail_pays": "ES", "candidats_deja_traites": []}
    assert preselection["data"]["tour_preselection"] == 1 and preselection["data"]["statut_preselection"] == "en_cours"
    # Only the offer opens a preselection: its start event receives the offer's message.
    assert kinds(history(deployed, preselection["id"])) == [("instance_started", None), ("message_received", "debut"),
                                                            ("gateway_taken", "gw_tour_preselection")]

    assert sorted((t["name"], t["role"], t["region"], t["manual_section"]) for t in preselection["tasks"]) == [
        ("recueillir_candidatures", "conseiller", "bamako", "7.5"),
        ("recueillir_candidatures", "conseiller", "kayes", "7.5")]
    assert all(due_delay(t) == timedelta(days=15) for t in preselection["tasks"])
    [bamako_task] = open_tasks(deployed, BAMAKO, preselection["id"])
    [kayes_task] = open_tasks(deployed, KAYES, preselection["id"])
    assert bamako_task["region"] == "bamako" and kayes_task["region"] == "kayes"
    assert open_tasks(deployed, DCIM, preselection["id"]) == []
    assert open_tasks(deployed, EVALUATOR, preselection["id"]) == []


def test_an_offer_negotiated_without_tests_passes_no_tests_on(deployed):
    _offer, preselection = preselection_of(deployed, "OFF-2025-0102", "bamako",
                                           negotiation=data.negocier_sans_tests())

    assert preselection["data"]["tests_requis"] == []
    assert preselection["data"]["nombre_candidats"] == 6


def test_regional_preselection_completed_by_tests_covers_every_rule(deployed):
    bamako = register_candidates(deployed, "bamako", 4)
    kayes = register_candidates(deployed, "kayes", 3)
    offer, preselection = preselection_of(deployed, "OFF-2025-0103", "bamako", "kayes")
    pid = preselection["id"]

    # A counsellor picks among their own region's registry only.
    form = tasks.get_task(deployed, BAMAKO, open_tasks(deployed, BAMAKO, pid)[0]["id"])["form"]["schema"]
    assert sorted(c["const"] for c in form["properties"]["candidats_inscrits_region"]["items"]["oneOf"]) == bamako
    with pytest.raises(ValidationFailed):
        complete(deployed, BAMAKO, pid, "recueillir_candidatures", data.recueillir([bamako[0], kayes[0]]))

    complete(deployed, BAMAKO, pid, "recueillir_candidatures", data.recueillir(bamako))
    after_kayes = complete(deployed, KAYES, pid, "recueillir_candidatures", data.recueillir(kayes, cloture="2025-02-20"))
    assert sorted((t["name"], t["region"]) for t in after_kayes["tasks"]) == [
        ("preselectionner_candidats", "bamako"), ("preselectionner_candidats", "kayes")]
    assert all(t["manual_section"] == "7.5, 6.6" for t in after_kayes["tasks"])
    # Each region's preselection is due a week after its applications close (issue 15, point 12), not before.
    assert {t["region"]: t["due_at"] for t in after_kayes["tasks"]} == {
        "bamako": "2025-02-21T23:59:59+00:00", "kayes": "2025-02-27T23:59:59+00:00"}
    # Preselection is among the region's registered applications only.
    with pytest.raises(ValidationFailed):
        complete(deployed, KAYES, pid, "preselectionner_candidats", data.preselectionner([kayes[0], bamako[0]]))
    complete(deployed, BAMAKO, pid, "preselectionner_candidats", data.preselectionner(bamako[:3]))
    consolidated = complete(deployed, KAYES, pid, "preselectionner_candidats",
                            data.preselectionner(kayes[:2], entretien=False))

    assert consolidated["data"]["preselections_regionales"]["kayes"] == {
        "candidats_inscrits": kayes, "candidats_preselectionnes": kayes[:2],
        "modes_identification": ["appel_candidature", "ciblage_rode"], "date_cloture_candidatures": "2025-02-20"}
    whole = instances.get_instance(deployed, DCIM, pid)["data"]  # a counsellor reads their region's candidates only
    assert whole["nouveaux_preselectionnes"] == sorted(bamako[:3] + kayes[:2])
    assert consolidated["data"]["nouveaux_preselectionnes"] == kayes[:2]
    [prepare] = consolidated["tasks"]
    assert (prepare["name"], prepare["role"], prepare["region"], prepare["manual_section"]) == \
        ("preparer_tests", "evaluateur", None, "6.6, 7.5")
    assert due_delay(prepare) == timedelta(days=5)
    assert candidatures(deployed, offer["id"]) == {
        **{p: ("bamako", "preselectionne") for p in bamako[:3]}, bamako[3]: ("bamako", "non_preselectionne"),
        **{p: ("kayes", "preselectionne") for p in kayes[:2]}, kayes[2]: ("kayes", "non_preselectionne")}

    evaluations = complete(deployed, EVALUATOR, pid, "preparer_tests", data.preparer_tests(note_minimale=10))
    assert len(evaluations["tasks"]) == 5
    assert {(t["name"], t["role"], t["manual_section"]) for t in evaluations["tasks"]} == {
        ("evaluer_candidat", "evaluateur", "6.6, 7.5")}
    assert {t["due_at"] for t in evaluations["tasks"]} == {"2025-03-01T23:59:59+00:00"}  # 5 days after the tests
    # The inbox tells the evaluations apart by the candidate each one is about (the registry's label).
    inbox = [t for t in tasks.list_open_tasks(deployed, EVALUATOR) if t["instance_id"] == pid]
    registered = {p: data.person(region, i) for region, ids in (("bamako", bamako[:3]), ("kayes", kayes[:2]))
                  for i, p in enumerate(ids)}
    assert sorted(t["subject"] for t in inbox) == sorted(
        f"{n['nom'].upper()} {n['prenoms']}, {'née' if n['sexe'] == 'F' else 'né'} en {n['date_naissance'][:4]} "
        f"(n° {p})" for p, n in registered.items())
    # A counsellor reads them on the file's page naming only their region's candidates:
    # another region's person is only their number.
    named = {t["subject"] for t in inbox}
    own = {s for s in named if any(s.endswith(f"(n° {p})") for p in bamako)} | {f"n° {p}" for p in kayes[:2]}
    assert {t["subject"] for t in instances.get_instance(deployed, BAMAKO, pid)["tasks"]} == own
    assert {t["subject"] for t in instances.get_instance(deployed, DCIM, pid)["tasks"]} == named
    # Each evaluation is for one candidate, whose identity the evaluator confirms.
    one = evaluations["tasks"][0]
    page = tasks.get_task(deployed, EVALUATOR, one["id"])
    candidate = page["data"]["candidat"]
    # The evaluator sees the offer the candidate is evaluated for, labelled from the offer's own forms.
    offer_fields = {label: text for section in page["offer"] for label, text in section["fields"]}
    assert offer_fields["Raison sociale de l'employeur"] == "Frutas del Condado S.L."
    assert offer_fields["Lieu de travail (pays)"] == "Espagne"
    choices = tasks.get_task(deployed, EVALUATOR, one["id"])["form"]["schema"]["properties"]["candidat_evalue"]
    assert [c["const"] for c in choices["oneOf"]] == [candidate]
    other = next(p for p in bamako[:3] + kayes[:2] if p != candidate)
    with pytest.raises(ValidationFailed):
        tasks.complete_task(deployed, EVALUATOR, one["id"], data.evaluer(other, test_linguistique=15, test_technique=15))

    results = {bamako[0]: {"test_linguistique": 14, "test_technique": 12},   # admitted
               bamako[1]: {"test_linguistique": 8, "test_technique": 15},    # below the minimum
               bamako[2]: {"test_linguistique": 12},                          # a note is missing
               kayes[0]: {"test_linguistique": 10, "test_technique": 10},    # exactly the minimum
               kayes[1]: {"present": False}}                                  # absent
    incomplete = evaluate_all(deployed, pid, results)

    # The missing note sends that evaluation back to the evaluator; the others are decided.
    [again] = incomplete["tasks"]
    assert again["name"] == "evaluer_candidat"
    assert tasks.get_task(deployed, EVALUATOR, again["id"])["data"]["candidat"] == bamako[2]
    listed = tasks.complete_task(deployed, EVALUATOR, again["id"],
                                 data.evaluer(bamako[2], test_linguistique=12, test_technique=16))

    assert {key: r["resultat"] for key, r in listed["data"]["resultats_tests_cumules"].items()} == {
        str(bamako[0]): "admis", str(bamako[1]): "non_admis", str(bamako[2]): "admis",
        str(kayes[0]): "admis", str(kayes[1]): "absent"}
    assert listed["data"]["resultats_tests_cumules"][str(bamako[1])] == {
        "resultat": "non_admis", "motif": "Note inférieure à la note minimale convenue avec l'employeur",
        "present": True, "notes": {"test_linguistique": 8, "test_technique": 15}}
    assert listed["data"]["resultats_tests_cumules"][str(kayes[1])]["motif"] == "Absent aux épreuves"
    assert listed["data"]["candidats_retenus"] == sorted([bamako[0], bamako[2], kayes[0]])
    [arrest] = listed["tasks"]
    assert (arrest["name"], arrest["role"], arrest["manual_section"]) == ("arreter_liste", "dcim", "7.5, 7.6")
    assert due_delay(arrest) == timedelta(days=3)
    choices = tasks.get_task(deployed, DCIM, arrest["id"])["form"]["schema"]["properties"]["candidats_a_presenter"]
    assert sorted(c["const"] for c in choices["items"]["oneOf"]) == sorted([bamako[0], bamako[2], kayes[0]])
    with pytest.raises(ValidationFailed):  # a candidate who failed the tests cannot be presented
        complete(deployed, DCIM, pid, "arreter_liste", data.arreter_liste([bamako[0], bamako[1]]))
    assert candidatures(deployed, offer["id"])[bamako[1]] == ("bamako", "non_preselectionne")
    assert candidatures(deployed, offer["id"])[kayes[1]] == ("kayes", "non_preselectionne")

    done = complete(deployed, DCIM, pid, "arreter_liste", data.arreter_liste([bamako[0], kayes[0]]))

    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_preselection"] == "liste_arretee"
    selection = the_child(deployed, pid, "mise_en_relation")
    assert selection["business_key"] == "OFF-2025-0103"
    assert selection["parent_id"] == pid and selection["root_id"] == offer["id"]
    assert {key: selection["data"][key] for key in ("candidats_a_presenter", "region_des_candidats", "nombre_postes",
                                                    "delai_satisfaction", "employeur_raison_sociale")} == {
        "candidats_a_presenter": sorted([bamako[0], kayes[0]]),
        "region_des_candidats": {str(bamako[0]): "bamako", str(kayes[0]): "kayes"},
        "nombre_postes": 40, "delai_satisfaction": offer_data.DELAI_SATISFACTION, "employeur_raison_sociale": "Frutas del Condado S.L."}
    assert sorted(selection["data"]["candidats_deja_traites"]) == sorted(bamako + kayes)
    # The candidate kept in reserve stays preselected; the records follow each stage.
    assert candidatures(deployed, offer["id"])[bamako[2]] == ("bamako", "preselectionne")

    events = history(deployed, pid)
    gateways = [(e["element_id"], e["details"]["to"]) for e in events if e["kind"] == "gateway_taken"]
    assert gateways.count(("gw_candidatures_recues", ["preselectionner_candidats"])) == 2
    assert ("gw_tests_requis", ["preparer_tests"]) in gateways
    assert gateways.count(("gw_evaluation_complete", ["consigner_resultat"])) == 5
    assert gateways.count(("gw_evaluation_complete", ["gw_reprise_evaluation"])) == 1
    assert gateways[-1] == ("gw_candidats_retenus", ["arreter_liste"])
    completed = [e for e in events if e["kind"] == "task_completed"]
    assert [e["element_id"] for e in completed].count("evaluer_candidat") == 6
    assert completed[-1]["actor"] == "dcim" and completed[-1]["changes"]["candidats_a_presenter"] == {
        "old": None, "new": [bamako[0], kayes[0]]}
    assert kinds(events)[-1] == ("instance_completed", "fin_liste_transmise")
    rows = task_rows(deployed, pid)
    assert len(rows) == 2 + 2 + 1 + 6 + 1 and all(r["state"] == "completed" for r in rows)
    assert {r["completed_by"] for r in rows if r["name"] == "evaluer_candidat"} == {"evaluateur"}


def test_a_region_without_applications_and_an_offer_without_tests(deployed):
    offer, pid, bamako = only_bamako_applies(deployed, "OFF-2025-0104", 2)

    # Kayes has nothing more to do; only Bamako preselects.
    assert [(t["name"], t["region"]) for t in open_tasks(deployed, BAMAKO, pid) + open_tasks(deployed, KAYES, pid)] \
        == [("preselectionner_candidats", "bamako")]
    listed = complete(deployed, BAMAKO, pid, "preselectionner_candidats", data.preselectionner(bamako[:1]))

    assert listed["data"]["preselections_regionales"]["kayes"] == {
        "candidats_inscrits": [], "candidats_preselectionnes": [], "modes_identification": ["appel_candidature"],
        "date_cloture_candidatures": "2025-02-14"}
    assert listed["data"]["candidats_retenus"] == bamako[:1]
    assert [t["name"] for t in listed["tasks"]] == ["arreter_liste"]
    gateways = [(e["element_id"], e["details"]["to"]) for e in history(deployed, pid) if e["kind"] == "gateway_taken"]
    assert ("gw_candidatures_recues", ["noter_aucune_candidature"]) in gateways
    assert ("gw_tests_requis", ["gw_fusion_tests"]) in gateways
    assert "preparer_tests" not in {r["name"] for r in task_rows(deployed, pid)}
    assert candidatures(deployed, offer["id"]) == {bamako[0]: ("bamako", "preselectionne"),
                                                   bamako[1]: ("bamako", "non_preselectionne")}

    done = complete(deployed, DCIM, pid, "arreter_liste", data.arreter_liste(bamako[:1]))
    assert done["status"] == "completed"
    assert the_child(deployed, pid, "mise_en_relation")["data"]["tests_requis"] == []


def test_nobody_retained_then_a_second_tour_in_more_regions(deployed):
    bamako = register_candidates(deployed, "bamako", 3)
    kayes = register_candidates(deployed, "kayes", 1)
    offer, preselection = preselection_of(deployed, "OFF-2025-0105", "bamako")
    pid = preselection["id"]

    # Tour 1: two preselected in Bamako, both fail the tests.
    complete(deployed, BAMAKO, pid, "recueillir_candidatures", data.recueillir(bamako[:2]))
    complete(deployed, BAMAKO, pid, "preselectionner_candidats", data.preselectionner(bamako[:2]))
    complete(deployed, EVALUATOR, pid, "preparer_tests", data.preparer_tests(epreuves=("test_technique",),
                                                                               note_minimale=12))
    nobody = evaluate_all(deployed, pid, {bamako[0]: {"test_technique": 9}, bamako[1]: {"present": False}})

    assert nobody["data"]["candidats_retenus"] == []
    [decide] = nobody["tasks"]
    assert (decide["name"], decide["role"], decide["manual_section"]) == ("decider_relance", "dcim", "7.5")
    assert due_delay(decide) == timedelta(days=3)
    with pytest.raises(ValidationFailed):  # relaunching needs the regions of the new tour
        complete(deployed, DCIM, pid, "decider_relance", {"suite_preselection": "relancer"})

    tour_two = complete(deployed, DCIM, pid, "decider_relance", data.relancer("bamako", "kayes"))

    assert tour_two["data"]["tour_preselection"] == 2
    assert sorted((t["name"], t["region"]) for t in tour_two["tasks"]) == [
        ("recueillir_candidatures", "bamako"), ("recueillir_candidatures", "kayes")]
    # Tour 2: Bamako registers the two already tested again, with a newcomer; Kayes finds one.
    complete(deployed, BAMAKO, pid, "recueillir_candidatures", data.recueillir(bamako))
    complete(deployed, KAYES, pid, "recueillir_candidatures", data.recueillir(kayes))
    complete(deployed, BAMAKO, pid, "preselectionner_candidats", data.preselectionner(bamako))
    tested = complete(deployed, KAYES, pid, "preselectionner_candidats", data.preselectionner(kayes))

    # Only the candidates not tested before sit the tests.
    assert instances.get_instance(deployed, DCIM, pid)["data"]["nouveaux_preselectionnes"] == \
        sorted([bamako[2], kayes[0]])
    assert tested["data"]["nouveaux_preselectionnes"] == [kayes[0]]  # what Kayes' counsellor reads
    complete(deployed, EVALUATOR, pid, "preparer_tests", data.preparer_tests(epreuves=("test_technique",)))
    listed = evaluate_all(deployed, pid, {bamako[2]: {"test_technique": 13}, kayes[0]: {"test_technique": 11}})

    assert listed["data"]["candidats_retenus"] == sorted([bamako[2], kayes[0]])
    assert candidatures(deployed, offer["id"]) == {
        bamako[0]: ("bamako", "non_preselectionne"), bamako[1]: ("bamako", "non_preselectionne"),
        bamako[2]: ("bamako", "preselectionne"), kayes[0]: ("kayes", "preselectionne")}
    assert sorted(listed["data"]["resultats_tests_cumules"]) == sorted(str(p) for p in bamako + kayes)
    gateways = [(e["element_id"], e["details"]["to"]) for e in history(deployed, pid) if e["kind"] == "gateway_taken"]
    assert ("gw_candidats_retenus", ["decider_relance"]) in gateways
    assert ("gw_suite_preselection", ["ouvrir_nouveau_tour"]) in gateways
    assert [t["name"] for t in listed["tasks"]] == ["arreter_liste"]


def test_a_preselection_without_candidates_is_closed(deployed):
    offer, pid, bamako = only_bamako_applies(deployed, "OFF-2025-0106", 1)
    nobody = complete(deployed, BAMAKO, pid, "preselectionner_candidats", data.preselectionner_aucun())
    assert [t["name"] for t in nobody["tasks"]] == ["decider_relance"]

    motif = "Aucun profil agricole disponible ; l'employeur est informé par courrier."
    done = complete(deployed, DCIM, pid, "decider_relance", data.clore(motif))

    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_preselection"] == "infructueuse"
    assert done["data"]["motif_cloture_preselection"] == motif
    assert kinds(history(deployed, pid))[-2:] == [("gateway_taken", "gw_suite_preselection"),
                                                  ("instance_completed", "fin_preselection_infructueuse")]
    assert children(deployed, pid) == []
    assert candidatures(deployed, offer["id"]) == {bamako[0]: ("bamako", "non_preselectionne")}
    assert offer_status(deployed, offer["id"]) == "diffusee"
    # Managers find the closed preselection in the offer's chain.
    chain = instances.get_instance(deployed, DIRECTION, offer["id"])["related"]
    assert [(i["id"], i["process_key"], i["status"], i["parent_id"]) for i in chain] == [
        (pid, "preselection", "completed", offer["id"])]


def test_regional_deadlines_remind_and_escalate_within_the_region(deployed):
    _offer, preselection = preselection_of(deployed, "OFF-2025-0107", "bamako", "kayes")
    pid = preselection["id"]
    bamako_task = open_tasks(deployed, BAMAKO, pid)[0]
    due = bamako_task["due_at"]
    people = ("conseiller-bamako", "conseiller-kayes", "directeur-bamako", "dcim")

    def counts():
        return {name: len(notifications.unread(deployed, name)) for name in people}

    before = counts()
    timers.fire_due_timers(deployed, now=datetime.fromisoformat(due) - timedelta(hours=12))
    after_reminders = counts()
    timers.fire_due_timers(deployed, now=datetime.fromisoformat(due) + timedelta(minutes=1))
    after_escalations = counts()

    # A reminder to each region's counsellors (Bamako's head is one of them), then the escalation to that head.
    assert {name: after_reminders[name] - before[name] for name in people} == {
        "conseiller-bamako": 1, "conseiller-kayes": 1, "directeur-bamako": 1, "dcim": 0}
    assert {name: after_escalations[name] - after_reminders[name] for name in people} == {
        "conseiller-bamako": 0, "conseiller-kayes": 0, "directeur-bamako": 1, "dcim": 0}
    [message] = [n["message"] for n in notifications.unread(deployed, "directeur-bamako")
                 if n["task_id"] == bamako_task["id"] and n["kind"] == "escalation"]
    assert "Recueillir et enregistrer les candidatures" in message and "OFF-2025-0107" in message
    kinds_seen = [(e["kind"], e["element_id"]) for e in history(deployed, pid)]
    assert kinds_seen.count(("task_reminder", "recueillir_candidatures")) == 2
    assert kinds_seen.count(("task_escalation", "recueillir_candidatures")) == 2
