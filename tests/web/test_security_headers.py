"""Every answer tells the browser what it may load and that no other site may frame it."""
import pytest
from conftest import login

from web.security_headers import HEADERS


@pytest.mark.parametrize("path", ["/login", "/", "/api/v1/openapi.json", "/page-qui-n-existe-pas",
                                  "/static/style.css", "/processes/offre_internationale/start"])
def test_pages_api_errors_and_static_files_carry_the_headers(client, path):
    login(client, "dcim")
    answer = client.get(path)
    for name, value in HEADERS.items():
        assert answer.headers.get(name) == value, (path, name)
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in answer.headers  # plain HTTP: no promise of HTTPS
    # Pages may hold personal data: a shared computer's browser keeps none of them; the style sheet it may.
    assert (answer.headers.get("Cache-Control") == "no-store") == (not path.startswith("/static/")), path


def test_over_https_the_session_cookie_is_secure_and_browsers_keep_to_https(client):
    answer = client.get("/login", base_url="https://localhost")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = answer.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_over_http_the_session_cookie_is_not_marked_secure(client):
    cookie = client.get("/login").headers.get("Set-Cookie", "")
    assert cookie and "Secure" not in cookie
