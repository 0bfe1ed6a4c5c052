"""Every path of the international offer procedure (manual §7.1–7.4), driven through the engine API."""
from datetime import datetime, timedelta

import offer_data
import pytest
from conftest import BAMAKO, DCIM, KAYES, actor
from offer_flow import PROCESS, complete, history, kinds, open_tasks, start_offer, task_rows, the_task

from engine.errors import Forbidden
from engine.runtime import instances, tasks

# A second DCIM agent, so that the history shows who did what.
VERIFIER = actor("dcim-verificateur", "dcim")


def due_delay(task):
    """How long after its creation a task is due, or None when it has no deadline."""
    if task["due_at"] is None:
        return None
    return datetime.fromisoformat(task["due_at"]) - datetime.fromisoformat(task["created_at"])


def assert_ordered(events):
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    times = [datetime.fromisoformat(e["at"]) for e in events]
    assert times == sorted(times)


def test_starting_an_offer_opens_the_recording_task(deployed):
    started = start_offer(deployed, "OFF-2025-0001")

    assert started["process_key"] == PROCESS
    assert started["version"] == 1
    assert started["business_key"] == "OFF-2025-0001"
    assert started["status"] == "running"
    assert started["started_by"] == "dcim"
    assert started["ended_at"] is None and started["error"] is None
    [task] = started["tasks"]
    assert task["name"] == "enregistrer_offre"
    assert task["title"] == "Enregistrer l'offre d'emploi"
    assert task["role"] == "dcim"
    assert task["region"] is None
    assert task["assignee"] is None
    assert task["state"] == "ready"
    assert task["manual_section"] == "7.1, 7.2, 7.4"
    assert task["due_at"] is None  # no dueIn on this element
    assert [t["id"] for t in tasks.list_open_tasks(deployed, DCIM)] == [task["id"]]
    assert open_tasks(deployed, BAMAKO, started["id"]) == []


def test_employer_not_credible_closes_the_offer(deployed):
    started = start_offer(deployed, "OFF-2025-0002")
    record = offer_data.enregistrer_chantier_cote_divoire()
    after_record = complete(deployed, DCIM, started["id"], "enregistrer_offre", record)

    [verify] = after_record["tasks"]
    assert verify["name"] == "verifier_employeur"
    assert verify["title"] == "Vérifier la crédibilité de l'employeur"
    assert verify["role"] == "dcim" and verify["manual_section"] == "7.3"
    assert due_delay(verify) == timedelta(days=5)
    assert after_record["data"]["employeur_raison_sociale"] == "Bâtir Lagunes SA"

    motif = "Entreprise inconnue du registre du commerce d'Abidjan"
    done = complete(deployed, VERIFIER, started["id"], "verifier_employeur", offer_data.verifier_non_credible(motif))

    assert done["status"] == "completed"
    assert done["tasks"] == []
    assert done["ended_at"] is not None
    assert done["data"]["statut_offre"] == "rejetee"
    assert done["data"]["motif_cloture"] == motif
    assert done["data"]["employeur_credible"] is False
    assert "negocier_offre" not in {t["name"] for t in task_rows(deployed, started["id"])}
    assert open_tasks(deployed, DCIM, started["id"]) == []

    events = history(deployed, started["id"])
    assert kinds(events) == [
        ("instance_started", None),
        ("task_completed", "enregistrer_offre"),
        ("task_completed", "verifier_employeur"),
        ("gateway_taken", "gw_employeur_credible"),
        ("instance_completed", "fin_employeur_non_credible"),
    ]
    assert [e["actor"] for e in events] == ["dcim", "dcim", "dcim-verificateur", "dcim-verificateur",
                                            "dcim-verificateur"]
    assert_ordered(events)
    assert events[0]["details"]["version"] == 1
    assert events[1]["task_id"] == started["tasks"][0]["id"]
    assert events[1]["changes"]["employeur_raison_sociale"] == {"old": None, "new": "Bâtir Lagunes SA"}
    assert events[1]["changes"]["salaire"] == {"old": None, "new": {"montant": 250000, "devise": "XOF"}}
    # The recording also names the employer it found or created in the register.
    assert set(events[1]["changes"]) == set(record) | {"employeur_id"}
    assert events[2]["task_id"] == verify["id"]
    assert events[2]["changes"]["employeur_credible"] == {"old": None, "new": False}
    assert events[2]["changes"]["motif_non_credible"] == {"old": None, "new": motif}
    assert "employeur_raison_sociale" not in events[2]["changes"]  # unchanged data is not repeated
    assert events[3]["details"]["to"] == ["clore_employeur_non_credible"]

    rows = task_rows(deployed, started["id"])
    assert [(r["name"], r["state"], r["completed_by"]) for r in rows] == [
        ("enregistrer_offre", "completed", "dcim"),
        ("verifier_employeur", "completed", "dcim-verificateur"),
    ]
    assert all(r["completed_at"] is not None for r in rows)
    assert instances.list_instances(deployed, DCIM, status="completed", business_key="OFF-2025-0002")[0]["id"] \
        == started["id"]


def test_credible_employer_without_agreement_abandons_the_offer(deployed):
    started = start_offer(deployed, "OFF-2025-0003")
    complete(deployed, DCIM, started["id"], "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    after_check = complete(deployed, DCIM, started["id"], "verifier_employeur", offer_data.verifier_credible())

    [negotiate] = after_check["tasks"]
    assert negotiate["name"] == "negocier_offre"
    assert negotiate["title"] == "Négocier les modalités avec l'employeur"
    assert negotiate["manual_section"] == "7.4, 6.4, 6.5, 6.6"
    assert due_delay(negotiate) == timedelta(days=10)
    assert after_check["status"] == "running"

    motif = "L'employeur exige des frais de placement, interdits par la loi malienne"
    done = complete(deployed, DCIM, started["id"], "negocier_offre", offer_data.negocier_sans_accord(motif))

    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_offre"] == "abandonnee"
    assert done["data"]["motif_cloture"] == motif
    assert "regions_concernees" not in done["data"]

    events = history(deployed, started["id"])
    assert kinds(events) == [
        ("instance_started", None),
        ("task_completed", "enregistrer_offre"),
        ("task_completed", "verifier_employeur"),
        ("gateway_taken", "gw_employeur_credible"),
        ("task_completed", "negocier_offre"),
        ("gateway_taken", "gw_accord_employeur"),
        ("instance_completed", "fin_sans_accord"),
    ]
    assert events[3]["details"]["to"] == ["negocier_offre"]
    assert events[5]["details"]["to"] == ["clore_sans_accord"]
    assert events[4]["changes"]["accord_employeur"] == {"old": None, "new": False}
    assert events[4]["changes"]["motif_desaccord"] == {"old": None, "new": motif}
    assert {e["actor"] for e in events} == {"dcim"}
    assert_ordered(events)


def test_agreement_and_one_region(deployed):
    started = start_offer(deployed, "OFF-2025-0004")
    instance_id = started["id"]
    complete(deployed, DCIM, instance_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    complete(deployed, DCIM, instance_id, "verifier_employeur", offer_data.verifier_credible())
    after_agreement = complete(deployed, DCIM, instance_id, "negocier_offre", offer_data.negocier_accord())

    [transmit] = after_agreement["tasks"]
    assert transmit["name"] == "transmettre_offre"
    assert transmit["title"] == "Transmettre l'offre aux directions régionales"
    assert transmit["manual_section"] == "7.4"
    assert due_delay(transmit) == timedelta(days=2)
    # The transmission form lists the active regional directorates as choices.
    form = tasks.get_task(deployed, DCIM, transmit["id"])["form"]
    choices = form["schema"]["properties"]["regions_concernees"]["items"]["oneOf"]
    assert {"const": "bamako", "title": "District de Bamako"} in choices
    assert {"const": "kayes", "title": "Kayes"} in choices

    sent = complete(deployed, DCIM, instance_id, "transmettre_offre", offer_data.transmettre("bamako"))

    [confirm] = sent["tasks"]
    assert confirm["name"] == "confirmer_affichage"
    assert confirm["title"] == "Confirmer l'affichage de l'offre"
    assert confirm["role"] == "conseiller" and confirm["region"] == "bamako"
    assert confirm["manual_section"] == "7.4"
    assert due_delay(confirm) == timedelta(days=3)
    assert sent["status"] == "running"
    assert open_tasks(deployed, DCIM, instance_id) == []  # DCIM does not do the regional work
    assert open_tasks(deployed, KAYES, instance_id) == []
    assert [t["id"] for t in open_tasks(deployed, BAMAKO, instance_id)] == [confirm["id"]]
    assert tasks.get_task(deployed, BAMAKO, confirm["id"])["data"]["region"] == "bamako"

    confirmation = offer_data.confirmer_affichage(date="2025-02-04")
    done = complete(deployed, BAMAKO, instance_id, "confirmer_affichage", confirmation)

    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_offre"] == "diffusee"
    assert done["data"]["regions_concernees"] == ["bamako"]
    assert done["data"]["confirmations_affichage"] == {"bamako": confirmation["confirmation_affichage"]}

    events = history(deployed, instance_id)
    assert kinds(events) == [
        ("instance_started", None),
        ("task_completed", "enregistrer_offre"),
        ("task_completed", "verifier_employeur"),
        ("gateway_taken", "gw_employeur_credible"),
        ("task_completed", "negocier_offre"),
        ("gateway_taken", "gw_accord_employeur"),
        ("task_completed", "transmettre_offre"),
        ("gateway_taken", "gw_affichage"),  # display agreed with the employer
        ("task_completed", "confirmer_affichage"),
        ("instance_completed", "fin_offre_diffusee"),
    ]
    assert events[5]["details"]["to"] == ["transmettre_offre"]
    assert events[6]["changes"]["regions_concernees"] == {"old": None, "new": ["bamako"]}
    assert events[7]["details"]["to"] == ["confirmer_affichage"]
    events = events[:7] + events[8:]
    assert events[7]["actor"] == "conseiller-bamako" and events[7]["task_id"] == confirm["id"]
    assert events[7]["changes"] == {"confirmation_affichage": {"old": None,
                                                               "new": confirmation["confirmation_affichage"]}}
    assert events[8]["actor"] == "conseiller-bamako"
    assert_ordered(events)


def test_agreement_and_several_regions(deployed):
    instance_id = start_offer(deployed, "OFF-2025-0005")["id"]
    complete(deployed, DCIM, instance_id, "enregistrer_offre", offer_data.enregistrer_chantier_cote_divoire())
    complete(deployed, DCIM, instance_id, "verifier_employeur", offer_data.verifier_credible())
    complete(deployed, DCIM, instance_id, "negocier_offre", offer_data.negocier_accord())
    sent = complete(deployed, DCIM, instance_id, "transmettre_offre", offer_data.transmettre("bamako", "kayes"))

    assert sorted((t["name"], t["role"], t["region"]) for t in sent["tasks"]) == [
        ("confirmer_affichage", "conseiller", "bamako"),
        ("confirmer_affichage", "conseiller", "kayes"),
    ]
    assert all(due_delay(t) == timedelta(days=3) for t in sent["tasks"])
    bamako_task = the_task(deployed, BAMAKO, instance_id, "confirmer_affichage")
    kayes_task = the_task(deployed, KAYES, instance_id, "confirmer_affichage")
    assert bamako_task["region"] == "bamako" and kayes_task["region"] == "kayes"
    assert bamako_task["id"] != kayes_task["id"]
    assert {bamako_task["id"], kayes_task["id"]} == {t["id"] for t in sent["tasks"]}

    # Each counsellor keeps out of the other region's task.
    kayes_confirmation = offer_data.confirmer_sans_affichage()
    for attempt in (lambda: tasks.get_task(deployed, KAYES, bamako_task["id"]),
                    lambda: tasks.claim_task(deployed, KAYES, bamako_task["id"]),
                    lambda: tasks.complete_task(deployed, KAYES, bamako_task["id"], kayes_confirmation),
                    lambda: tasks.claim_task(deployed, BAMAKO, kayes_task["id"]),
                    lambda: tasks.complete_task(deployed, BAMAKO, kayes_task["id"], offer_data.confirmer_affichage())):
        with pytest.raises(Forbidden):
            attempt()
    assert [t["assignee"] for t in tasks.list_open_tasks(deployed, DCIM) if t["instance_id"] == instance_id] == []

    # Kayes answers first; the instance waits for Bamako.
    after_kayes = tasks.complete_task(deployed, KAYES, kayes_task["id"], kayes_confirmation)
    assert after_kayes["status"] == "running"
    assert [t["id"] for t in after_kayes["tasks"]] == [bamako_task["id"]]
    assert "statut_offre" not in after_kayes["data"]
    assert open_tasks(deployed, KAYES, instance_id) == []

    tasks.claim_task(deployed, BAMAKO, bamako_task["id"])
    bamako_confirmation = offer_data.confirmer_affichage(date="2025-03-20", lieux=["panneaux_direction_regionale"])
    done = tasks.complete_task(deployed, BAMAKO, bamako_task["id"], bamako_confirmation)

    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_offre"] == "diffusee"
    assert done["data"]["regions_concernees"] == ["bamako", "kayes"]
    # Each directorate's confirmation is filed under its region's code.
    assert done["data"]["confirmations_affichage"] == {
        "bamako": bamako_confirmation["confirmation_affichage"],
        "kayes": kayes_confirmation["confirmation_affichage"]}

    events = history(deployed, instance_id)
    assert kinds(events)[-4:] == [
        ("task_completed", "confirmer_affichage"),
        ("task_claimed", "confirmer_affichage"),
        ("task_completed", "confirmer_affichage"),
        ("instance_completed", "fin_offre_diffusee"),
    ]
    by_task = {e["task_id"]: e for e in events
               if e["kind"] == "task_completed" and e["element_id"] == "confirmer_affichage"}
    assert by_task[kayes_task["id"]]["actor"] == "conseiller-kayes"
    assert by_task[kayes_task["id"]]["changes"]["confirmation_affichage"]["new"] == \
        kayes_confirmation["confirmation_affichage"]
    assert by_task[bamako_task["id"]]["actor"] == "conseiller-bamako"
    assert by_task[bamako_task["id"]]["changes"]["confirmation_affichage"]["new"] == \
        bamako_confirmation["confirmation_affichage"]
    assert events[-1]["actor"] == "conseiller-bamako"
    assert_ordered(events)

    rows = {r["id"]: r for r in task_rows(deployed, instance_id)}
    assert rows[bamako_task["id"]]["completed_by"] == "conseiller-bamako"
    assert rows[kayes_task["id"]]["completed_by"] == "conseiller-kayes"
    assert rows[kayes_task["id"]]["assignee"] == "conseiller-kayes"
    assert all(r["state"] == "completed" for r in rows.values())
    assert len(rows) == 6  # four DCIM steps and two confirmations
