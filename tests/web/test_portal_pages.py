"""The employers' portal through its pages: register, verify by the code in the outbox, log in, deposit an
offer (a refused one keeps what was typed), follow it; an employer reaches no staff page, and back."""
import re

from conftest import csrf_token, login
from offer_data import enregistrer_saisonnier_espagne
from werkzeug.datastructures import MultiDict

from engine.accounts import outbox
from engine.runtime.offer_deposits import PUBLIC_FIELDS
from web.store import uow as web_uow

PASSWORD = "fraises-de-huelva-2026"
EMAIL = "rrhh@frutas.es"


def _post(client, path, data):
    token = csrf_token(client.get(path).get_data(as_text=True))
    fields = MultiDict(data)
    fields.add("csrf_token", token)
    return client.post(path, data=fields)


def _fields(data, prefix=""):
    pairs = []
    for key, value in data.items():
        if isinstance(value, dict):
            pairs += _fields(value, prefix + key + ".")
        elif isinstance(value, list):
            pairs += [(prefix + key, str(item)) for item in value]
        else:
            pairs.append((prefix + key, str(value)))
    return pairs


def _registered_and_signed_in(app, client):
    account = {"organisation": "Frutas del Condado S.L.", "country": "ES", "contact_name": "María López",
               "email": EMAIL, "password": PASSWORD, "confirmation": PASSWORD}
    refused = _post(client, "/portail/inscription", {**account, "confirmation": "autre chose"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Frutas del Condado S.L." in page and "identiques" in page
    summary = page[page.index('id="error-summary"'):page.index("</ul>")]  # links each field, marked as errors
    assert 'autofocus' in summary and 'href="#confirmation"' in summary and "identiques" in summary
    marked = r'class="field has-error"><label for="confirmation">.*?class="field-error" id="confirmation-error"'
    assert re.search(marked, page, re.S) and 'aria-describedby="confirmation-error"' in page
    assert _post(client, "/portail/inscription", account).headers["Location"].endswith("/portail/verification")
    with app.app_context():
        body = outbox.messages(web_uow())[0]["body"]
    code = re.search(r"\b(\d{6})\b", body).group(1)
    assert _post(client, "/portail/verification", {"email": EMAIL, "code": code}).status_code == 302
    assert _post(client, "/portail/connexion", {"email": EMAIL, "password": PASSWORD}).status_code == 302


def test_an_employer_registers_deposits_an_offer_and_follows_it_in_french_and_english(app, client):
    _registered_and_signed_in(app, client)
    offer = {k: v for k, v in enregistrer_saisonnier_espagne().items() if k in PUBLIC_FIELDS}
    refused = _post(client, "/portail/offres/nouvelle", _fields({**offer, "nombre_postes": "zéro"}))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Cueillette de fraises et de fruits rouges" in page
    assert "zéro" in page and "source_offre" not in page
    deposited = _post(client, "/portail/offres/nouvelle", _fields(offer))
    assert deposited.headers["Location"].endswith("/portail/offres")
    page = client.get("/portail/offres").get_data(as_text=True)
    assert re.search(r"OFF-WEB-\d{4}-0001", page) and "reçue" in page and "María" not in page
    token = csrf_token(page)
    client.post("/lang/en", data={"csrf_token": token, "next": "/portail/offres"})
    assert "received" in client.get("/portail/offres").get_data(as_text=True)
    reference = re.search(r"OFF-WEB-\d{4}-0001", page).group(0)
    login(client, "dcim")  # DCIM finds the deposit in its inbox, its recording prefilled
    inbox = client.get("/").get_data(as_text=True)
    task_id = re.search(r'/tasks/([^"]+)">[^<]*</a>\s*</td>\s*<td><a href="/instances/\d+">' + reference, inbox)
    task = client.get(f"/tasks/{task_id.group(1)}").get_data(as_text=True)
    assert reference in task and "Cueillette de fraises et de fruits rouges" in task
    instance_id = re.search(r'/instances/(\d+)">' + reference, inbox).group(1)
    history = client.get(f"/instances/{instance_id}").get_data(as_text=True)
    assert "<strong>Frutas del Condado S.L.</strong>" in history and "employeur:" not in history


def test_a_logout_ends_the_session_even_for_a_copy_of_its_cookie(app, client):
    _registered_and_signed_in(app, client)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/portail/offres").status_code == 200
    token = csrf_token(client.get("/portail/offres").get_data(as_text=True))
    client.post("/portail/deconnexion", data={"csrf_token": token})
    assert copy.get("/portail/offres").headers["Location"].endswith("/portail/connexion")


def test_employer_and_staff_sessions_never_open_each_others_pages(app, client):
    _registered_and_signed_in(app, client)
    assert client.get("/").status_code == 302  # the staff inbox sends to the staff login
    assert client.get("/api/v1/instances").status_code == 401
    login(client, "dcim")
    assert client.get("/portail/offres").headers["Location"].endswith("/portail/connexion")
    assert client.get("/").status_code == 200


def test_a_new_code_can_be_asked_for_and_a_wrong_one_is_refused(app, client):
    account = {"organisation": "Bâtir Lagunes SA", "country": "CI", "contact_name": "Koffi N'Guessan",
               "email": "rh@batir.ci", "password": PASSWORD, "confirmation": PASSWORD}
    _post(client, "/portail/inscription", account)
    assert _post(client, "/portail/verification/renvoyer", {"email": "rh@batir.ci"}).status_code == 302
    with app.app_context():
        assert len(outbox.messages(web_uow())) == 2
    refused = _post(client, "/portail/verification", {"email": "rh@batir.ci", "code": "abcdef"})
    assert refused.status_code == 422 and "rh@batir.ci" in refused.get_data(as_text=True)
    assert _post(client, "/portail/connexion", {"email": "rh@batir.ci", "password": PASSWORD}).headers[
        "Location"].endswith("/portail/verification")  # not verified: nothing opens before the code
    assert client.get("/portail/offres/nouvelle").headers["Location"].endswith("/portail/connexion")
    token = csrf_token(client.get("/portail/").get_data(as_text=True))
    client.post("/lang/en", data={"csrf_token": token, "next": "/portail/inscription"})
    page = client.get("/portail/inscription").get_data(as_text=True)
    assert ">Spain</option>" in page and "Create an employer account" in page


def test_a_portal_error_page_is_the_portals(client):
    page = client.get("/portail/nulle-part")
    text = page.get_data(as_text=True)
    assert page.status_code == 404 and "Portail des employeurs" in text and "/tasks" not in text


def test_wrong_passwords_are_throttled(app, client):
    app.config["LOGIN_ATTEMPTS"] = 2
    for _ in range(2):
        assert _post(client, "/portail/connexion", {"email": EMAIL, "password": "wrong"}).status_code == 401
    assert _post(client, "/portail/connexion", {"email": EMAIL, "password": "wrong"}).status_code == 429


def test_registering_again_with_an_address_answers_as_for_a_new_one_and_tells_its_owner(app, client):
    _registered_and_signed_in(app, client)
    other = app.test_client()
    account = {"organisation": "Otra Empresa S.L.", "country": "ES", "contact_name": "Pedro Ruiz",
               "email": "nuevo@otra.es", "password": PASSWORD, "confirmation": PASSWORD}
    fresh = _post(other, "/portail/inscription", account)
    again = _post(other, "/portail/inscription", {**account, "email": EMAIL.upper()})
    assert (fresh.status_code, again.status_code) == (302, 302)
    assert fresh.headers["Location"] == again.headers["Location"]
    flashes = [other.get(again.headers["Location"]).get_data(as_text=True)]
    assert "Votre demande est enregistrée" in flashes[0] and "existe déjà" not in flashes[0]
    with app.app_context():
        owner = [m for m in outbox.messages(web_uow()) if m["recipient"] == EMAIL][0]
    assert "déjà un compte" in owner["body"]


def test_a_forgotten_password_is_changed_through_the_code_sent_by_e_mail(app, client):
    _registered_and_signed_in(app, client)
    visitor = app.test_client()
    assert "Mot de passe oublié" in visitor.get("/portail/connexion").get_data(as_text=True)
    unknown = _post(visitor, "/portail/mot-de-passe-oublie", {"email": "personne@nulle.part"})
    known = _post(visitor, "/portail/mot-de-passe-oublie", {"email": EMAIL})
    assert unknown.headers["Location"] == known.headers["Location"] == "/portail/mot-de-passe/nouveau"
    page = visitor.get("/portail/mot-de-passe/nouveau").get_data(as_text=True)
    assert f'value="{EMAIL}"' in page and "valable 30 minutes" in page
    with app.app_context():
        code = re.search(r"\b(\d{6})\b", outbox.messages(web_uow())[0]["body"]).group(1)
    new = "oranges-de-valencia-2027"
    refused = _post(visitor, "/portail/mot-de-passe/nouveau",
                    {"email": EMAIL, "code": "000000" if code != "000000" else "1", "password": new,
                     "confirmation": new})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "expiré" in text and 'href="#code"' in text
    assert re.search(r'name="code" value="\d+"', text)  # what was typed stays
    done = _post(visitor, "/portail/mot-de-passe/nouveau",
                 {"email": EMAIL, "code": code, "password": new, "confirmation": new})
    assert done.headers["Location"].endswith("/portail/connexion")
    assert client.get("/portail/offres").headers["Location"].endswith("/portail/connexion")  # old session ended
    assert _post(visitor, "/portail/connexion", {"email": EMAIL, "password": new}).headers["Location"].endswith(
        "/portail/offres")
    empty = _post(app.test_client(), "/portail/mot-de-passe-oublie", {"email": ""})
    assert empty.status_code == 422 and "Saisissez l'adresse" in empty.get_data(as_text=True)
