"""Every path of the presentation procedure (manual §7.6), from the list fixed by the preselection."""
from datetime import datetime, timedelta, timezone

import mise_en_relation_data as data
import offer_data
import pytest
from conftest import BAMAKO, DCIM, KAYES
from offer_flow import complete, history, kinds, open_tasks, task_rows
from preselection_flow import candidatures, children, due_delay, presentation_of, the_child

from engine.accounts import notifications
from engine.errors import Forbidden, ValidationFailed
from engine.runtime import instances, tasks, timers


def test_complete_files_are_sent_and_open_the_final_selection(deployed):
    offer, preselection_id, presentation, candidates = presentation_of(deployed, "OFF-2025-0401",
                                                                       {"bamako": 2, "kayes": 1}, posts=2)
    pid = presentation["id"]
    listed = sorted(candidates["bamako"] + candidates["kayes"])

    assert presentation["status"] == "running" and presentation["business_key"] == "OFF-2025-0401"
    assert (presentation["parent_id"], presentation["root_id"]) == (preselection_id, offer["id"])
    [received] = [e for e in history(deployed, pid) if e["kind"] == "message_received"]
    assert (received["element_id"], received["details"]["message"], received["details"]["sender_process"]) == \
        ("debut", "liste_candidats_arretee", "preselection")
    [check] = presentation["tasks"]
    assert (check["name"], check["role"], check["region"], check["manual_section"]) == \
        ("verifier_dossiers", "dcim", None, "7.6")
    assert due_delay(check) == timedelta(days=3)
    with pytest.raises(ValidationFailed):  # incomplete files must name the candidates and the missing pieces
        complete(deployed, DCIM, pid, "verifier_dossiers", {"dossiers_complets": False})

    checked = complete(deployed, DCIM, pid, "verifier_dossiers", data.dossiers_complets())

    [send] = checked["tasks"]
    assert (send["name"], send["manual_section"]) == ("envoyer_liste_employeur", "7.6")
    # Due by the end of the satisfaction deadline agreed with the employer.
    assert send["due_at"] == f"{offer_data.DELAI_SATISFACTION}T23:59:59+00:00"
    assert candidatures(deployed, offer["id"]) == {
        **{p: ("bamako", "preselectionne") for p in candidates["bamako"]},
        **{p: ("kayes", "preselectionne") for p in candidates["kayes"]}}

    sent = complete(deployed, DCIM, pid, "envoyer_liste_employeur", data.envoyer_liste())

    assert sent["status"] == "completed" and sent["tasks"] == []
    assert ("instance_completed", "fin_liste_envoyee") in kinds(history(deployed, pid))
    assert sent["data"]["etapes_candidats"] == {str(p): "presente" for p in listed}
    assert candidatures(deployed, offer["id"]) == {
        **{p: ("bamako", "presente") for p in candidates["bamako"]},
        **{p: ("kayes", "presente") for p in candidates["kayes"]}}
    gateways = [(e["element_id"], e["details"]["to"]) for e in history(deployed, pid) if e["kind"] == "gateway_taken"]
    assert gateways == [("gw_fusion_verification", ["verifier_dossiers"]),
                        ("gw_dossiers_complets", ["envoyer_liste_employeur"])]
    selection = the_child(deployed, pid, "selection_finale")
    assert (selection["business_key"], selection["parent_id"], selection["root_id"]) == \
        ("OFF-2025-0401", pid, offer["id"])
    assert {key: selection["data"][key] for key in ("candidats_a_presenter", "nombre_postes", "lieu_travail_pays",
                                                    "date_envoi_liste", "reference_courrier")} == {
        "candidats_a_presenter": listed, "nombre_postes": 2, "lieu_travail_pays": "ES",
        "date_envoi_liste": "2025-02-28", "reference_courrier": "ANPE/DCIM/2025/117"}
    assert [t["name"] for t in selection["tasks"]] == ["planifier_rencontre"]


def test_incomplete_files_go_back_to_each_candidates_region(deployed):
    offer, _preselection_id, presentation, candidates = presentation_of(deployed, "OFF-2025-0402",
                                                                        {"bamako": 2, "kayes": 2})
    pid = presentation["id"]
    bamako, kayes = candidates["bamako"], candidates["kayes"]
    incomplete = [bamako[1], kayes[0], kayes[1]]

    returned = complete(deployed, DCIM, pid, "verifier_dossiers", data.dossiers_incomplets(incomplete))

    assert returned["data"]["regions_a_completer"] == {"bamako": "bamako", "kayes": "kayes"}
    assert sorted((t["name"], t["role"], t["region"], t["manual_section"]) for t in returned["tasks"]) == [
        ("completer_dossiers", "conseiller", "bamako", "7.6"), ("completer_dossiers", "conseiller", "kayes", "7.6")]
    assert {due_delay(t) for t in returned["tasks"]} == {timedelta(days=5)}
    # Each counsellor sees only their own region's incomplete files.
    assert [t["region"] for t in open_tasks(deployed, BAMAKO, pid)] == ["bamako"]
    kayes_task = open_tasks(deployed, KAYES, pid, "completer_dossiers")[0]
    form = tasks.get_task(deployed, KAYES, kayes_task["id"])["form"]["schema"]
    choices = form["properties"]["completion"]["properties"]["candidats_completes"]["items"]["oneOf"]
    assert sorted(c["const"] for c in choices) == kayes
    with pytest.raises(ValidationFailed):  # a Bamako candidate is not the Kayes directorate's to complete
        complete(deployed, KAYES, pid, "completer_dossiers", data.completer([bamako[1]]))

    complete(deployed, KAYES, pid, "completer_dossiers", data.completer(kayes))
    again = complete(deployed, BAMAKO, pid, "completer_dossiers", data.completer([bamako[1]]))

    assert list(again["data"]["completions"]) == ["bamako"]  # Bamako's counsellor reads Bamako's part only
    whole = instances.get_instance(deployed, DCIM, pid)["data"]
    assert whole["completions"]["kayes"]["candidats_completes"] == kayes
    assert [t["name"] for t in again["tasks"]] == ["verifier_dossiers"]
    complete(deployed, DCIM, pid, "verifier_dossiers", data.dossiers_complets())
    sent = complete(deployed, DCIM, pid, "envoyer_liste_employeur", data.envoyer_liste())

    assert sent["status"] == "completed"
    gateways = [(e["element_id"], e["details"]["to"]) for e in history(deployed, pid) if e["kind"] == "gateway_taken"]
    assert [g for g in gateways if g[0] == "gw_dossiers_complets"] == [
        ("gw_dossiers_complets", ["preparer_completions"]), ("gw_dossiers_complets", ["envoyer_liste_employeur"])]
    done = [(r["name"], r["completed_by"]) for r in task_rows(deployed, pid)]
    assert done[0] == ("verifier_dossiers", "dcim") and sorted(done[1:3]) == [
        ("completer_dossiers", "conseiller-bamako"), ("completer_dossiers", "conseiller-kayes")]
    assert done[3:] == [("verifier_dossiers", "dcim"), ("envoyer_liste_employeur", "dcim")]
    assert len(children(deployed, pid, "selection_finale")) == 1


def test_a_presentation_is_opened_only_by_its_preselection(deployed):
    processes = {p["key"]: p for p in instances.list_processes(deployed)}
    assert processes["mise_en_relation"]["start_message"] == "liste_candidats_arretee"
    assert processes["selection_finale"]["start_message"] == "dossiers_envoyes_employeur"
    assert processes["preselection"]["start_message"] == "preselection_demandee"
    assert processes["offre_internationale"]["start_message"] is None

    for key in ("mise_en_relation", "selection_finale", "preselection"):
        with pytest.raises(Forbidden) as refused:
            instances.start_instance(deployed, DCIM, key, "OFF-A-LA-MAIN")
        assert refused.value.params["reason"] == "opened_by_procedure"
    assert instances.list_instances(deployed, DCIM, business_key="OFF-A-LA-MAIN") == []


def test_sending_the_list_late_escalates_to_the_dcim_head(deployed):
    deadline = (datetime.now(timezone.utc) + timedelta(days=20)).date()
    _offer, _preselection_id, presentation, _candidates = presentation_of(deployed, "OFF-2025-0405", {"bamako": 1},
                                                                          deadline=deadline.isoformat())
    checked = complete(deployed, DCIM, presentation["id"], "verifier_dossiers", data.dossiers_complets())
    [send] = checked["tasks"]
    due = datetime.fromisoformat(send["due_at"])
    assert due == datetime(deadline.year, deadline.month, deadline.day, 23, 59, 59, tzinfo=timezone.utc)

    timers.fire_due_timers(deployed, now=due - timedelta(hours=12))
    reminded = [(n["kind"], n["task_id"]) for n in notifications.unread(deployed, "dcim")]
    timers.fire_due_timers(deployed, now=due + timedelta(minutes=1))
    to_head = [(n["kind"], n["task_id"]) for n in notifications.unread(deployed, "chef-dcim")]

    assert reminded == [("reminder", send["id"])]  # the checked files' task left nothing pending
    # The head of the DCIM is a DCIM agent too: reminded first, then told of the delay.
    assert sorted(to_head) == [("escalation", send["id"]), ("reminder", send["id"])]
    assert [(n["kind"], n["task_id"]) for n in notifications.unread(deployed, "dcim")] == reminded
    events = [(e["kind"], e["element_id"]) for e in history(deployed, presentation["id"])]
    assert events[-2:] == [("task_reminder", "envoyer_liste_employeur"), ("task_escalation", "envoyer_liste_employeur")]


def test_a_candidate_taken_off_the_list_with_a_reason_is_neither_completed_nor_presented(deployed):
    offer, _preselection_id, presentation, candidates = presentation_of(deployed, "OFF-2025-0410", {"bamako": 3})
    pid = presentation["id"]
    gone, incomplete, kept = candidates["bamako"]
    taken_off = {**data.dossiers_incomplets([gone, incomplete]), "candidats_retires_liste": [gone]}
    with pytest.raises(ValidationFailed):  # the reason is required (issue 15, point 5)
        complete(deployed, DCIM, pid, "verifier_dossiers", taken_off)

    checked = complete(deployed, DCIM, pid, "verifier_dossiers",
                       {**taken_off, "motif_retrait_liste": "Le candidat a accepté un emploi au Mali."})

    assert checked["data"]["candidats_a_presenter"] == [incomplete, kept]
    assert checked["data"]["candidats_dossier_incomplet"] == [incomplete]  # not asked for the one taken off
    assert checked["data"]["motifs_retrait_liste"] == {str(gone): "Le candidat a accepté un emploi au Mali."}
    assert candidatures(deployed, offer["id"])[gone] == ("bamako", "retire_liste")
    complete(deployed, BAMAKO, pid, "completer_dossiers", data.completer([incomplete]))
    complete(deployed, DCIM, pid, "verifier_dossiers", data.dossiers_complets())
    complete(deployed, DCIM, pid, "envoyer_liste_employeur", data.envoyer_liste())
    assert candidatures(deployed, offer["id"]) == {gone: ("bamako", "retire_liste"), incomplete: ("bamako", "presente"),
                                                   kept: ("bamako", "presente")}
    assert the_child(deployed, pid, "selection_finale")["data"]["candidats_a_presenter"] == [incomplete, kept]
