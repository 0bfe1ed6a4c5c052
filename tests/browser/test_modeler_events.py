"""The modeler's side panel names a message, its correlation, who may send it and a timer on an event-based
gateway's branch, in a real headless Chromium; the check then passes, the draft deploys, and the deployed file
waits on both."""
from datetime import timedelta

from conftest import DCIM, actor

from engine.authoring import drafts
from engine.runtime import inbound, instances
from engine.runtime.timers import fire_due_timers
from engine.store.tables import utcnow
from tests.browser.test_modeler import BLOCKED, chromium, logged_in, select, server, set_field  # noqa: F401
from web.store import uow

KEY = "relance_employeur"
OWNER = actor("proprietaire", "proprietaire")
_SHAPES = {"debut": (200, 142, 36, 36), "attendre": (290, 135, 50, 50), "reponse": (400, 92, 36, 36),
           "delai": (400, 192, 36, 36), "fin_reponse": (520, 92, 36, 36), "fin_relance": (520, 192, 36, 36)}
_FLOWS = {"f1": ("debut", "attendre"), "f2": ("attendre", "reponse"), "f3": ("attendre", "delai"),
          "f4": ("reponse", "fin_reponse"), "f5": ("delai", "fin_relance")}


def _drawn():
    shapes = "".join(f'<bpmndi:BPMNShape id="{e}_di" bpmnElement="{e}"><dc:Bounds x="{x}" y="{y}" width="{w}" '
                     f'height="{h}" /></bpmndi:BPMNShape>' for e, (x, y, w, h) in _SHAPES.items())
    edges = ""
    for flow, (source, target) in _FLOWS.items():
        (x1, y1, w1, h1), (x2, y2, _w2, h2) = _SHAPES[source], _SHAPES[target]
        edges += (f'<bpmndi:BPMNEdge id="{flow}_di" bpmnElement="{flow}"><di:waypoint x="{x1 + w1}" '
                  f'y="{y1 + h1 // 2}" /><di:waypoint x="{x2}" y="{y2 + h2 // 2}" /></bpmndi:BPMNEdge>')
    return shapes + edges


# As bpmn-js draws it before the panel is used: a message event naming no message, a timer with no delay.
DIAGRAM = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="definitions_{KEY}" targetNamespace="http://anpe.ml/tests">
  <bpmn:collaboration id="collaboration_{KEY}"><bpmn:participant id="participant_{KEY}" processRef="{KEY}" />
  </bpmn:collaboration>
  <bpmn:process id="{KEY}" name="Relance de l'employeur" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane_dcim" name="DCIM">
      {"".join(f"<bpmn:flowNodeRef>{e}</bpmn:flowNodeRef>" for e in _SHAPES)}</bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:eventBasedGateway id="attendre"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:outgoing>f3</bpmn:outgoing></bpmn:eventBasedGateway>
    <bpmn:intermediateCatchEvent id="reponse" name="Réponse de l'employeur"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f4</bpmn:outgoing><bpmn:messageEventDefinition id="reponse_def" /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="delai" name="Sept jours"><bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>f5</bpmn:outgoing><bpmn:timerEventDefinition id="delai_def" /></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="fin_reponse"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="fin_relance"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    {"".join(f'<bpmn:sequenceFlow id="{f}" sourceRef="{s}" targetRef="{t}" />' for f, (s, t) in _FLOWS.items())}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="{KEY}">{_drawn()}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def test_a_message_and_a_gateway_timer_set_in_the_panel_deploy_and_run(app, server, chromium):  # noqa: F811
    with app.app_context():
        drafts.new_draft(uow(), OWNER, KEY, "Relance de l'employeur")
        drafts.save_draft(uow(), OWNER, KEY, {f"{KEY}.bpmn": DIAGRAM})
    owner = logged_in(chromium, server, "proprietaire")
    owner.goto(f"{server}/diagrams/{KEY}/edit")
    owner.wait_for_selector("body[data-modeler-ready='1']")
    owner.click("#check-draft")
    owner.wait_for_selector('#problems li[data-element-id="reponse"]')
    assert "sans message" in owner.inner_text('#problems li[data-element-id="reponse"]')

    select(owner, "reponse")
    set_field(owner, "messageName", "reponse_employeur")
    set_field(owner, "messageVariable", "reponse")
    set_field(owner, "allowedSenders", "dcim")
    set_field(owner, "correlationProperty", "offre")
    set_field(owner, "correlationInMessage", "numero_offre")
    set_field(owner, "correlationInFile", "reference_offre")
    select(owner, "delai")
    owner.select_option("#prop-timerKind", "timeDuration")
    set_field(owner, "timerExpression", '"P7D"')
    owner.click("#check-draft")
    owner.wait_for_selector("#modeler-status.ok")
    assert owner.locator("#problems li").count() == 0
    owner.click("#deploy-draft")
    owner.wait_for_url(f"{server}/diagrams/{KEY}/versions")
    assert not BLOCKED
    owner.context.close()

    with app.app_context():  # the deployed file waits on the message, for its offer, as dcim may send it ...
        opened = instances.start_instance(uow(), DCIM, KEY, "REL-1", {"reference_offre": "OFF-2026-0950"})
        content = {"accord": True, "numero_offre": "OFF-2026-0950"}
        answer = inbound.send_message(uow(), DCIM, "reponse_employeur", correlation={"offre": "OFF-2026-0950"},
                                      payload=content)
        assert answer["delivered_to"] == [opened["id"]]
        done = instances.get_instance(uow(), DCIM, opened["id"])
        assert (done["status"], done["data"]["reponse"]) == ("completed", content)
        # ... and on the timer
        late = instances.start_instance(uow(), DCIM, KEY, "OFF-2026-0951")
        fired = fire_due_timers(uow(), utcnow() + timedelta(days=7, minutes=1))
        assert [outcome for _id, outcome in fired] == ["fired"]
        assert instances.get_instance(uow(), DCIM, late["id"])["status"] == "completed"
