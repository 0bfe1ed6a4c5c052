"""The construct corpus: one small diagram per BPMN construct the engine runs, with the data and events
that drive it (see side_by_side.py, and tests/engine/constructs/ which runs each through Djoliba and
through bare SpiffWorkflow).

`CONSTRUCTS[key]` is a `Construct`: its README label (the README's list of what the engine runs names
each one), its files, process id, start data, steps, and whether the order of its path is defined.
"""
from dataclasses import dataclass, field
from datetime import timedelta

import event_diagrams as events
from side_by_side import Complete, Message, Signal, Wait
from timer_diagrams import FORM, FORM_SCHEMA
from tiny_diagrams import flow, process, script_element

PID = "construction"


@dataclass(frozen=True)
class Construct:
    label: str
    files: dict
    data: dict = field(default_factory=dict)
    steps: tuple = ()
    ordered: bool = True
    pid: str = PID


def _file(body, before="", pid=PID):
    return {f"{pid}.bpmn": process(body, process_id=pid, before=before), FORM: FORM_SCHEMA}


def _user(element_id):
    return (f'<bpmn:userTask id="{element_id}" name="Saisir"><bpmn:extensionElements><spiffworkflow:properties>'
            f'<spiffworkflow:property name="formJsonSchemaFilename" value="{FORM}" />'
            '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')


def _line(*elements, first="debut", last="fin", end=None):
    """start `first` → each (id, xml) → end `last` (or the end event `end`), with flows named after their ends."""
    ids = [first, *[i for i, _x in elements], last]
    body = f'<bpmn:startEvent id="{first}"/>' + "".join(x for _i, x in elements)
    body += end or f'<bpmn:endEvent id="{last}"/>'
    return body + "".join(flow(a, b) for a, b in zip(ids, ids[1:]))


def _event(tag, element_id, definition):
    return f'<bpmn:{tag} id="{element_id}">{definition}</bpmn:{tag}>'


def _timer(duration, cycle=False):
    kind = "timeCycle" if cycle else "timeDuration"
    return f'<bpmn:timerEventDefinition><bpmn:{kind}>"{duration}"</bpmn:{kind}></bpmn:timerEventDefinition>'


def _boundary(element_id, attached, definition, interrupting=True):
    return (f'<bpmn:boundaryEvent id="{element_id}" attachedToRef="{attached}" '
            f'cancelActivity="{str(interrupting).lower()}">{definition}</bpmn:boundaryEvent>')


def _on_task(definition, before="", interrupting=True, attached_xml=None):
    """A user task 'traiter' with a boundary event 'evenement' whose path runs the script 'reagir'."""
    body = (_line(("traiter", attached_xml or _user("traiter")))
            + _boundary("evenement", "traiter", definition, interrupting)
            + script_element("reagir", "reaction = True") + '<bpmn:endEvent id="fin_evenement"/>'
            + flow("evenement", "reagir") + flow("reagir", "fin_evenement"))
    return _file(body, before)


def _subprocess(element_id, inner):
    return f'<bpmn:subProcess id="{element_id}">{inner}</bpmn:subProcess>'


def _on_subprocess(definition, thrower, before="", interrupting=True):
    """A sub-process 'traiter' (script, then `thrower`, then a user task 'suite_interne') with a boundary event."""
    inner = _line(("preparer", script_element("preparer", "prepare = True")), ("lancer", thrower),
                  ("suite_interne", _user("suite_interne")), first="debut_sp", last="fin_sp")
    return _on_task(definition, before, interrupting, attached_xml=_subprocess("traiter", inner))


def _multi(loop, element="tache", user=False):
    task = (_user(element).replace("</bpmn:userTask>", loop + "</bpmn:userTask>") if user
            else script_element(element, "double = candidat * 2", loop))
    return _file(_line((element, task), ("total", script_element("total", "fait = True"))))


def _mi(collection=None, cardinality=None, sequential=False, output=True):
    inner = f"<bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>" if cardinality else \
        f"<bpmn:loopDataInputRef>{collection}</bpmn:loopDataInputRef>"
    if output:
        inner += "<bpmn:loopDataOutputRef>doubles</bpmn:loopDataOutputRef>"
    inner += '<bpmn:inputDataItem id="candidat" name="candidat" />' if collection else ""
    inner += '<bpmn:outputDataItem id="double" name="double" />' if output else ""
    return f'<bpmn:multiInstanceLoopCharacteristics isSequential="{str(sequential).lower()}">{inner}' \
           '</bpmn:multiInstanceLoopCharacteristics>'


_DMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="definitions_tarif" name="Tarif"
             namespace="http://anpe.ml/djoliba/tests">
  <decision id="tarif" name="Tarif">
    <decisionTable id="table_tarif" hitPolicy="FIRST">
      <input id="entree_montant" label="Montant">
        <inputExpression id="expression_montant" typeRef="integer"><text>montant</text></inputExpression>
      </input>
      <output id="sortie_tarif" label="Tarif" name="tarif" typeRef="string" />
      <rule id="regle_eleve"><description>Montant eleve</description>
        <inputEntry id="si_eleve"><text>&gt;= 100</text></inputEntry>
        <outputEntry id="alors_eleve"><text>"eleve"</text></outputEntry></rule>
      <rule id="regle_bas"><description>Sinon</description>
        <inputEntry id="si_bas"><text>-</text></inputEntry>
        <outputEntry id="alors_bas"><text>"bas"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""

_RULE_TASK = ('<bpmn:businessRuleTask id="decider"><bpmn:extensionElements>'
              '<spiffworkflow:calledDecisionId>tarif</spiffworkflow:calledDecisionId>'
              '</bpmn:extensionElements></bpmn:businessRuleTask>')


def _gateway(kind, conditions, default=None, join=True):
    """A `kind` gateway 'choix' whose flows (with `conditions`) reach scripts 'voie_N', then a join or ends."""
    default_attr = f' default="choix_voie_{default}"' if default is not None else ""
    body = f'<bpmn:startEvent id="debut"/><bpmn:{kind} id="choix"{default_attr}/>' + flow("debut", "choix")
    for number, condition in enumerate(conditions):
        body += script_element(f"voie_{number}", f"voie_{number} = True")
        body += flow("choix", f"voie_{number}", condition, flow_id=f"choix_voie_{number}")
        if join:
            body += flow(f"voie_{number}", "jonction")
        else:
            body += f'<bpmn:endEvent id="fin_{number}"/>' + flow(f"voie_{number}", f"fin_{number}")
    if join:
        body += f'<bpmn:{kind} id="jonction"/><bpmn:endEvent id="fin"/>' + flow("jonction", "fin")
    return _file(body)


def _called():
    """'procedure_appelee': doubles `montant` into `resultat`."""
    return process(_line(("doubler", script_element("doubler", "resultat = montant * 2"))),
                   process_id="procedure_appelee")


_ERROR = '<bpmn:error id="erreur_pieces" name="erreur_pieces" errorCode="pieces_manquantes" />'
_ESCALATION = '<bpmn:escalation id="escalade_chef" name="escalade_chef" escalationCode="retard" />'
_SIGNAL = '<bpmn:signal id="signal_alerte" name="alerte" />'
_MESSAGE = '<bpmn:message id="message_retrait" name="retrait" />'
_ERROR_DEF = '<bpmn:errorEventDefinition errorRef="erreur_pieces" />'
_ESCALATION_DEF = '<bpmn:escalationEventDefinition escalationRef="escalade_chef" />'
_SIGNAL_DEF = '<bpmn:signalEventDefinition signalRef="signal_alerte" />'
_MESSAGE_DEF = '<bpmn:messageEventDefinition messageRef="message_retrait" />'
_CONDITION_DEF = ('<bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">urgent</bpmn:condition>'
                  '</bpmn:conditionalEventDefinition>')
_NOTE = {"note": "vu"}


def _corpus():
    c = {}
    c["user_task"] = Construct("user task", _file(_line(("saisir", _user("saisir")))),
                               steps=(Complete("saisir", _NOTE),))
    c["script_task"] = Construct("script task", _file(_line(("calculer", script_element(
        "calculer", "mensuel = annuel // 12")))), data={"annuel": 1200})
    c["business_rule_task"] = Construct("business rule task (DMN decision table)",
                                        {**_file(_line(("decider", _RULE_TASK))), "tarif.dmn": _DMN},
                                        data={"montant": 150})
    c["exclusive_gateway"] = Construct("exclusive gateway (conditions, default flow)", _gateway(
        "exclusiveGateway", ["montant &gt; 100", None, "montant &gt; 10"], default=1, join=False),
        data={"montant": 50})
    c["inclusive_gateway"] = Construct("inclusive gateway (split and join)", _gateway(
        "inclusiveGateway", ["montant &gt; 100", "montant &gt; 10", None], default=2),
        data={"montant": 50}, ordered=False)
    c["parallel_gateway"] = Construct("parallel gateway (split and join)", _gateway(
        "parallelGateway", [None, None, None]), ordered=False,
    )
    c["sub_process"] = Construct("embedded sub-process", _file(_line(("etape", _subprocess("etape", _line(
        ("interne", script_element("interne", "interne = True")), first="debut_sp", last="fin_sp"))),
        ("saisir", _user("saisir")))), steps=(Complete("saisir", _NOTE),))
    c["call_activity"] = Construct("call activity (a process deployed with it)", {
        **_file(_line(("appeler", '<bpmn:callActivity id="appeler" calledElement="procedure_appelee" />'))),
        "procedure_appelee.bpmn": _called()}, data={"montant": 21})
    c["multi_instance_parallel"] = Construct("multi-instance, parallel, over a list", _multi(_mi("candidats")),
                                             data={"candidats": [1, 2, 3]}, ordered=False)
    c["multi_instance_sequential"] = Construct("multi-instance, sequential, over a list", _multi(
        _mi("candidats", sequential=True)), data={"candidats": [4, 5]})
    c["multi_instance_cardinality"] = Construct("multi-instance with a number of copies (loopCardinality)",
                                                _multi(_mi(cardinality="nombre", output=False)),
                                                data={"nombre": 3, "candidat": 1},
                                                ordered=False)
    c["multi_instance_user_task"] = Construct("multi-instance user task (one task per item)", _multi(
        _mi("candidats", output=False), user=True), data={"candidats": ["a", "b"]},
        steps=(Complete("tache", {"note": "premier"}), Complete("tache", {"note": "second"})), ordered=False)
    loop = ('<bpmn:standardLoopCharacteristics loopMaximum="{maximum}"><bpmn:loopCondition>{condition}'
            '</bpmn:loopCondition></bpmn:standardLoopCharacteristics>')
    c["standard_loop"] = Construct("standard loop (repeated while its condition holds, at most loopMaximum times)",
                                   _file(_line(("compter", script_element("compter", "compteur = compteur + 1", loop.format(
                                       maximum=10, condition="compteur &lt; 3"))))), data={"compteur": 0})
    c["standard_loop_user_task"] = Construct(
        "standard loop on a user task", _file(_line(("saisir", _user("saisir").replace(
            "</bpmn:userTask>", loop.format(maximum=2, condition="True") + "</bpmn:userTask>")))),
        steps=(Complete("saisir", {"note": "premier"}), Complete("saisir", {"note": "second"})))
    for interrupting in (True, False):
        suffix = "" if interrupting else "_non_interrupting"
        kind = "interrupting" if interrupting else "non-interrupting"
        c[f"boundary_timer{suffix}"] = Construct(
            f"boundary timer event, {kind}", _on_task(_timer("P2D"), interrupting=interrupting),
            steps=(Wait(timedelta(days=3)),) + (() if interrupting else (Complete("traiter", _NOTE),)))
        c[f"boundary_signal{suffix}"] = Construct(
            f"boundary signal event, {kind}", _on_task(_SIGNAL_DEF, _SIGNAL, interrupting=interrupting),
            steps=(Signal("alerte", {}),) + (() if interrupting else (Complete("traiter", _NOTE),)))
        c[f"boundary_message{suffix}"] = Construct(
            f"boundary message event, {kind}", _on_task(_MESSAGE_DEF, _MESSAGE, interrupting=interrupting),
            steps=(Message("retrait", {}),) + (() if interrupting else (Complete("traiter", _NOTE),)))
        c[f"boundary_escalation{suffix}"] = Construct(
            f"boundary escalation event on a sub-process, {kind}",
            _on_subprocess(_ESCALATION_DEF, _event("intermediateThrowEvent", "lancer", _ESCALATION_DEF),
                           _ESCALATION, interrupting),
            steps=() if interrupting else (Complete("suite_interne", _NOTE),),
            ordered=interrupting)
    c["boundary_timer_cycle"] = Construct(
        "boundary timer event with a cycle (R2/P1D), non-interrupting", _on_task(_timer("R2/P1D", cycle=True),
                                                                                 interrupting=False),
        steps=(Wait(timedelta(days=1, hours=1)), Wait(timedelta(days=1)), Complete("traiter", _NOTE)),
        ordered=False)
    c["boundary_error"] = Construct(
        "boundary error event on a sub-process", _on_subprocess(
            _ERROR_DEF, _event("endEvent", "lancer", _ERROR_DEF), _ERROR))
    c["boundary_conditional"] = Construct(
        "boundary conditional event, interrupting", _on_task(_CONDITION_DEF), data={"urgent": True})
    c["boundary_conditional_non_interrupting"] = Construct(
        "boundary conditional event, non-interrupting", _on_task(_CONDITION_DEF, interrupting=False),
        data={"urgent": True}, steps=(Complete("traiter", _NOTE),), ordered=False)
    c["intermediate_timer"] = Construct("intermediate timer event", _file(_line(
        ("attendre", _event("intermediateCatchEvent", "attendre", _timer("P1D"))),
        ("apres", script_element("apres", "attendu = True")))), steps=(Wait(timedelta(days=1, hours=1)),))
    c["terminate_end"] = Construct("terminate end event", _file(
        '<bpmn:startEvent id="debut"/><bpmn:parallelGateway id="partage"/>' + _user("attendre_saisie")
        + '<bpmn:endEvent id="fin_saisie"/>' + script_element("couper", "coupe = True")
        + '<bpmn:endEvent id="fin"><bpmn:terminateEventDefinition /></bpmn:endEvent>'
        + flow("debut", "partage") + flow("partage", "attendre_saisie") + flow("attendre_saisie", "fin_saisie")
        + flow("partage", "couper") + flow("couper", "fin")), ordered=False)
    c["error_end"] = Construct("error end event (caught by a boundary event)", c["boundary_error"].files)
    c["message_end"] = Construct("message end event", _file(_line(
        ("preparer", script_element("preparer", "montant = 5")),
        end=f'<bpmn:endEvent id="fin">{_MESSAGE_DEF.replace("/>", ">")}<bpmn:extensionElements>'
            '<spiffworkflow:messagePayload>{"montant": montant}</spiffworkflow:messagePayload>'
            '</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:endEvent>'), before=_MESSAGE))
    c["transaction"] = Construct("transaction sub-process", _file(_line(("transaction", (
        '<bpmn:transaction id="transaction">' + _line(("reserver", script_element("reserver", "reserve = True")),
                                                      first="debut_tr", last="fin_tr") + "</bpmn:transaction>")))))
    c["error_end_uncaught"] = Construct("error end event that nothing catches (the file ends)", _file(_line(
        ("preparer", script_element("preparer", "prepare = True")),
        end=f'<bpmn:endEvent id="fin">{_ERROR_DEF}</bpmn:endEvent>'), before=_ERROR))
    cancel = '<bpmn:cancelEventDefinition />'
    c["transaction_cancelled"] = Construct("transaction cancelled by its cancel end event", _file(
        _line(("transaction", '<bpmn:transaction id="transaction">' + _line(
            ("reserver", script_element("reserver", "reserve = True")), first="debut_tr", last="fin_tr",
            end=f'<bpmn:endEvent id="fin_tr">{cancel}</bpmn:endEvent>') + "</bpmn:transaction>"))
        + _boundary("annulee", "transaction", cancel) + script_element("reagir", "reaction = True")
        + '<bpmn:endEvent id="fin_annulee"/>' + flow("annulee", "reagir") + flow("reagir", "fin_annulee")))
    c["data_objects"] = Construct("data objects (read and written by tasks)", _file(
        '<bpmn:dataObject id="dossier_objet" /><bpmn:startEvent id="debut"/>'
        '<bpmn:scriptTask id="ecrire"><bpmn:dataOutputAssociation id="sortie">'
        '<bpmn:targetRef>ref_ecrit</bpmn:targetRef></bpmn:dataOutputAssociation>'
        '<bpmn:script>dossier_objet = {"pieces": 3}</bpmn:script></bpmn:scriptTask>'
        '<bpmn:scriptTask id="lire"><bpmn:property id="cible_lire" name="__targetRef_placeholder" />'
        '<bpmn:dataInputAssociation id="entree"><bpmn:sourceRef>ref_lu</bpmn:sourceRef>'
        '<bpmn:targetRef>cible_lire</bpmn:targetRef></bpmn:dataInputAssociation>'
        '<bpmn:script>pieces = dossier_objet["pieces"]</bpmn:script></bpmn:scriptTask>'
        '<bpmn:dataObjectReference id="ref_ecrit" dataObjectRef="dossier_objet" />'
        '<bpmn:dataObjectReference id="ref_lu" dataObjectRef="dossier_objet" />'
        '<bpmn:endEvent id="fin"/>' + flow("debut", "ecrire") + flow("ecrire", "lire") + flow("lire", "fin")))
    c["message_catch"] = Construct("intermediate message catch event", **_events(events.intermediate_catch()),
                                   steps=(Message("reponse_visa", {"decision": "accorde"}),))
    c["receive_task"] = Construct("receive task", **_events(events.receive_task()),
                                  steps=(Message("piece_recue", {"passeport": True}),))
    c["send_task"] = Construct("send task (a message with its content)", **_events(events.sender(send_task=True)))
    c["event_gateway"] = Construct("event-based gateway (message or timer)", **_events(events.event_gateway("P7D")),
                                   steps=(Wait(timedelta(days=8)),))
    c["signal_catch"] = Construct("intermediate signal catch and throw events", **_events(
        events.signal_catcher(), events.signal_thrower()), steps=(Signal("liste_close", {}),))
    return c


def _events(*bpmns):
    """The files and process of event_diagrams' diagrams, the first one being the procedure run."""
    return {"files": {f"{_process_id(b)}.bpmn": b for b in bpmns} | {FORM: FORM_SCHEMA},
            "pid": _process_id(bpmns[0])}


def _process_id(bpmn):
    return bpmn.split(b'<bpmn:process id="')[1].split(b'"')[0].decode()


CONSTRUCTS = _corpus()


def _event_subprocess(start_definition, before=""):
    """A user task 'travailler' and an event sub-process started by `start_definition`."""
    start = f'<bpmn:startEvent id="debut_evt" isInterrupting="false">{start_definition}</bpmn:startEvent>'
    inner = start + script_element("traiter_evt", "evenement_traite = True") + '<bpmn:endEvent id="fin_evt"/>' \
        + flow("debut_evt", "traiter_evt") + flow("traiter_evt", "fin_evt")
    return _file(_line(("travailler", _user("travailler")))
                 + f'<bpmn:subProcess id="sous_evt" triggeredByEvent="true">{inner}</bpmn:subProcess>', before)


# What the engine refuses at deploy, as the README lists it: label -> (files, element refused, start of the reason).
REFUSED = {
    "event sub-process (started by an error, escalation, message, signal, condition or timer)": [
        (_event_subprocess(definition, before), "sous_evt", "event sub-process: not run as drawn")
        for definition, before in ((_ERROR_DEF, _ERROR), (_ESCALATION_DEF, _ESCALATION), (_MESSAGE_DEF, _MESSAGE),
                                   (_SIGNAL_DEF, _SIGNAL), (_CONDITION_DEF, ""), (_timer("P1D"), ""))],
}
