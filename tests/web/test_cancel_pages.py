"""Cancelling a file from its page and through the API, and the start page's refusal of a taken reference."""
import pytest
from test_api import answer, api, conforms, only_task, spec, start  # noqa: F401 (api, spec: fixtures)
from test_audit_pages import engine_call, stored_events
from test_pages import DCIM, PROCESS, Page, browser, csrf_token, page, shown_text

from engine.runtime import instances
from engine.runtime.cancel import REASON_LIMIT
from tests.engine import offer_data
from tests.engine.offer_flow import complete

REASON = "Doublon de l'offre OFF-2026-001."


def open_offer(app, key):
    return engine_call(app, lambda w: instances.start_instance(w, DCIM, PROCESS, key))


def cancel_in_browser(client, instance_id, reason):
    """Fill the cancel form of the file's page, as shown there, and send it."""
    path = f"/instances/{instance_id}"
    shown = page(client, path)
    [form] = shown.find("form", action=f"{path}/cancel")
    assert [e["tag"] for e in shown.named("reason")] == ["textarea"]
    assert "required" in shown.named("reason")[0]["attrs"]
    return client.post(f"{path}/cancel", data={"reason": reason, "csrf_token": csrf_token(client, path)})


# --- the pages ---------------------------------------------------------------------------------------

def test_the_dcim_cancels_an_offer_from_its_page_and_the_history_says_who_and_why(app):
    dcim = browser(app, "dcim")
    instance_id = open_offer(app, "OFF-CAN-1")["id"]

    response = cancel_in_browser(dcim, instance_id, REASON)

    assert response.status_code == 302 and response.headers["Location"] == f"/instances/{instance_id}"
    shown = dcim.get(f"/instances/{instance_id}")
    text = " ".join(shown_text(shown).split())
    assert "Statut : annulé" in text and f"Motif de l'annulation : {REASON}" in text
    assert "Dossier annulé." in text  # the flash
    [entry] = [e for e in Page(shown.get_data(as_text=True)).text("li") if "dossier annulé" in e]
    assert "dcim — dossier annulé" in entry and f"Motif : {REASON}" in entry
    assert f'/instances/{instance_id}/cancel' not in shown.get_data(as_text=True)  # no button any more
    assert f"/instances/{instance_id}" not in dcim.get("/").get_data(as_text=True)  # its task left the inbox


def test_a_missing_reason_is_shown_on_the_field_and_nothing_changes(app):
    dcim = browser(app, "dcim")
    instance_id = open_offer(app, "OFF-CAN-2")["id"]

    response = cancel_in_browser(dcim, instance_id, "   ")

    assert response.status_code == 422
    shown = Page(response.get_data(as_text=True))
    assert shown.find("details", class_="cancel")[0]["attrs"].get("open") == ""  # the form stays open
    assert shown.find("p", class_="field-error")
    too_long = cancel_in_browser(dcim, instance_id, "x" * (REASON_LIMIT + 1))
    assert too_long.status_code == 422
    assert Page(too_long.get_data(as_text=True)).by_id("reason")["text"] == "x" * (REASON_LIMIT + 1)  # kept
    assert engine_call(app, lambda w: instances.get_instance(w, DCIM, instance_id))["status"] == "running"


def test_cancelling_needs_the_pages_csrf_token(app):
    dcim = browser(app, "dcim")
    instance_id = open_offer(app, "OFF-CAN-3")["id"]
    response = dcim.post(f"/instances/{instance_id}/cancel", data={"reason": REASON})
    assert response.status_code == 400
    assert engine_call(app, lambda w: instances.get_instance(w, DCIM, instance_id))["status"] == "running"


def test_who_reads_but_does_not_own_the_file_sees_no_button_and_is_refused(app):
    direction = browser(app, "direction")
    instance_id = open_offer(app, "OFF-CAN-4")["id"]
    path = f"/instances/{instance_id}"
    assert f"{path}/cancel" not in direction.get(path).get_data(as_text=True)
    before = stored_events(app)

    response = direction.post(f"{path}/cancel", data={"reason": REASON, "csrf_token": csrf_token(direction, path)})

    assert response.status_code == 403
    assert "Seuls les responsables de ce dossier peuvent l'annuler" in shown_text(response)
    [refused] = [e for e in stored_events(app)[len(before):] if e["kind"] != "file_read"]
    assert (refused["kind"], refused["actor"], refused["instance_id"]) == ("access_refused", "direction", instance_id)
    assert engine_call(app, lambda w: instances.get_instance(w, DCIM, instance_id))["status"] == "running"


def test_the_start_page_links_to_the_file_that_has_the_reference_until_it_is_cancelled(app):
    dcim = browser(app, "dcim")
    existing = open_offer(app, "OFF-CAN-5")["id"]
    start_page = f"/processes/{PROCESS}/start"

    refused = dcim.post(start_page, data={"business_key": "OFF-CAN-5", "csrf_token": csrf_token(dcim, start_page)})

    assert refused.status_code == 409
    shown = Page(refused.get_data(as_text=True))
    assert f"/instances/{existing}" in shown.links()
    assert shown.by_id("business_key")["attrs"]["value"] == "OFF-CAN-5"  # what was typed is kept
    english = dcim.post(start_page, data={"business_key": "OFF-CAN-5", "csrf_token": csrf_token(dcim, start_page)},
                        headers={"Accept-Language": "en"})
    assert "A file of this procedure already has this reference" in shown_text(english)

    cancel_in_browser(dcim, existing, REASON)
    again = dcim.post(start_page, data={"business_key": "OFF-CAN-5", "csrf_token": csrf_token(dcim, start_page)})
    assert again.status_code == 302


def test_a_finished_file_has_no_cancel_button_and_is_refused_with_the_reason(app):
    dcim = browser(app, "dcim")
    finished = open_offer(app, "OFF-CAN-7")["id"]
    for form, data in (("enregistrer_offre", offer_data.enregistrer_chantier_cote_divoire()),
                       ("verifier_employeur", offer_data.verifier_non_credible())):
        engine_call(app, lambda w: complete(w, DCIM, finished, form, data))
    path = f"/instances/{finished}"
    assert f"{path}/cancel" not in dcim.get(path).get_data(as_text=True)

    response = dcim.post(f"{path}/cancel", data={"reason": REASON, "csrf_token": csrf_token(dcim, path)},
                         headers={"Accept-Language": "en"})

    assert response.status_code == 409 and "This file is finished: it can no longer be cancelled" in shown_text(response)
    assert engine_call(app, lambda w: instances.get_instance(w, DCIM, finished))["status"] == "completed"


def test_a_task_page_of_a_cancelled_file_says_so(app):
    dcim = browser(app, "dcim")
    started = open_offer(app, "OFF-CAN-6")
    cancel_in_browser(dcim, started["id"], REASON)
    task_id = started["tasks"][0]["id"]
    assert "Ce dossier a été annulé" in shown_text(dcim.get(f"/tasks/{task_id}"))
    response = dcim.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf_token(dcim, f"/tasks/{task_id}")})
    assert response.status_code == 409 and "Ce dossier a été annulé" in shown_text(response)


# --- the API -----------------------------------------------------------------------------------------

def test_the_api_cancels_a_file_with_a_reason(api, spec):
    first = start(api, "OFF-CAN-API-1")
    task_id = only_task(first)["id"]

    cancelled = answer(api("POST", f"/instances/{first['id']}/cancel", "dcim", json={"reason": REASON}), 200)

    conforms(spec, "Instance", cancelled)
    assert (cancelled["status"], cancelled["cancel_reason"], cancelled["tasks"]) == ("cancelled", REASON, [])
    read = answer(api("GET", f"/instances/{first['id']}", "dcim"), 200)
    assert read["cancel_reason"] == REASON and read["can_cancel"] is False
    [event] = [e for e in answer(api("GET", f"/instances/{first['id']}/history", "direction"), 200)
               if e["kind"] == "instance_cancelled"]
    assert (event["actor"], event["details"]["reason"]) == ("dcim", REASON)
    again = answer(api("POST", f"/instances/{first['id']}/cancel", "dcim", json={"reason": REASON}), 409)
    assert again["message"] == "Ce dossier a été annulé : plus rien ne peut y être fait."
    done = answer(api("POST", f"/tasks/{task_id}/complete", "dcim",
                      json={"data": offer_data.enregistrer_saisonnier_espagne()}), 409)
    assert done["message"] == again["message"]


@pytest.mark.parametrize("body, field_error", [
    ({}, "Ce champ est obligatoire."), ({"reason": "  "}, "Ce champ est obligatoire."),
    ({"reason": 3}, None), ({"reason": "x" * (REASON_LIMIT + 1)}, None)])
def test_the_api_refuses_a_cancel_without_a_usable_reason(api, spec, body, field_error):
    first = start(api, "OFF-CAN-API-2")
    error = answer(api("POST", f"/instances/{first['id']}/cancel", "dcim", json=body), 422)
    conforms(spec, "Error", error)
    assert list(error["fields"]) == ["reason"]
    if field_error:
        assert error["fields"]["reason"] == [field_error]
    assert answer(api("GET", f"/instances/{first['id']}", "dcim"), 200)["status"] == "running"


def test_the_api_refuses_a_cancel_to_who_does_not_own_the_file(api):
    first = start(api, "OFF-CAN-API-3")
    # Direction reads the file (told it may not cancel it); a counsellor may not know of a central file.
    for user, status in (("direction", 403), ("conseiller-bamako", 404), ("proprietaire", 403)):
        answer(api("POST", f"/instances/{first['id']}/cancel", user, json={"reason": REASON}), status)
    answer(api("POST", "/instances/999999/cancel", "dcim", json={"reason": REASON}), 404)
    answer(api("POST", f"/instances/{first['id']}/cancel", "admin", json={"reason": REASON}), 200)


def test_the_cancel_endpoint_is_described(spec):
    operation = spec["paths"]["/instances/{instance_id}/cancel"]["post"]
    assert set(operation["responses"]) == {"200", "401", "403", "404", "409", "422"}
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["reason"] and body["properties"]["reason"]["maxLength"] == REASON_LIMIT
    assert "cancel_reason" in spec["components"]["schemas"]["Instance"]["properties"]
    assert "instance_id" in spec["components"]["schemas"]["Error"]["properties"]
