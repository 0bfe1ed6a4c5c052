"""Registering a person who seems already registered, and a person's page listing their files."""
from conftest import DCIM, csrf_token, login

from engine import people
from engine.accounts.credentials import create_token
from engine.runtime import instances
from web.store import uow


def _register(client, form, **fields):
    data = {"csrf_token": csrf_token(form), "nom": "Koné", "prenoms": "Fanta", "sexe": "F", "region": "bamako",
            "date_naissance": "1997-03-08", "telephone": "76 45 12 09", "consentement": "true", **fields}
    return client.post("/personnes/nouvelle", data=data)


def test_a_possible_duplicate_is_shown_with_a_link_and_taken_once_confirmed(client):
    login(client, "conseiller-bamako")
    form = client.get("/personnes/nouvelle").get_data(as_text=True)
    first = int(_register(client, form).location.rsplit("/", 1)[1])

    again = _register(client, form, nom="KONE", telephone="")
    page = again.get_data(as_text=True)
    assert again.status_code == 422 and 'value="KONE"' in page
    assert "Cette personne semble déjà inscrite" in page
    assert f'<a href="/personnes/{first}">KONÉ Fanta, née en 1997 (n° {first})</a>' in page
    assert "même nom et même date de naissance" in page and 'name="autre_personne"' in page

    # Ticking "another person" registers her; the box alone, without the persons shown, does not.
    assert _register(client, form, nom="KONE", telephone="", autre_personne="oui").status_code == 422
    taken = _register(client, form, nom="KONE", telephone="", autre_personne="oui", deja_inscrits=str(first))
    assert taken.status_code == 302


def test_impossible_birth_dates_and_unreadable_numbers_are_refused_on_their_field(client):
    login(client, "conseiller-bamako")
    form = client.get("/personnes/nouvelle").get_data(as_text=True)
    page = _register(client, form, date_naissance="2031-01-01", telephone="12 34").get_data(as_text=True)
    assert "La date de naissance est dans le futur : vérifiez l&#39;année." in page
    assert "Numéro de téléphone non reconnu" in page and 'value="12 34"' in page


def test_a_persons_page_lists_their_files(client):
    login(client, "conseiller-bamako")
    form = client.get("/personnes/nouvelle").get_data(as_text=True)
    page = client.get(_register(client, form).location).get_data(as_text=True)
    assert "Parcours à l'ANPE" in page and "Aucune candidature." in page and "Aucun départ." in page
    assert "+22376451209" in page


def test_lists_are_searched_and_paged_on_the_pages_and_over_the_api(app, client):
    with app.app_context():
        for n in range(3):
            instances.start_instance(uow(), DCIM, "offre_internationale", f"OFF-2026-10{n}")
        for n in range(52):
            people.register_person(uow(), DCIM, {"nom": f"Sidibé {n:02d}", "prenoms": "Oumou", "sexe": "F",
                                                 "region": "bamako", "consentement": True})
        token = create_token(uow(), "dcim")
    login(client, "dcim")
    files = client.get("/instances?q=off-2026-101").get_data(as_text=True)
    assert "OFF-2026-101" in files and "OFF-2026-100" not in files and "1 dossier" in files
    persons = client.get("/personnes/?q=SIDIBE").get_data(as_text=True)
    assert "52 personnes — page 1 sur 2" in persons and "Personnes 1 à 50 sur 52" in persons
    assert 'href="/personnes/?page=2&amp;q=SIDIBE"' in persons
    assert "SIDIBÉ 51 Oumou" in client.get("/personnes/?q=SIDIBE&page=2").get_data(as_text=True)

    bearer = {"Authorization": f"Bearer {token}"}
    answer = client.get("/api/v1/instances?q=off-2026&limit=2", headers=bearer)
    assert [i["business_key"] for i in answer.get_json()] == ["OFF-2026-102", "OFF-2026-101"]
    assert answer.headers["X-Total-Count"] == "3"
    rest = client.get(f"/api/v1/instances?q=off-2026&limit=2&cursor={answer.headers['X-Next-Cursor']}",
                      headers=bearer)
    assert [i["business_key"] for i in rest.get_json()] == ["OFF-2026-100"] and "X-Next-Cursor" not in rest.headers
    assert client.get("/api/v1/persons?occupation=7112", headers=bearer).get_json()["total"] == 0
    assert client.get("/api/v1/persons?sex=F&age_min=0&age_max=120&language=fra&education=superieur&disability=false",
                      headers=bearer).get_json()["total"] == 0
    assert client.get("/api/v1/persons?age_min=abc", headers=bearer).status_code == 422
    page = client.get("/api/v1/persons?q=sidibe%2005&limit=1", headers=bearer).get_json()
    assert (page["total"], page["items"][0]["nom"], page["next_cursor"]) == (1, "Sidibé 05", None)
    assert client.get("/api/v1/persons?limit=0", headers=bearer).status_code == 422


def test_occupations_are_typed_by_code_or_title_and_shown_by_their_title(client):
    login(client, "conseiller-bamako")
    form = client.get("/personnes/nouvelle").get_data(as_text=True)
    assert 'list="field-profession-list"' in form and '<option value="7112 — Maçons">' in form
    assert form.count('name="metiers_recherches"') == 3  # at most three occupations sought
    answer = _register(client, form, profession="7112 — MACONS",
                       metiers_recherches=["7112", "9313 — manœuvres du bâtiment", ""])
    assert answer.status_code == 302
    page = client.get(answer.location).get_data(as_text=True)
    assert "<dd>7112 — Maçons</dd>" in page and "<dd>7112 — Maçons, 9313 — Manœuvres du bâtiment</dd>" in page
    # The registry's list finds her by the code or its group, typed or as the list writes it.
    assert "1 personne" in client.get("/personnes/?metier=711").get_data(as_text=True)
    listed = client.get("/personnes/?metier=maçon").get_data(as_text=True)  # or words of its title
    assert "1 personne" in listed and "<td>Femme</td><td>District de Bamako</td>" in listed  # in words
    assert "0 personne" in client.get("/personnes/?metier=5120+—+Cuisiniers").get_data(as_text=True)
    refused = _register(client, form, nom="Diarra", telephone="", profession="Maçon de Kayes").get_data(as_text=True)
    assert 'value="Maçon de Kayes"' in refused and "« Maçon de Kayes » ne correspond à aucune valeur de la liste" in refused


def test_the_registry_is_narrowed_by_sex_age_education_language_and_region(app, client):
    with app.app_context():
        for last, sex, region, languages in (("Kané", "F", "kayes", ["fra", "snk"]),
                                             ("Kanté", "M", "kayes", ["snk"]), ("Konaté", "F", "bamako", ["bam"])):
            people.register_person(uow(), DCIM, {"nom": last, "prenoms": "A", "sexe": sex, "region": region,
                                                 "langues": languages, "date_naissance": "1995-05-05",
                                                 "consentement": True})
    login(client, "conseiller-kayes")
    page = client.get("/personnes/?sexe=F&langue=Soninké").get_data(as_text=True)
    assert "1 personne" in page and "KANÉ A" in page and "<details open>" in page
    assert "2 personnes" in client.get("/personnes/?langue=snk&age_min=20&age_max=40").get_data(as_text=True)
    assert 'name="region"' not in page  # a counsellor's list is their region's
    login(client, "dcim")
    assert "KONATÉ A" in client.get("/personnes/?region=bamako&langue=bam&sexe=F").get_data(as_text=True)
