"""The persons registry pages."""
from conftest import csrf_token, login


def test_register_then_read_a_person(client):
    login(client, "conseiller-bamako")
    form = client.get("/personnes/nouvelle").get_data(as_text=True)
    assert 'name="consentement"' in form and 'value="bamako" selected' in form
    # Languages (ISO 639-3, Mali's national languages among them) are typed and searched, not 198 boxes to tick.
    assert 'type="checkbox" id="field-langues' not in form and form.count('name="langues"') == 4
    assert all(f'<option value="{name}">' in form for name in ("Bambara (bamanankan)", "Soninké", "Tamasheq",
                                                                "Hassaniyya", "Dogon (toro so)", "Français"))

    answer = client.post("/personnes/nouvelle", data={
        "csrf_token": csrf_token(form), "nom": "Traoré", "prenoms": "Moussa", "sexe": "M", "region": "bamako",
        "date_naissance": "1990-01-31", "consentement": "true", "niveau_etudes": "fondamental",
        "langues": ["bambara (BAMANANKAN)", "Soninke", "fra", ""]})
    assert answer.status_code == 302
    page = client.get(answer.location).get_data(as_text=True)
    assert "TRAORÉ Moussa, né en 1990" in page and "Chaque consultation de cette fiche est enregistrée." in page
    assert "Bambara (bamanankan), Soninké, Français" in page
    # Codes read as the registration form titles them, the date and region as people read them.
    assert "<dd>31/01/1990</dd>" in page and "<dd>Enseignement fondamental (DEF)</dd>" in page
    assert "<dd>Homme</dd>" in page and "<dd>District de Bamako</dd>" in page and "fondamental<" not in page
    assert "TRAORÉ Moussa" in client.get("/personnes/?q=tra").get_data(as_text=True)


def test_a_refused_registration_keeps_what_was_typed(client):
    login(client, "conseiller-bamako")
    form = client.get("/personnes/nouvelle").get_data(as_text=True)
    answer = client.post("/personnes/nouvelle", data={
        "csrf_token": csrf_token(form), "nom": "Coulibaly", "prenoms": "Fanta", "sexe": "F", "region": "bamako",
        "date_naissance": "31/01/1990", "langues": ["bambara", "Klingon", "peul"]})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'value="Coulibaly"' in page and 'value="31/01/1990"' in page
    assert 'value="Bambara (bamanankan)"' in page and 'value="Klingon"' in page and 'value="peul"' in page
    assert "Saisissez une date au format AAAA-MM-JJ." in page
    # The summary at the top links each field in error, and the page opens on it.
    assert 'id="error-summary" role="alert" tabindex="-1" autofocus' in page
    assert '<a href="#field-date_naissance">Date de naissance : Saisissez une date au format AAAA-MM-JJ.</a>' in page
    # Each language in error is named, and only its field is marked.
    assert '<a href="#field-langues-2">Langues parlées 2 : « Klingon » ne correspond à aucune valeur' in page
    assert ('<a href="#field-langues-3">Langues parlées 3 : « peul » correspond à plusieurs valeurs : précisez '
            '(Peul (fulfulde du Maasina), Peul (toutes variétés)).</a>') in page
    first = page.split('id="field-langues-1"')[1].split(">")[0]
    assert 'aria-invalid' not in first and 'aria-describedby="field-langues-3-err" aria-invalid="true"' in page
    assert '<a href="#field-consentement-1">' in page


def test_other_regions_and_other_roles_cannot_read(client, app):
    from engine import people
    from engine.accounts.access import Actor
    from web.store import uow
    with app.app_context():
        person_id = people.register_person(uow(), Actor("dcim", frozenset({"dcim"})), {
            "nom": "Sidibé", "prenoms": "Oumou", "sexe": "F", "region": "kayes", "consentement": True})
    login(client, "conseiller-bamako")
    refused = client.get(f"/personnes/{person_id}")  # the page of a person who does not exist, but for its address
    assert refused.status_code == 404 and refused.get_data(as_text=True).replace(f"/{person_id}?", "/999999?") == \
        client.get("/personnes/999999").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    login(client, "direction")
    assert client.get("/personnes/").status_code == 403
