"""Transfers of personal data abroad (law 2013-015): recorded when the user task that sends them completes.

A user task declares the transfer in its spiffworkflow property
`personalDataTransfer`, as `key=value` pairs separated by `;`:

    personnes=candidats_a_presenter; destinataire=employeur_raison_sociale;
    pays=lieu_travail_pays; documents=pieces_transmises

Each value names a data field: the persons' ids, the recipient, the country
and (optional) the list of the categories of documents sent.
"""
from engine import audit
from engine.definitions.elements import declared_transfer, parse_transfer


def note(session, instance, task, actor):
    """Record `personal_data_transfer` if the completed `task` declares one; returns the event or None."""
    text = declared_transfer(task.task_spec)
    if not text:
        return None
    declared = parse_transfer(text)
    persons = task.data.get(declared["personnes"])
    persons = list(persons) if isinstance(persons, (list, dict)) else ([] if persons is None else [persons])
    documents = task.data.get(declared["documents"]) if declared.get("documents") else None
    return audit.record(session, "personal_data_transfer", actor, instance, task_id=str(task.id),
                        element_id=task.task_spec.bpmn_id,
                        persons=sorted(int(p) for p in persons if str(p).isdigit()),
                        documents=documents if isinstance(documents, list) else [],
                        recipient=task.data.get(declared["destinataire"]), country=task.data.get(declared["pays"]))
