"""Task forms in the reader's language: on English pages a form's labels, hints, choices and error messages are
English (the catalog's msgstr of each French text), on French pages the forms' own French; the values stored
are the same codes whatever the language the form was filled in."""
import re

from conftest import csrf_token
from test_form_translations import form_texts
from test_pages import DCIM, PROCESS, browser, post_task_form, shown_text
from test_portal_pages import _registered_and_signed_in
from test_readable_values import checked_offer, in_english, plain

from engine.runtime import instances
from tests.engine import offer_data
from web.store import uow

FRENCH = ["Source de l'offre", "Prospection des marchés par l'ANPE", "Au format international, par exemple",
          "Langues requises", "Espagne", "Temps partiel", "USD — Dollar américain"]
ENGLISH = ["Source of the offer", "Market prospecting by ANPE", "In international format, for example",
           "Languages required", "Spain", "Part time", "USD — US Dollar"]


def recording_task(app, key):
    with app.app_context():
        return instances.start_instance(uow(), DCIM, PROCESS, key)["tasks"][0]["id"]


def test_a_task_form_is_french_on_a_french_page_and_english_on_an_english_one(app):
    task_id = recording_task(app, "OFF-2026-LANGUES")
    client = browser(app, "dcim")
    french = shown_text(client.get(f"/tasks/{task_id}"))
    assert all(text in french for text in FRENCH), [text for text in FRENCH if text not in french]
    assert not any(text in french for text in ENGLISH[:4])
    in_english(client)
    english = shown_text(client.get(f"/tasks/{task_id}"))
    assert all(text in english for text in ENGLISH), [text for text in ENGLISH if text not in english]
    for text in FRENCH:
        assert text not in english, text
    # The choices keep their codes: only what a person reads changes.
    assert re.search(r'name="source_offre" value="prospection_anpe"[^>]*>\s*<label [^>]*>Market prospecting by ANPE<',
                     client.get(f"/tasks/{task_id}").get_data(as_text=True))


def test_a_refused_form_says_what_to_fix_in_english_and_keeps_what_was_typed(app):
    task_id = recording_task(app, "OFF-2026-REFUS-EN")
    client = browser(app, "dcim")
    in_english(client)
    data = {**offer_data.enregistrer_saisonnier_espagne(), "date_reception_offre": "2999-01-01"}
    del data["intitule_poste"]
    refused = post_task_form(client, task_id, data)
    text = plain(shown_text(refused))
    assert refused.status_code == 422
    assert "The form contains errors: correct the fields marked." in text
    assert "Job title: This field is required." in text  # the summary names the field in English
    assert "Date the offer was received: This date is in the future: check it." in text
    assert "Frutas del Condado S.L." in text and "Ce champ est obligatoire" not in text
    assert "Intitulé du poste" not in text


def test_choices_typed_by_their_english_titles_are_stored_as_their_codes(app):
    task_id = recording_task(app, "OFF-2026-SPAIN")
    client = browser(app, "dcim")
    in_english(client)
    data = {**offer_data.enregistrer_saisonnier_espagne(), "employeur_pays": "Spain", "lieu_travail_pays": "spain",
            "langues_requises": ["Spanish", "French"]}
    assert post_task_form(client, task_id, data).status_code == 302
    with app.app_context():
        [file] = instances.list_instances(uow(), DCIM, business_key="OFF-2026-SPAIN")
        stored = instances.get_instance(uow(), DCIM, file["id"])["data"]
    assert stored["employeur_pays"] == stored["lieu_travail_pays"] == "ES"
    assert stored["langues_requises"] == ["spa", "fra"]


def test_a_history_and_a_task_page_label_earlier_steps_in_the_readers_language(app):
    offer = checked_offer(app, "OFF-2026-HIST-EN")
    client = browser(app, "direction")
    french = plain(shown_text(client.get(f"/instances/{offer['id']}")))
    assert "Avantages offerts" in french and "Prise en charge du billet d'avion, Logement" in french
    in_english(client)
    english = plain(shown_text(client.get(f"/instances/{offer['id']}")))
    assert "Benefits offered" in english and "Plane ticket paid, Housing" in english
    assert "Avantages offerts" not in english and "Prise en charge du billet d'avion" not in english
    dcim = browser(app, "dcim")
    in_english(dcim)
    task = plain(shown_text(dcim.get(f"/tasks/{offer['tasks'][0]['id']}")))  # what earlier steps recorded
    assert "Salary offered" in task and "Plane ticket paid, Housing" in task and "Salaire proposé" not in task


def test_the_person_form_and_the_portal_deposit_form_are_english_on_english_pages(app, client):
    staff = browser(app, "conseiller-bamako")
    assert "Prénoms" in shown_text(staff.get("/personnes/nouvelle"))
    in_english(staff)
    register = shown_text(staff.get("/personnes/nouvelle"))
    assert "First names" in register and "Secondary (CAP, BT, baccalaureate)" in register
    assert "Prénoms" not in register and "Sans diplôme" not in register
    _registered_and_signed_in(app, client)
    token = csrf_token(client.get("/portail/offres").get_data(as_text=True))
    client.post("/lang/en", data={"csrf_token": token, "next": "/portail/offres"})
    deposit = shown_text(client.get("/portail/offres/nouvelle"))
    assert "Job title" in deposit and "Place of work (country)" in deposit
    assert "If you cannot find it, leave this field empty" in deposit  # the portal's own hint
    assert "Intitulé du poste" not in deposit


def test_the_texts_checked_here_come_from_the_forms():
    """The French of these tests is the forms' (a renamed field makes them fail, not pass vacuously)."""
    texts = form_texts()
    assert {"Source de l'offre", "Langues requises", "Temps partiel", "Avantages offerts", "Prénoms"} <= set(texts)


def test_statistics_name_the_forms_codes_by_their_choice_titles_in_the_readers_language(app, deployed):
    from web import statistics as statistics_pages
    with app.test_request_context("/statistiques/", headers={"Accept-Language": "en"}):
        name = statistics_pages._row_labels("categorie")
        assert name("entreprise_creee") == "Business started (set up on their own)"
        assert name("individuelle") == "Individual session"
    with app.test_request_context("/statistiques/", headers={"Accept-Language": "fr"}):
        assert statistics_pages._row_labels("categorie")("individuelle") == "Session individuelle"


def test_the_pool_words_the_person_forms_choices_in_the_readers_language(app):
    from web import pool as pool_pages
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert pool_pages._reason("disponibilite", {"code": "immediate"}) == "available immediately"
        assert pool_pages._lack("etudes_insuffisantes", {"niveau": "aucun"}) == "education No diploma, below the one asked for"
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert pool_pages._reason("disponibilite", {"code": "immediate"}) == "disponible immédiatement"
