"""Claiming, completing and reading tasks: who may, in which state, and what a refusal leaves behind."""
import offer_data
import pytest
from conftest import BAMAKO, DCIM, DIRECTION, KAYES, actor
from offer_flow import (
    PROCESS,
    complete,
    history,
    kinds,
    offer_sent_to,
    offer_up_to_transmission,
    open_tasks,
    snapshot,
    start_offer,
    the_task,
)

from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.runtime import instances, tasks

COLLEAGUE = actor("dcim-collegue", "dcim")
EVALUATOR = actor("evaluateur", "evaluateur")
UNKNOWN_TASK = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def recording(deployed):
    """A fresh offer whose recording task is open: (uow, instance id, task id)."""
    started = start_offer(deployed, "OFF-2025-0100")
    return deployed, started["id"], started["tasks"][0]["id"]


# --- claim and unclaim -------------------------------------------------------------------------

def test_claim_then_unclaim_gives_the_task_back(recording):
    uow, instance_id, task_id = recording

    claimed = tasks.claim_task(uow, DCIM, task_id)
    assert claimed["assignee"] == "dcim"
    assert tasks.claim_task(uow, DCIM, task_id)["assignee"] == "dcim"  # claiming again changes nothing
    assert [t["id"] for t in tasks.list_open_tasks(uow, DCIM, mine=True)] == [task_id]
    assert tasks.list_open_tasks(uow, COLLEAGUE, mine=True) == []
    # A claimed task stays visible in the shared inbox, with its holder.
    assert the_task(uow, COLLEAGUE, instance_id, "enregistrer_offre")["assignee"] == "dcim"

    released = tasks.unclaim_task(uow, DCIM, task_id)
    assert released["assignee"] is None
    assert tasks.list_open_tasks(uow, DCIM, mine=True) == []
    assert tasks.claim_task(uow, COLLEAGUE, task_id)["assignee"] == "dcim-collegue"

    events = history(uow, instance_id)
    assert kinds(events)[1:] == [("task_claimed", "enregistrer_offre"), ("task_unclaimed", "enregistrer_offre"),
                                 ("task_claimed", "enregistrer_offre")]
    assert [e["actor"] for e in events[1:]] == ["dcim", "dcim", "dcim-collegue"]
    assert all(e["task_id"] == task_id for e in events[1:])


def test_claim_of_a_task_held_by_someone_else_is_a_conflict(recording):
    uow, instance_id, task_id = recording
    tasks.claim_task(uow, DCIM, task_id)
    before = snapshot(uow, instance_id)

    with pytest.raises(Conflict) as refused:
        tasks.claim_task(uow, COLLEAGUE, task_id)

    assert refused.value.params["reason"] == "claimed"
    assert snapshot(uow, instance_id) == before
    assert the_task(uow, DCIM, instance_id, "enregistrer_offre")["assignee"] == "dcim"


def test_unclaim_by_someone_who_does_not_hold_the_task_is_a_conflict(recording):
    uow, instance_id, task_id = recording
    with pytest.raises(Conflict) as unclaimed_nobody:
        tasks.unclaim_task(uow, DCIM, task_id)  # nobody holds it
    assert unclaimed_nobody.value.params["reason"] == "not_claimed"

    tasks.claim_task(uow, DCIM, task_id)
    before = snapshot(uow, instance_id)
    with pytest.raises(Conflict) as refused:
        tasks.unclaim_task(uow, COLLEAGUE, task_id)

    assert refused.value.params["reason"] == "not_claimed"
    assert snapshot(uow, instance_id) == before


def test_completing_a_task_claimed_by_someone_else_is_a_conflict(recording):
    uow, instance_id, task_id = recording
    tasks.claim_task(uow, DCIM, task_id)
    before = snapshot(uow, instance_id)

    with pytest.raises(Conflict) as refused:
        tasks.complete_task(uow, COLLEAGUE, task_id, offer_data.enregistrer_saisonnier_espagne())

    assert refused.value.params == {"reason": "claimed", "assignee": "dcim"}
    assert snapshot(uow, instance_id) == before
    done = tasks.complete_task(uow, DCIM, task_id, offer_data.enregistrer_saisonnier_espagne())
    assert [t["name"] for t in done["tasks"]] == ["verifier_employeur"]


def test_a_completed_task_cannot_be_claimed_completed_or_unclaimed_again(recording):
    uow, instance_id, task_id = recording
    tasks.complete_task(uow, DCIM, task_id, offer_data.enregistrer_saisonnier_espagne())
    before = snapshot(uow, instance_id)

    for attempt in (lambda: tasks.complete_task(uow, DCIM, task_id, offer_data.enregistrer_saisonnier_espagne()),
                    lambda: tasks.claim_task(uow, COLLEAGUE, task_id),
                    lambda: tasks.unclaim_task(uow, DCIM, task_id)):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.params["reason"] == "not_open"
    assert snapshot(uow, instance_id) == before


# --- form validation ---------------------------------------------------------------------------

def _without(data, *names):
    return {k: v for k, v in data.items() if k not in names}


RECORDING_MISTAKES = {
    "missing required field": (_without(offer_data.enregistrer_saisonnier_espagne(), "employeur_email"),
                               [("employeur_email", "required", {})]),
    "wrong type": ({**offer_data.enregistrer_saisonnier_espagne(), "nombre_postes": "quarante"},
                   [("nombre_postes", "type", {"expected": "integer"})]),
    "count 0 where at least 1": ({**offer_data.enregistrer_saisonnier_espagne(), "nombre_postes": 0},
                                 [("nombre_postes", "minimum", {"limit": 1})]),
    "bad date": ({**offer_data.enregistrer_saisonnier_espagne(), "date_reception_offre": "14/01/2025"},
                 [("date_reception_offre", "format", {"format": "date"})]),
    "impossible date": ({**offer_data.enregistrer_saisonnier_espagne(), "date_reception_offre": "2025-02-30"},
                        [("date_reception_offre", "format", {"format": "date"})]),
    "unknown choice": ({**offer_data.enregistrer_saisonnier_espagne(), "source_offre": "bouche_a_oreille"},
                       [("source_offre", "enum", {})]),
    "received in the future": ({**offer_data.enregistrer_saisonnier_espagne(), "date_reception_offre": "2999-01-04"},
                               [("date_reception_offre", "date_future", {})]),
    "unknown country": ({**offer_data.enregistrer_saisonnier_espagne(), "lieu_travail_pays": "ESP"},
                        [("lieu_travail_pays", "enum", {})]),
    "unknown language in a list": ({**offer_data.enregistrer_saisonnier_espagne(), "langues_requises": ["spa", "xx"]},
                                   [("langues_requises", "enum", {})]),
    "nested field": ({**offer_data.enregistrer_saisonnier_espagne(), "salaire": {"montant": -5, "devise": "EUR"}},
                     [("salaire.montant", "minimum", {"limit": 0})]),
    "nested required field": ({**offer_data.enregistrer_saisonnier_espagne(), "salaire": {"montant": 1323}},
                              [("salaire.devise", "required", {})]),
    "required only for a fixed-term contract": (
        _without(offer_data.enregistrer_saisonnier_espagne(), "duree_contrat_mois"),
        [("duree_contrat_mois", "required", {})]),
    "field the form does not have": ({**offer_data.enregistrer_saisonnier_espagne(), "statut_offre": "diffusee"},
                                     [("", "additionalProperties", {"name": "statut_offre"})]),
    "bad email": ({**offer_data.enregistrer_chantier_cote_divoire(), "employeur_email": "recrutement.batir.ci"},
                  [("employeur_email", "format", {"format": "email"})]),
    "several mistakes at once": (
        {**_without(offer_data.enregistrer_chantier_cote_divoire(), "metier"), "nombre_postes": 0,
         "type_contrat": "mi-temps"},
        [("metier", "required", {}), ("nombre_postes", "minimum", {"limit": 1}), ("type_contrat", "enum", {})]),
}


@pytest.mark.parametrize("data, expected", RECORDING_MISTAKES.values(), ids=RECORDING_MISTAKES.keys())
def test_a_bad_recording_is_refused_and_nothing_is_written(recording, data, expected):
    uow, instance_id, task_id = recording
    tasks.claim_task(uow, DCIM, task_id)
    before = snapshot(uow, instance_id)

    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(uow, DCIM, task_id, data)

    assert sorted((e.field, e.code, e.params) for e in refused.value.errors) == sorted(expected)
    assert refused.value.code == "validation_failed"
    assert snapshot(uow, instance_id) == before
    assert [t["id"] for t in open_tasks(uow, DCIM, instance_id)] == [task_id]
    assert kinds(history(uow, instance_id)) == [("instance_started", None), ("task_claimed", "enregistrer_offre")]


def test_conditional_and_regional_fields_are_validated_on_later_steps(deployed):
    instance_id = start_offer(deployed, "OFF-2025-0101")["id"]
    complete(deployed, DCIM, instance_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    verify = the_task(deployed, DCIM, instance_id, "verifier_employeur")
    no_reason = _without(offer_data.verifier_non_credible(), "motif_non_credible")
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(deployed, DCIM, verify["id"], no_reason)
    assert [(e.field, e.code) for e in refused.value.errors] == [("motif_non_credible", "required")]

    complete(deployed, DCIM, instance_id, "verifier_employeur", offer_data.verifier_credible())
    complete(deployed, DCIM, instance_id, "negocier_offre", offer_data.negocier_accord())
    transmit = the_task(deployed, DCIM, instance_id, "transmettre_offre")
    before = snapshot(deployed, instance_id)
    for regions, expected in (([], ("regions_concernees", "minItems", {"limit": 1})),
                              (["bamako", "paris"], ("regions_concernees", "enum", {})),
                              (["kayes", "kayes"], ("regions_concernees", "uniqueItems", {}))):
        with pytest.raises(ValidationFailed) as refused:
            tasks.complete_task(deployed, DCIM, transmit["id"], {"regions_concernees": regions})
        assert [(e.field, e.code, e.params) for e in refused.value.errors] == [expected]
    assert snapshot(deployed, instance_id) == before

    complete(deployed, DCIM, instance_id, "transmettre_offre", offer_data.transmettre("kayes"))
    confirm = the_task(deployed, KAYES, instance_id, "confirmer_affichage")
    posted_without_date = {"confirmation_affichage": {"affichage_effectue": True,
                                                      "lieux_affichage": ["radio"], "date_affichage": "hier"}}
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(deployed, KAYES, confirm["id"], posted_without_date)
    assert [(e.field, e.code) for e in refused.value.errors] == [("confirmation_affichage.date_affichage", "format")]
    assert the_task(deployed, KAYES, instance_id, "confirmer_affichage")["id"] == confirm["id"]


# --- roles and regions -------------------------------------------------------------------------

def test_a_role_that_may_not_work_on_a_task_is_forbidden(recording):
    uow, instance_id, task_id = recording
    before = snapshot(uow, instance_id)
    for outsider in (BAMAKO, EVALUATOR, DIRECTION):
        for attempt in (lambda: tasks.claim_task(uow, outsider, task_id),
                        lambda: tasks.unclaim_task(uow, outsider, task_id),
                        lambda: tasks.complete_task(uow, outsider, task_id,
                                                    offer_data.enregistrer_saisonnier_espagne())):
            with pytest.raises(Forbidden):
                attempt()
        assert open_tasks(uow, outsider, instance_id) == []
    with pytest.raises(Forbidden):
        tasks.get_task(uow, EVALUATOR, task_id)
    assert snapshot(uow, instance_id) == before


def test_direction_reads_everything_but_completes_nothing(deployed):
    instance_id = offer_sent_to(deployed, "OFF-2025-0102", "bamako")
    confirm = the_task(deployed, BAMAKO, instance_id, "confirmer_affichage")

    read = instances.get_instance(deployed, DIRECTION, instance_id, with_history=True)
    assert read["business_key"] == "OFF-2025-0102"
    assert [t["id"] for t in read["tasks"]] == [confirm["id"]]
    assert kinds(read["history"])[-2:] == [("task_completed", "transmettre_offre"), ("gateway_taken", "gw_affichage")]
    assert len(read["history"]) == 8  # started, four completed tasks, three gateways
    assert [i["id"] for i in instances.list_instances(deployed, DIRECTION)] == [instance_id]
    shown = tasks.get_task(deployed, DIRECTION, confirm["id"])
    assert shown["data"]["region"] == "bamako"
    assert shown["form"]["schema"]["required"] == ["confirmation_affichage"]
    assert tasks.list_open_tasks(deployed, DIRECTION) == []

    before = snapshot(deployed, instance_id)  # reading the file was logged; what follows writes nothing
    with pytest.raises(Forbidden):
        tasks.claim_task(deployed, DIRECTION, confirm["id"])
    with pytest.raises(Forbidden):
        tasks.complete_task(deployed, DIRECTION, confirm["id"], offer_data.confirmer_affichage())
    with pytest.raises(Forbidden):
        instances.start_instance(deployed, DIRECTION, PROCESS, "OFF-2025-0103")
    assert snapshot(deployed, instance_id) == before


def test_counsellors_read_only_the_files_sent_to_their_region(deployed):
    instance_id = offer_up_to_transmission(deployed, "OFF-2025-0104")
    with pytest.raises(Forbidden):
        instances.get_instance(deployed, BAMAKO, instance_id)  # not sent to any region yet
    assert instances.list_instances(deployed, BAMAKO) == []

    complete(deployed, DCIM, instance_id, "transmettre_offre", offer_data.transmettre("bamako"))

    assert instances.get_instance(deployed, BAMAKO, instance_id)["status"] == "running"
    assert [i["id"] for i in instances.list_instances(deployed, BAMAKO)] == [instance_id]
    with pytest.raises(Forbidden):
        instances.get_instance(deployed, KAYES, instance_id)
    assert instances.list_instances(deployed, KAYES) == []
    confirm = the_task(deployed, BAMAKO, instance_id, "confirmer_affichage")
    with pytest.raises(Forbidden):
        tasks.get_task(deployed, KAYES, confirm["id"])


def test_starting_without_the_start_role_is_forbidden(deployed):
    before = snapshot(deployed)
    for outsider in (BAMAKO, EVALUATOR, DIRECTION, actor("personne")):
        with pytest.raises(Forbidden):
            instances.start_instance(deployed, outsider, PROCESS, "OFF-2025-0105")
    assert snapshot(deployed) == before


# --- unknown ids and business keys -------------------------------------------------------------

def test_unknown_ids_are_not_found(recording):
    uow, instance_id, _task_id = recording
    before = snapshot(uow, instance_id)
    for attempt in (lambda: tasks.get_task(uow, DCIM, UNKNOWN_TASK),
                    lambda: tasks.claim_task(uow, DCIM, UNKNOWN_TASK),
                    lambda: tasks.unclaim_task(uow, DCIM, UNKNOWN_TASK),
                    lambda: tasks.complete_task(uow, DCIM, UNKNOWN_TASK, {}),
                    lambda: instances.get_instance(uow, DCIM, instance_id + 1000),
                    lambda: instances.retry_instance(uow, DCIM, instance_id + 1000),
                    lambda: instances.start_instance(uow, DCIM, "offre_inexistante", "OFF-2025-0106")):
        with pytest.raises(NotFound):
            attempt()
    assert snapshot(uow, instance_id) == before


def test_retrying_an_instance_that_is_not_in_error_is_a_conflict(recording):
    uow, instance_id, _task_id = recording
    with pytest.raises(Conflict) as refused:
        instances.retry_instance(uow, DCIM, instance_id)
    assert refused.value.params["reason"] == "not_in_error"


def test_business_key_of_an_unfinished_instance_cannot_be_reused(recording):
    uow, instance_id, _task_id = recording
    before = snapshot(uow)

    with pytest.raises(Conflict) as refused:
        instances.start_instance(uow, COLLEAGUE, PROCESS, "OFF-2025-0100")
    assert refused.value.params == {"reason": "business_key_taken", "business_key": "OFF-2025-0100",
                                    "instance_id": instance_id}
    with pytest.raises(Conflict) as padded:
        instances.start_instance(uow, COLLEAGUE, PROCESS, "  OFF-2025-0100 ")  # surrounding spaces are ignored
    assert padded.value.params["reason"] == "business_key_taken"
    with pytest.raises(Conflict) as other_case:  # nor is the case: the same offer would be counted twice
        instances.start_instance(uow, COLLEAGUE, PROCESS, "  off-2025-0100 ")
    assert other_case.value.params == {"reason": "business_key_taken", "business_key": "off-2025-0100",
                                       "instance_id": instance_id}
    with pytest.raises(ValidationFailed) as blank:
        instances.start_instance(uow, COLLEAGUE, PROCESS, "   ")
    assert [e.as_dict() for e in blank.value.errors] == [{"field": "business_key", "code": "required", "params": {}}]
    with pytest.raises(ValidationFailed) as too_long:
        instances.start_instance(uow, COLLEAGUE, PROCESS, "K" * 121)
    assert [e.as_dict() for e in too_long.value.errors] == [
        {"field": "business_key", "code": "maxLength", "params": {"limit": 120}}]
    assert snapshot(uow) == before
    longest = instances.start_instance(uow, COLLEAGUE, PROCESS, "OFF-" + "9" * 116)
    assert instances.start_instance(uow, COLLEAGUE, PROCESS, " off-2025-0101a ")["business_key"] == "off-2025-0101a"
    assert len(longest["business_key"]) == 120

    # A closed offer keeps its key: opening it again would count the same offer twice (see test_cancel.py).
    complete(uow, DCIM, instance_id, "enregistrer_offre", offer_data.enregistrer_chantier_cote_divoire())
    complete(uow, DCIM, instance_id, "verifier_employeur", offer_data.verifier_non_credible())
    with pytest.raises(Conflict) as closed:
        instances.start_instance(uow, COLLEAGUE, PROCESS, "OFF-2025-0100")
    assert closed.value.params["instance_id"] == instance_id
    with pytest.raises(Conflict) as closed_other_case:
        instances.start_instance(uow, COLLEAGUE, PROCESS, "Off-2025-0100")
    assert closed_other_case.value.params["instance_id"] == instance_id
    assert [i["status"] for i in instances.list_instances(uow, DCIM, business_key="OFF-2025-0100")] == ["completed"]


def test_inbox_lists_the_most_urgent_tasks_first(deployed):
    recording = start_offer(deployed, "OFF-2025-0110")["id"]  # no deadline
    checking = start_offer(deployed, "OFF-2025-0111")["id"]
    complete(deployed, DCIM, checking, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())  # 5 days
    transmitting = offer_up_to_transmission(deployed, "OFF-2025-0112")  # 2 days
    negotiating = start_offer(deployed, "OFF-2025-0113")["id"]
    complete(deployed, DCIM, negotiating, "enregistrer_offre", offer_data.enregistrer_chantier_cote_divoire())
    complete(deployed, DCIM, negotiating, "verifier_employeur", offer_data.verifier_credible())  # 10 days

    inbox = tasks.list_open_tasks(deployed, DCIM)

    assert [(t["instance_id"], t["name"]) for t in inbox] == [
        (transmitting, "transmettre_offre"),
        (checking, "verifier_employeur"),
        (negotiating, "negocier_offre"),
        (recording, "enregistrer_offre"),
    ]
    assert inbox[-1]["due_at"] is None
    # An inbox page holds the next tasks in the same order, with the count of them all.
    pages = [tasks.inbox_page(deployed, DCIM, page=number, per_page=3) for number in (1, 2, 3)]
    assert [t["id"] for page in pages[:2] for t in page["tasks"]] == [t["id"] for t in inbox]
    assert [(p["page"], p["pages"], p["total"], len(p["tasks"])) for p in pages] == [(1, 2, 4, 3), (2, 2, 4, 1),
                                                                                     (2, 2, 4, 1)]
