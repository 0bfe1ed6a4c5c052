"""POST /api/v1/messages and /signals: delivered, unmatched (409, recorded), refused; concurrent deliveries."""
import threading

import pytest
from conftest import DCIM, actor
from sqlalchemy import select

from engine.accounts import create_token
from engine.authoring.deploy import deploy
from engine.errors import Conflict
from engine.runtime import inbound, instances
from engine.store.tables import AuditEvent, UnmatchedMessage
from engine.store.uow import UnitOfWork
from web.store import uow as web_uow
from tests.engine import event_diagrams as diagrams
from tests.engine.timer_diagrams import FORM, FORM_SCHEMA


@pytest.fixture
def waiting(deployed):
    """A file of the intermediate-catch diagram, waiting on 'reponse_visa' for DOS-1."""
    deploy(deployed, {"d.bpmn": diagrams.intermediate_catch(), FORM: FORM_SCHEMA}, "test")
    return instances.start_instance(deployed, DCIM, "evt_attente", "DOS-1")


@pytest.fixture
def api(app, client):
    tokens = {}

    def post(path, user, body):
        if user not in tokens:
            with app.app_context():
                tokens[user] = create_token(web_uow(), user)
        return client.post("/api/v1" + path, json=body, headers={"Authorization": f"Bearer {tokens[user]}",
                                                                 "Accept-Language": "fr"})
    return post


def test_a_message_moves_the_waiting_file_on(api, waiting, deployed):
    answer = api("/messages", "dcim", {"name": "reponse_visa", "business_key": "DOS-1",
                                       "payload": {"decision": "accorde"}})
    assert answer.status_code == 200
    assert answer.get_json() == {"delivered_to": [waiting["id"]], "started": []}
    now = instances.get_instance(deployed, DCIM, waiting["id"])
    assert now["status"] == "completed" and now["data"]["visa"] == "accorde"


def test_unmatched_unknown_bad_and_forbidden(api, waiting, deployed):
    nobody = api("/messages", "dcim", {"name": "reponse_visa", "business_key": "DOS-9", "payload": {}})
    assert nobody.status_code == 409 and "Aucun dossier n'attend ce message" in nobody.get_json()["message"]
    with deployed:
        assert [m.business_key for m in deployed.session.scalars(select(UnmatchedMessage))] == ["DOS-9"]
        assert deployed.session.scalars(select(AuditEvent.kind).where(AuditEvent.kind == "message_unmatched")).all()
    unknown = api("/messages", "dcim", {"name": "inconnu", "business_key": "DOS-1"})
    assert unknown.status_code == 404 and "Aucune procédure" in unknown.get_json()["message"]
    bad = api("/messages", "dcim", {"name": "reponse_visa", "business_key": "DOS-1", "payload": "texte"})
    assert bad.status_code == 422 and "payload" in bad.get_json()["fields"]
    refused = api("/messages", "conseiller-bamako", {"name": "reponse_visa", "business_key": "DOS-1"})
    assert refused.status_code == 403 and "autorisé" in refused.get_json()["message"]
    assert instances.get_instance(deployed, DCIM, waiting["id"])["status"] == "waiting"


def test_a_signal_from_outside(api, deployed):
    deploy(deployed, {"s.bpmn": diagrams.signal_start()}, "test")
    answer = api("/signals", "admin", {"name": "alerte_frontiere", "payload": {"poste": "Kidira"}})
    assert answer.status_code == 200 and len(answer.get_json()["started"]) == 1


def test_concurrent_deliveries_of_one_message_move_the_file_once(waiting, session_factory, deployed):
    outcomes = []
    start = threading.Barrier(2)

    def send():
        start.wait()
        try:
            outcomes.append(inbound.send_message(UnitOfWork(session_factory), actor("admin", "admin"), "reponse_visa",
                                                 business_key="DOS-1", payload={"decision": "accorde"}))
        except Conflict as err:
            outcomes.append(err.params["reason"])
    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) == sorted(map(str, [{"delivered_to": [waiting["id"]], "started": []},
                                                          "nobody_waits"]))
    with deployed:
        received = deployed.session.scalars(select(AuditEvent).where(AuditEvent.kind == "message_received",
                                                                    AuditEvent.instance_id == waiting["id"])).all()
        assert len(received) == 1
        completed = deployed.session.scalars(select(AuditEvent).where(AuditEvent.kind == "instance_completed",
                                                                     AuditEvent.instance_id == waiting["id"])).all()
        assert len(completed) == 1
