"""Messages and signals reach running files; each construct ends as bare SpiffWorkflow ends given the same events."""
from datetime import timedelta

import event_diagrams as diagrams
import pytest
from conftest import DCIM, actor
from offer_flow import history, kinds
from side_by_side import bare_complete, bare_send, bare_wait, bare_workflow, djoliba_outcome, outcome, process_id
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from timer_diagrams import FORM, FORM_SCHEMA

from engine.authoring.deploy import deploy
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.runtime import inbound, instances, tasks
from engine.runtime.timers import fire_due_timers
from engine.store.tables import (
    AuditEvent,
    EventWait,
    Instance,
    Timer,
    UnmatchedMessage,
    utcnow,
)

ADMIN = actor("admin", "admin")


def _deploy(uow, *bpmns):
    files = {f"d{n}.bpmn": bpmn for n, bpmn in enumerate(bpmns)}
    deploy(uow, {**files, FORM: FORM_SCHEMA}, "test")


def _open(uow, bpmn, key="DOS-1"):
    _deploy(uow, bpmn)
    return instances.start_instance(uow, DCIM, process_id(bpmn), key)


def _bare(bpmn, key="DOS-1"):
    """The diagram run by bare SpiffWorkflow, in memory, up to its first wait."""
    return bare_workflow({"d.bpmn": bpmn}, process_id(bpmn), key=key)


# --- one construct at a time --------------------------------------------------------------------------------------

def test_intermediate_catch_moves_on_with_the_payload(uow):
    opened = _open(uow, diagrams.intermediate_catch())
    assert opened["status"] == "waiting"
    with uow:
        assert [(w.kind, w.name, w.element_id) for w in uow.session.scalars(select(EventWait))] == \
            [("message", "reponse_visa", "attendre_reponse")]

    answer = inbound.send_message(uow, DCIM, "reponse_visa", business_key="DOS-1",
                                     payload={"decision": "accorde"})
    assert answer == {"delivered_to": [opened["id"]], "started": []}

    bare = _bare(diagrams.intermediate_catch())
    bare_send(bare, "reponse_visa", {"decision": "accorde"})
    assert djoliba_outcome(uow, opened["id"]) == outcome(bare)
    assert outcome(bare).data["visa"] == "accorde" and outcome(bare).finished
    events = history(uow, opened["id"])
    [received] = [e for e in events if e["kind"] == "message_received"]
    assert (received["actor"], received["element_id"], received["details"]["name"],
            received["details"]["payload"]) == ("dcim", "attendre_reponse", "reponse_visa", {"decision": "accorde"})
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(EventWait)) == 0


def test_a_message_to_another_key_reaches_nobody_and_is_kept(uow):
    opened = _open(uow, diagrams.intermediate_catch())
    with pytest.raises(Conflict) as refused:
        inbound.send_message(uow, DCIM, "reponse_visa", business_key="DOS-2", payload={"decision": "refuse"})
    assert refused.value.params["reason"] == "nobody_waits"
    with uow:
        [kept] = uow.session.scalars(select(UnmatchedMessage)).all()
        assert (kept.name, kept.business_key, kept.payload, kept.sender) == \
            ("reponse_visa", "DOS-2", {"decision": "refuse"}, "dcim")
    assert instances.get_instance(uow, DCIM, opened["id"])["status"] == "waiting"
    with uow:
        [event] = uow.session.scalars(select(AuditEvent).where(AuditEvent.kind == "message_unmatched")).all()
        assert (event.actor, event.details["name"], event.details["business_key"]) == \
            ("dcim", "reponse_visa", "DOS-2")


def test_unknown_names_bad_bodies_and_senders_are_refused(uow):
    _open(uow, diagrams.intermediate_catch())
    with pytest.raises(NotFound):
        inbound.send_message(uow, DCIM, "inconnu", business_key="DOS-1")
    with pytest.raises(ValidationFailed):
        inbound.send_message(uow, DCIM, "reponse_visa")  # neither a key nor a correlation
    with pytest.raises(ValidationFailed):
        inbound.send_message(uow, DCIM, "reponse_visa", business_key="DOS-1", payload=[1])
    with pytest.raises(Forbidden):  # allowedSenders names dcim only; admin always may
        inbound.send_message(uow, actor("conseiller-bamako", "conseiller", region="bamako"), "reponse_visa",
                                business_key="DOS-1", payload={"decision": "x"})
    assert inbound.send_message(uow, ADMIN, "reponse_visa", business_key="DOS-1",
                                   payload={"decision": "x"})["delivered_to"]


def test_receive_task(uow):
    opened = _open(uow, diagrams.receive_task())
    inbound.send_message(uow, ADMIN, "piece_recue", business_key="DOS-1", payload={"passeport": True})
    bare = _bare(diagrams.receive_task())
    bare_send(bare, "piece_recue", {"passeport": True})
    assert djoliba_outcome(uow, opened["id"]) == outcome(bare)
    assert outcome(bare).data["piece"] == {"passeport": True}


@pytest.mark.parametrize("interrupting", [True, False])
def test_message_boundary_event(uow, interrupting):
    opened = _open(uow, diagrams.boundary(interrupting))
    inbound.send_message(uow, ADMIN, "retrait_offre", business_key="DOS-1", payload={"raison": "poste pourvu"})
    bare = _bare(diagrams.boundary(interrupting))
    bare_send(bare, "retrait_offre", {"raison": "poste pourvu"})
    now = instances.get_instance(uow, DCIM, opened["id"])
    if interrupting:
        assert now["status"] == "completed" and now["tasks"] == []
    else:  # the task is still there; completing it ends the file
        [task] = now["tasks"]
        tasks.complete_task(uow, DCIM, task["id"], {"note": "vu"})
        bare_complete(bare, "traiter", {"note": "vu"})
    assert djoliba_outcome(uow, opened["id"]) == outcome(bare)
    assert outcome(bare).data["retire"] is True and outcome(bare).finished


def test_event_gateway_takes_the_message_branch(uow):
    opened = _open(uow, diagrams.event_gateway())
    with uow:
        assert [(t.element_id, t.status) for t in uow.session.scalars(select(Timer).where(Timer.kind == "bpmn"))] \
            == [("attendre", "pending")]
    inbound.send_message(uow, ADMIN, "reponse_employeur", business_key="DOS-1", payload={"ok": 1})
    bare = _bare(diagrams.event_gateway())
    bare_send(bare, "reponse_employeur", {"ok": 1})
    assert djoliba_outcome(uow, opened["id"]) == outcome(bare)
    assert "fin_reponse" in outcome(bare).path
    with uow:  # the timer branch is no longer waited on
        assert [t.status for t in uow.session.scalars(select(Timer).where(Timer.kind == "bpmn"))] == ["cancelled"]


def test_event_gateway_leaves_on_its_timer_once(uow):
    opened = _open(uow, diagrams.event_gateway("P7D"))
    assert fire_due_timers(uow, utcnow() + timedelta(days=6)) == []
    later = utcnow() + timedelta(days=7, minutes=1)
    assert [outcome for _id, outcome in fire_due_timers(uow, later)] == ["fired"]
    assert fire_due_timers(uow, later) == []  # fired once
    done = instances.get_instance(uow, DCIM, opened["id"], with_history=True)
    assert done["status"] == "completed" and done["data"]["relance"] is True
    assert ("timer_fired", "attendre") in kinds(done["history"])
    bare = _bare(diagrams.event_gateway("P7D"))
    bare_wait(bare, timedelta(days=7, minutes=1))
    assert djoliba_outcome(uow, opened["id"]) == outcome(bare)
    with uow:  # and the message it no longer waits on reaches nobody
        assert uow.session.scalar(select(func.count()).select_from(EventWait)) == 0


def test_signal_opens_the_procedures_listening_to_it(uow):
    _deploy(uow, diagrams.signal_start())
    answer = inbound.send_signal(uow, ADMIN, "alerte_frontiere", payload={"poste": "Kidira"})
    [started] = answer["started"]
    assert answer["delivered_to"] == []
    opened = instances.get_instance(uow, ADMIN, started, with_history=True)
    assert opened["status"] == "completed" and opened["data"]["alerte"] is True
    assert [e["kind"] for e in opened["history"]][:2] == ["instance_started", "signal_received"]


def test_signal_thrown_by_one_file_reaches_every_file_waiting_on_it(uow):
    _deploy(uow, diagrams.signal_catcher(), diagrams.signal_thrower())
    first = instances.start_instance(uow, DCIM, "evt_ecoute", "A-1")
    second = instances.start_instance(uow, DCIM, "evt_ecoute", "B-2")  # another key: a signal is for everyone
    thrower = instances.start_instance(uow, DCIM, "evt_annonce", "C-3")
    assert thrower["status"] == "completed"
    bare_thrower = _bare(diagrams.signal_thrower(), "C-3")
    [event] = bare_thrower.get_events()
    for file, key in ((first, "A-1"), (second, "B-2")):
        bare = _bare(diagrams.signal_catcher(), key)
        bare.send_event(event)
        bare.do_engine_steps()
        assert djoliba_outcome(uow, file["id"]) == outcome(bare)
        [received] = [e for e in history(uow, file["id"]) if e["kind"] == "signal_received"]
        assert received["details"]["sender_id"] == thrower["id"]
    assert djoliba_outcome(uow, thrower["id"]) == outcome(bare_thrower)


@pytest.mark.parametrize("send_task", [True, False])
def test_send_task_and_message_end_open_the_procedure_whose_start_listens(uow, send_task):
    _deploy(uow, diagrams.message_started(), diagrams.sender(send_task))
    with pytest.raises(Forbidden):  # opened only by the message
        instances.start_instance(uow, DCIM, "evt_suite", "X-1")
    sent = instances.start_instance(uow, DCIM, process_id(diagrams.sender(send_task)), "ENV-1")
    with uow:
        [opened] = uow.session.scalars(select(Instance).where(Instance.process_key == "evt_suite")).all()
        assert (opened.business_key, opened.parent_id, opened.status) == ("ENV-1", sent["id"], "completed")
        opened_id = opened.id
    bare_sender = _bare(diagrams.sender(send_task), "ENV-1")
    [event] = bare_sender.get_events()
    bare = _bare(diagrams.message_started(), "ENV-1")
    [start] = [t for t in bare.get_tasks(state=TaskState.WAITING)]
    bare.catch(BpmnEvent(start.task_spec.event_definition, event.payload))
    bare.do_engine_steps()
    assert djoliba_outcome(uow, opened_id) == outcome(bare)
    assert outcome(bare).data["montant"] == (5 if send_task else 7)
    assert djoliba_outcome(uow, sent["id"]) == outcome(bare_sender)


def test_a_message_can_open_a_message_started_procedure_from_outside(uow):
    _deploy(uow, diagrams.message_started())
    answer = inbound.send_message(uow, ADMIN, "dossier_transmis", business_key="EXT-1", payload={"montant": 3})
    [started] = answer["started"]
    assert instances.get_instance(uow, ADMIN, started)["data"]["montant"] == 3
