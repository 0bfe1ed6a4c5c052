"""Issue 17's journey on the demo, end to end: an employer registers on the portal (the code read from the
outbox) and deposits an offer in the browser; DCIM verifies it and it goes on to display in Kayes (the staff's
steps through the engine); a candidate registers, uploads a real PDF CV and applies in the browser; the Kayes
counsellor confirms the person on the page, the collection and the preselection go on until the candidate is
convened to the tests, and the simulated gateway holds the convocation SMS to the candidate's number with the
date, the place and what to bring."""
import re
from datetime import date, timedelta

import offer_data
import preselection_data
import pytest
from conftest import DCIM, KAYES, actor
from offer_flow import complete, the_task
from sqlalchemy import select
from test_modeler import ARGS, CHROMIUM, server  # noqa: F401 (server: fixture; the module skips without chromium)

from engine.accounts import outbox
from engine.accounts.gateways import SimulatedGateway
from engine.demo import create_demo_data
from engine.runtime import tasks
from engine.runtime.convocations import day_text
from engine.runtime.offer_deposits import PUBLIC_FIELDS
from engine.store.tables import Person
from web.store import uow

playwright_api = pytest.importorskip("playwright.sync_api")
EVALUATOR = actor("evaluateur", "evaluateur")
TITLE = "Récolte d'agrumes à Valence"
EMPLOYER, CANDIDATE = "rrhh@citricos-valencia.es", "oumou.sidibe@example.ml"
PASSWORD = "agrumes-de-valence-2026"
# The smallest real PDF: one empty page, a cross-reference table and a trailer.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
       b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\n"
       b"startxref\n166\n%%EOF\n")


def _last_code(app, recipient):
    with app.app_context():
        mails = [m for m in outbox.messages(uow(), limit=200) if m["recipient"] == recipient]
    return re.search(r"\b(\d{6})\b", mails[0]["body"]).group(1)  # the newest


def _fill_offer(page, offer):
    """Type the offer in the deposit form, whatever kind of field each one is."""
    for name, value in offer.items():
        if isinstance(value, dict):
            for part, item in value.items():
                _fill(page, f"{name}.{part}", item)
        elif isinstance(value, list):
            for n, item in enumerate(value):
                inputs = page.locator(f"main input[name='{name}']")
                if inputs.first.get_attribute("type") == "checkbox":
                    page.check(f"main input[name='{name}'][value='{item}']")
                else:  # a long list: one text field per value
                    inputs.nth(n).fill(item)
        else:
            _fill(page, name, value)


def _fill(page, name, value):
    field = page.locator(f"main [name='{name}']").first
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(str(value))
    elif field.get_attribute("type") in ("radio", "checkbox"):
        page.check(f"main input[name='{name}'][value='{str(value).lower()}']")
    else:
        field.fill(str(value))


def test_employer_deposits_candidate_applies_and_is_convened_to_the_tests_by_sms(app, server, tmp_path):  # noqa: F811
    with app.app_context():
        create_demo_data(uow())
    offer = {**{k: v for k, v in offer_data.enregistrer_saisonnier_espagne().items() if k in PUBLIC_FIELDS},
             "intitule_poste": TITLE, "lieu_travail_ville": "Valence", "nombre_postes": 12}
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        employer = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR").new_page()
        employer.goto(f"{server}/portail/inscription")
        employer.fill("#organisation", "Cítricos de Valencia S.A.")
        employer.select_option("#country", "ES")
        employer.fill("#contact_name", "Lucía Martín")
        employer.fill("#email", EMPLOYER)
        employer.fill("#password", PASSWORD)
        employer.fill("#confirmation", PASSWORD)
        employer.click("main form button[type=submit]")
        employer.fill("#code", _last_code(app, EMPLOYER))
        employer.click("main form button[type=submit]")
        employer.fill("#email", EMPLOYER)
        employer.fill("#password", PASSWORD)
        employer.click("main form button[type=submit]")
        employer.goto(f"{server}/portail/offres/nouvelle")
        _fill_offer(employer, offer)
        employer.click("main form button[type=submit]")
        assert employer.url.endswith("/portail/offres"), employer.inner_text("main")
        reference = re.search(r"OFF-WEB-\d{4}-\d{4}", employer.inner_text("main")).group(0)

        # DCIM records the deposit (prefilled), finds the employer credible, agrees on display; Kayes displays it.
        with app.app_context():
            store = uow()
            task = next(t for t in tasks.inbox_page(store, DCIM)["tasks"] if t["business_key"] == reference)
            shown = task["instance_id"]
            record = tasks.get_task(store, DCIM, task["id"])
            complete(store, DCIM, shown, "enregistrer_offre",
                     {k: v for k, v in record["data"].items() if k in record["form"]["schema"]["properties"]})
            complete(store, DCIM, shown, "verifier_employeur",
                     {**offer_data.verifier_credible(), "date_verification": date.today().isoformat()})
            deadline = (date.today() + timedelta(days=60)).isoformat()
            complete(store, DCIM, shown, "negocier_offre", {**offer_data.negocier_accord(),
                                                            "delai_satisfaction": deadline})
            complete(store, DCIM, shown, "transmettre_offre", offer_data.transmettre("kayes"))
            tasks.claim_task(store, KAYES, the_task(store, KAYES, shown, "confirmer_affichage")["id"])
            complete(store, KAYES, shown, "confirmer_affichage",
                     offer_data.confirmer_affichage(date=date.today().isoformat()))
        employer.reload()
        assert "affichée" in employer.inner_text("main")

        candidate = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
        candidate.goto(f"{server}/portail/candidats/inscription")
        candidate.fill("#field-nom", "Sidibé")
        candidate.fill("#field-prenoms", "Oumou")
        candidate.select_option("#field-sexe", "F")
        candidate.fill("#field-date_naissance", "1995-09-03")
        candidate.select_option("#field-region", "kayes")
        candidate.fill("#field-telephone", "76 45 12 08")
        candidate.fill("#field-diplome", "CAP d'agriculture, 2014")
        candidate.fill("#field-profession", "9211")
        candidate.fill("#field-annees_experience", "5")
        candidate.fill("#field-langues-1", "Bambara")
        candidate.check("#field-consentement-1")
        candidate.fill("#email", CANDIDATE)
        candidate.fill("#password", PASSWORD)
        candidate.fill("#confirmation", PASSWORD)
        candidate.click("main form button[type=submit]")
        candidate.fill("#code", _last_code(app, CANDIDATE))
        candidate.click("main form button[type=submit]")
        candidate.fill("#email", CANDIDATE)
        candidate.fill("#password", PASSWORD)
        candidate.click("main form button[type=submit]")
        cv = tmp_path / "cv-oumou-sidibe.pdf"
        cv.write_bytes(PDF)
        candidate.set_input_files("#document", str(cv))
        candidate.click("#documents button[type=submit]")
        assert "cv-oumou-sidibe.pdf" in candidate.locator("#documents").inner_text()
        candidate.goto(f"{server}/portail/candidats/offres")
        candidate.click(f"main a:has-text(\"{TITLE}\")")
        assert "Valence" in candidate.inner_text("main") and "Lucía" not in candidate.inner_text("main")
        candidate.click("main form button[type=submit]")
        assert TITLE in candidate.locator("#candidatures").inner_text()

        kayes = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR").new_page()
        kayes.goto(f"{server}/login")
        kayes.fill("input[name=username]", "conseiller-kayes")
        kayes.fill("input[name=password]", "demo-conseiller-kayes")
        kayes.click("main button[type=submit]")
        kayes.click("a:has-text('inscription en ligne à confirmer')")
        kayes.click("section.awaiting:has-text('Sidibé') form[action$='/confirmer'] button")

        # The candidature is in Kayes's collection; the collection, the preselection and the tests' preparation.
        with app.app_context():
            store = uow()
            with store:
                person = store.session.scalar(select(Person.id).where(Person.email == CANDIDATE))
            preselection = next(t["instance_id"] for t in tasks.list_open_tasks(store, KAYES)
                                if t["name"] == "recueillir_candidatures" and t["business_key"].startswith(reference))
            collection = the_task(store, KAYES, preselection, "recueillir_candidatures")
            ticked = tasks.get_task(store, KAYES, collection["id"])["data"]
            assert person in ticked["candidats_inscrits_region"]
            assert "appel_candidature" in ticked["modes_identification"]
            complete(store, KAYES, preselection, "recueillir_candidatures", preselection_data.recueillir(
                [person], cloture=(date.today() + timedelta(days=10)).isoformat()))
            complete(store, KAYES, preselection, "preselectionner_candidats",
                     preselection_data.preselectionner([person]))
            day = date.today() + timedelta(days=20)
            tests_task = the_task(store, EVALUATOR, preselection, "preparer_tests")
            tasks.claim_task(store, EVALUATOR, tests_task["id"])
            complete(store, EVALUATOR, preselection, "preparer_tests",
                     {**preselection_data.preparer_tests(), "date_tests": day.isoformat(),
                      "lieu_tests": "Direction régionale de l'ANPE à Kayes"})
            assert outbox.send_pending(store, {"sms": SimulatedGateway(), "email": SimulatedGateway()}) > 0
            sms = [m for m in outbox.messages(store, pending_only=False, limit=500)
                   if m["channel"] == "sms" and m["person_id"] == person and m["delivered_by"] == "simulation"]
        [convocation] = [m for m in sms if "convoqué(e) aux tests" in m["body"]]
        assert re.sub(r"\D", "", convocation["recipient"]).endswith("76451208")
        assert reference in convocation["body"] and "Direction régionale de l'ANPE à Kayes" in convocation["body"]
        assert f"le {day_text(day.isoformat())}," in convocation["body"] and "pièce d'identité" in convocation["body"]
        candidate.goto(f"{server}/portail/candidats/espace")
        assert overflow(candidate) == 0
        browser.close()


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
