"""A file stopped by a failing element, seen through the pages and the API: never a 500, always the reason."""
from conftest import DCIM, csrf_token, login

from engine.accounts.credentials import create_token
from engine.authoring.deploy import deploy
from engine.runtime import instances
from tests.engine.repair import supply
from tests.engine.tiny_diagrams import (
    PARALLEL,
    SIMPLE_FORM,
    SIMPLE_FORM_TEXT,
    chain,
    multi_instance,
    process,
    script_element,
)


def test_the_pages_say_the_file_is_in_error_and_retry_it(deployed, client):
    deploy(deployed, {"essai.bpmn": process(PARALLEL), SIMPLE_FORM: SIMPLE_FORM_TEXT}, "admin")
    login(client, "dcim")
    page = client.get("/processes/essai/start").get_data(as_text=True)
    started = client.post("/processes/essai/start", data={"business_key": "ESS-W1", "csrf_token": csrf_token(page)})
    assert started.status_code == 302  # to the open task of the branch that goes on

    task_page = client.get(started.headers["Location"])
    text = task_page.get_data(as_text=True)
    assert task_page.status_code == 200
    assert "Ce dossier est en erreur à l'étape « calcul »" in text and "montant_total" in text
    assert "Terminer la tâche" in text  # the other branch's task can still be done

    done = client.post(started.headers["Location"], data={"montant": "3", "csrf_token": csrf_token(text)})
    assert done.status_code == 302 and "/instances/" in done.headers["Location"]
    file_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Le dossier s&#39;est arrêté en erreur à l&#39;étape « calcul »" in file_page
    assert "Relancer" in file_page

    instance_id = int(done.headers["Location"].rsplit("/", 1)[1])
    retried = client.post(f"/instances/{instance_id}/retry", data={"csrf_token": csrf_token(file_page)})
    assert retried.status_code == 302
    failed = client.get(retried.headers["Location"]).get_data(as_text=True)
    assert "Erreur à l'élément calcul" in failed
    # The cause is still there: the page says the retry failed, and why, not that it was done.
    assert "La relance a échoué : le dossier est de nouveau en erreur à l&#39;étape « calcul »" in failed
    assert "montant_total" in failed and "Le dossier a été relancé." not in failed and ". ." not in failed
    supply(deployed, instance_id, montant_total=10, nombre=2)
    client.post(f"/instances/{instance_id}/retry", data={"csrf_token": csrf_token(file_page)})
    again = client.get(f"/instances/{instance_id}").get_data(as_text=True)
    assert "status-completed" in again and "Relancer" not in again and "Le dossier a été relancé." in again


def test_the_api_answers_a_failing_start_and_its_retry_with_the_reason(deployed, client):
    body = chain(("tache", script_element("tache", "double = candidat * 2", multi_instance("candidats", "candidat"))))
    deploy(deployed, {"essai.bpmn": process(body)}, "admin")
    headers = {"Authorization": f"Bearer {create_token(deployed, 'dcim')}"}

    started = client.post("/api/v1/processes/essai/instances", json={"business_key": "ESS-A1"}, headers=headers)

    assert started.status_code == 201
    file = started.get_json()
    assert (file["status"], file["error"]["element_id"]) == ("error", "tache")
    assert "TypeError" in file["error"]["message"]
    history = client.get(f"/api/v1/instances/{file['id']}/history", headers=headers).get_json()
    assert [e["kind"] for e in history] == ["instance_started", "error"]
    again = client.post(f"/api/v1/instances/{file['id']}/retry", headers=headers)
    assert again.status_code == 200 and again.get_json()["status"] == "error"

    supply(deployed, file["id"], candidats=[1, 2])
    fixed = client.post(f"/api/v1/instances/{file['id']}/retry", headers=headers)
    assert (fixed.status_code, fixed.get_json()["status"], fixed.get_json()["error"]) == (200, "completed", None)
    refused = client.post(f"/api/v1/instances/{file['id']}/retry", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"] == "conflict"


def test_a_task_of_a_file_in_error_says_so_over_the_api(deployed, client):
    deploy(deployed, {"essai.bpmn": process(PARALLEL), SIMPLE_FORM: SIMPLE_FORM_TEXT}, "admin")
    headers = {"Authorization": f"Bearer {create_token(deployed, 'dcim')}"}
    file = client.post("/api/v1/processes/essai/instances", json={"business_key": "ESS-A2"}, headers=headers).get_json()
    [task] = file["tasks"]
    detail = client.get(f"/api/v1/tasks/{task['id']}", headers=headers).get_json()
    assert detail["instance_status"] == "error" and detail["instance_error"]["element_id"] == "calcul"
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"montant": 3}}, headers=headers)
    assert done.status_code == 200 and done.get_json()["status"] == "error"


def test_a_failed_retry_names_the_step_by_its_label(deployed, client):
    named = PARALLEL.replace('<bpmn:scriptTask id="calcul"', '<bpmn:scriptTask id="calcul" name="Calculer le taux"') \
        .replace("montant_total / nombre", "1 / 0")
    deploy(deployed, {"essai.bpmn": process(named), SIMPLE_FORM: SIMPLE_FORM_TEXT}, "admin")
    login(client, "dcim")
    page = client.get("/processes/essai/start").get_data(as_text=True)
    client.post("/processes/essai/start", data={"business_key": "ESS-W2", "csrf_token": csrf_token(page)})
    [instance_id] = [i["id"] for i in instances.list_instances(deployed, DCIM, business_key="ESS-W2")]
    file_page = client.get(f"/instances/{instance_id}").get_data(as_text=True)
    retried = client.post(f"/instances/{instance_id}/retry", data={"csrf_token": csrf_token(file_page)})
    failed = client.get(retried.headers["Location"]).get_data(as_text=True)
    assert "de nouveau en erreur à l&#39;étape « Calculer le taux » : " in failed
    assert "division by zero. Corrigez la cause" in failed and ". ." not in failed
