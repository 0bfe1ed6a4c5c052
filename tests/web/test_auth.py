"""Logging in and out, sessions that expire, CSRF protection, password storage, safe redirects."""
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from engine.accounts.access import Actor
from engine.runtime import instances
from engine.setup import DEMO_ACCOUNTS
from engine.store.tables import AuditEvent, User
from web.store import uow

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DCIM = Actor(username="dcim", roles=frozenset({"dcim"}))


def csrf_token(client, path="/login"):
    """The CSRF token of the form a page shows, as a browser would submit it."""
    page = client.get(path)
    assert page.status_code == 200, path
    found = CSRF.search(page.get_data(as_text=True))
    assert found, f"no csrf_token on {path}"
    return found.group(1)


def log_in(client, username, password=None, next_=None):
    data = {"username": username, "password": password or f"demo-{username}", "csrf_token": csrf_token(client)}
    return client.post("/login", data=data, query_string={"next": next_} if next_ is not None else None)


def is_login_redirect(response):
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def audit_events(app, kind):
    with app.app_context():
        with uow() as work:
            return [(e.actor, e.kind) for e in work.session.scalars(
                select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.seq))]


# --- logging in ------------------------------------------------------------------------------

def test_login_with_the_right_password_opens_the_inbox(app, client):
    response = log_in(client, "dcim")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    inbox = client.get("/")
    assert inbox.status_code == 200
    html = inbox.get_data(as_text=True)
    assert "<h1>Mes tâches</h1>" in html
    assert '<span class="who">dcim</span>' in html
    assert audit_events(app, "login") == [("dcim", "login")]


@pytest.mark.parametrize("username, password", [("dcim", "demo-kayes"), ("dcim", ""), ("personne", "demo-personne")])
def test_login_with_a_wrong_password_or_user_is_refused_in_french(app, client, username, password):
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Identifiant ou mot de passe incorrect." in html
    assert f'value="{username}"' in html  # the username is kept, the password is not
    password_input = re.search(r'<input id="password"[^>]*>', html).group(0)
    assert "value=" not in password_input
    assert is_login_redirect(client.get("/"))
    assert audit_events(app, "login_failed") == [(username, "login_failed")]
    assert audit_events(app, "login") == []


def test_an_inactive_account_cannot_log_in(app, client):
    with app.app_context():
        with uow() as work:
            work.session.scalar(select(User).where(User.username == "evaluateur")).active = False
            work.commit()
    try:
        assert log_in(client, "evaluateur").status_code == 401
    finally:
        with app.app_context():
            with uow() as work:
                work.session.scalar(select(User).where(User.username == "evaluateur")).active = True
                work.commit()
    assert log_in(client, "evaluateur").status_code == 302


@pytest.mark.parametrize("path", ["/", "/?mine=1", "/instances", "/instances/1", "/tasks/inconnue", "/notifications",
                                  "/processes/offre_internationale/start"])
def test_pages_redirect_to_login_when_logged_out(client, path):
    response = client.get(path)
    assert is_login_redirect(response)
    assert parse_qs(urlsplit(response.headers["Location"]).query)["next"][0].rstrip("?") == path


def test_login_goes_back_to_the_page_asked_for(client):
    response = client.get("/instances?status=completed")
    target = parse_qs(urlsplit(response.headers["Location"]).query)["next"][0]
    response = log_in(client, "direction", next_=target)
    assert response.headers["Location"] == "/instances?status=completed"
    assert client.get(response.headers["Location"]).status_code == 200


def test_posts_redirect_to_login_when_logged_out(app, client):
    instance = start_offer(app, "OFF-AUTH-1")
    token = csrf_token(client)
    task_id = instance["tasks"][0]["id"]
    assert is_login_redirect(client.post(f"/tasks/{task_id}/claim", data={"csrf_token": token}))
    assert assignee(app, instance["id"]) is None


# --- logging out -----------------------------------------------------------------------------

def test_logout_ends_the_session(client):
    log_in(client, "dcim")
    assert client.get("/").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert is_login_redirect(response)
    assert is_login_redirect(client.get("/"))
    with client.session_transaction() as session:
        assert "username" not in session


def test_logout_is_not_a_get(client):
    log_in(client, "dcim")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


# --- CSRF ------------------------------------------------------------------------------------

def start_offer(app, business_key):
    with app.app_context():
        return instances.start_instance(uow(), DCIM, "offre_internationale", business_key)


def assignee(app, instance_id):
    with app.app_context():
        return instances.get_instance(uow(), DCIM, instance_id)["tasks"][0]["assignee"]


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_posts_without_a_valid_csrf_token_are_refused_and_change_nothing(app, client, token):
    log_in(client, "dcim")
    instance = start_offer(app, "OFF-CSRF-1")
    task_id = instance["tasks"][0]["id"]
    extra = {} if token is None else {"csrf_token": token}

    assert client.post("/processes/offre_internationale/start",
                       data={"business_key": "OFF-CSRF-2", **extra}).status_code == 400
    assert client.post(f"/tasks/{task_id}/claim", data=extra).status_code == 400
    assert client.post(f"/tasks/{task_id}", data={"metier": "Maçon", **extra}).status_code == 400
    assert client.post("/lang/en", data=extra).status_code == 400
    assert client.post("/logout", data=extra).status_code == 400

    with app.app_context():
        listed = instances.list_instances(uow(), DCIM)
        assert [i["business_key"] for i in listed] == ["OFF-CSRF-1"]
        current = instances.get_instance(uow(), DCIM, instance["id"], with_history=True)
    assert current["tasks"][0]["assignee"] is None
    assert current["tasks"][0]["id"] == task_id
    assert [e["kind"] for e in current["history"]] == ["instance_started"]
    page = client.get("/")  # still logged in, still in French
    assert page.status_code == 200 and "<h1>Mes tâches</h1>" in page.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(app, client):
    response = client.post("/login", data={"username": "dcim", "password": "demo-dcim"})
    assert response.status_code == 400
    assert is_login_redirect(client.get("/"))
    assert audit_events(app, "login") == []


def test_a_csrf_token_of_another_session_is_refused(app, client):
    other = app.test_client()
    foreign = csrf_token(other)
    response = client.post("/login", data={"username": "dcim", "password": "demo-dcim", "csrf_token": foreign})
    assert response.status_code == 400
    assert is_login_redirect(client.get("/"))


# --- idle sessions ---------------------------------------------------------------------------

def test_session_expires_after_the_idle_timeout(app, client):
    log_in(client, "dcim")
    timeout = app.config["IDLE_TIMEOUT"].total_seconds()
    with client.session_transaction() as session:
        session["seen"] = datetime.now(timezone.utc).timestamp() - timeout - 5
    response = client.get("/instances")
    assert is_login_redirect(response)
    login_page = client.get(response.headers["Location"])
    assert "Votre session a expiré : reconnectez-vous." in login_page.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "username" not in session
    assert is_login_redirect(client.get("/"))


def test_activity_keeps_the_session_alive(app, client):
    log_in(client, "dcim")
    timeout = app.config["IDLE_TIMEOUT"].total_seconds()
    almost = datetime.now(timezone.utc).timestamp() - timeout + 30
    with client.session_transaction() as session:
        session["seen"] = almost
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert session["seen"] > almost + 25  # the idle clock was reset by the request


def test_a_busy_session_still_ends_after_its_absolute_lifetime(app, client):
    log_in(client, "dcim")
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    signed_in = datetime.now(timezone.utc).timestamp() - lifetime - 5
    with client.session_transaction() as session:
        session["since"] = signed_in  # active a minute ago, but signed in more than 8 hours ago
        session["seen"] = datetime.now(timezone.utc).timestamp() - 60
    assert is_login_redirect(client.get("/instances"))
    with client.session_transaction() as session:
        assert "username" not in session
    with app.app_context(), uow() as work:
        ended = work.session.execute(select(AuditEvent.actor, AuditEvent.details)
                                     .where(AuditEvent.kind == "session_expired")).one()
    assert tuple(ended) == ("dcim", {
        "reason": "absolute", "signed_in": datetime.fromtimestamp(signed_in, timezone.utc).isoformat()})


def test_idle_timeout_follows_the_configuration(app, client):
    app.config["IDLE_TIMEOUT"] = timedelta(seconds=60)
    log_in(client, "dcim")
    with client.session_transaction() as session:
        session["seen"] = datetime.now(timezone.utc).timestamp() - 61
    assert is_login_redirect(client.get("/"))


# --- passwords -------------------------------------------------------------------------------

def test_passwords_are_stored_as_argon2_hashes(app):
    hasher = PasswordHasher()
    with app.app_context():
        with uow() as work:
            users = {u.username: u.password_hash for u in work.session.scalars(select(User))}
    for username, *_ in DEMO_ACCOUNTS:
        stored = users[username]
        assert stored.startswith("$argon2id$"), username
        assert f"demo-{username}" not in stored
        assert hasher.verify(stored, f"demo-{username}")
    assert len(set(users.values())) == len(users)  # salted: no two hashes alike


# --- redirects -------------------------------------------------------------------------------

OFFSITE = ["//evil.example", "//evil.example/login", "https://evil.example/", "http:evil.example",
           "/\\evil.example", "\\\\evil.example", "/\t/evil.example", " //evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", OFFSITE)
def test_login_next_parameter_does_not_leave_the_site(client, target):
    response = log_in(client, "dcim", next_=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFFSITE)
def test_language_switch_does_not_leave_the_site(client, target):
    response = client.post("/lang/en", data={"csrf_token": csrf_token(client), "next": target})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path in ("/", "/login")
    assert not urlsplit(response.headers["Location"]).netloc
    assert "evil" not in response.headers["Location"]
