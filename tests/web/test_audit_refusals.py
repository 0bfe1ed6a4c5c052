"""Refused accesses and the ends of sessions are in the audit trail, and managers find them in the search."""
from datetime import datetime, timezone

import pytest
from test_audit_pages import KAYES, engine_call, files, search_rows, stored_events  # noqa: F401 (files: fixture)
from test_pages import DCIM, browser, csrf_token, shown_text

from engine import people
from engine.runtime import instances, tasks
from tests.engine import aide_au_depart_data, offer_data

PERSON_KAYES = aide_au_depart_data.personne_kayes()


def new_events(app, before):
    return stored_events(app)[len(before):]


def refusal(event):
    """What a refusal event says: who, which file, task and region, which page, and the details it adds."""
    return (event["kind"], event["actor"], event["instance_id"], event["task_id"], event["region"],
            event["details"]["method"], event["details"]["page"])


def kayes_task(app, files):
    return next(t for t in engine_call(app, lambda w: tasks.list_open_tasks(w, KAYES))
                if t["instance_id"] == files["kayes"])


# --- refusals -------------------------------------------------------------------------------

def test_a_counsellor_refused_another_regions_file_is_recorded_naming_it(app, files):
    bamako = browser(app, "conseiller-bamako")
    before = stored_events(app)
    response = bamako.get(f"/instances/{files['kayes']}")
    assert response.status_code == 404  # the same page as for a file that does not exist: no id is revealed
    missing = bamako.get("/instances/999999").get_data(as_text=True)
    assert response.get_data(as_text=True).replace(f"/{files['kayes']}?", "/999999?") == missing
    before = stored_events(app)
    bamako.get(f"/instances/{files['kayes']}")

    [event] = new_events(app, before)  # the refusal, and nothing else
    assert refusal(event) == ("access_refused", "conseiller-bamako", files["kayes"], None, "kayes", "GET",
                              f"/instances/{files['kayes']}")
    assert event["details"]["actor_region"] == "bamako"
    assert stored_events(app, seq=event["seq"])[0]["instance_id"] == files["kayes"]
    history = engine_call(app, lambda w: instances.get_instance(w, DCIM, files["kayes"], with_history=True))["history"]
    assert "access_refused" not in {e["kind"] for e in history}  # like reads: in the audit trail only


def test_the_refusal_is_found_by_kind_region_and_file_and_shown_in_the_files_timeline(app, files):
    browser(app, "conseiller-bamako").get(f"/instances/{files['kayes']}")
    direction = browser(app, "direction")
    [found] = search_rows(direction, "kind=access_refused")
    assert found[1:] == ("conseiller-bamako", "accès refusé", "OFF-2026-0702", "Kayes")
    assert found in search_rows(direction, "region=kayes")
    assert found not in search_rows(direction, "region=bamako")
    assert found in search_rows(direction, "business_key=OFF-2026-0702&process=offre_internationale")
    timeline = direction.get(f"/audit/instances/{files['kayes']}").get_data(as_text=True)
    assert f"GET /instances/{files['kayes']}" in timeline and "accès refusé" in timeline


def test_a_refused_task_person_letter_and_write_are_recorded_and_nothing_else_is_written(app, files):
    task = kayes_task(app, files)
    person = engine_call(app, lambda w: people.register_person(w, KAYES, PERSON_KAYES))
    bamako = browser(app, "conseiller-bamako")
    token = csrf_token(bamako, "/")
    before = stored_events(app)
    assert bamako.get(f"/tasks/{task['id']}").status_code == 404  # as if none of them existed
    assert bamako.post(f"/tasks/{task['id']}", data={"csrf_token": token,
                                                      **offer_data.confirmer_affichage()}).status_code == 404
    assert bamako.get(f"/personnes/{person}").status_code == 404
    assert bamako.get(f"/personnes/{person}/export.json").status_code == 404

    written = new_events(app, before)
    assert [refusal(e) for e in written] == [
        ("access_refused", "conseiller-bamako", files["kayes"], task["id"], "kayes", "GET", f"/tasks/{task['id']}"),
        ("access_refused", "conseiller-bamako", files["kayes"], task["id"], "kayes", "POST", f"/tasks/{task['id']}"),
        ("access_refused", "conseiller-bamako", None, None, "kayes", "GET", f"/personnes/{person}"),
        ("access_refused", "conseiller-bamako", None, None, "kayes", "GET", f"/personnes/{person}/export.json")]
    assert [e["details"].get("person_id") for e in written] == [None, None, person, person]
    still_open = kayes_task(app, files)
    assert still_open["id"] == task["id"] and still_open["assignee"] == "conseiller-kayes"


def test_a_role_refused_a_page_is_recorded_with_the_page_and_its_own_region(app, files):
    bamako = browser(app, "conseiller-bamako")
    before = stored_events(app)
    assert bamako.get("/statistiques/").status_code == 403
    [event] = new_events(app, before)
    assert refusal(event) == ("access_refused", "conseiller-bamako", None, None, "bamako", "GET", "/statistiques/")


def test_a_refusal_over_the_api_is_recorded_too(app, files):
    from engine.accounts.credentials import create_token
    token = engine_call(app, lambda w: create_token(w, "conseiller-bamako"))
    before = stored_events(app)
    response = app.test_client().get(f"/api/v1/instances/{files['kayes']}",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404 and response.get_json() == {"error": "not_found", "message": "Introuvable."}
    [event] = new_events(app, before)
    assert refusal(event) == ("access_refused", "conseiller-bamako", files["kayes"], None, "kayes", "GET",
                              f"/api/v1/instances/{files['kayes']}")


def test_nobody_signed_in_is_sent_to_the_login_page_and_nothing_is_recorded(app, files):
    before = stored_events(app)
    assert app.test_client().get(f"/instances/{files['kayes']}").status_code == 302
    assert new_events(app, before) == []


# --- ends of sessions -----------------------------------------------------------------------

def session_ends(app):
    return [(e["kind"], e["actor"], e["region"], e["details"]) for e in stored_events(app)
            if e["kind"] in ("logout", "session_expired")]


def test_a_logout_is_recorded_with_the_username(app, files):
    client = browser(app, "conseiller-kayes")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert session_ends(app) == [("logout", "conseiller-kayes", "kayes", {})]
    direction = browser(app, "direction")
    assert [row[1:3] for row in search_rows(direction, "kind=logout")] == [("conseiller-kayes", "déconnexion")]


def test_a_logout_without_a_session_records_nothing(app, files):
    client = app.test_client()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})
    assert session_ends(app) == []


@pytest.mark.parametrize("username, region", [("dcim", None), ("conseiller-bamako", "bamako")])
def test_an_idle_session_that_expires_is_recorded(app, files, username, region):
    client = browser(app, username)
    seen = datetime.now(timezone.utc).timestamp() - app.config["IDLE_TIMEOUT"].total_seconds() - 60
    with client.session_transaction() as session:
        session["seen"] = seen
    assert client.get("/").status_code == 302
    assert session_ends(app) == [("session_expired", username, region, {
        "reason": "idle", "last_seen": datetime.fromtimestamp(seen, timezone.utc).isoformat()})]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})  # already over: nothing more
    assert len(session_ends(app)) == 1
