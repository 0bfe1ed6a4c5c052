"""Registering a person who seems already registered, and a person's page listing their files."""
from conftest import csrf_token, login


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
