"""The messages a file sent to candidates read on a phone, and an employer resets a forgotten password on one."""
import pytest
from test_modeler import server  # noqa: F401 (server: fixture; the module skips without chromium)
from test_phone_layout import PHONE, overflow, phone, signed_in  # noqa: F401 (phone: fixture)

from engine import accounts
from engine.accounts import outbox
from engine.accounts.gateways import SimulatedGateway
from engine.demo import create_demo_data
from engine.runtime import instances
from web.store import uow

pytest.importorskip("playwright.sync_api")


def test_a_files_messages_and_the_portals_password_reset_fit_a_phone(app, server, phone):  # noqa: F811
    with app.app_context():
        create_demo_data(uow())
        outbox.send_pending(uow(), {"sms": SimulatedGateway(), "email": SimulatedGateway()})
        files = instances.list_instances(uow(), accounts.get_actor(uow(), "dcim"), process="selection_finale")
        [selection] = [file for file in files if file["business_key"] == "OFF-2026-019"]  # the employer has chosen
    dcim = signed_in(phone, server, "dcim")
    dcim.goto(f"{server}/instances/{selection['id']}#messages")
    texts = dcim.locator("#messages + ul.notices details summary")
    assert texts.count() >= 3
    for n in range(texts.count()):
        texts.nth(n).click()
    section = dcim.inner_text("ul.notices")
    assert "vous a retenu(e)" in section and "rien n'est réellement parti" in section
    assert overflow(dcim) == 0, "a file's messages"

    visitor = phone.new_context(viewport=PHONE, locale="fr-FR").new_page()
    visitor.goto(f"{server}/portail/connexion")
    visitor.click("text=Mot de passe oublié ?")
    visitor.fill("#email", "personne@nulle.part")
    visitor.click("main form button[type=submit]")
    assert "/portail/mot-de-passe/nouveau" in visitor.url and "valable 30 minutes" in visitor.inner_text("main")
    visitor.fill("#code", "123456")
    visitor.fill("#password", "un-mot-de-passe-2026")
    visitor.fill("#confirmation", "un-mot-de-passe-2026")
    visitor.click("main form button[type=submit]")
    assert "n'est pas le bon" in visitor.inner_text("#error-summary") and overflow(visitor) == 0
    assert visitor.input_value("#code") == "123456"
