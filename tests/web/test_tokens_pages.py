"""One's API tokens on a page and over the API: listed without their secret, made (secret shown once),
revoked (CSRF-protected, audited); an administrator revokes anyone's; another's token is not found."""
import re

import pytest
from sqlalchemy import select

from engine import accounts
from engine.store.tables import AuditEvent
from web.store import uow as web_uow

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(uow, database_url):
    """The web app on the test database (no diagram needed)."""
    from web import create_app
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                       "WTF_CSRF_ENABLED": True})


def signed_in(app, username):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": username, "password": f"demo-{username}",
                                       "csrf_token": token}).status_code == 302
    return client


def csrf(client, path="/jetons/"):
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def token_events(uow):
    with uow:
        return [(e.kind, e.actor, e.details.get("owner")) for e in uow.session.scalars(
            select(AuditEvent).where(AuditEvent.kind.like("token_%")).order_by(AuditEvent.seq))]


def test_a_user_makes_sees_and_revokes_their_tokens_on_a_page(app, uow):
    dcim = signed_in(app, "dcim")
    sent = dcim.post("/jetons/", data={"days": "30", "csrf_token": csrf(dcim)})
    # POST-redirect-GET: the secret is shown on the page the answer leads to, never in its address.
    assert sent.status_code == 303 and sent.headers["Location"] == "/jetons/nouveau"
    made = dcim.get("/jetons/nouveau")
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    secret = re.search(r'<code class="one-time-password">([^<]+)</code>', made.get_data(as_text=True)).group(1)
    reloaded = dcim.get("/jetons/nouveau", follow_redirects=True)  # reloading makes no second token, shows it no more
    assert secret not in reloaded.get_data(as_text=True) and "affiché qu&#39;une fois" in reloaded.get_data(as_text=True)
    assert accounts.actor_for_token(uow, secret).username == "dcim"
    [listed] = accounts.list_tokens(uow, "dcim")
    page = dcim.get("/jetons/").get_data(as_text=True)
    assert f'id="token-{listed["id"]}"' in page and "valide" in page and secret not in page  # never again
    assert dcim.post(f"/jetons/{listed['id']}/revoke").status_code == 400  # no CSRF token: nothing revoked
    assert accounts.actor_for_token(uow, secret).username == "dcim"
    revoked = dcim.post(f"/jetons/{listed['id']}/revoke", data={"csrf_token": csrf(dcim)}, follow_redirects=True)
    assert "révoqué" in revoked.get_data(as_text=True) and accounts.actor_for_token(uow, secret) is None
    assert token_events(uow) == [("token_created", "dcim", None), ("token_revoked", "dcim", "dcim")]


def test_a_wrong_duration_is_refused_keeping_what_was_typed(app, uow):
    dcim = signed_in(app, "dcim")
    refused = dcim.post("/jetons/", data={"days": "400", "csrf_token": csrf(dcim)})
    assert refused.status_code == 422 and 'value="400"' in refused.get_data(as_text=True)
    assert "Choisissez une durée de 1 à 366 jours." in refused.get_data(as_text=True) and accounts.list_tokens(uow, "dcim") == []


def test_an_administrator_revokes_anyones_token_others_find_no_such_token(app, uow):
    accounts.create_token(uow, "dcim")
    [token] = accounts.list_tokens(uow, "dcim")
    kayes = signed_in(app, "conseiller-kayes")
    assert kayes.get("/jetons/?user=dcim").status_code == 403  # others' tokens: for administrators
    refused = kayes.post(f"/jetons/{token['id']}/revoke", data={"csrf_token": csrf(kayes)})
    missing = kayes.post("/jetons/999999/revoke", data={"csrf_token": csrf(kayes)})
    assert refused.status_code == missing.status_code == 404
    admin = signed_in(app, "admin")
    assert f'id="token-{token["id"]}"' in admin.get("/jetons/?user=dcim").get_data(as_text=True)
    admin.post(f"/jetons/{token['id']}/revoke", data={"csrf_token": csrf(admin), "user": "dcim"})
    assert accounts.list_tokens(uow, "dcim")[0]["revoked_by"] == "admin"
    assert token_events(uow)[-1] == ("token_revoked", "admin", "dcim")
    with uow:
        refusals = uow.session.scalars(select(AuditEvent).where(AuditEvent.kind == "access_refused")).all()
        assert [(e.actor, e.details.get("reason")) for e in refusals] == [
            ("conseiller-kayes", "admin_only"), ("conseiller-kayes", "token_not_yours")]


def test_the_api_lists_and_revokes_ones_tokens(app, uow):
    client = app.test_client()
    with app.app_context():
        own, other = accounts.create_token(web_uow(), "dcim"), accounts.create_token(web_uow(), "direction")
    [mine] = accounts.list_tokens(uow, "dcim")
    [theirs] = accounts.list_tokens(uow, "direction")

    def call(method, path, token=own):
        return client.open("/api/v1" + path, method=method, headers={"Authorization": f"Bearer {token}"})
    listed = call("GET", "/tokens").get_json()
    assert [t["id"] for t in listed] == [mine["id"]] and "token" not in listed[0] and listed[0]["works"]
    assert call("GET", "/tokens?user=direction").status_code == 403
    assert call("DELETE", f"/tokens/{theirs['id']}").get_json() == call("DELETE", "/tokens/999999").get_json() \
        == {"error": "not_found", "message": "Introuvable."}
    assert call("DELETE", f"/tokens/{theirs['id']}", token=other).status_code == 204
    assert call("DELETE", f"/tokens/{theirs['id']}", token=other).status_code == 401  # it opens nothing now
    assert call("DELETE", f"/tokens/{mine['id']}").status_code == 204
    assert call("GET", "/tokens").status_code == 401
