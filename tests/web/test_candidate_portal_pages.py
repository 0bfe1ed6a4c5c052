"""The candidates' portal through its pages: register (a refused form keeps what was typed), verify by the
code in the outbox, sign in, upload a CV (a disguised or oversized file is refused), read the displayed
offers without the employer's contacts, apply; the Kayes counsellor confirms the person from the inbox and
the application joins the collection; a candidate reads no one else's documents, and no staff page."""
import gzip
import io
import re

from conftest import DCIM, csrf_token, login
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.accounts import outbox
from engine.definitions import countries
from engine.demo.files import create_demo_data
from engine.store.tables import AuditEvent
from web.store import uow as web_uow

PASSWORD = "maconnerie-de-kayes-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROFILE = {"nom": "Traoré", "prenoms": "Awa", "sexe": "F", "date_naissance": "1996-04-12", "region": "kayes",
           "telephone": "76 12 34 99", "niveau_etudes": "secondaire", "diplome": "CAP d'agriculture, 2015",
           "profession": "9211", "annees_experience": "4", "langues": "fra", "consentement": "true"}


def _post(client, path, data, page=None, **kwargs):
    token = csrf_token(client.get(page or path).get_data(as_text=True))
    fields = MultiDict(data)
    fields.add("csrf_token", token)
    return client.post(path, data=fields, **kwargs)


def _registered_and_signed_in(app, client, email, **changes):
    account = {**PROFILE, **changes, "email": email, "password": PASSWORD, "confirmation": PASSWORD}
    assert _post(client, "/portail/candidats/inscription", account).headers["Location"].endswith(
        "/portail/candidats/verification")
    with app.app_context():
        body = outbox.messages(web_uow())[0]["body"]
    code = re.search(r"\b(\d{6})\b", body).group(1)
    assert _post(client, "/portail/candidats/verification", {"email": email, "code": code}).status_code == 302
    signed = _post(client, "/portail/candidats/connexion", {"email": email, "password": PASSWORD})
    assert signed.headers["Location"].endswith("/portail/candidats/espace")


def _upload(client, name, content, kind="cv"):
    token = csrf_token(client.get("/portail/candidats/espace").get_data(as_text=True))
    return client.post("/portail/candidats/documents", content_type="multipart/form-data",
                       data={"kind": kind, "document": (io.BytesIO(content), name), "csrf_token": token})


def test_a_candidate_registers_uploads_a_cv_applies_and_kayes_confirms(app, deployed, client):
    create_demo_data(deployed)
    refused = _post(client, "/portail/candidats/inscription",
                    {**PROFILE, "email": "awa@example.ml", "password": PASSWORD, "confirmation": "autre"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Traoré" in page and "awa@example.ml" in page and "identiques" in page
    _registered_and_signed_in(app, client, "awa@example.ml")
    space = client.get("/portail/candidats/espace").get_data(as_text=True)
    assert "attend sa confirmation" in space and "Kayes" in space

    first = _upload(client, "mon-cv.pdf", PDF)
    assert first.status_code == 302, re.findall(r"flash error[^<]*<p>([^<]*)", first.get_data(as_text=True))
    disguised = _upload(client, "photo.pdf", b"GIF89a" + b"\x00" * 30)
    assert disguised.status_code == 422 and "PDF, JPEG et PNG" in disguised.get_data(as_text=True)
    app.config["UPLOAD_MAX_BYTES"] = 1000
    large = _upload(client, "gros.pdf", PDF + b"x" * 2000)
    assert large.status_code == 422 and "dépasse" in large.get_data(as_text=True)
    space = client.get("/portail/candidats/espace").get_data(as_text=True)
    [link] = re.findall(r'/portail/candidats/documents/(\d+)', space)
    download = client.get(f"/portail/candidats/documents/{link}")
    assert download.data == PDF and "attachment" in download.headers["Content-Disposition"]

    offers = client.get("/portail/candidats/offres").get_data(as_text=True)
    offer_id = re.search(r'/portail/candidats/offres/(\d+)">Cueillette', offers).group(1)
    shown = client.get(f"/portail/candidats/offres/{offer_id}").get_data(as_text=True)
    assert "Cueillette de fraises" in shown and "@" not in shown.split("<main>")[1]  # no employer e-mail
    applied = _post(client, f"/portail/candidats/offres/{offer_id}/postuler", {},
                    page=f"/portail/candidats/offres/{offer_id}")
    assert applied.headers["Location"].endswith("/portail/candidats/espace")
    assert "présentez vos papiers" in client.get("/portail/candidats/espace").get_data(as_text=True)

    assert client.get("/").status_code == 302 and client.get("/personnes/").status_code == 302
    assert client.get("/api/v1/instances").status_code == 401

    kayes = app.test_client()
    login(kayes, "conseiller-kayes")
    inbox = kayes.get("/").get_data(as_text=True)
    assert "1 inscription en ligne à confirmer" in inbox
    awaiting = kayes.get("/personnes/a-confirmer").get_data(as_text=True)
    person_id = re.search(r'action="/personnes/(\d+)/confirmer"', awaiting).group(1)
    person = kayes.get(f"/personnes/{person_id}").get_data(as_text=True)
    assert "CAP d&#39;agriculture" in person and "mon-cv.pdf" in person
    assert "la personne elle-même, sur le portail des candidats" in person and "candidat:" not in person
    assert kayes.get(f"/personnes/{person_id}/documents/{link}").data == PDF
    bamako = app.test_client()
    login(bamako, "conseiller-bamako")
    assert bamako.get(f"/personnes/{person_id}/documents/{link}").status_code == 404
    assert "Traoré" not in bamako.get("/personnes/a-confirmer").get_data(as_text=True)
    assert _post(kayes, f"/personnes/{person_id}/confirmer", {}, page="/personnes/a-confirmer").status_code == 302
    inbox = kayes.get("/").get_data(as_text=True)
    task_id = re.search(r'/tasks/([^"]+)">Recueillir', inbox).group(1)
    task = kayes.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert re.search(rf'value="{person_id}"[^>]*checked', task)
    assert re.search(r'value="appel_candidature"[^>]*checked', task)
    space = client.get("/portail/candidats/espace").get_data(as_text=True)
    assert "transmise à la direction régionale" in space


def test_a_candidate_reads_no_other_candidates_document(app, deployed, client):
    _registered_and_signed_in(app, client, "moussa@example.ml", nom="Keïta", prenoms="Moussa", sexe="M",
                              telephone="66 00 11 22")
    _upload(client, "cv.pdf", PDF)
    space = client.get("/portail/candidats/espace").get_data(as_text=True)
    [link] = re.findall(r'/portail/candidats/documents/(\d+)', space)
    other = app.test_client()
    _registered_and_signed_in(app, other, "fanta@example.ml", nom="Diallo", prenoms="Fanta", telephone="66 00 11 33")
    assert other.get(f"/portail/candidats/documents/{link}").status_code == 404
    assert "Keïta" not in other.get("/portail/candidats/espace").get_data(as_text=True)


def test_too_many_failed_logins_lock_the_candidate_and_a_robot_gets_no_account(app, deployed, client):
    for _attempt in range(5):
        _post(client, "/portail/candidats/connexion", {"email": "x@example.ml", "password": "faux"})
    locked = _post(client, "/portail/candidats/connexion", {"email": "x@example.ml", "password": "faux"})
    assert locked.status_code == 429 and "Trop d&#39;essais" in locked.get_data(as_text=True)
    robot = app.test_client()
    answer = _post(robot, "/portail/candidats/inscription",
                   {**PROFILE, "email": "robot@example.ml", "password": PASSWORD, "confirmation": PASSWORD,
                    "site_web": "http://spam.example"})
    assert answer.status_code == 302
    with app.app_context():
        assert outbox.messages(web_uow()) == []


def test_the_candidates_pages_are_light_and_in_english_too(app, deployed, client):
    for path in ("/portail/candidats/", "/portail/candidats/inscription", "/portail/candidats/offres",
                 "/portail/candidats/pays", "/portail/candidats/mot-de-passe-oublie"):
        page = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
        assert len(page.data) < 30 * 1024, (path, len(page.data))
        assert b"<script" not in gzip.decompress(page.data)
    token = csrf_token(client.get("/portail/candidats/").get_data(as_text=True))
    client.post("/lang/en", data={"csrf_token": token, "next": "/portail/candidats/"})
    assert "Work abroad with ANPE" in client.get("/portail/candidats/").get_data(as_text=True)
    form = client.get("/portail/candidats/inscription").get_data(as_text=True)
    assert "I agree that ANPE processes my personal data" in form and "Highest diploma" in form
    countries_page = client.get("/portail/candidats/pays").get_data(as_text=True)
    assert "What ANPE knows of the destination countries" in countries_page and "Ce que" not in countries_page


def test_a_candidate_changes_a_forgotten_password_through_the_code_sent_by_e_mail(app, deployed, client):
    email, new = "awa@example.ml", "cueillette-de-moguer-2027"
    _registered_and_signed_in(app, client, email)
    visitor = app.test_client()
    assert "/portail/candidats/mot-de-passe-oublie" in visitor.get("/portail/candidats/connexion").get_data(
        as_text=True)
    unknown = _post(visitor, "/portail/candidats/mot-de-passe-oublie", {"email": "personne@nulle.part"})
    known = _post(visitor, "/portail/candidats/mot-de-passe-oublie", {"email": email})
    assert unknown.headers["Location"] == known.headers["Location"] == "/portail/candidats/mot-de-passe/nouveau"
    page = visitor.get("/portail/candidats/mot-de-passe/nouveau").get_data(as_text=True)
    assert f'value="{email}"' in page and "valable 30 minutes" in page
    assert 'href="/portail/candidats/mot-de-passe-oublie"' in page  # its links stay on the candidates' side
    with app.app_context():
        mails = [m for m in outbox.messages(web_uow(), limit=100) if m["recipient"] == email]
    assert "Bonjour Awa" in mails[0]["body"]  # the newest
    code = re.search(r"\b(\d{6})\b", mails[0]["body"]).group(1)
    wrong = _post(visitor, "/portail/candidats/mot-de-passe/nouveau",
                  {"email": email, "code": "000000" if code != "000000" else "111111", "password": new,
                   "confirmation": new})
    assert wrong.status_code == 422 and "expiré" in wrong.get_data(as_text=True)
    # An employer's reset page does not change a candidate's password with the candidate's code.
    employers_page = _post(app.test_client(), "/portail/mot-de-passe/nouveau",
                           {"email": email, "code": code, "password": new, "confirmation": new})
    assert employers_page.status_code == 422
    done = _post(visitor, "/portail/candidats/mot-de-passe/nouveau",
                 {"email": email, "code": code, "password": new, "confirmation": new})
    assert done.status_code == 302, re.findall(r"field-error[^>]*>([^<]*)", done.get_data(as_text=True))
    assert done.headers["Location"].endswith("/portail/candidats/connexion")
    assert client.get("/portail/candidats/espace").headers["Location"].endswith("/portail/candidats/connexion")
    assert _post(visitor, "/portail/candidats/connexion", {"email": email, "password": PASSWORD}).status_code == 401
    signed = _post(visitor, "/portail/candidats/connexion", {"email": email, "password": new})
    assert signed.headers["Location"].endswith("/portail/candidats/espace")
    again = _post(app.test_client(), "/portail/candidats/mot-de-passe/nouveau",
                  {"email": email, "code": code, "password": "encore-un-autre-2028",
                   "confirmation": "encore-un-autre-2028"})
    assert again.status_code == 422  # a code works once
    with app.app_context(), web_uow() as store:
        kinds = list(store.session.scalars(select(AuditEvent.kind).where(AuditEvent.actor.like("candidat:%"))))
    assert "candidate_reset_requested" in kinds and "candidate_password_reset" in kinds


def test_anyone_reads_the_country_sheets_dcim_published_without_staff_data(app, deployed, client):
    create_demo_data(deployed)  # DCIM has written Spain's sheet; Senegal's reads only the bundled defaults
    with app.app_context():
        countries.update_country_sheet(web_uow(), DCIM, "CI", {
            "regime": "cedeao_transitoire", "visa": False, "permis_travail": True,
            "cadre_legal": "Carte de séjour demandée à l'arrivée.", "conditions_vie_travail": "",
            "adresses_utiles": "Ambassade du Mali à Abidjan"}, 0)
    assert "/portail/candidats/pays" in client.get("/portail/candidats/").get_data(as_text=True)
    listed = client.get("/portail/candidats/pays").get_data(as_text=True)
    assert "Espagne" in listed and "Côte d" in listed and "Sénégal" not in listed
    sheet = client.get("/portail/candidats/pays/ci")
    page = sheet.get_data(as_text=True)
    assert sheet.status_code == 200 and "Carte de séjour demandée" in page and "Ambassade du Mali" in page
    assert "dcim" not in page.split("<main")[1] and "Modifier la fiche" not in page  # no staff name, no editing
    assert client.get("/portail/candidats/pays/SN").status_code == 404  # defaults DCIM has not checked
    assert client.get("/portail/candidats/pays/ZZ").status_code == 404
    assert client.get("/portail/candidats/pays/ES/modifier").status_code == 404
    assert client.get("/pays/ES").headers["Location"].startswith("/login")  # the staff's pages stay closed
    _registered_and_signed_in(app, client, "awa@example.ml")
    assert "/portail/candidats/pays" in client.get("/portail/candidats/espace").get_data(as_text=True)
