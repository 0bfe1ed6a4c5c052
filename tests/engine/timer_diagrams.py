"""Small diagrams with timers, built as text, for the timer and scheduler tests."""

FORM = "minuterie_saisie.schema.json"
FORM_SCHEMA = b'{"type": "object", "properties": {"note": {"type": "string", "title": "Note"}}}'

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="definitions_{pid}" targetNamespace="http://anpe.ml/djoliba/tests">
  <bpmn:process id="{pid}" name="{pid}" isExecutable="true">
    <bpmn:laneSet id="lanes_{pid}"><bpmn:lane id="couloir_{pid}" name="DCIM">{refs}</bpmn:lane></bpmn:laneSet>
"""
_TAIL = """  </bpmn:process>
</bpmn:definitions>"""


def _user_task(element_id, incoming, outgoing, **properties):
    props = "".join(f'<spiffworkflow:property name="{k}" value="{v}" />' for k, v in properties.items())
    return f"""<bpmn:userTask id="{element_id}" name="Traiter le dossier">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="{FORM}" />{props}
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>
    </bpmn:userTask>"""


def _diagram(pid, body, nodes):
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)
    return (_HEAD.format(pid=pid, refs=refs) + body + _TAIL).encode()


def _flow(fid, source, target):
    return f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}" />\n'


def boundary_escalation(duration="P2D"):
    """A user task with an interrupting boundary timer that sends the file to 'escalade'."""
    body = f"""
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {_user_task("traiter", "f1", "f2")}
    <bpmn:boundaryEvent id="delai_depasse" attachedToRef="traiter" cancelActivity="true">
      <bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"{duration}"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="escalade"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:script>escalade = True</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="fin_traite"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="fin_escalade"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    {_flow("f1", "debut", "traiter")}{_flow("f2", "traiter", "fin_traite")}
    {_flow("f3", "delai_depasse", "escalade")}{_flow("f4", "escalade", "fin_escalade")}"""
    return _diagram("minuterie_escalade", body,
                    ["debut", "traiter", "delai_depasse", "escalade", "fin_traite", "fin_escalade"])


def cycle_reminder(cycle="R3/P1D"):
    """A user task with a non-interrupting cycle timer that counts its reminders."""
    body = f"""
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {_user_task("traiter", "f1", "f2")}
    <bpmn:boundaryEvent id="relance" attachedToRef="traiter" cancelActivity="false">
      <bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeCycle>"{cycle}"</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="noter_relance"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:script>relance_notee = True</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="fin_traite"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="fin_relance"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    {_flow("f1", "debut", "traiter")}{_flow("f2", "traiter", "fin_traite")}
    {_flow("f3", "relance", "noter_relance")}{_flow("f4", "noter_relance", "fin_relance")}"""
    return _diagram("minuterie_cycle", body,
                    ["debut", "traiter", "relance", "noter_relance", "fin_traite", "fin_relance"])


def wait_then_script(duration="P1D", script="attente_finie = True"):
    """start → intermediate timer 'attendre' → script 'apres_attente' → end."""
    body = f"""
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="attendre"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"{duration}"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="apres_attente"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    {_flow("f1", "debut", "attendre")}{_flow("f2", "attendre", "apres_attente")}{_flow("f3", "apres_attente", "fin")}"""
    return _diagram("minuterie_attente", body, ["debut", "attendre", "apres_attente", "fin"])


def task_due_from_data(expression="echeance"):
    """A user task whose due date comes from the data (`dueDate`), with `dueIn` as fallback."""
    body = f"""
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {_user_task("traiter", "f1", "f2", dueDate=expression, dueIn="P7D")}
    <bpmn:endEvent id="fin"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    {_flow("f1", "debut", "traiter")}{_flow("f2", "traiter", "fin")}"""
    return _diagram("minuterie_echeance", body, ["debut", "traiter", "fin"])


def timed_start(cycle="R3/P1D"):
    """A process started by a cycle timer on its start event, running a script each time."""
    body = f"""
    <bpmn:startEvent id="chaque_jour"><bpmn:outgoing>f1</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeCycle>"{cycle}"</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:scriptTask id="compter"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>passage = True</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    {_flow("f1", "chaque_jour", "compter")}{_flow("f2", "compter", "fin")}"""
    return _diagram("minuterie_depart", body, ["chaque_jour", "compter", "fin"])
