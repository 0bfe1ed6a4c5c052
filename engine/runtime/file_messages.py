"""Messages a person sends to one file from its page: the employer withdrew the offer, the candidate
withdrew, the visa was refused (manual §7.4–7.8).

`sendable` lists the messages a file waits on now that its reader may send: the waiting element names
the roles allowed (`allowedSenders`), and only messages a diagram opens to people this way are offered.
`send_to_file` sends one with its reason, by the file's reference, so that every file of the chain
waiting on it catches it too (an offer's preselection, presentation or selection, whichever runs).
A message that an element of the chain marks `reachesChain` (the employer's withdrawal, awaited by each
departure file of the offer, whose references are per candidate) reaches the whole chain
(`chains.keys_reached`), in one transaction. The delivery is recorded on each file reached
(`message_received`, with the sender and the reason).
"""
from sqlalchemy import select

from engine.errors import Conflict, Forbidden
from engine.runtime import chains, messages
from engine.runtime.inbound import send_message_to_keys
from engine.runtime.instances import checked_reason, load_readable
from engine.store.tables import EventWait


def sendable(session, actor, instance):
    """[{"name": message, "label": the waiting element's name}] that `actor` may send to `instance` now."""
    waits = session.execute(select(EventWait.name, EventWait.element_id).where(
        EventWait.instance_id == instance.id, EventWait.kind == "message")).all()
    elements = chains.elements(instance.version)
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
        keys = chains.keys_reached(session, instance, name)
    return send_message_to_keys(uow, actor, name, keys, payload={"motif": checked_reason(reason)})


def _opened_to_people(element):
    properties = (getattr(element, "extensions", None) or {}).get("properties") or {}
    return bool((properties.get(messages.SENDERS_PROPERTY) or "").strip())
