"""Two people fill in the same task: the second one's submission is refused (409), and what they typed stays
on the page, with the message and a link to the file, so that nothing typed is lost."""
from test_pages import browser, complete, prepared_offer, second_dcim, shown_text  # noqa: F401

from tests.engine import offer_data


def test_the_second_person_keeps_what_they_typed_with_the_message(app, second_dcim):  # noqa: F811
    first = browser(app, "dcim")
    task_id = prepared_offer(app, "OFF-2026-DEUX")["tasks"][0]["id"]
    first.get(f"/tasks/{task_id}")
    second_dcim.get(f"/tasks/{task_id}")  # both opened the form
    assert complete(first, task_id, offer_data.enregistrer_saisonnier_espagne()).startswith("/")

    typed = offer_data.enregistrer_saisonnier_espagne() | {"intitule_poste": "Texte long tapé par la seconde"}
    response = _post(second_dcim, task_id, typed)
    text = shown_text(response).replace("\u202f", " ")
    assert response.status_code == 409
    assert "Cette tâche n'est plus ouverte : elle a déjà été traitée." in text
    assert "Ce que vous aviez saisi (non enregistré)" in text
    assert "Texte long tapé par la seconde" in text and "Prise en charge du billet d'avion, Logement" in text
    assert "1 323 EUR" in text and "Frutas del Condado S.L." in text
    assert 'href="/instances/' in text


def _post(client, task_id, data):
    """Submit the form as it was when the page was opened (the task is gone from the page since)."""
    from test_pages import CSRF, form_fields
    fields = form_fields(data)
    fields["csrf_token"] = CSRF.search(client.get("/").get_data(as_text=True)).group(1)
    return client.post(f"/tasks/{task_id}", data=fields)
