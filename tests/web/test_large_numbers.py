"""Numbers past what a database column holds, in a URL, a query string or a body, are refused (404 for
an id, 422 for a value), never a 500: Schemathesis found `GET /api/v1/instances/36893488147419103231/history`,
`?cursor=`, `?from=`, `?to_version=`, `{"to_version": ...}` and the audit page's `?page=` failing in the
database (SQLite cannot bind an integer of 64 bits or more)."""
import pytest
from conftest import login

from engine.accounts.credentials import create_token
from web.store import MAX_ROW_ID, uow

HUGE = 36893488147419103231


@pytest.fixture
def bearer(app):
    with app.app_context():
        tokens = {user: create_token(uow(), user) for user in ("direction", "proprietaire")}
    return lambda user: {"Authorization": f"Bearer {tokens[user]}"}


@pytest.mark.parametrize("path", [f"/instances/{HUGE}", f"/instances/{MAX_ROW_ID + 1}/courrier",
                                  f"/audit/instances/{HUGE}", f"/personnes/{HUGE}"])
def test_an_id_no_row_can_have_is_a_page_not_found(client, path):
    login(client, "direction")
    assert client.get(path).status_code == 404


def test_a_page_of_the_audit_search_past_any_number_is_answered(client):
    login(client, "direction")
    assert client.get(f"/audit/?page={HUGE}").status_code == 200


@pytest.mark.parametrize(("user", "method", "path", "body", "status"), [
    ("direction", "GET", f"/instances/{HUGE}/history", None, 404),
    ("direction", "GET", f"/instances/{MAX_ROW_ID}/history", None, 404),
    ("direction", "GET", f"/audit/events?cursor={HUGE}", None, 422),
    ("proprietaire", "GET", f"/processes/offre_internationale/diff?from={HUGE}&to=1", None, 422),
    ("proprietaire", "GET", f"/processes/offre_internationale/diff?from=-{HUGE}&to=1", None, 422),
    ("proprietaire", "GET", f"/instances/1/migration?to_version={HUGE}", None, 422),
    ("proprietaire", "POST", "/instances/1/migrate", {"to_version": HUGE}, 422),
    ("proprietaire", "POST", "/instances/1/migrate", {"to_version": -HUGE}, 422),
])
def test_the_api_refuses_numbers_no_row_can_have(client, bearer, user, method, path, body, status):
    answer = client.open("/api/v1" + path, method=method, headers=bearer(user), json=body)
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.is_json
