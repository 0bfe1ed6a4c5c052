"""A message with correlation properties reaches the file whose own values match, and only it: sent from
outside with `correlation`, or thrown by another file (its values read from the content); both end as bare
SpiffWorkflow ends given the same message."""
import io

import pytest
from conftest import DCIM, actor
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.authoring.deploy import deploy
from engine.definitions.workflows import instance_data, load_workflow
from engine.errors import Conflict
from engine.runtime import inbound, instances
from engine.store.tables import AuditEvent, Instance

ADMIN = actor("admin", "admin")
_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
         'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
         'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="definitions_{pid}" '
         'targetNamespace="http://anpe.ml/djoliba/tests">')
# The message 'desistement' correlates on the property 'candidat' (key 'cle_candidat'), read from its content.
_MESSAGE = """
  <bpmn:collaboration id="collaboration_{pid}">
    <bpmn:participant id="participant_{pid}" processRef="{pid}" />
    <bpmn:correlationKey name="cle_candidat"><bpmn:correlationPropertyRef>candidat</bpmn:correlationPropertyRef>
    </bpmn:correlationKey>
  </bpmn:collaboration>
  <bpmn:message id="message_desistement" name="desistement" />
  <bpmn:correlationProperty id="candidat" name="Candidat">
    <bpmn:correlationPropertyRetrievalExpression messageRef="message_desistement">
      <bpmn:formalExpression>numero_candidat</bpmn:formalExpression>
    </bpmn:correlationPropertyRetrievalExpression>
  </bpmn:correlationProperty>"""
_LANE = ('<bpmn:laneSet id="lanes_{pid}"><bpmn:lane id="couloir_{pid}" name="DCIM">{refs}</bpmn:lane>'
         '</bpmn:laneSet>')


def _diagram(pid, nodes, body):
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)
    return (_HEAD.format(pid=pid) + _MESSAGE.format(pid=pid)
            + f'<bpmn:process id="{pid}" isExecutable="true">' + _LANE.format(pid=pid, refs=refs) + body
            + "</bpmn:process></bpmn:definitions>").encode()


# A departure file waits for its candidate's withdrawal: its own value of 'candidat' is its data field `candidat`.
WAITING = _diagram("corr_depart", ["debut", "attendre", "clore", "fin"], """
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="attendre"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:messageEventDefinition messageRef="message_desistement"><bpmn:extensionElements>
        <spiffworkflow:messageVariable>desistement</spiffworkflow:messageVariable>
        <spiffworkflow:processVariableCorrelation><spiffworkflow:propertyId>candidat</spiffworkflow:propertyId>
          <spiffworkflow:expression>candidat</spiffworkflow:expression></spiffworkflow:processVariableCorrelation>
      </bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="clore"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>cause = desistement["motif"]</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="attendre" />
    <bpmn:sequenceFlow id="f2" sourceRef="attendre" targetRef="clore" />
    <bpmn:sequenceFlow id="f3" sourceRef="clore" targetRef="fin" />""")

# A file of another reference sends the withdrawal of the candidate it names (a send task with a payload).
SENDING = _diagram("corr_suivi", ["debut", "annoncer", "fin"], """
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sendTask id="annoncer" messageRef="message_desistement"><bpmn:extensionElements>
      <spiffworkflow:messagePayload>{"numero_candidat": qui, "motif": "emploi trouvé au Mali"}</spiffworkflow:messagePayload>
      </bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:sendTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="annoncer" />
    <bpmn:sequenceFlow id="f2" sourceRef="annoncer" targetRef="fin" />""")


# The same wait as a branch of an event-based gateway, beside a 30-day timer.
AT_GATEWAY = _diagram("corr_passerelle", ["debut", "attendre", "desiste", "delai", "clore", "fin", "fin_delai"], """
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:eventBasedGateway id="attendre"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:outgoing>f5</bpmn:outgoing></bpmn:eventBasedGateway>
    <bpmn:intermediateCatchEvent id="desiste"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:messageEventDefinition messageRef="message_desistement"><bpmn:extensionElements>
        <spiffworkflow:messageVariable>desistement</spiffworkflow:messageVariable>
        <spiffworkflow:processVariableCorrelation><spiffworkflow:propertyId>candidat</spiffworkflow:propertyId>
          <spiffworkflow:expression>candidat</spiffworkflow:expression></spiffworkflow:processVariableCorrelation>
      </bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="delai"><bpmn:incoming>f5</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P30D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="clore"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:script>cause = desistement["motif"]</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="fin_delai"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="attendre" />
    <bpmn:sequenceFlow id="f2" sourceRef="attendre" targetRef="desiste" />
    <bpmn:sequenceFlow id="f3" sourceRef="desiste" targetRef="clore" />
    <bpmn:sequenceFlow id="f4" sourceRef="clore" targetRef="fin" />
    <bpmn:sequenceFlow id="f5" sourceRef="attendre" targetRef="delai" />
    <bpmn:sequenceFlow id="f6" sourceRef="delai" targetRef="fin_delai" />""")


def _bare(bpmn, pid, data):
    parser = SpiffBpmnParser()
    parser.add_bpmn_io(io.BytesIO(bpmn), "d.bpmn")
    workflow = BpmnWorkflow(parser.get_spec(pid), parser.get_subprocess_specs(pid))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    workflow.do_engine_steps()
    return workflow


def _outcome(workflow):
    done = sorted({t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id})
    data = {k: v for k, v in instance_data(workflow).items() if k in ("candidat", "desistement", "cause")}
    return done, data, workflow.is_completed()


def _djoliba(uow, instance_id):
    with uow:
        instance = uow.session.get(Instance, instance_id)
        return _outcome(load_workflow(instance.version, instance.state))


def _two_departures(uow):
    deploy(uow, {"depart.bpmn": WAITING, "suivi.bpmn": SENDING}, "test")
    first = instances.start_instance(uow, DCIM, "corr_depart", "DEP-1", {"candidat": "P-7"})
    second = instances.start_instance(uow, DCIM, "corr_depart", "DEP-2", {"candidat": "P-9"})
    assert first["status"] == second["status"] == "waiting"
    return first, second


def _same_as_bare(uow, file, candidat, payload):
    """The file ends as bare SpiffWorkflow's, waiting for `candidat`, ends when handed `payload` (None: nothing)."""
    bare = _bare(WAITING, "corr_depart", {"candidat": candidat})
    if payload is not None:
        [waiting] = bare.get_tasks(state=TaskState.WAITING, spec_name="attendre")
        definition = waiting.task_spec.event_definition
        correlations = definition.calculate_correlations(bare.script_engine, definition.correlation_properties,
                                                         payload)
        bare.catch(BpmnEvent(definition, payload, correlations))
        bare.do_engine_steps()
    assert _djoliba(uow, file["id"]) == _outcome(bare)


def test_a_message_sent_with_correlation_values_reaches_only_the_file_they_match(uow):
    first, second = _two_departures(uow)
    payload = {"numero_candidat": "P-9", "motif": "raisons familiales"}
    answer = inbound.send_message(uow, ADMIN, "desistement", correlation={"candidat": "P-9"}, payload=payload)
    assert answer == {"delivered_to": [second["id"]], "started": []}
    assert instances.get_instance(uow, DCIM, second["id"])["status"] == "completed"
    assert instances.get_instance(uow, DCIM, first["id"])["status"] == "waiting"
    _same_as_bare(uow, second, "P-9", payload)
    _same_as_bare(uow, first, "P-7", None)

    with pytest.raises(Conflict) as refused:  # nobody waits for that candidate: kept and recorded
        inbound.send_message(uow, ADMIN, "desistement", correlation={"candidat": "P-404"}, payload=payload)
    assert refused.value.params["reason"] == "nobody_waits"
    with uow:
        [unmatched] = uow.session.scalars(select(AuditEvent).where(AuditEvent.kind == "message_unmatched")).all()
        assert unmatched.details["correlation"] == {"candidat": "P-404"}


def test_a_message_thrown_by_a_file_correlates_on_its_content(uow):
    first, second = _two_departures(uow)
    sender = instances.start_instance(uow, DCIM, "corr_suivi", "SUIVI-1", {"qui": "P-7"})
    assert sender["status"] == "completed"
    assert instances.get_instance(uow, DCIM, first["id"])["status"] == "completed"
    assert instances.get_instance(uow, DCIM, second["id"])["status"] == "waiting"
    [event] = _bare(SENDING, "corr_suivi", {"qui": "P-7"}).get_events()
    assert event.correlations == {"cle_candidat": {"candidat": "P-7"}}
    _same_as_bare(uow, first, "P-7", event.payload)
    _same_as_bare(uow, second, "P-9", None)
    with uow:
        [received] = uow.session.scalars(select(AuditEvent).where(AuditEvent.kind == "message_received",
                                                                  AuditEvent.instance_id == first["id"])).all()
        assert received.details["sender_id"] == sender["id"]


def test_a_file_waiting_at_an_event_based_gateway_is_found_by_its_correlation_values(uow):
    # SpiffWorkflow reads a branch's processVariableCorrelation for no one: the engine does, when it notes the wait.
    deploy(uow, {"passerelle.bpmn": AT_GATEWAY}, "test")
    first = instances.start_instance(uow, DCIM, "corr_passerelle", "DEP-1", {"candidat": "P-7"})
    second = instances.start_instance(uow, DCIM, "corr_passerelle", "DEP-2", {"candidat": "P-9"})
    answer = inbound.send_message(uow, ADMIN, "desistement", correlation={"candidat": "P-7"},
                                  payload={"numero_candidat": "P-7", "motif": "malade"})
    assert answer["delivered_to"] == [first["id"]]
    done = instances.get_instance(uow, DCIM, first["id"])
    assert (done["status"], done["data"]["cause"]) == ("completed", "malade")
    assert instances.get_instance(uow, DCIM, second["id"])["status"] == "waiting"
