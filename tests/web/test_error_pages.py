"""Errors and unknown pages are the site's pages, in French or English, with the menu and a way back; the JSON
API keeps its JSON errors."""
from test_pages import browser, csrf_token, shown_text

from web import create_app

MENU = '<a href="/instances">'


def test_an_unknown_page_is_french_with_the_menu_and_a_way_back(app):
    client = browser(app, "dcim")
    response = client.get("/nulle-part", headers={"Referer": "http://localhost/instances"})
    text = shown_text(response)
    assert response.status_code == 404
    assert "Page introuvable" in text and "Cette page n'existe pas" in text and MENU in text
    assert 'href="http://localhost/instances">Revenir à la page précédente' in text
    assert 'href="/">Aller à mes tâches' in text
    assert "Not Found" not in text and "The requested URL" not in text


def test_a_page_from_another_site_is_not_offered_as_the_way_back(app):
    text = shown_text(browser(app, "dcim").get("/nulle-part", headers={"Referer": "https://ailleurs.example/"}))
    assert "ailleurs.example" not in text and "Aller à mes tâches" in text


def test_the_same_pages_in_english(app):
    client = browser(app, "dcim")
    client.post("/lang/en", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    text = shown_text(client.get("/nowhere"))
    assert "Page not found" in text and "Go to my tasks" in text and MENU in text


def test_engine_refusals_and_conflicts_have_a_title_and_the_menu(app):
    client = browser(app, "conseiller-bamako")
    refused = client.get("/audit/")
    assert refused.status_code == 403
    assert "Accès refusé" in shown_text(refused) and MENU in shown_text(refused)
    missing = client.get("/instances/987654")
    assert missing.status_code == 404 and "Page introuvable" in shown_text(missing)


def test_wrong_method_bad_request_and_too_large(app):
    client = browser(app, "dcim")
    wrong = client.get("/logout")
    assert wrong.status_code == 405 and "Action impossible ici" in shown_text(wrong) and "Allow" in wrong.headers
    stale = client.post("/tasks/x/claim", data={"csrf_token": "périmé"})  # checked before the person is known
    assert stale.status_code == 400 and "Requête incorrecte" in shown_text(stale) and "Aller à mes tâches" in shown_text(stale)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    large = client.post("/processes/offre_internationale/start", data={"business_key": "x" * 5000})
    assert large.status_code == 413 and "Envoi trop volumineux" in shown_text(large)


def test_a_server_error_is_a_page_and_json_under_the_api(database_url, deployed):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "PROPAGATE_EXCEPTIONS": False})

    def broken():
        raise RuntimeError("boom")
    app.add_url_rule("/en-panne", view_func=broken)
    app.add_url_rule("/api/v1/en-panne", view_func=broken, endpoint="api_broken")
    client = browser(app, "dcim")
    page = client.get("/en-panne")
    assert page.status_code == 500
    assert "Erreur du serveur" in shown_text(page) and MENU in shown_text(page) and "boom" not in shown_text(page)
    api = client.get("/api/v1/en-panne")
    assert api.status_code == 500 and api.get_json()["error"] == "internal_server_error"


def test_the_api_keeps_json_errors(app):
    response = app.test_client().get("/api/v1/nowhere")
    assert response.status_code in (401, 404) and response.is_json
