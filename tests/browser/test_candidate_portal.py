"""A candidate's journey in the browser, on a phone without JavaScript: register (a mistake first), verify
the e-mail by its code, upload a CV (a program renamed .pdf is refused), read the displayed offer and apply;
the Kayes counsellor confirms the person and finds them ticked in the collection; the candidate reads the
application's stage. Nothing is wider than the phone."""
import re

import pytest
from test_modeler import ARGS, CHROMIUM, server  # noqa: F401 (server: fixture; the module skips without chromium)

from engine.accounts import outbox
from engine.demo import create_demo_data
from web.store import uow

playwright_api = pytest.importorskip("playwright.sync_api")
PHONE = {"width": 360, "height": 780}
EMAIL = "awa.traore@example.ml"
PASSWORD = "maconnerie-de-kayes-2026"


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_register_upload_apply_and_kayes_confirms(app, server, tmp_path):  # noqa: F811 (server: fixture)
    with app.app_context():
        create_demo_data(uow())
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False).new_page()
        page.goto(f"{server}/portail/candidats/inscription")
        page.fill("#field-nom", "Traoré")
        page.fill("#field-prenoms", "Awa")
        page.select_option("#field-sexe", "F")
        page.fill("#field-date_naissance", "1996-04-12")
        page.select_option("#field-region", "kayes")
        page.fill("#field-telephone", "76 12 34 99")
        page.fill("#field-diplome", "CAP d'agriculture, 2015")
        page.fill("#field-profession", "9211")
        page.fill("#field-annees_experience", "4")
        page.fill("#field-langues-1", "Bambara")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.fill("#confirmation", PASSWORD)
        page.click("main form button[type=submit]")  # the consent was forgotten: refused, the rest kept
        assert "Ce champ est obligatoire." in page.locator("#error-summary").inner_text()
        assert page.input_value("#field-diplome") == "CAP d'agriculture, 2015" and overflow(page) == 0
        page.check("#field-consentement-1")
        page.fill("#password", PASSWORD)
        page.fill("#confirmation", PASSWORD)
        page.click("main form button[type=submit]")
        with app.app_context():
            code = re.search(r"\b(\d{6})\b", outbox.messages(uow())[0]["body"]).group(1)
        page.fill("#code", code)
        page.click("main form button[type=submit]")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        page.click("main form button[type=submit]")
        assert page.url.endswith("/portail/candidats/espace") and overflow(page) == 0

        program = tmp_path / "cv.pdf"
        program.write_bytes(b"MZ\x90\x00 a program named like a PDF")
        page.set_input_files("#document", str(program))
        page.click("#documents button[type=submit]")
        assert "Seuls les fichiers PDF, JPEG et PNG" in page.locator(".flash.error").inner_text()
        cv = tmp_path / "mon-cv.pdf"
        cv.write_bytes(b"%PDF-1.4\n%%EOF\n")
        page.set_input_files("#document", str(cv))
        page.click("#documents button[type=submit]")
        assert "mon-cv.pdf" in page.locator("#documents").inner_text()

        page.goto(f"{server}/portail/candidats/offres")
        page.click("main a:has-text('Cueillette')")
        assert "Moguer" in page.inner_text("main") and overflow(page) == 0
        page.click("main form button[type=submit]")
        assert "présentez vos papiers" in page.locator("#candidatures").inner_text()

        kayes = browser.new_context(viewport=PHONE, locale="fr-FR").new_page()
        kayes.goto(f"{server}/login")
        kayes.fill("input[name=username]", "conseiller-kayes")
        kayes.fill("input[name=password]", "demo-conseiller-kayes")
        kayes.click("main button[type=submit]")
        kayes.click("a:has-text('inscription en ligne à confirmer')")
        assert overflow(kayes) == 0
        kayes.click("section.awaiting:has-text('Traoré') form[action$='/confirmer'] button")
        kayes.goto(server + "/")
        kayes.click("a:has-text('Recueillir')")
        ticked = kayes.locator("input[name=candidats_inscrits_region]:checked")
        assert ticked.count() == 1 and kayes.locator("input[value=appel_candidature]").is_checked()

        page.goto(f"{server}/portail/candidats/espace")
        assert "transmise à la direction régionale" in page.locator("#candidatures").inner_text()
        browser.close()
