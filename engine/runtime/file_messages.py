"""Messages a person sends to one file from its page: the employer withdrew the offer, the candidate
withdrew, the visa was refused (manual §7.4–7.8).

`sendable` lists the messages a file waits on now that its reader may send: the waiting element names
the roles allowed (`allowedSenders`), and only messages a diagram opens to people this way are offered.
`send_to_file` sends one with its reason, by the file's reference, so that every file of the chain
waiting on it catches it too (an offer's preselection, presentation or selection, whichever runs).
A message that an element of the chain marks `reachesChain` (the employer's withdrawal, awaited by each
departure file of the offer, whose references are per candidate) reaches, sent from any file of the
chain, the files waiting on it that carry that file's or the chain's first reference and those marked
ones, in one transaction. The delivery is recorded on each file reached (`message_received`, with the
sender and the reason).
"""
from sqlalchemy import select

from engine.definitions.workflows import version_specs
from engine.errors import Conflict, Forbidden
from engine.runtime import messages
from engine.runtime.inbound import send_message, send_message_to_keys
from engine.runtime.instances import checked_reason, load_readable
from engine.store.tables import EventWait, Instance, ProcessVersion

CHAIN_PROPERTY = "reachesChain"  # on a catching element: the message sent from any file of its chain reaches it


def sendable(session, actor, instance):
    """[{"name": message, "label": the waiting element's name}] that `actor` may send to `instance` now."""
    waits = session.execute(select(EventWait.name, EventWait.element_id).where(
        EventWait.instance_id == instance.id, EventWait.kind == "message")).all()
    elements = _elements(instance.version)
    offered = {}
    for name, element_id in waits:
        waiting = elements.get(element_id)  # the catching element, or an event-based gateway and its branches
        for element in messages.elements_waiting(waiting, "message", name) if waiting is not None else []:
            if _opened_to_people(element) and messages.allowed_senders([element]) & set(actor.roles):
                offered.setdefault(name, element.bpmn_name or name)
    return [{"name": name, "label": label} for name, label in sorted(offered.items(), key=lambda item: item[1])]


def offered(uow, actor, instance_id):
    """`sendable` for the file `instance_id`, in a transaction of its own (the reader's access was checked
    when the file was read)."""
    with uow:
        instance = load_readable(uow.session, actor, instance_id)
        return sendable(uow.session, actor, instance)


def send_to_file(uow, actor, instance_id, name, reason):
    """Send the message `name` with `reason` (required) to the files carrying `instance_id`'s reference.

    Raises NotFound or Forbidden (the reader may not read the file, or may not send this message),
    Conflict `not_waiting` (the file does not wait on it any more: closed, or past that stage),
    ValidationFailed (no reason, or longer than a cancel reason may be; checked after access).
    Returns what the delivery reached ({"delivered_to", "started"}).
    """
    with uow:
        session = uow.session
        instance = load_readable(session, actor, instance_id)
        waited = session.scalars(select(EventWait.element_id).where(
            EventWait.instance_id == instance.id, EventWait.kind == "message", EventWait.name == name)).all()
        if not waited:
            raise Conflict(f"file {instance_id} does not wait on the message '{name}' any more",
                           reason="not_waiting", name=name, instance_id=instance.id)
        if name not in {offered["name"] for offered in sendable(session, actor, instance)}:
            raise Forbidden(f"you may not send '{name}' to file {instance_id}", reason="sender_not_allowed",
                            name=name, instance_id=instance.id)
        keys = _keys_reached(session, instance, name)
    payload = {"motif": checked_reason(reason)}
    if len(keys) == 1:
        return send_message(uow, actor, name, business_key=keys[0], payload=payload)
    return send_message_to_keys(uow, actor, name, keys, payload=payload)


def _keys_reached(session, instance, name):
    """The references `name` is sent to from `instance`'s page: its own, and, when the chain marks the
    message `reachesChain`, the chain's first reference and the references of the marked files."""
    root = instance.root_id or instance.id
    waiting = session.execute(
        select(Instance.business_key, Instance.process_version_id, EventWait.element_id)
        .join(EventWait, EventWait.instance_id == Instance.id)
        .where(EventWait.kind == "message", EventWait.name == name, Instance.status.in_(messages.RECEIVING),
               (Instance.id == root) | (Instance.root_id == root))).all()
    marked = {key for key, version_id, element_id in waiting
              if _reaches_chain(session.get(ProcessVersion, version_id), element_id, name)}
    if not marked:
        return [instance.business_key]
    first = session.get(Instance, root).business_key
    wanted = {instance.business_key, first} | marked
    return sorted({key for key, _version, _element in waiting if key in wanted} | {instance.business_key})


def _reaches_chain(version, element_id, name):
    waiting = _elements(version).get(element_id)  # the catching element, or an event-based gateway
    for element in messages.elements_waiting(waiting, "message", name) if waiting is not None else []:
        properties = (getattr(element, "extensions", None) or {}).get("properties") or {}
        if (properties.get(CHAIN_PROPERTY) or "").strip().lower() == "true":
            return True
    return False


def _elements(version):
    spec, subprocesses = version_specs(version)
    return {task_spec.bpmn_id: task_spec for owner in (spec, *subprocesses.values())
            for task_spec in owner.task_specs.values() if task_spec.bpmn_id}


def _opened_to_people(element):
    properties = (getattr(element, "extensions", None) or {}).get("properties") or {}
    return bool((properties.get(messages.SENDERS_PROPERTY) or "").strip())
