"""Buttons on a file's page that report what happened outside (issue 13): the employer withdraws the offer.
Only the file's owners see them; the reason is required and kept when refused; CSRF applies; English too."""
from test_audit_pages import engine_call, offer, stored_events
from test_pages import DCIM, Page, browser, csrf_token, page, shown_text

from engine.runtime import instances

REASON = "L'employeur a pourvu ses postes par un autre canal."


def report(client, instance_id, reason, message="retrait_offre", **headers):
    path = f"/instances/{instance_id}"
    token = csrf_token(client, path)
    return client.post(f"{path}/message", data={"message": message, "motif": reason, "csrf_token": token},
                       headers=headers)


def test_the_dcim_reports_the_withdrawal_from_the_offer_page(app):
    dcim = browser(app, "dcim")
    instance_id = offer(app, "OFF-EVT-1")  # negotiated, waiting for its transmission
    shown = page(dcim, f"/instances/{instance_id}")
    [form] = shown.find("form", action=f"/instances/{instance_id}/message")
    assert [e["attrs"]["value"] for e in shown.named("message")] == ["retrait_offre"]
    assert "L'employeur retire son offre" in shown.text("summary")
    assert "required" in shown.by_id("motif-retrait_offre")["attrs"]

    refused = report(dcim, instance_id, "  ")
    assert refused.status_code == 422
    again = Page(refused.get_data(as_text=True))
    assert again.find("details", class_="cancel event-report")[0]["attrs"].get("open") == ""
    assert again.find("p", class_="field-error")
    too_long = report(dcim, instance_id, "x" * 501)
    assert Page(too_long.get_data(as_text=True)).by_id("motif-retrait_offre")["text"] == "x" * 501  # kept
    no_token = dcim.post(f"/instances/{instance_id}/message", data={"message": "retrait_offre", "motif": REASON})
    assert no_token.status_code == 400
    assert engine_call(app, lambda w: instances.get_instance(w, DCIM, instance_id))["status"] == "running"

    done = report(dcim, instance_id, REASON)

    assert done.status_code == 302
    text = " ".join(shown_text(dcim.get(f"/instances/{instance_id}")).split())
    assert "Statut : terminé" in text and f"Message « L'employeur retire son offre » envoyé par dcim — Motif : {REASON}" in text
    assert "« retrait_offre »" not in text  # the message named as its diagram names the event that caught it
    assert "retrait_offre" not in text  # nor its name under it, shown as an error was
    assert not page(dcim, f"/instances/{instance_id}").find("form", action=f"/instances/{instance_id}/message")
    [event] = stored_events(app, kind="message_received", instance_id=instance_id)
    assert event["actor"] == "dcim" and event["details"]["payload"] == {"motif": REASON}
    late = report(dcim, instance_id, REASON)  # a second tab still showing the button
    assert late.status_code == 409 and "n'attend plus cet événement" in shown_text(late)


def test_others_see_no_button_and_may_not_send_it(app):
    instance_id = offer(app, "OFF-EVT-2", "bamako")  # transmitted: Bamako confirms its display
    counsellor = browser(app, "conseiller-bamako")
    shown = page(counsellor, f"/instances/{instance_id}")
    assert not shown.find("form", action=f"/instances/{instance_id}/message")
    assert report(counsellor, instance_id, REASON).status_code == 403
    english = browser(app, "dcim")
    shown = english.get(f"/instances/{instance_id}", headers={"Accept-Language": "en"})
    assert "The employer withdraws the offer" in shown_text(shown) and "Reason (required)" in shown_text(shown)
