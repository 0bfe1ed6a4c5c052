"""Accounts through the pages: the administrator creates, disables, re-enables, resets and unlocks accounts;
a one-time password is changed at first login; a copied cookie stops working once its session has ended;
failed logins are throttled; requests and typed names are bounded. Also `djoliba user`."""
import html
import re
import uuid

import pytest
from sqlalchemy import select

from engine import accounts
from engine.store.tables import AuditEvent
from web import cli
from web.store import uow

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ONE_TIME = re.compile(r'<code class="one-time-password">([^<]+)</code>')
GOOD = "riz au gras du dimanche"


def token_of(client, path="/login"):
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, username, password=None):
    return client.post("/login", data={"username": username, "password": password or f"demo-{username}",
                                       "csrf_token": token_of(client)})


def post(client, path, **fields):
    return client.post(path, data={"csrf_token": token_of(client, "/admin/users"), **fields})


def kinds(app, username):
    with app.app_context(), uow() as work:
        found = work.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
        return [(e.kind, e.actor) for e in found
                if e.details.get("username") == username or e.actor == username]


def name():
    return f"agent-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def admin(app):
    client = app.test_client()
    sign_in(client, "admin")
    return client


def create(admin, username, **fields):
    return post(admin, "/admin/users", username=username, full_name="Awa Diallo", email="awa@anpe.ml", **fields)


def test_the_administrator_creates_an_account_whose_owner_chooses_a_password_at_first_login(app, admin):
    username = name()
    created = create(admin, username, roles=["conseiller"], region="kayes")
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    password = ONE_TIME.search(created.get_data(as_text=True)).group(1)
    listed = admin.get("/admin/users").get_data(as_text=True)
    assert f'id="user-{username}"' in listed and "doit choisir son mot de passe" in listed
    assert password not in listed

    person = app.test_client()
    assert sign_in(person, username, password).headers["Location"] == "/"
    inbox = person.get("/")
    assert inbox.status_code == 302 and inbox.headers["Location"].startswith("/password")
    assert person.get("/instances").headers["Location"].startswith("/password")
    page = person.get("/password").get_data(as_text=True)
    assert "ne sert qu'une fois" in page and 'name="current"' not in page
    weak = person.post("/password", data={"csrf_token": token_of(person, "/password"),
                                          "password": "motdepasse123", "confirmation": "motdepasse123"})
    assert weak.status_code == 422 and "trop courant" in weak.get_data(as_text=True)
    chosen = person.post("/password?next=/instances", data={"csrf_token": token_of(person, "/password"),
                                                            "password": GOOD, "confirmation": GOOD})
    assert chosen.headers["Location"] == "/instances"
    assert person.get("/").status_code == 200
    assert kinds(app, username) == [("user_created", "admin"), ("login", username),
                                    ("password_changed", username)]


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(admin):
    refused = create(admin, "Awa Diallo", roles=["conseiller"])
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'value="Awa Diallo"' in html and "lettres minuscules" in html and "demande une région" in html
    taken = create(admin, "dcim", roles=["dcim"])
    assert taken.status_code == 409 and "déjà pris" in taken.get_data(as_text=True)


def test_a_copied_cookie_stops_working_after_logout(app):
    client = app.test_client()
    sign_in(client, "dcim")
    copied = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": token_of(client, "/")})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").headers["Location"].startswith("/login")


def test_disabling_ends_the_session_at_once_and_enabling_lets_the_person_back(app, admin):
    username = name()
    password = ONE_TIME.search(create(admin, username, roles=["dcim"]).get_data(as_text=True)).group(1)
    person = app.test_client()
    sign_in(person, username, password)
    assert post(admin, f"/admin/users/{username}/disable").status_code == 302
    assert person.get("/password").headers["Location"].startswith("/login")
    assert sign_in(person, username, password).status_code == 401
    assert "Désactivé" in admin.get("/admin/users").get_data(as_text=True)
    post(admin, f"/admin/users/{username}/enable")
    assert sign_in(person, username, password).status_code == 302
    assert post(admin, "/admin/users/admin/disable").status_code == 302
    assert "propre compte" in admin.get("/admin/users").get_data(as_text=True)  # and still signed in
    with app.app_context():
        assert accounts.get_actor(uow(), "admin") is not None


def test_a_reset_shows_a_new_one_time_password_once_and_ends_the_sessions(app, admin):
    username = name()
    first = ONE_TIME.search(create(admin, username, roles=["dcim"]).get_data(as_text=True)).group(1)
    person = app.test_client()
    sign_in(person, username, first)
    reset = post(admin, f"/admin/users/{username}/password")
    assert reset.headers["Cache-Control"] == "no-store"
    second = ONE_TIME.search(reset.get_data(as_text=True)).group(1)
    assert second != first
    assert person.get("/password").headers["Location"].startswith("/login")
    assert sign_in(person, username, first).status_code == 401
    assert sign_in(person, username, second).status_code == 302
    assert person.get("/").headers["Location"].startswith("/password")
    assert ("password_reset", "admin") in kinds(app, username)


def test_a_person_changes_their_own_password_with_the_current_one(app):
    username = name()
    with app.app_context():
        accounts.create_user(uow(), username, "demo-" + username, ["dcim"])
    person, other = app.test_client(), app.test_client()
    sign_in(person, username)
    sign_in(other, username)
    assert 'href="/password"' in person.get("/").get_data(as_text=True)
    wrong = person.post("/password", data={"csrf_token": token_of(person, "/password"), "current": "faux",
                                           "password": GOOD, "confirmation": GOOD})
    assert wrong.status_code == 422 and "Mot de passe actuel incorrect." in wrong.get_data(as_text=True)
    done = person.post("/password", data={"csrf_token": token_of(person, "/password"), "current": f"demo-{username}",
                                          "password": GOOD, "confirmation": GOOD})
    assert done.status_code == 302
    assert person.get("/").status_code == 200
    assert other.get("/").headers["Location"].startswith("/login")  # the other session ended


def test_failed_logins_lock_the_account_and_the_administrator_unlocks_it(app, admin):
    username = name()
    with app.app_context():
        accounts.create_user(uow(), username, "demo-" + username, ["dcim"])
    person = app.test_client()
    for _ in range(app.config["LOGIN_ATTEMPTS"]):
        assert sign_in(person, username, "faux").status_code == 401
    locked = sign_in(person, username)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "Trop d'échecs de connexion" in html.unescape(locked.get_data(as_text=True))
    assert "Verrouillé après des échecs de connexion" in admin.get("/admin/users").get_data(as_text=True)
    assert post(admin, f"/admin/users/{username}/unlock").status_code == 302
    assert sign_in(person, username).status_code == 302
    assert [k for k in kinds(app, username) if k[0] in ("account_locked", "account_unlocked")] == [
        ("account_locked", username), ("account_unlocked", "admin")]


def test_a_huge_name_is_bounded_and_a_huge_request_refused(app):
    client = app.test_client()
    assert sign_in(client, "n" * 200_000, "faux").status_code == 401
    with app.app_context(), uow() as work:
        actors = list(work.session.scalars(select(AuditEvent.actor).where(AuditEvent.kind == "login_failed")))
    assert actors == ["n" * 80]
    big = client.post("/login", data={"username": "x", "password": "y" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert big.status_code == 413


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/evaluateur/disable", "/admin/users/evaluateur/enable",
                                  "/admin/users/evaluateur/password", "/admin/users/evaluateur/unlock"])
def test_only_the_administrator_manages_accounts(app, path):
    client = app.test_client()
    sign_in(client, "direction")
    response = client.post(path, data={"csrf_token": token_of(client, "/"), "username": name(), "roles": ["admin"]})
    assert response.status_code == 403
    assert sign_in(app.test_client(), "evaluateur").status_code == 302


def test_the_account_pages_in_english(admin):
    admin.post("/lang/en", data={"csrf_token": token_of(admin, "/")})
    html = admin.get("/admin/users").get_data(as_text=True)
    assert "New account" in html and "Disable" in html and "New password" in html


# --- djoliba user ------------------------------------------------------------------------------

def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_creates_the_first_administrator(app, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    username = name()
    code, out, err = run(capsys, "user", "add", username, "--role", "admin", "--role", "direction",
                         "--email", "chef@anpe.ml")
    assert code == 0 and err == ""
    password = out.strip()
    assert out == password + "\n" and len(password) == 14
    client = app.test_client()
    assert sign_in(client, username, password).status_code == 302
    assert client.get("/admin/users").headers["Location"].startswith("/password")
    assert kinds(app, username)[0] == ("user_created", "cli")


@pytest.mark.parametrize("argv, says", [
    (["--role", "roi"], "Rôle inconnu roi"),
    (["--role", "conseiller"], "Un rôle régional demande une région"),
    (["--role", "conseiller", "--region", "atlantide"], "Région inconnue"),
    ([], "Indiquez au moins un rôle")])
def test_the_command_line_refuses_clearly(database_url, monkeypatch, capsys, uow, argv, says):
    monkeypatch.setenv("DATABASE_URL", database_url)
    code, out, err = run(capsys, "user", "add", name(), *argv)
    assert (code, out) == (1, "") and says in err and " / " in err


def test_the_command_line_refuses_an_existing_name_and_disables_resets_enables(database_url, monkeypatch, capsys,
                                                                                uow):
    monkeypatch.setenv("DATABASE_URL", database_url)
    code, out, err = run(capsys, "user", "add", "dcim", "--role", "dcim")
    assert (code, out) == (1, "") and "existe déjà" in err and "already exists" in err
    username = name()
    run(capsys, "user", "add", username, "--role", "cpr")
    assert run(capsys, "user", "disable", username)[0] == 0
    assert accounts.get_actor(uow, username) is None
    code, out, _ = run(capsys, "user", "reset-password", username)
    assert code == 0 and len(out.strip()) == 14
    assert run(capsys, "user", "enable", username)[0] == 0
    assert accounts.authenticate(uow, username, out.strip()).username == username
    assert run(capsys, "user", "unlock", "personne-inconnue")[0] == 1
