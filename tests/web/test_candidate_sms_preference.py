"""A candidate refuses SMS from their portal space (and accepts them again): the registry's field, audited as them;
a convocation then reaches them by e-mail only."""
from conftest import csrf_token
from sqlalchemy import select
from test_candidate_portal_pages import _registered_and_signed_in

from engine.store.tables import AuditEvent
from web.store import uow as web_uow


def test_a_candidate_refuses_sms_from_their_space_and_accepts_them_again(app, deployed, client):
    _registered_and_signed_in(app, client, "fanta@example.ml")
    space = client.get("/portail/candidats/espace").get_data(as_text=True)
    assert "Vous recevez vos convocations, résultats et rappels par SMS" in space
    answer = client.post("/portail/candidats/sms", data={"csrf_token": csrf_token(space), "sms_refuse": "oui"})
    assert answer.headers["Location"].endswith("/portail/candidats/espace#sms")
    space = client.get("/portail/candidats/espace").get_data(as_text=True)
    assert "Vous ne recevez pas de SMS" in space and "Vous ne recevrez plus de SMS" in space
    client.post("/portail/candidats/sms", data={"csrf_token": csrf_token(space), "sms_refuse": "non"})
    assert "Vous recevez vos convocations" in client.get("/portail/candidats/espace").get_data(as_text=True)
    with app.app_context(), web_uow() as work:
        changes = work.session.execute(select(AuditEvent.actor, AuditEvent.details).where(
            AuditEvent.kind == "sms_preference_changed").order_by(AuditEvent.seq)).all()
    assert [details["sms_refused"] for _actor, details in changes] == [True, False]
    assert all(actor.startswith("candidat") for actor, _details in changes)
    assert client.post("/portail/candidats/sms", data={"sms_refuse": "oui"}).status_code == 400  # no CSRF token
