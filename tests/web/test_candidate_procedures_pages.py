"""The departure aid and the services to candidates, filled in through the server-rendered task pages."""
from conftest import DCIM
from test_pages import browser, complete, csrf_token, page

from engine import people
from engine.runtime import instances
from tests.engine import accompagnement_candidat_data as accompagnement
from tests.engine import aide_au_depart_data as depart


def open_task(uow, instance_id, name):
    """The id of the open task `name` of an instance."""
    [task] = [t for t in instances.get_instance(uow, DCIM, instance_id)["tasks"] if t["name"] == name]
    return task["id"]


def test_departure_aid_from_plan_to_arrival(app, deployed):
    person_id = people.register_person(deployed, DCIM, depart.personne_bamako())
    file_id = instances.start_instance(deployed, DCIM, "aide_au_depart", "OFF-WEB-1/1",
                                       depart.donnees_selection(person_id))["id"]
    dcim, bamako = browser(app, "dcim"), browser(app, "conseiller-bamako")

    complete(dcim, open_task(deployed, file_id, "planifier_depart"), depart.planifier())
    convocation = bamako.get(f"/tasks/{open_task(deployed, file_id, 'convoquer_candidat')}")
    assert "TRAORÉ Aminata" in convocation.get_data(as_text=True)  # the file summary names the candidate
    complete(bamako, open_task(deployed, file_id, "convoquer_candidat"), depart.convoquer())
    # The contract mentions are yes/no questions grouped under one heading.
    complete(dcim, open_task(deployed, file_id, "verifier_contrat"), depart.contrat(manquantes=("conges_payes",)))
    request = page(dcim, f"/tasks/{open_task(deployed, file_id, 'demander_contrat_corrige')}")
    checked = [e["attrs"]["value"] for e in request.named("contrat_elements_manquants")
               if "checked" in e["attrs"]]
    assert checked == ["conges_payes"]  # the points found missing come ticked
    complete(dcim, open_task(deployed, file_id, "demander_contrat_corrige"), depart.demander_correction(["conges_payes"]))
    complete(dcim, open_task(deployed, file_id, "verifier_contrat"), depart.contrat())
    complete(bamako, open_task(deployed, file_id, "verifier_documents"), depart.documents_complets())
    complete(bamako, open_task(deployed, file_id, "animer_atelier_integration"), depart.atelier())
    complete(dcim, open_task(deployed, file_id, "enregistrer_depart"), depart.depart())
    complete(dcim, open_task(deployed, file_id, "confirmer_arrivee"), depart.arrivee())

    done = instances.get_instance(deployed, DCIM, file_id)
    assert done["status"] == "completed"
    assert done["data"]["statut_depart"] == "parti" and done["data"]["nombre_controles_contrat"] == 2


def test_services_to_candidates_opened_by_a_counsellor(app, deployed):
    bamako = browser(app, "conseiller-bamako")
    person_id = people.register_person(deployed, DCIM, accompagnement.personne())
    people.register_person(deployed, DCIM, accompagnement.personne(region="kayes", nom="Sissoko"))
    started = bamako.post("/processes/accompagnement_candidat/start",
                          data={"business_key": "ACC-WEB-1",
                                "csrf_token": csrf_token(bamako, "/processes/accompagnement_candidat/start")})
    assert started.status_code == 302
    [file] = instances.list_instances(deployed, DCIM, process="accompagnement_candidat")
    analyse = page(bamako, f"/tasks/{open_task(deployed, file['id'], 'analyser_demande')}")
    offered = [e["attrs"]["value"] for e in analyse.elements
               if e["tag"] == "option" and e["parent"]["attrs"].get("name") == "candidat" and e["attrs"]["value"]]
    assert offered == [str(person_id)]  # only the Bamako files

    complete(bamako, open_task(deployed, file["id"], "analyser_demande"), accompagnement.analyser(person_id))
    complete(bamako, open_task(deployed, file["id"], "construire_projet"), accompagnement.projet())
    complete(bamako, open_task(deployed, file["id"], "informer_migration_legale"), accompagnement.informer())
    complete(bamako, open_task(deployed, file["id"], "informer_equivalence"), accompagnement.equivalence())
    complete(bamako, open_task(deployed, file["id"], "conclure_accompagnement"), accompagnement.conclure_formation())

    done = instances.get_instance(deployed, DCIM, file["id"])
    assert done["status"] == "completed" and done["data"]["statut_accompagnement"] == "oriente_formation"
