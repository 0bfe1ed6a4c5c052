"""What was sent to candidates shows on the file's page (each region's counsellor their own persons'), and the
registry's page records a person's refusal of SMS."""
import re
from datetime import date, timedelta

import selection_finale_data as data
from conftest import DCIM, csrf_token, login
from offer_flow import complete
from preselection_flow import selection_of
from sqlalchemy import update

from engine.accounts import outbox
from engine.accounts.gateways import HttpSmsGateway, SimulatedGateway
from engine.store.tables import Person


def _convened(uow):
    _offer, _pre, selection, candidates = selection_of(uow, "OFF-2026-0401", {"bamako": 1, "kayes": 1}, posts=1)
    persons = candidates["bamako"] + candidates["kayes"]
    with uow:
        for person in persons:
            uow.session.execute(update(Person).where(Person.id == person).values(phone=f"+2237700{person:04d}"))
        uow.commit()
    complete(uow, DCIM, selection["id"], "planifier_rencontre",
             data.planifier_rencontre(persons, date=(date.today() + timedelta(days=6)).isoformat(),
                                      modalite="presentiel"))
    return selection["id"], candidates


def test_the_files_page_lists_the_messages_and_their_state_and_a_counsellor_sees_their_regions_only(
        app, client, deployed):
    sid, candidates = _convened(deployed)
    outbox.send_pending(deployed, {"sms": SimulatedGateway()})
    login(client, "dcim")
    page = client.get(f"/instances/{sid}").get_data(as_text=True)
    section = page[page.index('id="messages"'):page.index("Historique")]
    assert section.count("— convocation à la rencontre avec l&#39;employeur —") == 2
    assert section.count("— rappel : convocation à la rencontre avec l&#39;employeur —") == 2  # due the day before
    assert "rien n'est réellement parti" in section and "Apportez votre pièce d&#39;identité" in section
    assert "message envoyé" in page and "message à envoyer à une personne" in page  # the history says it too
    login(client, "conseiller-kayes")
    mine = client.get(f"/instances/{sid}").get_data(as_text=True)
    section = mine[mine.index('id="messages"'):mine.index("Historique")]
    assert f"n° {candidates['kayes'][0]})" in section and f"n° {candidates['bamako'][0]}" not in mine


def test_a_failed_message_shows_its_error_and_next_try_on_the_page(app, client, deployed):
    sid, _candidates = _convened(deployed)
    outbox.send_pending(deployed, {"sms": HttpSmsGateway("http://127.0.0.1:9/sms", timeout=2)})
    login(client, "dcim")
    page = client.get(f"/instances/{sid}").get_data(as_text=True)
    section = page[page.index('id="messages"'):page.index("Historique")]
    assert "Échec de l'essai n° 1 : passerelle injoignable" in section and "nouvel essai à partir du" in section
    assert re.search("échec de l(&#39;|')envoi d(&#39;|')un message", page)  # in the history too


def test_a_counsellor_records_that_a_person_refuses_sms(app, client, deployed):
    _sid, candidates = _convened(deployed)
    person = candidates["bamako"][0]
    login(client, "conseiller-bamako")
    page = client.get(f"/personnes/{person}").get_data(as_text=True)
    assert "Accepte les SMS" in page
    answer = client.post(f"/personnes/{person}/sms", data={"csrf_token": csrf_token(page), "sms_refuse": "oui"})
    assert answer.status_code == 302
    page = client.get(f"/personnes/{person}").get_data(as_text=True)
    assert "Refuse les SMS" in page and "ne recevra plus de SMS" in page
    assert "la personne ne reçoit aucun message" in page  # no e-mail address either: told to reach them otherwise
    login(client, "conseiller-kayes")
    other = client.get(f"/personnes/{person}")
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert other.status_code == 404
    assert client.post(f"/personnes/{person}/sms", data={"csrf_token": token, "sms_refuse": "non"}).status_code == 404
