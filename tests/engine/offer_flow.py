"""Helpers that drive the offer procedure through the engine API, and read the database back."""
import offer_data
from conftest import DCIM
from sqlalchemy import func, select

from engine.runtime import instances, tasks
from engine.store.tables import AuditEvent, Instance, ProcessVersion, TaskRow

PROCESS = "offre_internationale"


def open_tasks(uow, actor, instance_id, name=None):
    """The actor's open tasks of one instance (optionally of one element), as list_open_tasks gives them."""
    return [t for t in tasks.list_open_tasks(uow, actor)
            if t["instance_id"] == instance_id and (name is None or t["name"] == name)]


def the_task(uow, actor, instance_id, name):
    """The single open task `name` of an instance that `actor` sees in their inbox."""
    found = open_tasks(uow, actor, instance_id, name)
    assert len(found) == 1, f"expected one open '{name}' task for {actor.username}, got {found}"
    return found[0]


def complete(uow, actor, instance_id, name, data):
    """Complete the open task `name` of an instance as `actor`; return the instance dict."""
    return tasks.complete_task(uow, actor, the_task(uow, actor, instance_id, name)["id"], data)


def start_offer(uow, business_key, actor=DCIM):
    return instances.start_instance(uow, actor, PROCESS, business_key)


def offer_up_to_transmission(uow, business_key, record=None):
    """Start an offer and take it through recording, a credible check and an agreement."""
    instance = start_offer(uow, business_key)
    complete(uow, DCIM, instance["id"], "enregistrer_offre", record or offer_data.enregistrer_saisonnier_espagne())
    complete(uow, DCIM, instance["id"], "verifier_employeur", offer_data.verifier_credible())
    complete(uow, DCIM, instance["id"], "negocier_offre", offer_data.negocier_accord())
    return instance["id"]


def offer_sent_to(uow, business_key, *regions):
    """An offer waiting for the confirmations of `regions`."""
    instance_id = offer_up_to_transmission(uow, business_key)
    complete(uow, DCIM, instance_id, "transmettre_offre", offer_data.transmettre(*regions))
    return instance_id


def history(uow, instance_id):
    return instances.get_instance(uow, DCIM, instance_id, with_history=True)["history"]


def kinds(events):
    """(kind, element_id) of each event, in order."""
    return [(e["kind"], e["element_id"]) for e in events]


def snapshot(uow, instance_id=None):
    """Everything the engine may write, read straight from the tables, to compare before and after."""
    with uow:
        session = uow.session
        result = {
            "versions": [(v.process_key, v.version, v.checksum)
                         for v in session.scalars(select(ProcessVersion).order_by(ProcessVersion.id))],
            "events": session.scalar(select(func.count()).select_from(AuditEvent)),
            "instances": session.scalar(select(func.count()).select_from(Instance)),
        }
        if instance_id is not None:
            instance = session.get(Instance, instance_id)
            result["instance"] = (instance.status, instance.lock_version, instance.state, instance.data,
                                  instance.error_message, instance.ended_at)
            result["tasks"] = [(r.id, r.name, r.state, r.assignee, r.completed_by, r.region)
                               for r in session.scalars(select(TaskRow).where(TaskRow.instance_id == instance_id)
                                                        .order_by(TaskRow.id))]
        return result


def task_rows(uow, instance_id):
    """The task projection rows of an instance, oldest first, as plain dicts."""
    with uow:
        rows = uow.session.scalars(select(TaskRow).where(TaskRow.instance_id == instance_id)
                                   .order_by(TaskRow.created_at, TaskRow.id))
        return [{"id": r.id, "name": r.name, "state": r.state, "role": r.role, "region": r.region,
                 "assignee": r.assignee, "completed_by": r.completed_by,
                 "completed_at": r.completed_at, "due_at": r.due_at, "created_at": r.created_at}
                for r in rows]
