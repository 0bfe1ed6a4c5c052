"""The modeler in a real headless Chromium: change a diagram, see the check error on its element, fix it,
deploy, and see a running file keep its version while a new one starts on the new version.

Runs Debian's chromium through Playwright against the real app served by a werkzeug thread on a free
localhost port, on the test database. Without /usr/bin/chromium the test is skipped, unless
REQUIRE_BROWSER=1 (CI), where that is a failure.
"""
import os
import re
import threading
from pathlib import Path

import pytest
from conftest import DCIM
from werkzeug.serving import make_server

from engine.runtime import instances, tasks
from tests.engine import offer_data
from web.store import uow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PROCESS = "offre_internationale"

if not Path(CHROMIUM).exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is required for the browser tests (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is missing: browser tests skipped", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")
sync_playwright, expect = playwright_api.sync_playwright, playwright_api.expect


@pytest.fixture
def server(app):
    """The app served on a free localhost port by a werkzeug thread; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


BLOCKED = []  # what the pages' Content Security Policy refused: the modeler must need nothing it forbids


def logged_in(chromium, base, username):
    context = chromium.new_context(viewport={"width": 1600, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("console", lambda message: BLOCKED.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"demo-{username}")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
    return page


def select(page, element_id, click_on=None):
    """Click an element of the diagram (or `click_on`, such as a flow's label) and wait for its properties."""
    page.click("#canvas", position={"x": 20, "y": 600})  # an empty place first: nothing selected
    page.click(f'.djs-element[data-element-id="{click_on or element_id}"]')
    expect(page.locator("#prop-id")).to_have_value(element_id)


def set_field(page, name, value):
    page.fill(f"#prop-{name}", value)
    page.press(f"#prop-{name}", "Tab")  # the panel applies a change when the field is left


def test_change_check_fix_deploy_and_versions(app, server, chromium):
    with app.app_context():
        running = instances.start_instance(uow(), DCIM, PROCESS, "OFF-2026-0900")
        tasks.complete_task(uow(), DCIM, running["tasks"][0]["id"], offer_data.enregistrer_saisonnier_espagne())

    owner = logged_in(chromium, server, "proprietaire")
    owner.goto(f"{server}/diagrams/{PROCESS}/edit")
    owner.wait_for_selector("body[data-modeler-ready='1']")

    # Change the diagram: a clearer name for the negotiation, and a condition broken by mistake.
    select(owner, "negocier_offre")
    set_field(owner, "name", "Négocier avec l'employeur")
    select(owner, "flux_employeur_credible", "flux_employeur_credible_label")
    set_field(owner, "condition", "employeur_credible ==")

    owner.click("#check-draft")
    problem = owner.wait_for_selector('#problems li[data-element-id="gw_employeur_credible"]')
    assert "condition refusée" in problem.inner_text()
    marked = owner.locator('.djs-element.has-problem')
    assert marked.evaluate_all("els => els.map(e => e.dataset.elementId)") == ["gw_employeur_credible"]

    # Fix it: the check passes and the draft deploys as version 2.
    select(owner, "flux_employeur_credible", "flux_employeur_credible_label")
    set_field(owner, "condition", "employeur_credible == True")
    owner.click("#check-draft")
    owner.wait_for_selector("#modeler-status.ok")
    assert owner.locator("#problems li").count() == 0
    owner.click("#deploy-draft")
    owner.wait_for_url(re.compile(rf".*/diagrams/{PROCESS}/versions$"))
    assert owner.locator("#version-2").inner_text().startswith("v2")

    # The file under way stays on version 1 ...
    owner.goto(f"{server}/instances/{running['id']}")
    assert "· v1" in owner.inner_text("h1")
    assert owner.locator('g.active[data-element-id="verifier_employeur"]').count() == 1

    # ... while a new file starts on version 2, with the new name further on.
    agent = logged_in(chromium, server, "dcim")
    agent.goto(f"{server}/processes/{PROCESS}/start")
    agent.fill("input[name=business_key]", "OFF-2026-0901")
    agent.click("main form button[type=submit]")
    agent.wait_for_url(re.compile(r".*/tasks/.*"))
    agent.click("p.meta a")
    assert "· v2" in agent.inner_text("h1")
    with app.app_context():
        new = instances.list_instances(uow(), DCIM, business_key="OFF-2026-0901")[0]
        spec_text = new["process_name"]
    assert new["version"] == 2 and spec_text
    assert not BLOCKED
    owner.context.close()
    agent.context.close()
