"""The employer register's pages and API on the demo: DCIM finds an employer, reads its history, is warned on
the verification of a new offer of an employer once judged not credible, and is asked which registered
employer a recording names; counsellors read without the contacts; other roles are refused."""
import re

import pytest
from conftest import DCIM
from sqlalchemy import select
from test_pages import browser, form_fields, post_task_form

from engine import accounts
from engine.demo.files import create_demo_data
from engine.runtime import instances, tasks
from engine.store.tables import Employer, Offer
from tests.engine import offer_data


@pytest.fixture
def demo(app, deployed):
    create_demo_data(deployed)
    return deployed


def _answer(client, task_id, data, said, found):
    """Send the recording again as the refused page offers it: with the answer to its question on the employer."""
    fields = form_fields(data)
    fields["employeur_registre"] = said
    fields.add("employeurs_trouves", str(found))
    fields["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"',
                                     client.get(f"/tasks/{task_id}").get_data(as_text=True)).group(1)
    return client.post(f"/tasks/{task_id}", data=fields)


def _employers(uow):
    with uow:
        return {e.id: (e.name, e.email) for e in uow.session.scalars(select(Employer).order_by(Employer.id))}


def _employer_of(uow, reference):
    with uow:
        return uow.session.scalar(select(Offer.employer_id).where(Offer.reference == reference))


def test_dcim_finds_the_employers_and_reads_a_history(demo, app):
    dcim = browser(app, "dcim")
    listed = dcim.get("/employeurs/?q=condado+FRUTÁS").get_data(as_text=True)
    assert listed.count("Frutas del Condado") == 2  # the employer and the look-alike DCIM registered apart
    assert ">Employeurs</a>" in dcim.get("/").get_data(as_text=True)  # in the menu

    look_alike = _employer_of(demo, "OFF-2026-003")
    assert look_alike != _employer_of(demo, "OFF-2026-001") and look_alike == _employer_of(demo, "OFF-2026-006")
    page = dcim.get(f"/employeurs/{look_alike}").get_data(as_text=True)
    assert "OFF-2026-003" in page and "OFF-2026-006" in page
    assert "Non crédible" in page and "Entreprise introuvable au registre du commerce" in page
    assert "frutasdelcondado.empleo@gmail.com" in page  # DCIM reads the contacts
    assert "Confirmé comme un autre employeur que n° " in page  # the recording's confirmation, in its changes
    english = dcim.get(f"/employeurs/{look_alike}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Not credible" in english and "Relations with ANPE" in english


def test_the_verification_of_a_new_offer_warns_and_links_to_the_history(demo, app):
    dcim = browser(app, "dcim")
    [offer] = instances.list_instances(demo, DCIM, process="offre_internationale", business_key="OFF-2026-006")
    [task] = [t for t in tasks.list_open_tasks(demo, DCIM) if t["instance_id"] == offer["id"]]
    assert task["name"] == "verifier_employeur"
    page = dcim.get(f"/tasks/{task['id']}").get_data(as_text=True)
    employer_id = _employer_of(demo, "OFF-2026-006")
    assert 'id="avertissement-employeur"' in page
    assert "Jugé non crédible le" in page and "(offre OFF-2026-003)" in page
    # "Historique des relations avec l'ANPE" is a link to the history, beside its box.
    box = re.search(r"Historique des relations avec l&#39;ANPE \(entreprise cliente\)</label>\s*"
                    r'<a href="([^"]+)"', page)
    assert box and box.group(1) == f"/employeurs/{employer_id}"

    # The employer verified credible before warns of nothing.
    [other] = instances.list_instances(demo, DCIM, process="offre_internationale", business_key="OFF-2026-004")
    [check] = [t for t in tasks.list_open_tasks(demo, DCIM) if t["instance_id"] == other["id"]]
    calm = dcim.get(f"/tasks/{check['id']}").get_data(as_text=True)
    assert "avertissement-employeur" not in calm and "Employeur au registre" in calm


def test_a_recording_proposes_the_registered_employer_and_takes_the_answer(demo, app):
    dcim = browser(app, "dcim")
    started = instances.start_instance(demo, DCIM, "offre_internationale", "OFF-2026-090")
    task_id = started["tasks"][0]["id"]
    data = offer_data.enregistrer_chantier_cote_divoire() | {"employeur_raison_sociale": "BATIR LAGUNES S.A.",
                                                             "employeur_email": "rh@batir-lagunes.example.ci",
                                                             "employeur_telephone": "+225 07 00 00 00 01"}
    refused = post_task_form(dcim, task_id, data)
    assert refused.status_code == 422
    shown = refused.get_data(as_text=True)
    registered = _employer_of(demo, "OFF-2026-002")
    assert "Cet employeur semble déjà inscrit au registre" in shown
    assert f'name="employeur_registre" value="{registered}"' in shown
    assert 'value="BATIR LAGUNES S.A."' in shown  # what was typed is kept
    assert _employer_of(demo, "OFF-2026-090") is None

    done = _answer(dcim, task_id, data, str(registered), registered)
    assert done.status_code == 302
    assert _employer_of(demo, "OFF-2026-090") == registered
    assert _employers(demo)[registered] == ("Bâtir Lagunes SA", "rh@batir-lagunes.example.ci")


def test_another_employer_of_the_same_name_is_registered_on_confirmation(demo, app):
    dcim = browser(app, "dcim")
    before = set(_employers(demo))
    started = instances.start_instance(demo, DCIM, "offre_internationale", "OFF-2026-091")
    task_id = started["tasks"][0]["id"]
    data = offer_data.enregistrer_chantier_cote_divoire() | {"employeur_email": "contact@batir-lagunes.example.net",
                                                             "employeur_telephone": "+225 01 02 03 04 05"}
    assert _answer(dcim, task_id, data, "autre", _employer_of(demo, "OFF-2026-002")).status_code == 302
    [new] = set(_employers(demo)) - before
    assert _employer_of(demo, "OFF-2026-091") == new


def test_who_reads_what(demo, app):
    employer_id = _employer_of(demo, "OFF-2026-001")
    counsellor = browser(app, "conseiller-kayes")
    page = counsellor.get(f"/employeurs/{employer_id}").get_data(as_text=True)
    assert "OFF-2026-001" in page and "rrhh@frutasdelcondado.es" not in page and "María López" not in page
    assert "/modifier" not in page
    assert counsellor.get(f"/employeurs/{employer_id}/modifier").status_code == 403
    manager = browser(app, "direction")
    assert "rrhh@frutasdelcondado.es" in manager.get(f"/employeurs/{employer_id}").get_data(as_text=True)
    assert manager.get(f"/employeurs/{employer_id}/modifier").status_code == 403
    evaluator = browser(app, "evaluateur")
    assert evaluator.get("/employeurs/").status_code == 403
    assert evaluator.get(f"/employeurs/{employer_id}").status_code == 403
    assert ">Employeurs</a>" not in evaluator.get("/").get_data(as_text=True)
    assert browser(app, "dcim").get("/employeurs/999999").status_code == 404


def test_dcim_edits_an_employer_and_a_mistake_keeps_what_was_typed(demo, app):
    dcim = browser(app, "dcim")
    employer_id = _employer_of(demo, "OFF-2026-002")
    form = dcim.get(f"/employeurs/{employer_id}/modifier").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    typed = {"csrf_token": token, "name": "B", "country": "CI", "sector": "Bâtiment et travaux publics",
             "registration_numbers": "RCCM CI-ABJ-2010-B-1234", "address": "", "contact_name": "Koffi N'Guessan",
             "contact_function": "", "email": "recrutement@batir-lagunes.ci", "phone": "+225 27 22 44 10 10"}
    refused = dcim.post(f"/employeurs/{employer_id}/modifier", data=typed)
    assert refused.status_code == 422
    assert "Bâtiment et travaux publics" in refused.get_data(as_text=True)
    saved = dcim.post(f"/employeurs/{employer_id}/modifier", data=typed | {"name": "Bâtir Lagunes SA"})
    assert saved.status_code == 302
    page = dcim.get(f"/employeurs/{employer_id}").get_data(as_text=True)
    assert "Bâtiment et travaux publics" in page and "RCCM CI-ABJ-2010-B-1234" in page
    assert "Secteur d'activité : — → Bâtiment et travaux publics" in page  # the change, in its history


def test_the_api_reads_the_register(demo, app, client):
    def get(user, path):
        token = accounts.create_token(demo, user)
        return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})

    listed = get("direction", "/employers?q=frutas").get_json()
    assert len(listed["items"]) == 2 and listed["next_cursor"] is None and "email" in listed["items"][0]
    employer_id = _employer_of(demo, "OFF-2026-003")
    history = get("direction", f"/employers/{employer_id}").get_json()
    assert history["outcomes"]["not_credible"] == 1
    assert history["findings"][0]["reason"].startswith("Entreprise introuvable")
    counsellor = get("conseiller-bamako", f"/employers/{employer_id}").get_json()
    assert "email" not in counsellor["employer"] and "reason" not in counsellor["findings"][0]
    assert get("evaluateur", "/employers").status_code == 403
    assert get("direction", "/employers?limit=0").status_code == 422
    assert get("direction", "/employers/999999").status_code == 404
