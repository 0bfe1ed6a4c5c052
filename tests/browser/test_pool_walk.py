"""The Kayes counsellor proposes candidates from the pool for the demo's masons offer, in a browser without
JavaScript: the task from the inbox, "Proposer des candidats du vivier", tick and invite (three clicks and the
ticks); a mistake first (nothing ticked); the proposals fit a phone."""
import pytest
from test_modeler import ARGS, CHROMIUM, server  # noqa: F401 (server: fixture; the module skips without chromium)

from engine.demo import create_demo_data
from web.store import uow

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _signed_in(browser, base, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "conseiller-kayes")
    page.fill("input[name=password]", "demo-conseiller-kayes")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def test_the_kayes_counsellor_invites_masons_from_the_pool(app, server, browser):  # noqa: F811 (server: fixture)
    with app.app_context():
        create_demo_data(uow())
    page = _signed_in(browser, server, 1366)
    row = page.locator("tr", has_text="OFF-2026-005").filter(has_text="Recueillir et enregistrer les candidatures")
    row.locator("a[href^='/tasks/']").first.click()  # click 1
    page.click("text=Proposer des candidats du vivier")  # click 2
    candidates = page.locator("li.candidate strong")
    assert candidates.nth(0).inner_text().startswith("KEÏTA Moussa")
    assert candidates.nth(1).inner_text().startswith("DIARRA Adama")
    assert "Manque : rien de ce que demande l'offre" in page.locator("li.candidate").nth(0).inner_text()
    assert "seulement 0 ans d'expérience" in page.locator("li.candidate").nth(2).inner_text()

    page.click("text=Inviter les personnes cochées")  # a mistake: nobody ticked
    assert "Cochez au moins une personne" in page.locator(".flash.error").inner_text()
    page.locator("li.candidate input[type=checkbox]").nth(0).check()
    page.locator("li.candidate input[type=checkbox]").nth(1).check()
    page.click("text=Inviter les personnes cochées")  # click 3
    assert "2 personnes invitées" in page.locator(".flash.success").inner_text()
    ticked = page.locator("input[name=candidats_inscrits_region]:checked")
    assert sorted(ticked.nth(i).evaluate("e => e.parentElement.textContent").strip()[:12]
                  for i in range(ticked.count())) == ["DIARRA Adama", "KEÏTA Moussa"]
    assert page.locator("input[name=modes_identification][value=ciblage_vivier]").is_checked()

    phone = _signed_in(browser, server, 390)
    phone.goto(page.url + "/vivier")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    assert phone.locator("li.candidate").count() == 4
