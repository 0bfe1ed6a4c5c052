"""A long form sent after the session expired is held for its person, given back after they sign in again
(to be checked and sent), never to anyone else; task pages say when the session ends."""
import re

from conftest import csrf_token, login
from test_pages import browser, page, start_in_browser, task_id_of
from werkzeug.datastructures import MultiDict

from engine.accounts import held
from web.store import uow

TYPED = MultiDict([("employeur_raison_sociale", "Agrícola del Sur"), ("intitule_poste", "Ouvrier agricole"),
                   ("langues_requises", "Bambara (bamanankan)"), ("langues_requises", "espagnol"),
                   ("nombre_postes", "25")])


def idle_for(client, seconds):
    """As if the session's last request was `seconds` ago."""
    with client.session_transaction() as session:
        session["seen"] -= seconds


def held_values(shown):
    return {(e["attrs"]["name"], e["attrs"].get("value")) for e in shown.elements
            if e["tag"] == "input" and e["attrs"].get("name") in TYPED and e["attrs"].get("value")}


def test_a_task_form_sent_after_expiry_is_given_back_to_its_person_alone(app):
    dcim = browser(app, "dcim")
    task_id = task_id_of(start_in_browser(dcim, "OFF-HELD-1"))
    token = page(dcim, f"/tasks/{task_id}").named("csrf_token")[0]["attrs"]["value"]
    idle_for(dcim, 31 * 60)
    sent = dcim.post(f"/tasks/{task_id}", data=MultiDict([*TYPED.items(multi=True), ("csrf_token", token)]))
    assert sent.status_code == 302 and sent.location == f"/login?next=/tasks/{task_id}"
    login_page = dcim.get(sent.location).get_data(as_text=True)
    assert "Ce que vous veniez d&#39;envoyer est gardé : reconnectez-vous avec le même compte" in login_page

    # Someone else signing in on that browser sees nothing of it, even on a task they may open.
    login(dcim, "chef-dcim")
    other = page(dcim, f"/tasks/{task_id}")
    assert other.find("div", id="held") == [] and held_values(other) == set()
    dcim.post("/logout", data={"csrf_token": csrf_token(dcim.get("/").get_data(as_text=True))})

    # Its person finds it in the task's form, told that nothing is saved yet; nothing was completed.
    login(dcim, "dcim")
    shown = page(dcim, f"/tasks/{task_id}")
    assert "rien n'est enregistré encore" in shown.by_id("held")["text"]
    assert held_values(shown) == {("employeur_raison_sociale", "Agrícola del Sur"), ("nombre_postes", "25"),
                                  ("intitule_poste", "Ouvrier agricole"), ("langues_requises", "Espagnol"),
                                  ("langues_requises", "Bambara (bamanankan)")}
    with app.app_context():
        assert held.held_submission(uow(), "dcim", task_id) is not None
        assert held.held_submission(uow(), "chef-dcim", task_id) is None
    # Discarded on request (sending the completed form drops it the same way).
    discard = dcim.post(f"/tasks/{task_id}/held", data={"csrf_token": csrf_token(dcim.get(f"/tasks/{task_id}")
                                                                                   .get_data(as_text=True))})
    assert discard.status_code == 302 and page(dcim, f"/tasks/{task_id}").find("div", id="held") == []


def test_a_form_sent_from_another_tab_after_expiry_and_the_person_form_are_held(app):
    dcim = browser(app, "dcim")
    form = dcim.get("/personnes/nouvelle").get_data(as_text=True)
    idle_for(dcim, 31 * 60)
    assert dcim.get("/").status_code == 302  # another tab found the session expired first
    sent = dcim.post("/personnes/nouvelle", data={"csrf_token": csrf_token(form), "nom": "Keïta", "prenoms": "Awa",
                                                   "langues": "Soninké"})
    assert sent.status_code == 302 and sent.location.startswith("/login")
    login(dcim, "dcim")
    again = dcim.get("/personnes/nouvelle").get_data(as_text=True)
    assert 'id="held"' in again and 'value="Keïta"' in again and 'value="Soninké"' in again


def test_task_pages_say_when_the_session_ends_and_asking_is_no_activity(app):
    dcim = browser(app, "dcim")
    task_id = task_id_of(start_in_browser(dcim, "OFF-HELD-2"))
    note = page(dcim, f"/tasks/{task_id}").by_id("session-note")
    assert 1790 <= int(note["attrs"]["data-seconds"]) <= 1800 and note["attrs"]["data-remaining"] == "/session/remaining"
    assert re.search(r"Sans activité, votre session se termine à \d\d:\d\d", note["text"])
    shown = dcim.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert '<script src="/static/session.js" defer></script>' in shown  # a file: the pages allow no inline script
    english = dcim.get(f"/tasks/{task_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Without activity, your session ends at" in english and 'data-stay="Stay signed in"' in english
    idle_for(dcim, 20 * 60)
    assert 590 <= dcim.get("/session/remaining").get_json()["seconds"] <= 600
    assert 590 <= dcim.get("/session/remaining").get_json()["seconds"] <= 600  # asking did not renew it
    assert dcim.get("/session/renew").status_code == 204
    assert dcim.get("/session/remaining").get_json()["seconds"] >= 1790
