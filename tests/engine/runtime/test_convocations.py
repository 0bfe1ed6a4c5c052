"""Convocations and news reach candidates and employers by SMS and e-mail through the outbox: queued by the step,
sent by the scheduler through an HTTP SMS gateway (a local server started here) and the simulation, retried
after a failure, written in the file's history, and never in the way of the step."""
import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import selection_finale_data as data
from conftest import BAMAKO, DCIM, KAYES
from offer_flow import complete, history
from preselection_flow import selection_of
from sqlalchemy import select, update

from engine.accounts import outbox
from engine.accounts.gateways import HttpSmsGateway, SimulatedGateway, from_settings
from engine.errors import Hidden
from engine.people import notices
from engine.store.tables import AuditEvent, OutboxMessage, Person, utcnow


class SmsGateway:
    """A local HTTP SMS gateway: records each request; answers `status` (500 while it is "down")."""

    def __init__(self):
        self.received, self.status = [], 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append({"body": json.loads(body), "auth": self.headers.get("Authorization")})
                self.send_response(gateway.status)
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_gateway():
    gateway = SmsGateway()
    yield gateway
    gateway.close()


def _reachable(uow, persons):
    """Give the persons a telephone number and an e-mail address (the test candidates have none)."""
    with uow:
        for n, person in enumerate(persons):
            uow.session.execute(update(Person).where(Person.id == person).values(
                phone=f"+2237600{person:04d}", email=f"candidat{n}@example.ml"))
        uow.commit()


def _meeting(uow, key, day):
    offer, _pre, selection, candidates = selection_of(uow, key, {"bamako": 2, "kayes": 1}, posts=2)
    met = candidates["bamako"] + candidates["kayes"]
    _reachable(uow, met)
    planned = complete(uow, DCIM, selection["id"], "planifier_rencontre",
                       data.planifier_rencontre(met, date=day.isoformat(), modalite="presentiel"))
    return selection["id"], candidates, planned


def _rows(uow, **where):
    with uow:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return [outbox.message_dict(m) for m in uow.session.scalars(query)]


def test_the_meeting_convenes_each_candidate_by_sms_and_e_mail_in_french_with_date_place_and_what_to_bring(
        deployed, sms_gateway):
    day = date.today() + timedelta(days=10)
    sid, candidates, planned = _meeting(deployed, "OFF-2026-0301", day)
    assert planned["status"] == "running"
    now = [m for m in _rows(deployed, kind="convocation_rencontre")]
    persons = sorted(candidates["bamako"] + candidates["kayes"])
    assert sorted((m["person_id"], m["channel"]) for m in now) == sorted(
        (p, c) for p in persons for c in ("sms", "email"))
    sms = next(m for m in now if m["channel"] == "sms")
    assert sms["recipient"].startswith("+223")
    words = f"{day.day} " + ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                             "octobre", "novembre", "décembre"][day.month - 1] + f" {day.year}"
    assert words in sms["body"] and "Salle de conférence de l'ANPE, Bamako" in sms["body"]
    assert "Apportez votre pièce d'identité, votre CV à jour" in sms["body"]
    e_mail = next(m for m in now if m["channel"] == "email")
    assert "À apporter : votre pièce d'identité" in e_mail["body"] and "gratuits" in e_mail["body"]
    # And a reminder the day before, at 08:00 UTC (Bamako's time).
    reminders = _rows(deployed, kind="rappel_convocation_rencontre")
    assert len(reminders) == 2 * len(persons)
    assert {m["not_before"].isoformat() for m in reminders} == {f"{day - timedelta(days=1)}T08:00:00+00:00"}
    assert "demain" in reminders[0]["body"]
    notified = [e for e in history(deployed, sid) if e["kind"] == "person_notified"]
    assert sorted(e["details"]["person_id"] for e in notified if e["details"]["notification"] ==
                  "convocation_rencontre") == persons

    gateways = {"sms": HttpSmsGateway(sms_gateway.url, sender="ANPE Mali", username="anpe", password="secret"),
                "email": SimulatedGateway()}
    assert outbox.send_pending(deployed, gateways) == 2 * len(persons)  # the reminders wait for their day
    assert sorted(r["body"]["to"] for r in sms_gateway.received) == sorted(f"+2237600{p:04d}" for p in persons)
    assert {r["body"]["from"] for r in sms_gateway.received} == {"ANPE Mali"}
    assert {r["auth"] for r in sms_gateway.received} == {"Basic YW5wZTpzZWNyZXQ="}
    assert "vous rencontrer" in sms_gateway.received[0]["body"]["text"]
    sent = [e for e in history(deployed, sid) if e["kind"] == "notification_sent"]
    assert sorted(e["details"]["delivered_by"] for e in sent) == ["http"] * len(persons) + ["simulation"] * len(persons)
    # The day before, the reminders go.
    assert outbox.send_pending(deployed, gateways, now=utcnow() + timedelta(days=10)) == 2 * len(persons)


def test_the_step_completes_while_the_gateway_is_down_and_the_message_is_retried_until_it_goes(deployed, sms_gateway):
    sms_gateway.status = 503
    sid, candidates, planned = _meeting(deployed, "OFF-2026-0302", date.today() + timedelta(days=3))
    assert [t["name"] for t in planned["tasks"]] == ["convoquer_candidats", "convoquer_candidats"]
    gateways = {"sms": HttpSmsGateway(sms_gateway.url)}
    assert outbox.send_pending(deployed, gateways) == 0
    failed = _rows(deployed, channel="sms", kind="convocation_rencontre")
    assert {(m["attempts"], m["sent_at"]) for m in failed} == {(1, None)}
    assert {m["last_error"] for m in failed} == {"HTTP 503 Service Unavailable"}
    assert all(m["not_before"] > utcnow() for m in failed)  # tried again later, not at once
    assert outbox.send_pending(deployed, gateways) == 0 and len(sms_gateway.received) == 3
    failures = [e for e in history(deployed, sid) if e["kind"] == "notification_failed"]
    assert len(failures) == 3 and failures[0]["details"]["error"] == "HTTP 503 Service Unavailable"

    sms_gateway.status = 200
    assert outbox.send_pending(deployed, gateways, now=utcnow() + timedelta(minutes=2)) == 3
    assert {(m["attempts"], m["delivered_by"]) for m in _rows(deployed, channel="sms", kind="convocation_rencontre")} \
        == {(2, "http")}
    # Nobody answering at all is a failure too, kept and retried.
    nobody = {"sms": HttpSmsGateway("http://127.0.0.1:9/sms", timeout=2)}
    with deployed:
        outbox.queue(deployed.session, "+22376000000", "Essai", "Essai", channel="sms")
        deployed.session.commit()
    assert outbox.send_pending(deployed, nobody) == 0
    assert _rows(deployed, recipient="+22376000000")[0]["last_error"].startswith("passerelle injoignable")


def test_a_person_who_refuses_sms_gets_the_e_mail_only_and_the_refusal_is_audited(deployed):
    offer, _pre, selection, candidates = selection_of(deployed, "OFF-2026-0303", {"bamako": 1, "kayes": 1}, posts=1)
    [bamako], [kayes] = candidates["bamako"], candidates["kayes"]
    _reachable(deployed, [bamako, kayes])
    with pytest.raises(Hidden):  # another region's person is not Kayes' to change
        notices.set_sms_refused(deployed, KAYES, bamako, True)
    assert notices.set_sms_refused(deployed, BAMAKO, bamako, True) is True
    notices.set_sms_refused(deployed, BAMAKO, bamako, True)  # no change, no second event
    with deployed:
        changed = list(deployed.session.scalars(select(AuditEvent).where(AuditEvent.kind == "sms_preference_changed")))
        assert [(e.actor, e.details["person_id"], e.details["sms_refused"]) for e in changed] == \
            [("conseiller-bamako", bamako, True)]
    complete(deployed, DCIM, selection["id"], "planifier_rencontre",
             data.planifier_rencontre([bamako, kayes], date=(date.today() + timedelta(days=5)).isoformat()))
    queued = _rows(deployed, kind="convocation_rencontre")
    assert sorted((m["person_id"], m["channel"]) for m in queued) == sorted(
        [(bamako, "email"), (kayes, "sms"), (kayes, "email")])


def test_a_person_without_telephone_nor_e_mail_is_named_in_the_history_as_not_reached(deployed):
    offer, _pre, selection, candidates = selection_of(deployed, "OFF-2026-0304", {"bamako": 1}, posts=1)
    [person] = candidates["bamako"]
    complete(deployed, DCIM, selection["id"], "planifier_rencontre",
             data.planifier_rencontre([person], date=(date.today() + timedelta(days=5)).isoformat()))
    assert _rows(deployed, person_id=person) == []
    [missed] = [e for e in history(deployed, selection["id"]) if e["kind"] == "person_not_notified"
                and e["details"]["notification"] == "convocation_rencontre"]
    assert (missed["details"]["person_id"], missed["details"]["reason"]) == (person, "no_contact")


def test_the_employers_choice_tells_each_candidate_presented_whether_they_are_retained(deployed):
    day = date.today() + timedelta(days=4)
    sid, candidates, _planned = _meeting(deployed, "OFF-2026-0305", day)
    [b1, b2], [k1] = candidates["bamako"], candidates["kayes"]
    complete(deployed, BAMAKO, sid, "convoquer_candidats", data.convoquer([b1, b2]))
    complete(deployed, KAYES, sid, "convoquer_candidats", data.convoquer([k1]))
    complete(deployed, DCIM, sid, "enregistrer_selection",
             data.enregistrer_selection([b1], presents=[b1, b2, k1], attente=[k1], date=day.isoformat()))
    told = {(m["person_id"], m["kind"]) for m in _rows(deployed, channel="sms") if m["kind"].startswith("selection")}
    assert told == {(b1, "selection_retenu"), (k1, "selection_liste_attente"), (b2, "selection_non_retenu")}
    [retained] = [m for m in _rows(deployed, channel="sms", person_id=b1) if m["kind"] == "selection_retenu"]
    assert "vous a retenu(e)" in retained["body"]


def test_gateways_come_from_the_settings():
    assert from_settings({}) == {}
    both = from_settings({"DJOLIBA_SMS_URL": "http://sms.example/send", "DJOLIBA_SMS_TOKEN": "t0k",
                          "DJOLIBA_NOTIFY_SIMULATE": "1"})
    assert (both["sms"].name, both["sms"].headers["Authorization"], both["email"].name) == \
        ("http", "Bearer t0k", "simulation")
    assert from_settings({"DJOLIBA_SMTP_HOST": "mail.anpe.ml"})["email"].name == "smtp"


def test_the_employer_of_an_offer_deposited_on_the_portal_is_told_the_list_was_sent_and_the_meetings_date(deployed):
    import mise_en_relation_data
    from preselection_flow import presentation_of, the_child

    from engine.people import employers_portal as portal
    from engine.store.tables import OfferDeposit
    offer, _pre, presentation, candidates = presentation_of(deployed, "OFF-WEB-2026-0009", {"kayes": 1})
    portal.register_employer(deployed, "Frutas del Condado S.L.", "ES", "María López", "rrhh@frutas.es",
                             "fraises-de-huelva-2026", "fraises-de-huelva-2026")
    import re
    code = re.search(r"\b(\d{6})\b", outbox.messages(deployed)[0]["body"]).group(1)
    employer = portal.verify_email(deployed, "rrhh@frutas.es", code)
    with deployed:  # as if the offer had come from the portal
        deployed.session.add(OfferDeposit(reference=offer["business_key"], employer_id=employer.id,
                                          instance_id=offer["id"], title="Cueillette"))
        deployed.session.commit()
    complete(deployed, DCIM, presentation["id"], "verifier_dossiers", mise_en_relation_data.dossiers_complets())
    complete(deployed, DCIM, presentation["id"], "envoyer_liste_employeur", mise_en_relation_data.envoyer_liste())
    selection = the_child(deployed, presentation["id"], "selection_finale")
    complete(deployed, DCIM, selection["id"], "planifier_rencontre",
             data.planifier_rencontre(candidates["kayes"], date=(date.today() + timedelta(days=8)).isoformat()))
    to_employer = {m["kind"]: m["body"] for m in _rows(deployed, recipient="rrhh@frutas.es") if m["kind"]}
    assert set(to_employer) == {"liste_envoyee", "convocation_rencontre"}
    assert "référence ANPE/DCIM/2025/117" in to_employer["liste_envoyee"]
    assert "La rencontre avec 1 candidat(s)" in to_employer["convocation_rencontre"] and \
        "The meeting with 1 candidate(s)" in to_employer["convocation_rencontre"]


def test_the_scheduler_and_the_outbox_command_send_sms_through_the_configured_gateways(uow, database_url,
                                                                                        monkeypatch, capsys):
    from engine.runtime import scheduler
    from web import cli
    with uow:
        outbox.queue(uow.session, "+22376000001", "Convocation", "ANPE Mali : essai", channel="sms")
        outbox.queue(uow.session, "+22376000002", "Convocation", "ANPE Mali : essai 2", channel="sms")
        uow.session.commit()
    assert scheduler.build(database_url, poll_seconds=30).get_job("outbox") is None  # no gateway: they wait
    assert scheduler.build(database_url, poll_seconds=30, gateways={"sms": SimulatedGateway()}).get_job("outbox")
    scheduler.send_outbox(database_url)
    assert [m["delivered_by"] for m in _rows(uow)] == ["simulation", "simulation"]
    with uow:
        outbox.queue(uow.session, "+22376000003", "Convocation", "ANPE Mali : essai 3", channel="sms")
        uow.session.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("DJOLIBA_SMTP_HOST", "DJOLIBA_SMS_URL", "DJOLIBA_NOTIFY_SIMULATE"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["outbox", "--send"]) == 1  # nothing configured: said, nothing sent
    assert cli.main(["outbox"]) == 0
    assert "SMS" in capsys.readouterr().out
    monkeypatch.setenv("DJOLIBA_NOTIFY_SIMULATE", "1")
    assert cli.main(["outbox", "--send"]) == 0
    assert cli.main(["outbox", "--all"]) == 0
    printed = capsys.readouterr().out
    assert "1 envoyé(s)" in printed and printed.count("simulé, rien n'est parti") == 3


def test_a_candidature_registered_by_the_directorate_is_told_to_the_candidate_with_the_closing_date(deployed):
    import preselection_data
    from preselection_flow import preselection_of, register_candidates
    persons = register_candidates(deployed, "kayes", 2)
    _reachable(deployed, persons)
    _offer, preselection = preselection_of(deployed, "OFF-2026-0310", "kayes")
    complete(deployed, KAYES, preselection["id"], "recueillir_candidatures",
             preselection_data.recueillir(persons, cloture="2026-12-20"))
    sms = _rows(deployed, channel="sms", kind="candidature_enregistree")
    assert sorted(m["person_id"] for m in sms) == sorted(persons)
    assert "est enregistrée" in sms[0]["body"] and "dimanche 20 décembre 2026" in sms[0]["body"]
