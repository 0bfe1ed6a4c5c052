"""DCIM at a phone with the employer register (§7.3): an offer deposited on the portal by an employer already
registered opens with the question which employer it is; sending it without an answer is refused with
the question kept, the answer names the employer in the file, the verification links to its history, and
a new offer of the look-alike once judged not credible shows the warning."""
import re

from test_modeler import server  # noqa: F401 (server: fixture; the module skips without chromium)
from test_phone_layout import overflow, phone, signed_in  # noqa: F401 (phone: fixture)

from engine.accounts import outbox
from engine.demo import create_demo_data
from engine.people import employers_portal as portal
from engine.runtime import offer_deposits
from engine.runtime.offer_deposits import PUBLIC_FIELDS
from tests.engine import offer_data
from web.store import uow

PASSWORD = "lagunes-abidjan-2026"


def _deposit():
    """An offer of Bâtir Lagunes SA deposited on the portal by an account DCIM has not linked yet."""
    account = portal.register_employer(uow(), "BATIR LAGUNES S.A.", "CI", "Awa Traoré", "awa@batir.example.ci",
                                       PASSWORD, PASSWORD)
    code = re.search(r"\b(\d{6})\b", [m for m in outbox.messages(uow())
                                      if m["recipient"] == account.email][0]["body"]).group(1)
    account = portal.verify_email(uow(), account.email, code)
    offer = {k: v for k, v in offer_data.enregistrer_chantier_cote_divoire().items() if k in PUBLIC_FIELDS}
    return offer_deposits.deposit_offer(uow(), account, offer | {"employeur_telephone": "+225 07 11 22 33 44"})


def test_dcim_answers_which_employer_a_deposit_is_and_reads_its_history(app, server, phone):  # noqa: F811
    with app.app_context():
        create_demo_data(uow())
        reference = _deposit()
    dcim = signed_in(phone, server, "dcim")
    task = dcim.locator("tr", has_text=reference).locator("a[href^='/tasks/']").first.get_attribute("href")
    dcim.goto(server + task)
    question = dcim.locator("#employeur-deja-inscrit")
    assert "Bâtir Lagunes SA" in question.inner_text() and overflow(dcim) == 0

    dcim.click("form.task-form button[type=submit]")  # no answer: refused, the question kept
    dcim.wait_for_load_state()
    assert "Cet employeur semble déjà inscrit au registre (voir ci-dessous)" in dcim.locator("#error-summary").inner_text()
    assert dcim.input_value("#field-employeur_raison_sociale") == "BATIR LAGUNES S.A."
    dcim.locator("#employeur-deja-inscrit input[type=radio]").first.check()
    dcim.click("form.task-form button[type=submit]")
    dcim.wait_for_load_state()

    # The next step is the verification: the employer is named, with a link to its history; no warning.
    assert "Vérifier la crédibilité" in dcim.locator("h1").inner_text()
    assert "Bâtir Lagunes SA" in dcim.locator("#employeur-registre").inner_text()
    assert dcim.locator("#avertissement-employeur").count() == 0
    dcim.locator(".choice-link").click()
    dcim.wait_for_load_state()
    assert dcim.locator("h1").inner_text() == "Bâtir Lagunes SA"
    assert reference in dcim.locator("#offres").inner_text() and overflow(dcim) == 0

    # The look-alike's new offer: the warning, before anything is decided.
    dcim.goto(server + "/")
    task = dcim.locator("tr", has_text="OFF-2026-006").locator("a[href^='/tasks/']").first.get_attribute("href")
    dcim.goto(server + task)
    warning = dcim.locator("#avertissement-employeur")
    assert "Jugé non crédible" in warning.inner_text() and "OFF-2026-003" in warning.inner_text()
    assert overflow(dcim) == 0
