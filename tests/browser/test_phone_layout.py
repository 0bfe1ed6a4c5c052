"""Every page but the modeler fits a 390 px phone: nothing makes the page wider than the screen, and the
menu stays on it (issue 14, point 5). Wide tables scroll inside their own box."""
import pytest
from test_modeler import ARGS, CHROMIUM, server  # noqa: F401 (server: fixture; the module skips without chromium)

from engine import accounts
from engine.demo import create_demo_data
from engine.runtime import instances
from web.store import uow

playwright_api = pytest.importorskip("playwright.sync_api")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def phone():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def signed_in(phone, base, username):
    page = phone.new_context(viewport=PHONE, locale="fr-FR").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"demo-{username}")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def overflow(page):
    """How many pixels the page is wider than the phone's screen (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_pages_of_a_working_day_fit_a_phone(app, server, phone):  # noqa: F811 (server: fixture)
    with app.app_context():
        create_demo_data(uow())
    dcim = signed_in(phone, server, "dcim")
    assert overflow(dcim) == 0, "inbox"
    assert dcim.locator("header nav a").last.bounding_box()["x"] + 10 < PHONE["width"], "the menu runs off"
    task = dcim.locator("a[href^='/tasks/']").first.get_attribute("href")
    for path in (task, "/instances", "/statistiques/", "/audit/", "/people/", "/processes/offre_internationale/start"):
        dcim.goto(server + path)
        assert overflow(dcim) == 0, path
    dcim.goto(server + "/instances")
    dcim.goto(server + dcim.locator("a[href^='/instances/']").first.get_attribute("href"))
    assert overflow(dcim) == 0, "a file's page"
    with app.app_context():  # an offer under way: its page reports the employer's withdrawal, form opened
        offer_id = next(i["id"] for i in instances.list_instances(uow(), accounts.get_actor(uow(), "dcim"),
                                                                  process="offre_internationale", status="running"))
    dcim.goto(f"{server}/instances/{offer_id}")
    dcim.click("details.event-report summary")
    assert dcim.locator("details.event-report textarea").is_visible() and overflow(dcim) == 0, "a withdrawal form"
    manager = signed_in(phone, server, "direction")
    for path in ("/statistiques/", "/audit/", "/instances", f"/audit/instances/{offer_id}"):
        manager.goto(server + path)
        assert overflow(manager) == 0, path


def test_on_a_phone_the_modeler_says_it_needs_a_computer(app, server, phone):  # noqa: F811 (server: fixture)
    owner = signed_in(phone, server, "proprietaire")
    errors = []
    owner.on("pageerror", lambda error: errors.append(str(error)))
    owner.goto(f"{server}/diagrams/offre_internationale/edit")
    owner.wait_for_load_state("networkidle")
    assert owner.locator(".needs-computer").is_visible()
    assert "demande un ordinateur" in owner.inner_text(".needs-computer")
    assert not owner.locator("#canvas").is_visible()
    assert overflow(owner) == 0 and errors == []
    # No technical error under the notice: the diagram is not drawn on a canvas the phone does not show.
    assert owner.inner_text("#modeler-status") == "" and "échoué" not in owner.inner_text("main")
    owner.set_viewport_size({"width": 1280, "height": 800})  # wide again: the diagram is drawn
    owner.wait_for_selector("body[data-modeler-ready='1']")
    assert owner.inner_text("#modeler-status") == ""


def test_the_registrys_filters_read_one_per_line_on_a_phone(app, server, phone):  # noqa: F811 (server: fixture)
    """The registry's 'Affiner' filters on a phone: each label on its own line (not 'ans d'expérience Disponible
    au plus tard' run together), a box to tick beside its words rather than stretched over the line."""
    dcim = signed_in(phone, server, "dcim")
    dcim.goto(f"{server}/personnes/?sexe=M")  # a filter typed: the filters are shown open
    labels = dcim.locator(".filters details label")
    starts = [labels.nth(i).evaluate("e => e.getClientRects()[0].left") for i in range(labels.count())]
    assert len(starts) >= 9 and len(set(starts)) == 1, starts  # each at the line's start
    box = dcim.locator(".filters input[name=handicap]").bounding_box()
    assert box["width"] < 40 and overflow(dcim) == 0
