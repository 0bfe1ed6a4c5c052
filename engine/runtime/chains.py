"""Messages that reach a whole chain of files (an offer and the files opened from it).

An element that waits on a message may carry the property `reachesChain` = `true` (the departure
files' `retrait_offre`: their references are per candidate, `<offer>/<person>`). Such a message,
sent by one file's reference (from its page, over the API or the CLI), goes to the files of that
reference and, when a file of its chain waits on it at an element so marked, to the chain's first
reference and to the references of the marked files too.
"""
from sqlalchemy import select

from engine.definitions.workflows import version_specs
from engine.runtime import messages
from engine.store.tables import EventWait, Instance, ProcessVersion

CHAIN_PROPERTY = "reachesChain"


def keys_reached(session, instance, name):
    """The references the message `name` goes to when sent by `instance`'s reference, its own first."""
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
    wanted = {instance.business_key, session.get(Instance, root).business_key} | marked
    others = sorted({key for key, _version, _element in waiting if key in wanted} - {instance.business_key})
    return [instance.business_key, *others]


def keys_for_reference(session, business_key, name):
    """`keys_reached` for a message sent by reference from outside: the chain of the files carrying
    `business_key` (the oldest first), or just that reference."""
    holders = session.scalars(select(Instance).where(Instance.business_key == business_key)
                              .order_by(Instance.id)).all()
    keys = [business_key]
    for holder in holders:
        keys += [key for key in keys_reached(session, holder, name) if key not in keys]
    return keys


def elements(version):
    """{bpmn id: task spec} of a version's process and sub-processes."""
    spec, subprocesses = version_specs(version)
    return {task_spec.bpmn_id: task_spec for owner in (spec, *subprocesses.values())
            for task_spec in owner.task_specs.values() if task_spec.bpmn_id}


def _reaches_chain(version, element_id, name):
    waiting = elements(version).get(element_id)  # the catching element, or an event-based gateway
    for element in messages.elements_waiting(waiting, "message", name) if waiting is not None else []:
        properties = (getattr(element, "extensions", None) or {}).get("properties") or {}
        if (properties.get(CHAIN_PROPERTY) or "").strip().lower() == "true":
            return True
    return False
