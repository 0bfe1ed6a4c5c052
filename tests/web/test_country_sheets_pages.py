"""DCIM's country sheets and the information sessions in the pages (manual §8.2.1, §8.2.8): everyone reads a
sheet, DCIM edits it (a refused form keeps what was typed; a sheet saved meanwhile is a 409), the tasks that
need a sheet link to it, and a person's page lists the sessions they attended."""
from conftest import BAMAKO, DCIM
from test_pages import browser, complete, csrf_token, page

from engine import people
from engine.runtime import instances, tasks
from tests.engine import session_information_data as sessions


def edit_form(**changes):
    return {"regime": "cedeao_transitoire", "cadre_legal": "Libre circulation, à titre transitoire.",
            "conditions_vie_travail": "", "adresses_utiles": "Ambassade du Mali à Dakar", "version": "0", **changes}


def test_dcim_edits_a_country_sheet_that_counsellors_read(app, deployed):
    dcim, bamako = browser(app, "dcim"), browser(app, "conseiller-bamako")
    listed = bamako.get("/pays/").get_data(as_text=True)
    assert 'href="/pays/SN"' in listed and "Sénégal" in listed
    assert "Modifier la fiche" not in bamako.get("/pays/SN").get_data(as_text=True)
    token = csrf_token(dcim, "/pays/SN/modifier")

    refused = dcim.post("/pays/SN/modifier", data={**edit_form(conditions_vie_travail="x" * 5001),
                                                   "csrf_token": token})
    assert refused.status_code == 422
    assert "Libre circulation, à titre transitoire." in refused.get_data(as_text=True)  # kept as typed
    assert "Saisissez au plus" in refused.get_data(as_text=True)

    saved = dcim.post("/pays/SN/modifier", data={**edit_form(permis_travail="oui"), "csrf_token": token})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/pays/SN")
    shown = bamako.get("/pays/SN").get_data(as_text=True)
    assert "Version 1, modifiée par dcim" in shown and "Ambassade du Mali à Dakar" in shown

    stale = dcim.post("/pays/SN/modifier", data={**edit_form(), "csrf_token": token})
    assert stale.status_code == 409 and "rechargez la page" in stale.get_data(as_text=True)
    forbidden = bamako.post("/pays/SN/modifier", data={**edit_form(version="1"),
                                                       "csrf_token": csrf_token(bamako, "/pays/SN")})
    assert forbidden.status_code == 403
    assert bamako.get("/pays/ZZ").status_code == 404


def test_a_session_held_links_the_country_sheets_and_is_in_the_attendee_s_page(app, deployed):
    bamako = browser(app, "conseiller-bamako")
    person = people.register_person(deployed, BAMAKO, sessions.personne("Coulibaly", "Awa"))
    file_id = instances.start_instance(deployed, BAMAKO, "session_information", "SI-WEB-1")["id"]
    [plan] = instances.get_instance(deployed, DCIM, file_id)["tasks"]
    tasks.complete_task(deployed, BAMAKO, plan["id"], sessions.planifier())
    [hold] = instances.get_instance(deployed, DCIM, file_id)["tasks"]
    hold_page = page(bamako, f"/tasks/{hold['id']}")
    assert {a["attrs"]["href"] for a in hold_page.find("a") if a["attrs"].get("href", "").startswith("/pays/") and len(a["attrs"]["href"]) == 8} == {
        "/pays/ES", "/pays/SN"}

    complete(bamako, hold["id"], sessions.tenir([person], nombre=12))

    shown = bamako.get(f"/personnes/{person}").get_data(as_text=True)
    assert "Sessions d'information suivies" in shown and "SI-WEB-1" in shown and 'href="/pays/SN"' in shown
