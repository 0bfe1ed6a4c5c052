"""Every path of the return procedure (manual §9.1): registration with one or several reasons, the decision
table's nine rules, the voluntary and the involuntary (priority) routes, where the returnee is informed of the
programmes and asked what they want, and the reintegration file it opens."""
from datetime import date, datetime, timedelta

import pytest
import retour_migrant_data as data
from conftest import BAMAKO, DCIM, KAYES, deploy_bundled
from offer_flow import complete, history, kinds, task_rows, the_task
from sqlalchemy import select

from engine import people
from engine.errors import Forbidden, ValidationFailed
from engine.runtime import instances, tasks
from engine.store.tables import Instance, ReturnRecord

PROCESS = "retour_migrant"
DIAGRAMS = ("retour_migrant.bpmn", "retour_migrant.dmn", "reintegration.bpmn", "reintegration.dmn")


@pytest.fixture
def returns(uow):
    """The return and reintegration diagrams (and the return's decision table), deployed."""
    deploy_bundled(uow, *DIAGRAMS)
    return uow


@pytest.fixture
def migrant(uow):
    return people.register_person(uow, BAMAKO, data.personne())


def start_return(uow, key, actor=BAMAKO):
    """A counsellor opens a return file: their region comes with them (`region_initiateur`)."""
    return instances.start_instance(uow, actor, PROCESS, key)


def return_row(uow, instance_id):
    with uow:
        row = uow.session.get(ReturnRecord, instance_id)
        return None if row is None else {"person_id": row.person_id, "region": row.region, "category": row.category,
                                         "reason": row.reason, "country_from": row.country_from,
                                         "registered_on": row.registered_on, "returned_on": row.returned_on}


def children(uow, instance_id):
    with uow:
        found = uow.session.scalars(select(Instance).where(Instance.parent_id == instance_id).order_by(Instance.id))
        return [{"id": i.id, "process_key": i.process_key, "business_key": i.business_key, "status": i.status,
                 "parent_id": i.parent_id, "root_id": i.root_id, "data": i.data} for i in found]


def due_delay(task):
    return datetime.fromisoformat(task["due_at"]) - datetime.fromisoformat(task["created_at"])


def test_a_counsellor_opens_a_return_file_in_their_region(returns, migrant):
    elsewhere = people.register_person(returns, KAYES, data.personne(nom="Traoré", region="kayes"))
    started = start_return(returns, "RET-2025-0001")

    assert started["status"] == "running" and started["started_by"] == "conseiller-bamako"
    assert started["data"]["region_initiateur"] == "bamako"
    [task] = started["tasks"]
    assert (task["name"], task["title"], task["role"], task["region"]) == (
        "enregistrer_retour", "Enregistrer le retour du migrant", "conseiller", "bamako")
    assert task["manual_section"] == "9.1" and task["due_at"] is None
    assert the_task(returns, BAMAKO, started["id"], "enregistrer_retour")["id"] == task["id"]
    assert [t for t in tasks.list_open_tasks(returns, KAYES) if t["instance_id"] == started["id"]] == []
    with pytest.raises(Forbidden):
        tasks.get_task(returns, KAYES, task["id"])
    # The migrant is picked among the persons of the task's region only.
    form = tasks.get_task(returns, BAMAKO, task["id"])["form"]
    choices = [c["const"] for c in form["schema"]["properties"]["migrant"]["oneOf"]]
    assert choices == [migrant] and elsewhere not in choices
    with pytest.raises(ValidationFailed) as refused:
        tasks.complete_task(returns, BAMAKO, task["id"], data.enregistrer_retour(elsewhere))
    assert [(e.field, e.code) for e in refused.value.errors] == [("migrant", "enum")]
    # Nothing classified yet: the return is counted from the start, without a category.
    assert return_row(returns, started["id"]) == {"person_id": None, "region": "bamako", "category": None,
                                                  "reason": None, "country_from": None,
                                                  "registered_on": datetime.fromisoformat(started["started_at"]).date(),
                                                  "returned_on": None}


def test_an_assisted_return_programme_must_be_named(returns, migrant):
    started = start_return(returns, "RET-2025-0002")
    submission = data.enregistrer_retour(migrant, "programme_retour_assiste")
    del submission["programme_retour"]
    with pytest.raises(ValidationFailed) as refused:
        complete(returns, BAMAKO, started["id"], "enregistrer_retour", submission)
    assert [(e.field, e.code) for e in refused.value.errors] == [("programme_retour", "required")]


@pytest.mark.parametrize("motif", data.VOLUNTARY_REASONS)
def test_voluntary_reasons_lead_to_information_on_the_programmes(returns, migrant, motif):
    started = start_return(returns, f"RET-V-{motif}")
    after = complete(returns, BAMAKO, started["id"], "enregistrer_retour", data.enregistrer_retour(migrant, motif))

    assert after["data"]["categorie_retour"] == "volontaire"
    [offer] = after["tasks"]
    assert (offer["name"], offer["title"], offer["role"], offer["region"], offer["manual_section"]) == (
        "proposer_accompagnement", "Présenter les programmes de réintégration", "conseiller", "bamako", "9.2, 6.7")
    assert due_delay(offer) == timedelta(days=10)
    assert kinds(history(returns, started["id"]))[-2:] == [("decision_taken", "classer_retour"),
                                                           ("gateway_taken", "gw_categorie")]
    assert history(returns, started["id"])[-1]["details"]["to"] == ["proposer_accompagnement"]
    # The automated classification says which row of the table decided, and why.
    assert decision_rows(returns, started["id"]) == [f"regle_{motif}"]
    assert return_row(returns, started["id"])["category"] == "volontaire"
    assert return_row(returns, started["id"])["reason"] == motif
    assert return_row(returns, started["id"])["category"] == "volontaire"
    assert after["data"]["accompagnement_prioritaire"] is False
    assert return_row(returns, started["id"])["returned_on"] == date(2025, 3, 2)  # as declared, not today
    assert children(returns, started["id"]) == []


@pytest.mark.parametrize("motif", data.INVOLUNTARY_REASONS)
def test_involuntary_reasons_are_received_first_and_asked_what_they_want(returns, migrant, motif):
    started = start_return(returns, f"RET-I-{motif}")
    after = complete(returns, BAMAKO, started["id"], "enregistrer_retour", data.enregistrer_retour(migrant, motif))

    # A priority, not an automatic file: the counsellor informs the returnee within three days.
    assert after["status"] == "running" and children(returns, started["id"]) == []
    assert after["data"]["categorie_retour"] == "involontaire"
    assert after["data"]["accompagnement_prioritaire"] is True
    [offer] = after["tasks"]
    assert (offer["name"], offer["title"], offer["region"], offer["manual_section"]) == (
        "proposer_accompagnement_prioritaire", "Recevoir en priorité le migrant et lui présenter les programmes",
        "bamako", "9.1, 9.2, 6.7")
    assert due_delay(offer) == timedelta(days=3)
    assert history(returns, started["id"])[-1]["details"]["to"] == ["proposer_accompagnement_prioritaire"]
    assert decision_rows(returns, started["id"]) == [f"regle_{motif}"]
    assert return_row(returns, started["id"]) == {
        "person_id": migrant, "region": "bamako", "category": "involontaire", "reason": motif,
        "country_from": "ES", "registered_on": datetime.fromisoformat(started["started_at"]).date(),
        "returned_on": date(2025, 3, 2)}


def test_an_involuntary_return_opens_reintegration_when_the_returnee_asks_for_it(returns, migrant):
    started = start_return(returns, "RET-2025-0020")
    complete(returns, BAMAKO, started["id"], "enregistrer_retour",
             data.enregistrer_retour(migrant, ("contrat_termine", "expulsion_rapatriement")))
    done = complete(returns, BAMAKO, started["id"], "proposer_accompagnement_prioritaire",
                    data.proposer_accompagnement("salarie"))

    assert done["status"] == "completed" and done["data"]["statut_retour"] == "oriente_reintegration"
    assert kinds(history(returns, started["id"])) == [
        ("instance_started", None),
        ("task_completed", "enregistrer_retour"),
        ("decision_taken", "classer_retour"),
        ("gateway_taken", "gw_categorie"),
        ("task_completed", "proposer_accompagnement_prioritaire"),
        ("gateway_taken", "gw_accompagnement"),
        ("instance_completed", "fin_oriente"),
    ]
    # Several reasons: one involuntary reason makes the return involuntary; all of them are kept.
    assert decision_rows(returns, started["id"]) == ["regle_expulsion_rapatriement"]
    assert return_row(returns, started["id"])["reason"] == "contrat_termine,expulsion_rapatriement"
    [child] = children(returns, started["id"])
    assert child["process_key"] == "reintegration" and child["business_key"] == "RET-2025-0020/reintegration"
    assert child["parent_id"] == started["id"] and child["root_id"] == started["id"]
    assert {k: child["data"][k] for k in ("migrant", "region", "categorie_retour", "motifs_retour",
                                          "pays_provenance", "date_retour", "accompagnement_prioritaire",
                                          "orientation_souhaitee")} == {
        "migrant": migrant, "region": "bamako", "categorie_retour": "involontaire",
        "motifs_retour": ["contrat_termine", "expulsion_rapatriement"], "pays_provenance": "ES",
        "date_retour": "2025-03-02", "accompagnement_prioritaire": True, "orientation_souhaitee": "salarie"}
    # The reintegration file waits for the same region's counsellors.
    assert the_task(returns, BAMAKO, child["id"], "inscrire_profiler")["region"] == "bamako"


def test_an_involuntary_returnee_may_decline_support(returns, migrant):
    started = start_return(returns, "RET-2025-0021")
    complete(returns, BAMAKO, started["id"], "enregistrer_retour", data.enregistrer_retour(migrant, "force_majeure"))
    done = complete(returns, BAMAKO, started["id"], "proposer_accompagnement_prioritaire",
                    data.refuser_accompagnement())

    assert done["status"] == "completed" and done["data"]["statut_retour"] == "sans_accompagnement"
    assert children(returns, started["id"]) == []
    assert return_row(returns, started["id"])["category"] == "involontaire"


def test_a_voluntary_return_asking_for_support_opens_reintegration(returns, migrant):
    started = start_return(returns, "RET-2025-0010")
    complete(returns, BAMAKO, started["id"], "enregistrer_retour",
             data.enregistrer_retour(migrant, "investissement_expertise"))
    done = complete(returns, BAMAKO, started["id"], "proposer_accompagnement", data.proposer_accompagnement())

    assert done["status"] == "completed"
    assert done["data"]["statut_retour"] == "oriente_reintegration"
    assert done["data"]["accompagnement_prioritaire"] is False
    events = history(returns, started["id"])
    assert kinds(events) == [
        ("instance_started", None),
        ("task_completed", "enregistrer_retour"),
        ("decision_taken", "classer_retour"),
        ("gateway_taken", "gw_categorie"),
        ("task_completed", "proposer_accompagnement"),
        ("gateway_taken", "gw_accompagnement"),
        ("instance_completed", "fin_oriente"),
    ]
    assert events[4]["changes"]["accompagnement_souhaite"] == {"old": None, "new": True}
    assert events[5]["details"]["to"] == ["demarrer_reintegration"]
    [child] = children(returns, started["id"])
    assert child["business_key"] == "RET-2025-0010/reintegration" and child["root_id"] == started["id"]
    assert child["data"]["orientation_souhaitee"] == "auto_emploi"
    assert child["data"]["accompagnement_prioritaire"] is False
    assert child["data"]["categorie_retour"] == "volontaire"
    assert [r["name"] for r in task_rows(returns, started["id"])] == ["enregistrer_retour", "proposer_accompagnement"]


def test_a_voluntary_return_without_support_is_closed(returns, migrant):
    started = start_return(returns, "RET-2025-0011")
    complete(returns, BAMAKO, started["id"], "enregistrer_retour", data.enregistrer_retour(migrant, "emploi_local"))
    done = complete(returns, BAMAKO, started["id"], "proposer_accompagnement", data.refuser_accompagnement())

    assert done["status"] == "completed"
    assert done["data"]["statut_retour"] == "sans_accompagnement"
    assert kinds(history(returns, started["id"]))[-2:] == [("gateway_taken", "gw_accompagnement"),
                                                           ("instance_completed", "fin_sans_accompagnement")]
    assert history(returns, started["id"])[-2]["details"]["to"] == ["clore_sans_accompagnement"]
    assert children(returns, started["id"]) == []
    assert return_row(returns, started["id"])["category"] == "volontaire"


def test_without_the_reintegration_procedure_the_file_stops_visibly(uow, migrant):
    deploy_bundled(uow, "retour_migrant.bpmn", "retour_migrant.dmn")
    started = start_return(uow, "RET-2025-0012")
    complete(uow, BAMAKO, started["id"], "enregistrer_retour", data.enregistrer_retour(migrant, "tout_perdu"))
    failed = complete(uow, BAMAKO, started["id"], "proposer_accompagnement_prioritaire",
                      data.proposer_accompagnement())

    assert failed["status"] == "error"
    assert failed["error"]["element_id"] == "demarrer_reintegration"
    assert "reintegration" in failed["error"]["message"]
    assert children(uow, started["id"]) == []
    assert instances.get_instance(uow, DCIM, started["id"])["status"] == "error"


def decision_rows(uow, instance_id):
    """The ids of the decision table rows that decided, in the file's history."""
    return [rule["id"] for event in history(uow, instance_id) if event["kind"] == "decision_taken"
            for rule in event["details"]["rules"]]
