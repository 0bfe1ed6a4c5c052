"""One small diagram per BPMN message or signal construct, built as text, for the delivery tests.

Each is a whole .bpmn file: `{process id: bytes}` from `DIAGRAMS`; the form of their user
tasks is timer_diagrams.FORM.
"""
FORM = "minuterie_saisie.schema.json"  # the timer diagrams' form (timer_diagrams.FORM_SCHEMA)

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="definitions_{pid}" targetNamespace="http://anpe.ml/djoliba/tests">
{globals}
  <bpmn:process id="{pid}" name="{pid}" isExecutable="true">
    <bpmn:laneSet id="lanes_{pid}"><bpmn:lane id="couloir_{pid}" name="DCIM">{refs}</bpmn:lane></bpmn:laneSet>
"""
_TAIL = """  </bpmn:process>
</bpmn:definitions>"""


def _diagram(pid, body, nodes, messages=(), signals=()):
    declared = [f'  <bpmn:message id="message_{m}" name="{m}" />' for m in messages]
    declared += [f'  <bpmn:signal id="signal_{s}" name="{s}" />' for s in signals]
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)
    return (_HEAD.format(pid=pid, refs=refs, globals="\n".join(declared)) + body + _TAIL).encode()


def _flow(fid, source, target):
    return f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}" />\n'


def _props(**properties):
    if not properties:
        return ""
    props = "".join(f'<spiffworkflow:property name="{k}" value="{v}" />' for k, v in properties.items())
    return f"<bpmn:extensionElements><spiffworkflow:properties>{props}</spiffworkflow:properties></bpmn:extensionElements>"


def _message(name, variable=None, payload=None):
    extensions = ""
    if variable:
        extensions += f"<spiffworkflow:messageVariable>{variable}</spiffworkflow:messageVariable>"
    if payload:
        extensions += f"<spiffworkflow:messagePayload>{payload}</spiffworkflow:messagePayload>"
    if extensions:
        extensions = f"<bpmn:extensionElements>{extensions}</bpmn:extensionElements>"
    return f'<bpmn:messageEventDefinition messageRef="message_{name}">{extensions}</bpmn:messageEventDefinition>'


def _signal(name):
    return f'<bpmn:signalEventDefinition signalRef="signal_{name}" />'


def _user_task(element_id, incoming, outgoing):
    return f"""<bpmn:userTask id="{element_id}" name="Traiter le dossier">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="{FORM}" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>
    </bpmn:userTask>"""


def _script(element_id, incoming, outgoing, script):
    return (f'<bpmn:scriptTask id="{element_id}"><bpmn:incoming>{incoming}</bpmn:incoming>'
            f'<bpmn:outgoing>{outgoing}</bpmn:outgoing><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>')


def _start(outgoing="f1", definition=""):
    return f'<bpmn:startEvent id="debut"><bpmn:outgoing>{outgoing}</bpmn:outgoing>{definition}</bpmn:startEvent>'


def _end(element_id, incoming, definition=""):
    return f'<bpmn:endEvent id="{element_id}"><bpmn:incoming>{incoming}</bpmn:incoming>{definition}</bpmn:endEvent>'


def intermediate_catch():
    """start → wait for message 'reponse_visa' (payload in 'reponse') → script → end."""
    body = f"""{_start()}
    <bpmn:intermediateCatchEvent id="attendre_reponse">{_props(allowedSenders="dcim")}
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>{_message("reponse_visa", "reponse")}
    </bpmn:intermediateCatchEvent>
    {_script("noter", "f2", "f3", "visa = reponse['decision']")}{_end("fin", "f3")}
    {_flow("f1", "debut", "attendre_reponse")}{_flow("f2", "attendre_reponse", "noter")}{_flow("f3", "noter", "fin")}"""
    return _diagram("evt_attente", body, ["debut", "attendre_reponse", "noter", "fin"], messages=["reponse_visa"])


def receive_task():
    """start → receive task 'piece_recue' (payload in 'piece') → end."""
    body = f"""{_start()}
    <bpmn:receiveTask id="recevoir_piece" messageRef="message_piece_recue">
      <bpmn:extensionElements><spiffworkflow:messageVariable>piece</spiffworkflow:messageVariable>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:receiveTask>
    {_end("fin", "f2")}{_flow("f1", "debut", "recevoir_piece")}{_flow("f2", "recevoir_piece", "fin")}"""
    return _diagram("evt_reception", body, ["debut", "recevoir_piece", "fin"], messages=["piece_recue"])


def boundary(interrupting=True):
    """A user task with a message boundary event 'retrait' (interrupting or not) → script → end."""
    pid = "evt_retrait" if interrupting else "evt_note"
    body = f"""{_start()}
    {_user_task("traiter", "f1", "f2")}
    <bpmn:boundaryEvent id="retrait" attachedToRef="traiter" cancelActivity="{str(interrupting).lower()}">
      <bpmn:outgoing>f3</bpmn:outgoing>{_message("retrait_offre", "motif")}</bpmn:boundaryEvent>
    {_script("noter_retrait", "f3", "f4", "retire = True")}
    {_end("fin_traite", "f2")}{_end("fin_retrait", "f4")}
    {_flow("f1", "debut", "traiter")}{_flow("f2", "traiter", "fin_traite")}
    {_flow("f3", "retrait", "noter_retrait")}{_flow("f4", "noter_retrait", "fin_retrait")}"""
    return _diagram(pid, body, ["debut", "traiter", "retrait", "noter_retrait", "fin_traite", "fin_retrait"],
                    messages=["retrait_offre"])


def event_gateway(duration="P7D"):
    """An event-based gateway: message 'reponse_employeur', or a reminder after `duration`."""
    body = f"""{_start()}
    <bpmn:eventBasedGateway id="attendre"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:eventBasedGateway>
    <bpmn:intermediateCatchEvent id="reponse"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      {_message("reponse_employeur", "reponse")}</bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="delai"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"{duration}"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    {_script("relancer", "f5", "f6", "relance = True")}
    {_end("fin_reponse", "f4")}{_end("fin_relance", "f6")}
    {_flow("f1", "debut", "attendre")}{_flow("f2", "attendre", "reponse")}{_flow("f3", "attendre", "delai")}
    {_flow("f4", "reponse", "fin_reponse")}{_flow("f5", "delai", "relancer")}{_flow("f6", "relancer", "fin_relance")}"""
    return _diagram("evt_passerelle", body, ["debut", "attendre", "reponse", "delai", "relancer", "fin_reponse",
                                            "fin_relance"], messages=["reponse_employeur"])


def signal_start():
    """Opened by the signal 'alerte_frontiere' → script → end."""
    body = f"""{_start(definition=_signal("alerte_frontiere"))}
    {_script("noter", "f1", "f2", "alerte = True")}{_end("fin", "f2")}
    {_flow("f1", "debut", "noter")}{_flow("f2", "noter", "fin")}"""
    return _diagram("evt_alerte", body, ["debut", "noter", "fin"], signals=["alerte_frontiere"])


def signal_thrower():
    """start → throw the signal 'liste_close' → end."""
    body = f"""{_start()}
    <bpmn:intermediateThrowEvent id="annoncer"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      {_signal("liste_close")}</bpmn:intermediateThrowEvent>
    {_end("fin", "f2")}{_flow("f1", "debut", "annoncer")}{_flow("f2", "annoncer", "fin")}"""
    return _diagram("evt_annonce", body, ["debut", "annoncer", "fin"], signals=["liste_close"])


def signal_catcher():
    """start → wait for the signal 'liste_close' → script → end."""
    body = f"""{_start()}
    <bpmn:intermediateCatchEvent id="attendre_liste"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>{_signal("liste_close")}</bpmn:intermediateCatchEvent>
    {_script("noter", "f2", "f3", "liste_close = True")}{_end("fin", "f3")}
    {_flow("f1", "debut", "attendre_liste")}{_flow("f2", "attendre_liste", "noter")}{_flow("f3", "noter", "fin")}"""
    return _diagram("evt_ecoute", body, ["debut", "attendre_liste", "noter", "fin"], signals=["liste_close"])


def sender(send_task=True):
    """start → a send task (or a message end event) 'dossier_transmis' with a payload."""
    payload = '{"montant": montant_prevu}'
    if send_task:
        body = f"""{_start()}
    {_script("preparer", "f1", "f2", "montant_prevu = 5")}
    <bpmn:sendTask id="transmettre" messageRef="message_dossier_transmis">
      <bpmn:extensionElements><spiffworkflow:messagePayload>{payload}</spiffworkflow:messagePayload>
      </bpmn:extensionElements><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:sendTask>
    {_end("fin", "f3")}
    {_flow("f1", "debut", "preparer")}{_flow("f2", "preparer", "transmettre")}{_flow("f3", "transmettre", "fin")}"""
        return _diagram("evt_envoi", body, ["debut", "preparer", "transmettre", "fin"], messages=["dossier_transmis"])
    body = f"""{_start()}
    {_script("preparer", "f1", "f2", "montant_prevu = 7")}
    {_end("fin_transmis", "f2", _message("dossier_transmis", payload=payload))}
    {_flow("f1", "debut", "preparer")}{_flow("f2", "preparer", "fin_transmis")}"""
    return _diagram("evt_envoi_fin", body, ["debut", "preparer", "fin_transmis"], messages=["dossier_transmis"])


def message_started():
    """Opened by the message 'dossier_transmis' (payload in 'transmis') → script → end."""
    body = f"""{_start(definition=_message("dossier_transmis", "transmis"))}
    {_script("noter", "f1", "f2", "montant = transmis['montant']")}{_end("fin", "f2")}
    {_flow("f1", "debut", "noter")}{_flow("f2", "noter", "fin")}"""
    return _diagram("evt_suite", body, ["debut", "noter", "fin"], messages=["dossier_transmis"])
