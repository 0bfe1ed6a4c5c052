"""Transfers of personal data abroad (law 2013-015): recorded when the user task that sends them completes.

A user task declares the transfer in its spiffworkflow property
`personalDataTransfer`, as `key=value` pairs separated by `;`:

    personnes=candidats_a_presenter; destinataire=employeur_raison_sociale;
    pays=lieu_travail_pays; documents=pieces_transmises

Each value names a data field: the persons' ids, the recipient, the country
and (optional) the list of the categories of documents sent.
"""
from engine import audit

PROPERTY = "personalDataTransfer"


def parse(text):
    """The declared transfer as a dict; ValueError when a field is missing."""
    pairs = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
    declared = {key.strip(): value.strip() for key, value in pairs.items()}
    missing = [key for key in ("personnes", "destinataire", "pays") if not declared.get(key)]
    if missing:
        raise ValueError(f"{PROPERTY} lacks {', '.join(missing)}")
    return declared


def note(session, instance, task, actor):
    """Record `personal_data_transfer` if the completed `task` declares one; returns the event or None."""
    text = declared_on(task.task_spec)
    if not text:
        return None
    declared = parse(text)
    persons = task.data.get(declared["personnes"])
    persons = list(persons) if isinstance(persons, (list, dict)) else ([] if persons is None else [persons])
    documents = task.data.get(declared["documents"]) if declared.get("documents") else None
    return audit.record(session, "personal_data_transfer", actor, instance, task_id=str(task.id),
                        element_id=task.task_spec.bpmn_id,
                        persons=sorted(int(p) for p in persons if str(p).isdigit()),
                        documents=documents if isinstance(documents, list) else [],
                        recipient=task.data.get(declared["destinataire"]), country=task.data.get(declared["pays"]))


def declared_on(task_spec):
    """The `personalDataTransfer` property of a task spec, or None."""
    return ((getattr(task_spec, "extensions", None) or {}).get("properties") or {}).get(PROPERTY)
