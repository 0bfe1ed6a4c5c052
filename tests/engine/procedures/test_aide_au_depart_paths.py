"""Every path of the departure aid (manual §7.8, §8.2.3, §8.2.7, §8.2.8), driven through the engine API."""
from datetime import datetime, timedelta, timezone

import aide_au_depart_data as data
import pytest
from conftest import BAMAKO, DCIM, KAYES, actor, deploy_bundled
from offer_flow import complete, history, kinds, open_tasks, task_rows
from sqlalchemy import select

from engine import people, records
from engine.authoring.deploy import deploy
from engine.errors import Forbidden, ValidationFailed
from engine.runtime import instances, tasks
from engine.runtime.timers import fire_due_timers
from engine.store.tables import Candidature, Departure, Instance, Offer, Timer, utcnow

PROCESS = "aide_au_depart"
DAY = timedelta(days=1)
CHECKER = actor("dcim-juriste", "dcim")

# A stand-in for the final selection: one departure aid per retained candidate, started exactly as the
# selection procedure starts them (service task `demarrer_procedure`, multi-instance over a dict).
SELECTION = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="definitions_selection_essai" targetNamespace="http://anpe.ml/djoliba/tests">
  <bpmn:process id="selection_essai" name="Sélection (essai)" isExecutable="true">
    <bpmn:laneSet id="couloirs"><bpmn:lane id="couloir_dcim" name="DCIM">
      <bpmn:flowNodeRef>debut</bpmn:flowNodeRef><bpmn:flowNodeRef>demarrer_aides</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>fin</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="demarrer_aides" name="Démarrer l'aide au départ">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="demarrer_procedure"><spiffworkflow:parameters>
          <spiffworkflow:parameter id="processus" type="str" value="'aide_au_depart'" />
          <spiffworkflow:parameter id="reference" type="str" value="reference_dossier + '/' + str(candidat)" />
          <spiffworkflow:parameter id="donnees" type="dict" value="{'candidat': candidat, 'pays_destination': pays_destination, 'employeur': employeur, 'metier': metier, 'offre': reference_dossier}" />
        </spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics isSequential="false">
        <bpmn:loopDataInputRef>candidats_retenus</bpmn:loopDataInputRef>
        <bpmn:inputDataItem id="candidat" name="candidat" />
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:serviceTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="demarrer_aides" />
    <bpmn:sequenceFlow id="f2" sourceRef="demarrer_aides" targetRef="fin" />
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture
def depart(uow):
    """The departure aid deployed alone, so that other procedures' drafts cannot break these tests."""
    deploy_bundled(uow, "aide_au_depart.bpmn")
    return uow


@pytest.fixture
def candidates(depart):
    """Two registered candidates: (Bamako id, Kayes id)."""
    return (people.register_person(depart, DCIM, data.personne_bamako()),
            people.register_person(depart, DCIM, data.personne_kayes()))


def due_delay(task):
    return datetime.fromisoformat(task["due_at"]) - datetime.fromisoformat(task["created_at"])


def end_of(day):
    """When a task due on `day` (a dueDate) is due: the last second of that day, UTC."""
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc) + DAY - timedelta(seconds=1)


def departure(uow, instance_id):
    with uow:
        row = uow.session.get(Departure, instance_id)
        return None if row is None else {
            "person_id": row.person_id, "offer_id": row.offer_id, "destination_country": row.destination_country,
            "planned_on": row.planned_on and row.planned_on.isoformat(),
            "departed_on": row.departed_on and row.departed_on.isoformat(), "status": row.status,
            "cancellation_cause": row.cancellation_cause, "arrived_on": row.arrived_on and row.arrived_on.isoformat()}


def stage(uow, offer_id, person_id):
    with uow:
        return uow.session.scalars(select(Candidature.stage).where(Candidature.offer_id == offer_id,
                                                                   Candidature.person_id == person_id)).first()


def start_by_hand(uow, key="DEP-2025-0001", start_data=None):
    return instances.start_instance(uow, DCIM, PROCESS, key, start_data)


def selection_with_candidatures(uow, *person_ids, reference="OFF-2025-0100"):
    """Run the stand-in selection for `person_ids`, with an offer row and a candidature for each person.

    Returns (the selection instance, {person id: its departure file}).
    """
    deploy(uow, {"selection_essai.bpmn": SELECTION.encode()}, "test")
    start_data = {"candidats_retenus": {str(p): p for p in person_ids}, "pays_destination": "ES",
                  "employeur": "Frutas del Condado S.L.", "metier": "Ouvrier agricole"}
    selection = instances.start_instance(uow, DCIM, "selection_essai", reference, start_data)
    # The offer row and the applications come from the offer and preselection procedures in real life;
    # here they hang on the stand-in selection, the root of the chain.
    with uow:
        uow.session.add(Offer(instance_id=selection["id"], reference=reference, status="diffusee"))
        uow.session.flush()
        for person_id in person_ids:
            uow.session.add(Candidature(offer_id=selection["id"], person_id=person_id, stage="retenu"))
        uow.commit()
    files = {f["data"]["candidat"]: f for f in instances.list_instances(uow, DCIM, process=PROCESS)}
    return selection, files


def up_to_contract(uow, instance_id, atelier=True):
    """Take a file from its plan to the contract check (the candidate, in Bamako, maintains the departure)."""
    complete(uow, DCIM, instance_id, "planifier_depart", data.planifier(atelier=atelier))
    return complete(uow, BAMAKO, instance_id, "convoquer_candidat", data.convoquer())


def test_selection_opens_one_departure_file_per_retained_candidate(depart, candidates):
    bamako_id, kayes_id = candidates
    selection, files = selection_with_candidatures(depart, bamako_id, kayes_id)

    assert selection["status"] == "completed"
    assert set(files) == {bamako_id, kayes_id}
    for person_id, region in ((bamako_id, "bamako"), (kayes_id, "kayes")):
        file = instances.get_instance(depart, DCIM, files[person_id]["id"], with_history=True)
        assert file["business_key"] == f"OFF-2025-0100/{person_id}"
        assert file["parent_id"] == selection["id"] and file["root_id"] == selection["id"]
        assert file["started_by"] == "dcim" and file["status"] == "running"
        assert {k: file["data"][k] for k in ("candidat", "pays_destination", "employeur", "metier", "offre")} \
            == data.donnees_selection(person_id)
        assert file["data"]["region_candidat"] == region
        assert file["data"]["statut_depart"] == "en_preparation"
        assert file["data"]["donnees_transmises"] is True
        [plan] = file["tasks"]
        assert (plan["name"], plan["role"], plan["region"]) == ("planifier_depart", "dcim", None)
        assert plan["title"] == "Arrêter le planning du départ avec l'employeur"
        assert plan["manual_section"] == "7.8, 8.2.3"
        assert due_delay(plan) == timedelta(days=10)
        assert kinds(file["history"]) == [("instance_started", None),
                                          ("gateway_taken", "gw_donnees_transmises")]
        assert file["history"][0]["details"]["parent_id"] == selection["id"]
        assert file["history"][1]["details"]["to"] == ["preparer_dossier_depart"]
        assert departure(depart, file["id"]) == {
            "person_id": person_id, "offer_id": selection["id"], "destination_country": "ES",
            "planned_on": None, "departed_on": None, "status": "en_preparation", "cancellation_cause": None,
            "arrived_on": None}
        assert stage(depart, selection["id"], person_id) == "retenu"
    related = instances.get_instance(depart, DCIM, selection["id"])["related"]
    assert sorted(r["business_key"] for r in related) == sorted(f"OFF-2025-0100/{p}" for p in candidates)


def test_dcim_agent_opens_a_file_by_hand(depart, candidates):
    bamako_id, kayes_id = candidates
    started = start_by_hand(depart)

    assert started["data"]["donnees_transmises"] is False
    [fill] = started["tasks"]
    assert (fill["name"], fill["role"], fill["region"]) == ("renseigner_depart", "dcim", None)
    assert fill["title"] == "Renseigner le candidat et l'offre"
    assert fill["manual_section"] == "7.7, 7.8"
    assert due_delay(fill) == timedelta(days=2)
    # A DCIM task has no region: every registered person may be chosen.
    form = tasks.get_task(depart, DCIM, fill["id"])["form"]["schema"]
    assert {c["const"] for c in form["properties"]["candidat"]["oneOf"]} == {bamako_id, kayes_id}
    assert departure(depart, started["id"])["status"] == "en_preparation"

    after = complete(depart, DCIM, started["id"], "renseigner_depart", data.renseigner(kayes_id))

    assert after["data"]["region_candidat"] == "kayes"
    assert [t["name"] for t in after["tasks"]] == ["planifier_depart"]
    assert departure(depart, started["id"]) == {
        "person_id": kayes_id, "offer_id": None, "destination_country": "CI", "planned_on": None,
        "departed_on": None, "status": "en_preparation", "cancellation_cause": None, "arrived_on": None}
    assert after["root_id"] is None and after["parent_id"] is None
    events = history(depart, started["id"])
    assert kinds(events) == [("instance_started", None), ("gateway_taken", "gw_donnees_transmises"),
                             ("task_completed", "renseigner_depart")]
    assert events[1]["details"]["to"] == ["renseigner_depart"]
    assert events[2]["changes"]["candidat"] == {"old": None, "new": kayes_id}

    # The convocation goes to the counsellor of the candidate's region, Kayes.
    complete(depart, DCIM, started["id"], "planifier_depart", data.planifier())
    assert open_tasks(depart, BAMAKO, started["id"]) == []
    [convene] = open_tasks(depart, KAYES, started["id"])
    assert (convene["name"], convene["role"], convene["region"]) == ("convoquer_candidat", "conseiller", "kayes")


def test_departure_with_workshop_up_to_arrival(depart, candidates):
    bamako_id, _ = candidates
    selection, files = selection_with_candidatures(depart, bamako_id)
    file_id = files[bamako_id]["id"]

    planned = complete(depart, DCIM, file_id, "planifier_depart", data.planifier(atelier=True))
    [convene] = planned["tasks"]
    assert (convene["name"], convene["role"], convene["region"]) == ("convoquer_candidat", "conseiller", "bamako")
    assert convene["title"] == "Convoquer le candidat et l'informer des démarches"
    assert convene["manual_section"] == "7.8, 8.2.3, 8.2.6, 6.7" and due_delay(convene) == timedelta(days=5)
    assert departure(depart, file_id)["planned_on"] == "2025-06-02"
    assert open_tasks(depart, KAYES, file_id) == [] and open_tasks(depart, DCIM, file_id) == []
    with pytest.raises(Forbidden):
        tasks.complete_task(depart, KAYES, convene["id"], data.convoquer())
    # The counsellor sees the planned departure, labelled, in the file summary.
    summary = tasks.get_task(depart, BAMAKO, convene["id"])["file"]
    fields = dict(field for section in summary for field in section["fields"])
    assert fields["Date de départ prévue"] == "2025-06-02"
    assert fields["Candidat retenu"].startswith("TRAORÉ Aminata")

    convened = complete(depart, BAMAKO, file_id, "convoquer_candidat", data.convoquer())
    [check] = convened["tasks"]
    assert (check["name"], check["role"], check["region"]) == ("verifier_contrat", "dcim", None)
    assert check["title"] == "Contrôler le contrat de travail"
    assert check["manual_section"] == "8.2.7, 6.6" and due_delay(check) == timedelta(days=5)

    with pytest.raises(ValidationFailed) as refused:  # a contract that states the pay says how much
        tasks.complete_task(depart, CHECKER, check["id"],
                            {k: v for k, v in data.contrat().items() if k != "remuneration_nette"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("remuneration_nette", "required")]
    checked = complete(depart, CHECKER, file_id, "verifier_contrat", data.contrat())
    assert checked["data"]["contrat_conforme"] is True
    assert checked["data"]["contrat_elements_manquants"] == []
    assert checked["data"]["nombre_controles_contrat"] == 1
    [documents] = checked["tasks"]
    assert (documents["name"], documents["role"], documents["region"]) == \
        ("verifier_documents", "conseiller", "bamako")
    assert documents["manual_section"] == "8.2.8, 8.2.3"
    assert datetime.fromisoformat(documents["due_at"]) == end_of("2025-05-20")  # the plan's deadline

    ready = complete(depart, BAMAKO, file_id, "verifier_documents", data.documents_complets())
    [workshop] = ready["tasks"]
    assert (workshop["name"], workshop["role"], workshop["region"]) == \
        ("animer_atelier_integration", "conseiller", "bamako")
    assert workshop["manual_section"] == "7.8, 8.2.3, 8.2.6"
    assert datetime.fromisoformat(workshop["due_at"]) == end_of("2025-06-02")

    trained = complete(depart, BAMAKO, file_id, "animer_atelier_integration", data.atelier())
    [record] = trained["tasks"]
    assert (record["name"], record["role"], record["region"]) == ("enregistrer_depart", "dcim", None)
    assert record["manual_section"] == "7.8"
    assert datetime.fromisoformat(record["due_at"]) == end_of("2025-06-02")
    assert stage(depart, selection["id"], bamako_id) == "retenu"

    left = complete(depart, DCIM, file_id, "enregistrer_depart", data.depart())
    assert left["data"]["statut_depart"] == "parti"
    assert departure(depart, file_id) == {
        "person_id": bamako_id, "offer_id": selection["id"], "destination_country": "ES",
        "planned_on": "2025-06-02", "departed_on": "2025-06-02", "status": "parti", "cancellation_cause": None,
        "arrived_on": None}
    assert stage(depart, selection["id"], bamako_id) == "parti"
    [arrival] = left["tasks"]
    assert (arrival["name"], arrival["role"]) == ("confirmer_arrivee", "dcim")
    assert due_delay(arrival) == timedelta(days=3)

    done = complete(depart, DCIM, file_id, "confirmer_arrivee", data.arrivee())
    assert done["status"] == "completed" and done["tasks"] == []
    assert {k: departure(depart, file_id)[k] for k in ("status", "arrived_on", "cancellation_cause")} == \
        {"status": "parti", "arrived_on": "2025-06-03", "cancellation_cause": None}

    events = history(depart, file_id)
    assert kinds(events) == [
        ("instance_started", None),
        ("gateway_taken", "gw_donnees_transmises"),
        ("task_completed", "planifier_depart"),
        ("person_notified", "planifier_depart"),  # the candidate is convened by SMS and e-mail
        ("task_completed", "convoquer_candidat"),
        ("gateway_taken", "gw_candidat_maintient"),
        ("task_completed", "verifier_contrat"),
        ("gateway_taken", "gw_contrat_conforme"),
        ("task_completed", "verifier_documents"),
        ("gateway_taken", "gw_documents"),
        ("gateway_taken", "gw_atelier"),
        ("task_completed", "animer_atelier_integration"),
        ("task_completed", "enregistrer_depart"),
        ("gateway_taken", "gw_depart_effectue"),
        ("task_completed", "confirmer_arrivee"),
        ("instance_completed", "fin_depart"),
    ]
    to = {e["element_id"]: e["details"]["to"] for e in events if e["kind"] == "gateway_taken"}
    assert to == {"gw_donnees_transmises": ["preparer_dossier_depart"], "gw_candidat_maintient": ["verifier_contrat"],
                  "gw_contrat_conforme": ["verifier_documents"], "gw_documents": ["gw_atelier"],
                  "gw_atelier": ["animer_atelier_integration"], "gw_depart_effectue": ["marquer_parti"]}
    by_element = {e["element_id"]: e for e in events if e["kind"] == "task_completed"}
    assert by_element["convoquer_candidat"]["actor"] == "conseiller-bamako"
    assert by_element["verifier_contrat"]["actor"] == "dcim-juriste"
    assert by_element["verifier_contrat"]["changes"]["frais_a_charge_travailleur"] == {"old": None, "new": False}
    assert by_element["verifier_contrat"]["changes"]["remuneration_nette"] == \
        {"old": None, "new": {"montant": 1250.0, "devise": "EUR"}}
    assert by_element["enregistrer_depart"]["changes"]["date_depart_effective"] == {"old": None,
                                                                                    "new": "2025-06-02"}
    rows = task_rows(depart, file_id)
    assert [(r["name"], r["state"], r["completed_by"]) for r in rows] == [
        ("planifier_depart", "completed", "dcim"),
        ("convoquer_candidat", "completed", "conseiller-bamako"),
        ("verifier_contrat", "completed", "dcim-juriste"),
        ("verifier_documents", "completed", "conseiller-bamako"),
        ("animer_atelier_integration", "completed", "conseiller-bamako"),
        ("enregistrer_depart", "completed", "dcim"),
        ("confirmer_arrivee", "completed", "dcim"),
    ]
    assert [r["region"] for r in rows] == [None, "bamako", None, "bamako", "bamako", None, None]


def test_contract_corrected_once_by_the_employer(depart, candidates):
    file_id = start_by_hand(depart, start_data=data.donnees_selection(candidates[0]))["id"]
    up_to_contract(depart, file_id)

    failed = complete(depart, DCIM, file_id, "verifier_contrat",
                      data.contrat(manquantes=("couverture_sociale",), frais=True))
    assert failed["data"]["contrat_conforme"] is False
    assert failed["data"]["contrat_elements_manquants"] == ["couverture_sociale", "absence_frais"]
    assert failed["data"]["statut_depart"] == "contrat_a_corriger"
    assert departure(depart, file_id)["status"] == "contrat_a_corriger"
    [request] = failed["tasks"]
    assert (request["name"], request["role"], request["region"]) == ("demander_contrat_corrige", "dcim", None)
    assert request["title"] == "Demander un contrat corrigé à l'employeur"
    assert request["manual_section"] == "8.2.7" and due_delay(request) == timedelta(days=10)
    # The points found missing fill the request's checklist.
    assert tasks.get_task(depart, DCIM, request["id"])["data"]["contrat_elements_manquants"] == \
        ["couverture_sociale", "absence_frais"]

    answered = complete(depart, DCIM, file_id, "demander_contrat_corrige",
                        data.demander_correction(["couverture_sociale", "absence_frais"]))
    [again] = answered["tasks"]
    assert again["name"] == "verifier_contrat" and again["id"] != failed["tasks"][0]["id"]

    passed = complete(depart, DCIM, file_id, "verifier_contrat", data.contrat())
    assert passed["data"]["contrat_conforme"] is True and passed["data"]["contrat_elements_manquants"] == []
    assert passed["data"]["nombre_controles_contrat"] == 2
    assert passed["data"]["statut_depart"] == "en_preparation"
    assert departure(depart, file_id)["status"] == "en_preparation"
    assert [t["name"] for t in passed["tasks"]] == ["verifier_documents"]

    gateways = [(e["element_id"], e["details"]["to"]) for e in history(depart, file_id)
                if e["kind"] == "gateway_taken"]
    assert gateways[2:] == [("gw_contrat_conforme", ["demander_contrat_corrige"]),
                            ("gw_contrat_corrige_recu", ["verifier_contrat"]),
                            ("gw_contrat_conforme", ["verifier_documents"])]


def test_contract_fails_twice_then_passes(depart, candidates):
    file_id = start_by_hand(depart, start_data=data.donnees_selection(candidates[0]))["id"]
    up_to_contract(depart, file_id)

    first = complete(depart, DCIM, file_id, "verifier_contrat", data.contrat(manquantes=("modalites_retour",)))
    assert first["data"]["contrat_elements_manquants"] == ["modalites_retour"]
    complete(depart, DCIM, file_id, "demander_contrat_corrige", data.demander_correction(["modalites_retour"]))
    second = complete(depart, DCIM, file_id, "verifier_contrat", data.contrat(compris=False))
    assert second["data"]["contrat_elements_manquants"] == ["langue_comprise"]
    assert second["data"]["nombre_controles_contrat"] == 2
    assert departure(depart, file_id)["status"] == "contrat_a_corriger"
    complete(depart, DCIM, file_id, "demander_contrat_corrige", data.demander_correction(["langue_comprise"]))
    third = complete(depart, DCIM, file_id, "verifier_contrat", data.contrat())

    assert third["data"]["contrat_conforme"] is True
    assert third["data"]["nombre_controles_contrat"] == 3
    assert [t["name"] for t in third["tasks"]] == ["verifier_documents"]
    assert departure(depart, file_id)["status"] == "en_preparation"
    completed = [e["element_id"] for e in history(depart, file_id) if e["kind"] == "task_completed"]
    assert completed == ["planifier_depart", "convoquer_candidat", "verifier_contrat", "demander_contrat_corrige",
                         "verifier_contrat", "demander_contrat_corrige", "verifier_contrat"]
    assert [r["name"] for r in task_rows(depart, file_id)].count("verifier_contrat") == 3


def test_employer_refusing_to_correct_the_contract_cancels_the_departure(depart, candidates):
    bamako_id, _ = candidates
    selection, files = selection_with_candidatures(depart, bamako_id)
    file_id = files[bamako_id]["id"]
    up_to_contract(depart, file_id)
    complete(depart, DCIM, file_id, "verifier_contrat", data.contrat(frais=True))

    motif = "L'employeur maintient la retenue de 300 EUR pour frais de dossier."
    done = complete(depart, DCIM, file_id, "demander_contrat_corrige",
                    data.demander_correction(["absence_frais"], recu=False, motif=motif))

    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_depart"] == "annule"
    assert done["data"]["cause_annulation"] == "contrat_non_conforme"
    assert done["data"]["motif_annulation"] == motif
    assert departure(depart, file_id)["status"] == "annule"
    assert departure(depart, file_id)["cancellation_cause"] == "contrat_non_conforme"
    assert stage(depart, selection["id"], bamako_id) == "depart_annule"  # the post is free again
    assert kinds(history(depart, file_id))[-3:] == [("task_completed", "demander_contrat_corrige"),
                                                    ("gateway_taken", "gw_contrat_corrige_recu"),
                                                    ("instance_completed", "fin_contrat_refuse")]


def test_candidate_withdrawing_at_the_convocation(depart, candidates):
    file_id = start_by_hand(depart, start_data=data.donnees_selection(candidates[0]))["id"]
    complete(depart, DCIM, file_id, "planifier_depart", data.planifier())
    with pytest.raises(ValidationFailed) as refused:  # a withdrawal needs its reason
        complete(depart, BAMAKO, file_id, "convoquer_candidat",
                 {k: v for k, v in data.convoquer(maintient=False).items() if k != "motif_annulation"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("motif_annulation", "required")]

    done = complete(depart, BAMAKO, file_id, "convoquer_candidat", data.convoquer(maintient=False))

    assert done["status"] == "completed"
    assert done["data"]["statut_depart"] == "annule" and done["data"]["cause_annulation"] == "depart_abandonne"
    assert done["data"]["motif_annulation"].startswith("Le candidat a trouvé un emploi")
    assert departure(depart, file_id)["status"] == "annule"
    assert departure(depart, file_id)["cancellation_cause"] == "depart_abandonne"
    events = history(depart, file_id)
    assert kinds(events)[-4:] == [("task_completed", "convoquer_candidat"),
                                  ("gateway_taken", "gw_candidat_maintient"),
                                  ("gateway_taken", "gw_remplacant"),  # nobody on the waiting list
                                  ("instance_completed", "fin_depart_abandonne")]
    assert events[-3]["details"]["to"] == ["clore_depart_abandonne"]
    assert events[-1]["actor"] == "conseiller-bamako"


def test_documents_awaited_a_week_then_complete_without_workshop(depart, candidates):
    file_id = start_by_hand(depart, start_data=data.donnees_selection(candidates[0]))["id"]
    up_to_contract(depart, file_id, atelier=False)
    complete(depart, DCIM, file_id, "verifier_contrat", data.contrat())
    first_point = open_tasks(depart, BAMAKO, file_id, "verifier_documents")[0]
    with pytest.raises(ValidationFailed) as refused:  # "complete" needs all seven documents
        tasks.complete_task(depart, BAMAKO, first_point["id"],
                            {**data.documents_complets(), "documents_obtenus": list(data.DOCUMENTS[:6])})
    assert [e.field for e in refused.value.errors] == ["documents_obtenus"]

    waiting = complete(depart, BAMAKO, file_id, "verifier_documents", data.documents_en_attente())

    assert waiting["status"] == "waiting" and waiting["tasks"] == []
    with depart:
        [timer] = depart.session.scalars(select(Timer).where(Timer.instance_id == file_id, Timer.kind == "bpmn",
                                                             Timer.status == "pending")).all()
        assert timer.element_id == "gw_attente_documents"  # 7 days, unless a visa refusal or a withdrawal comes first
        due = timer.due_at if timer.due_at.tzinfo else timer.due_at.replace(tzinfo=timezone.utc)
    assert abs(due - (utcnow() + 7 * DAY)) < timedelta(minutes=1)
    now = utcnow()
    fire_due_timers(depart, now + 6 * DAY)  # the week is not over
    assert instances.get_instance(depart, DCIM, file_id)["status"] == "waiting"
    fire_due_timers(depart, now + 7 * DAY + timedelta(minutes=1))

    again = instances.get_instance(depart, DCIM, file_id, with_history=True)
    assert again["status"] == "running"
    [second_point] = again["tasks"]
    assert second_point["name"] == "verifier_documents" and second_point["id"] != first_point["id"]
    assert second_point["region"] == "bamako"
    assert ("timer_fired", "gw_attente_documents") in kinds(again["history"])

    ready = complete(depart, BAMAKO, file_id, "verifier_documents", data.documents_complets())
    assert [t["name"] for t in ready["tasks"]] == ["enregistrer_depart"]  # no workshop planned
    gateways = [(e["element_id"], e["details"]["to"]) for e in history(depart, file_id)
                if e["kind"] == "gateway_taken"]
    assert gateways[-3:] == [("gw_documents", ["gw_attente_documents"]), ("gw_documents", ["gw_atelier"]),
                             ("gw_atelier", ["enregistrer_depart"])]


def test_documents_never_obtained_cancel_the_departure(depart, candidates):
    file_id = start_by_hand(depart, start_data=data.donnees_selection(candidates[0]))["id"]
    up_to_contract(depart, file_id)
    complete(depart, DCIM, file_id, "verifier_contrat", data.contrat())

    done = complete(depart, BAMAKO, file_id, "verifier_documents", data.documents_abandon())

    assert done["status"] == "completed"
    assert done["data"]["statut_depart"] == "annule"
    assert done["data"]["motif_annulation"] == "Visa de travail refusé par le consulat."
    assert departure(depart, file_id)["status"] == "annule"
    assert departure(depart, file_id)["cancellation_cause"] == "depart_abandonne"
    assert kinds(history(depart, file_id))[-1] == ("instance_completed", "fin_depart_abandonne")


def test_candidate_who_does_not_leave(depart, candidates):
    bamako_id, _ = candidates
    selection, files = selection_with_candidatures(depart, bamako_id)
    file_id = files[bamako_id]["id"]
    up_to_contract(depart, file_id, atelier=False)
    complete(depart, DCIM, file_id, "verifier_contrat", data.contrat())
    complete(depart, BAMAKO, file_id, "verifier_documents", data.documents_complets())

    done = complete(depart, DCIM, file_id, "enregistrer_depart", data.depart_annule())

    assert done["status"] == "completed"
    assert done["data"]["statut_depart"] == "annule"
    assert departure(depart, file_id)["status"] == "annule"
    assert departure(depart, file_id)["departed_on"] is None
    assert (departure(depart, file_id)["cancellation_cause"], departure(depart, file_id)["arrived_on"]) == \
        ("depart_abandonne", None)
    assert stage(depart, selection["id"], bamako_id) == "desiste"  # the post is free again (§7.7)
    events = history(depart, file_id)
    assert [e["details"]["to"] for e in events if e["element_id"] == "gw_depart_effectue"] == \
        [["clore_depart_abandonne"]]
    assert kinds(events)[-1] == ("instance_completed", "fin_depart_abandonne")


def test_unknown_candidate_stops_the_file_in_error(depart):
    started = start_by_hand(depart, start_data=data.donnees_selection(987654))

    assert started["status"] == "error"
    assert started["error"]["element_id"] == "preparer_dossier_depart"
    assert "no person 987654 in the registry" in started["error"]["message"]
    assert departure(depart, started["id"])["person_id"] is None


def test_a_file_cancelled_outside_the_diagram_has_a_cause_of_its_own(depart, candidates):
    file_id = start_by_hand(depart, start_data=data.donnees_selection(candidates[0]))["id"]
    complete(depart, DCIM, file_id, "planifier_depart", data.planifier())
    with depart:
        instance = depart.session.get(Instance, file_id)
        instance.status = "cancelled"
        records.project(depart.session, instance)
        depart.commit()

    assert {k: departure(depart, file_id)[k] for k in ("status", "cancellation_cause", "planned_on")} == \
        {"status": "annule", "cancellation_cause": "dossier_annule", "planned_on": "2025-06-02"}
