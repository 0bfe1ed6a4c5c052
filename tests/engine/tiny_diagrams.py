"""Small BPMN diagrams built as text, for the deploy and script tests."""
import json
from itertools import pairwise

from lxml import etree


def diagram(task, lane="DCIM", process_id="essai", with_lanes=True):
    """A minimal BPMN: start → `task` (an element with id 'tache') → end, all in one lane."""
    lanes = f"""
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="couloir" name="{lane}">
        <bpmn:flowNodeRef>debut</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>tache</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>fin</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>""" if with_lanes else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="definitions_essai" targetNamespace="http://anpe.ml/djoliba/tests">
  <bpmn:process id="{process_id}" name="Essai" isExecutable="true">{lanes}
    <bpmn:startEvent id="debut"><bpmn:outgoing>vers_tache</bpmn:outgoing></bpmn:startEvent>
    {task}
    <bpmn:endEvent id="fin"><bpmn:incoming>vers_fin</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="vers_tache" sourceRef="debut" targetRef="tache" />
    <bpmn:sequenceFlow id="vers_fin" sourceRef="tache" targetRef="fin" />
  </bpmn:process>
</bpmn:definitions>""".encode()


def script_task(source):
    return f"""<bpmn:scriptTask id="tache" name="Calculer" scriptFormat="python">
      <bpmn:incoming>vers_tache</bpmn:incoming><bpmn:outgoing>vers_fin</bpmn:outgoing>
      <bpmn:script>{source}</bpmn:script>
    </bpmn:scriptTask>"""


def user_task(extensions="", **properties):
    props = "".join(f'<spiffworkflow:property name="{name}" value="{value}" />' for name, value in properties.items())
    return f"""<bpmn:userTask id="tache" name="Saisir le montant">
      <bpmn:extensionElements>
        <spiffworkflow:properties>{props}</spiffworkflow:properties>{extensions}
      </bpmn:extensionElements>
      <bpmn:incoming>vers_tache</bpmn:incoming><bpmn:outgoing>vers_fin</bpmn:outgoing>
    </bpmn:userTask>"""


def gateway_diagram(condition, process_id="essai_passerelle"):
    """start → exclusive gateway 'gw_montant' → (condition) fin_haut | (default) fin_bas; no lanes."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="definitions_gw" targetNamespace="http://anpe.ml/djoliba/tests">
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="debut"><bpmn:outgoing>vers_gw</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="gw_montant" default="vers_bas">
      <bpmn:incoming>vers_gw</bpmn:incoming>
      <bpmn:outgoing>vers_haut</bpmn:outgoing><bpmn:outgoing>vers_bas</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="fin_haut"><bpmn:incoming>vers_haut</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="fin_bas"><bpmn:incoming>vers_bas</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="vers_gw" sourceRef="debut" targetRef="gw_montant" />
    <bpmn:sequenceFlow id="vers_haut" sourceRef="gw_montant" targetRef="fin_haut">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="vers_bas" sourceRef="gw_montant" targetRef="fin_bas" />
  </bpmn:process>
</bpmn:definitions>""".encode()


SALARY_FORM = "calcul.schema.json"
SALARY_FORM_TEXT = json.dumps({
    "type": "object",
    "properties": {"salaire_annuel": {"type": "number", "minimum": 0},
                   "nombre_mois": {"type": "integer", "minimum": 0}},
    "required": ["salaire_annuel", "nombre_mois"],
    "additionalProperties": False,
}).encode()


def salary_diagram(script):
    """DCIM records a yearly salary, a script turns it into a monthly amount in FCFA, then the file ends."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="definitions_salaire" targetNamespace="http://anpe.ml/djoliba/tests">
  <bpmn:process id="conversion_salaire" name="Conversion du salaire" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_dcim" name="DCIM">
        <bpmn:flowNodeRef>debut</bpmn:flowNodeRef><bpmn:flowNodeRef>saisir_salaire</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>calculer_salaire_mensuel</bpmn:flowNodeRef><bpmn:flowNodeRef>fin</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="saisir_salaire" name="Saisir le salaire">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="{SALARY_FORM}" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:scriptTask id="calculer_salaire_mensuel" name="Calculer le salaire mensuel" scriptFormat="python">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="saisir_salaire" />
    <bpmn:sequenceFlow id="f2" sourceRef="saisir_salaire" targetRef="calculer_salaire_mensuel" />
    <bpmn:sequenceFlow id="f3" sourceRef="calculer_salaire_mensuel" targetRef="fin" />
  </bpmn:process>
</bpmn:definitions>""".encode()


_FLOW_NODE_TAGS = {"task", "userTask", "scriptTask", "serviceTask", "manualTask", "businessRuleTask", "sendTask",
                   "receiveTask", "callActivity", "subProcess", "adHocSubProcess", "transaction",
                   "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
                   "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}


def process(body, process_id="essai", lane="DCIM", before=""):
    """A BPMN file with one process made of `body` (its elements and flows, as text).

    Every top-level element of `body` is put in `lane` (None: no lanes); `before` is text
    placed before the process (messages, correlation keys...).
    """
    head = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
            f'id="definitions_{process_id}" targetNamespace="http://anpe.ml/djoliba/tests">')
    text = f'{head}{before}<bpmn:process id="{process_id}" name="Essai" isExecutable="true">{body}' \
           '</bpmn:process></bpmn:definitions>'
    if lane is not None:
        nodes = [child.get("id") for child in etree.fromstring(text.encode())[-1]
                 if isinstance(child.tag, str) and child.tag.split("}")[-1] in _FLOW_NODE_TAGS]
        refs = "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in nodes)
        lanes = f'<bpmn:laneSet id="lanes"><bpmn:lane id="couloir" name="{lane}">{refs}</bpmn:lane></bpmn:laneSet>'
        text = text.replace('isExecutable="true">', f'isExecutable="true">{lanes}', 1)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode()


def flow(source, target, condition=None, flow_id=None):
    """A sequence flow (with a condition, when given)."""
    inner = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    return f'<bpmn:sequenceFlow id="{flow_id or f"{source}_{target}"}" sourceRef="{source}" ' \
           f'targetRef="{target}">{inner}</bpmn:sequenceFlow>'


def script_element(element_id, source, inner=""):
    """A script task (with `inner` elements such as loop characteristics)."""
    return f'<bpmn:scriptTask id="{element_id}" scriptFormat="python">{inner}' \
           f'<bpmn:script>{source}</bpmn:script></bpmn:scriptTask>'


def user_element(element_id, form=None, pre_script=None):
    """A user task with its form (and a pre-script)."""
    props = f'<spiffworkflow:property name="formJsonSchemaFilename" value="{form}" />' if form else ""
    pre = f"<spiffworkflow:preScript>{pre_script}</spiffworkflow:preScript>" if pre_script else ""
    return f'<bpmn:userTask id="{element_id}" name="Saisir"><bpmn:extensionElements>' \
           f'<spiffworkflow:properties>{props}</spiffworkflow:properties>{pre}</bpmn:extensionElements>' \
           '</bpmn:userTask>'


def chain(*elements):
    """start 'debut' → each (id, xml) in turn → end 'fin', as the body of `process`."""
    ids = ["debut", *[element_id for element_id, _xml in elements], "fin"]
    return ('<bpmn:startEvent id="debut"/>' + "".join(xml for _id, xml in elements) + '<bpmn:endEvent id="fin"/>'
            + "".join(flow(a, b) for a, b in pairwise(ids)))


def multi_instance(collection, item, sequential=False):
    """Loop characteristics going through the list named `collection`, one `item` per copy."""
    return f'<bpmn:multiInstanceLoopCharacteristics isSequential="{str(sequential).lower()}">' \
           f'<bpmn:loopDataInputRef>{collection}</bpmn:loopDataInputRef>' \
           f'<bpmn:inputDataItem id="{item}" name="{item}" /></bpmn:multiInstanceLoopCharacteristics>'


SIMPLE_FORM = "saisie.schema.json"
SIMPLE_FORM_TEXT = json.dumps({"type": "object", "properties": {"montant": {"type": "number"}}}).encode()

# start → parallel split → a script dividing by `nombre` (missing unless given) | a DCIM user task → join → end.
PARALLEL = ('<bpmn:startEvent id="debut"/><bpmn:parallelGateway id="partage"/>'
            + script_element("calcul", "taux = montant_total / nombre")
            + user_element("saisie", SIMPLE_FORM)
            + '<bpmn:parallelGateway id="jonction"/><bpmn:endEvent id="fin"/>'
            + flow("debut", "partage") + flow("partage", "calcul") + flow("partage", "saisie")
            + flow("calcul", "jonction") + flow("saisie", "jonction") + flow("jonction", "fin"))
