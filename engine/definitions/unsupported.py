"""What the engine does not run, refused in a diagram's XML before SpiffWorkflow parses it.

SpiffWorkflow either rejects these elements with its own wording (or the BPMN
schema's), or parses them and then never runs them (a link event, a data store).
Each is reported here on its element, with what to draw instead.
"""
from engine.definitions import services
from engine.definitions.scripting import check_code

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}

_REFUSED = {
    "complexGateway": "complex gateway: not supported; use an exclusive or inclusive gateway with a condition "
                      "on each outgoing flow",
    "compensateEventDefinition": "compensation: not supported; draw the undoing steps as ordinary tasks after "
                                 "an error or escalation event",
    "dataStoreReference": "data store: not supported; keep the data in the file (form fields, script variables "
                          "or a data object)",
    "dataStore": "data store: not supported; keep the data in the file (form fields, script variables or a "
                 "data object)",
    "linkEventDefinition": "link event: not supported; draw the sequence flow to the element it leads to",
    # SpiffWorkflow 3.2 starts one on an error or escalation at once with the file, starts one on a message,
    # signal or condition only by changing the deployed version in memory (and never through a delivery), keeps
    # the file open until a timer one has fired, and never interrupts the rest of the file.
    "eventSubProcess": "event sub-process: not run as drawn; put the steps it concerns in a sub-process and "
                       "attach a boundary event (timer, message, signal, error, escalation or conditional) to it",
}


def problems(tree):
    """(element id, reason) of each element of a .bpmn file's XML that the engine does not run."""
    found = []
    messages = {message.get("id"): message.get("name") for message in tree.iter(f"{BPMN}message")}
    flows = list(tree.iter(f"{BPMN}sequenceFlow"))
    outgoing = {}
    for flow in flows:
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
    for element in tree.iter():
        name = _local(element)
        if name in _REFUSED:
            found.append((_owner_id(element), _REFUSED[name]))
        elif element.get("isForCompensation") == "true":
            found.append((element.get("id"), _REFUSED["compensateEventDefinition"]))
        elif name in ("subProcess", "transaction"):
            found += [(element.get("id"), reason) for reason in _subprocess_problems(element)]
        elif name == "multiInstanceLoopCharacteristics" and not _collection(element):
            found.append((_owner_id(element), ("multi-instance without a collection: name the list to go through "
                                               "(loopDataInputRef) or the number of copies (loopCardinality)")))
        elif name == "serviceTask":
            found += [(element.get("id"), reason) for reason in _service_problems(element)]
        elif name in _MESSAGE_ELEMENTS:
            reason = _message_problem(element, name, messages)
            if reason:  # on the event, not its definition (which bpmn-js gives an id of its own)
                found.append((_owner_id(element if name != "messageEventDefinition" else element.getparent()), reason))
        elif name == "correlationPropertyRetrievalExpression":
            for path in element:
                reason = check_code(path.text or "", "eval")
                if reason:
                    found.append((_owner_id(element), f"correlation expression refused: {reason}"))
        if name not in GATEWAYS and len(outgoing.get(element.get("id"), [])) > 1:
            found.append((element.get("id"), ("several outgoing flows without a gateway: put a parallel gateway "
                                              "(every path) or an exclusive gateway (one path, with conditions) "
                                              "after this element")))
        elif name not in GATEWAYS and any(f.find(f"{BPMN}conditionExpression") is not None
                                          for f in outgoing.get(element.get("id"), [])):
            found.append((element.get("id"), ("condition on a flow that does not leave a gateway: put an exclusive "
                                              "gateway before the conditional flows")))
    return found


def _local(element):
    return element.tag.split("}", 1)[-1] if isinstance(element.tag, str) else ""


def _owner_id(element):
    """The id of the element itself, else of the nearest one around it that has one (an event definition's event)."""
    while element is not None and not element.get("id"):
        element = element.getparent()
    return element.get("id") if element is not None else ""


def _subprocess_problems(element):
    if element.get("triggeredByEvent") == "true":
        yield _REFUSED["eventSubProcess"]
        return
    starts = [child for child in element if _local(child) == "startEvent"]
    if not starts:
        yield "sub-process without a start event: add one start event inside it"
    elif len(starts) > 1 and element.get("triggeredByEvent") != "true":
        yield f"sub-process with {len(starts)} start events: keep only one"
    if not any(_local(child) == "endEvent" for child in element):
        yield "sub-process without an end event: add one end event inside it"


def _collection(loop):
    return any(_local(child) in ("loopDataInputRef", "loopCardinality") and (child.text or "").strip()
               for child in loop)


# Elements that send or wait on a message: SpiffWorkflow runs them with no message named (one it
# calls after the element's or the process's label), which reaches nothing or waits forever.
_MESSAGE_ELEMENTS = {"sendTask": ("send task", "sends"), "receiveTask": ("receive task", "waits on"),
                     "messageEventDefinition": ("message event", "sends or waits on")}


def _message_problem(element, name, messages):
    (kind, verb), ref = _MESSAGE_ELEMENTS[name], element.get("messageRef")
    if not ref:
        return f"{kind} without a message: give the name of the message it {verb} (side panel, Message)"
    if ref not in messages:
        return f"{kind} names the message '{ref}', declared nowhere in the file: choose a message of the file"
    if not (messages[ref] or "").strip():
        return f"message '{ref}' without a name: give it the name its senders and receivers use"
    return None


def _service_problems(element):
    operator = element.find(f"{BPMN}extensionElements/{SPIFF}serviceTaskOperator")
    if operator is None or not operator.get("id"):
        yield f"service task without an operator: choose the operator {', '.join(services.OPERATORS)}"
        return
    params = {param.get("id"): param for param in operator.iter(f"{SPIFF}parameter")}
    yield from services.problems(operator.get("id"), params)
