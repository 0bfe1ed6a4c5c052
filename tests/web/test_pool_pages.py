"""The candidate pool in pages: the registry's new filters, and "Proposer des candidats" from the demo's
preselection of masons in Kayes, without JavaScript: open the task, propose, tick and invite."""
import re

from conftest import csrf_token, login
from sqlalchemy import select

from engine.demo.files import create_demo_data
from engine.store.tables import Candidature, Instance, TaskRow


def _mason_task(uow):
    with uow:
        return uow.session.scalars(select(TaskRow.id).join(Instance, Instance.id == TaskRow.instance_id).where(
            Instance.business_key == "OFF-2026-005", TaskRow.name == "recueillir_candidatures",
            TaskRow.state == "ready")).one()


def test_the_kayes_counsellor_invites_the_masons_with_french_and_experience(deployed, client):
    create_demo_data(deployed)
    task_id = _mason_task(deployed)
    login(client, "conseiller-kayes")
    task_page = client.get(f"/tasks/{task_id}").get_data(as_text=True)  # click 1: the task, from the inbox
    link = f'/tasks/{task_id}/vivier'
    assert f'href="{link}"' in task_page and "Proposer des candidats du vivier" in task_page

    page = client.get(link).get_data(as_text=True)  # click 2: the pool, ranked
    assert "Métier : 7112 — Maçons" in page and "Expérience : au moins 2 ans" in page
    names = re.findall(r'<li class="candidate" id="personne-(\d+)">.*?<strong>([^<]+)</strong>', page, re.S)
    order = [label.split(" (n°")[0] for _id, label in names]
    assert [n.split(",")[0] for n in order] == ["KEÏTA Moussa", "DIARRA Adama", "KONATÉ Oumar", "SIDIBÉ Boubacar"]
    assert "accompagnement conclu : prêt pour les offres" in page  # Moussa's services file ACC-2026-009
    assert "exerce le métier demandé (7112 — Maçons)" in page and "langue parlée : Français" in page
    assert "6 ans d&#39;expérience ; l&#39;offre en demande 2" in page
    assert "seulement 0 ans d&#39;expérience ; l&#39;offre en demande 2" in page  # Oumar, just out of apprenticeship
    assert "langue demandée absente de sa fiche : Français" in page  # Boubacar
    assert "Sissoko" not in page and "Kanté" not in page  # neither other occupations nor Bamako's persons

    chosen = [pid for pid, label in names if label.startswith(("KEÏTA", "DIARRA"))]
    token = csrf_token(page)
    empty = client.post(link, data={"csrf_token": token})
    assert empty.status_code == 302 and "Cochez au moins une personne" in client.get(link).get_data(as_text=True)
    invited = client.post(link, data={"csrf_token": token, "personnes": chosen})  # click 3: invite the ticked
    assert invited.status_code == 302 and invited.headers["Location"].endswith(f"/tasks/{task_id}")
    form = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "2 personnes invitées" in form
    for pid in chosen:
        assert re.search(rf'name="candidats_inscrits_region" value="{pid}"[^>]*checked', form)
    assert re.search(r'value="ciblage_vivier"[^>]*checked', form)
    with deployed:
        modes = dict(deployed.session.execute(select(Candidature.person_id, Candidature.mode)).all())
    assert {str(pid): mode for pid, mode in modes.items() if str(pid) in chosen} == \
        {pid: "ciblage_vivier" for pid in chosen}

    # The person's page tells how their candidature came.
    assert "candidature enregistrée (invité depuis le vivier)" in client.get(f"/personnes/{chosen[0]}").get_data(as_text=True)

    # An offer without an occupation code (the demo's strawberry pickers): the whole pool, said so.
    with deployed:
        pickers = deployed.session.scalars(select(TaskRow.id).join(Instance, Instance.id == TaskRow.instance_id).where(
            Instance.business_key == "OFF-2026-001", TaskRow.region == "kayes", TaskRow.state == "ready")).one()
    whole = client.get(f"/tasks/{pickers}/vivier").get_data(as_text=True)
    assert "l&#39;offre n&#39;a pas de code CITP-08 (« Ouvrier agricole »)" in whole
    assert whole.count('class="candidate"') == 10  # every Kayes person: 18 demo persons, 10 of them in Kayes

    # Bamako's counsellor cannot open Kayes' proposals.
    client.get("/logout")
    login(client, "conseiller-bamako")
    assert client.get(link).status_code in (403, 404)


def test_the_registry_filters_experience_availability_and_free_words(deployed, client):
    create_demo_data(deployed)
    login(client, "conseiller-kayes")
    page = client.get("/personnes/?metier=711&langue=fra&experience_min=1").get_data(as_text=True)
    assert "KEÏTA Moussa" in page and "DIARRA Adama" in page
    assert "KONATÉ Oumar" not in page and "SIDIBÉ Boubacar" not in page
    words = client.get("/personnes/?texte=coffr").get_data(as_text=True)
    assert "DIARRA Adama" in words and "SIDIBÉ Boubacar" in words and "KEÏTA Moussa" not in words
    soon = client.get("/personnes/?metier=711&disponibilite=immediate").get_data(as_text=True)
    assert "KEÏTA Moussa" in soon and "KONATÉ Oumar" in soon and "DIARRA Adama" not in soon
    assert client.get("/personnes/?experience_min=abc&disponibilite=x&texte=%25").status_code == 200
    # A number that is not one is said (not silently dropped while the list looks filtered), and kept typed.
    typo = client.get("/personnes/?metier=711&experience_min=un&age_min=x").get_data(as_text=True)
    assert "« Au moins … ans d&#39;expérience » : un n&#39;est pas un nombre entier (par exemple 2) ; ce filtre " \
           "est ignoré." in typo and "« Âge minimum » : x n&#39;est pas un nombre entier" in typo
    assert 'name="experience_min" value="un"' in typo and "KONATÉ Oumar" in typo  # the filter left out, said so
    crossed = client.get("/personnes/?age_min=40&age_max=20").get_data(as_text=True)
    assert "L&#39;âge minimum (40) dépasse l&#39;âge maximum (20)" in crossed
    english = client.get("/personnes/?experience_min=-1", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "“At least … years of experience”: -1 is not a whole number (for example 2); this filter is left " \
           "out." in english
    ready = client.get("/personnes/?pret_pour_offres=oui").get_data(as_text=True)
    assert "KEÏTA Moussa" in ready and "1 personne" in ready
    # His candidate services file's outcome reads as the form's choice, not as its code.
    moussa = re.search(r'href="/personnes/(\d+)">KEÏTA Moussa', ready).group(1)
    services = client.get(f"/personnes/{moussa}").get_data(as_text=True)
    assert "<td>Prêt à postuler aux offres d&#39;emploi internationales</td>" in services
    assert "pret pour offre" not in services
    english = client.get(f"/personnes/{moussa}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<td>Ready to apply for international job offers</td>" in english
    assert "Kanté" not in client.get("/personnes/?texte=maraichage").get_data(as_text=True)  # Bamako's


def test_the_api_searches_the_pool_with_the_same_filters(deployed, client):
    from engine import accounts
    create_demo_data(deployed)
    bearer = {"Authorization": f"Bearer {accounts.create_token(deployed, 'conseiller-kayes')}"}

    def names(query):
        answer = client.get(f"/api/v1/persons?{query}", headers=bearer)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return sorted(p["nom"] for p in answer.get_json()["items"])
    assert names("occupation=711&language=fra&experience_min=1") == ["Diarra", "Keïta"]
    assert names("text=coffr") == ["Diarra", "Sidibé"]
    assert names("occupation=711&availability=immediate") == ["Keïta", "Konaté"]
    assert names("ready_for_offers=true&occupation=711") == ["Keïta"]
    for wrong in ("experience_min=abc", "experience_min=99", "availability=bientot", "ready_for_offers=oui",
                  "sex=H", "education=bac"):
        assert client.get(f"/api/v1/persons?{wrong}", headers=bearer).status_code == 422, wrong
    assert names("sex=M&education=fondamental&occupation=711") == ["Diarra", "Keïta", "Konaté"]
    refused = client.get("/api/v1/persons?education=bac", headers=bearer).get_json()
    assert refused["fields"] == {"education": ["Choisissez une valeur de la liste."]}


def test_persons_invited_after_a_held_form_are_ticked_in_it(deployed, client):
    """The counsellor's session expired as she sent the masons' form (one person ticked, a call for
    applications); signed in again, she invites Moussa from the pool: the form given back has both ticked and
    'ciblage dans le vivier' among the ways, as the flash says, so sending it does not withdraw him."""
    create_demo_data(deployed)
    task_id = _mason_task(deployed)
    login(client, "conseiller-kayes")
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    boxes = {label: value for value, label in re.findall(
        r'name="candidats_inscrits_region" value="(\d+)".*?<label[^>]*>([^,<]+),', page, re.S)}
    with client.session_transaction() as session:
        session["seen"] -= 31 * 60
    sent = client.post(f"/tasks/{task_id}", data={
        "csrf_token": csrf_token(page), "modes_identification": "appel_candidature",
        "candidats_inscrits_region": boxes["DIARRA Adama"], "observations_recueil": "Appel à la radio rurale"})
    assert sent.status_code == 302 and sent.location.startswith("/login")
    login(client, "conseiller-kayes")

    pool = client.get(f"/tasks/{task_id}/vivier").get_data(as_text=True)
    invited = client.post(f"/tasks/{task_id}/vivier", data={"csrf_token": csrf_token(pool),
                                                            "personnes": boxes["KEÏTA Moussa"]})
    shown = client.get(invited.location).get_data(as_text=True)
    assert 'id="held"' in shown  # still the held form, given back
    ticked = set(re.findall(r'name="candidats_inscrits_region" value="(\d+)"[^>]*checked', shown))
    assert ticked == {boxes["DIARRA Adama"], boxes["KEÏTA Moussa"]}
    assert set(re.findall(r'name="modes_identification" value="(\w+)"[^>]*checked', shown)) == \
        {"appel_candidature", "ciblage_vivier"}
    assert re.search(r'name="candidatures_recues" value="true"[^>]*checked', shown)
    assert "Appel à la radio rurale" in shown
