"""Demo files for a first look: offers at different stages, worked by the demo accounts.

Each file of `data/demo_offers.json` is started by its first step's account
and taken through its steps with the real use cases, so that its history, its
deadlines and the audit trail are what the same work done by hand would leave.
"""
import json
from pathlib import Path

from sqlalchemy import select

from engine import accounts, instances, tasks
from engine.tables import Instance

DEMO_FILES = Path(__file__).parent / "data" / "demo_offers.json"
PROCESS = "offre_internationale"


def create_demo_files(uow):
    """Create the demo offers that do not exist yet (by business key); return the keys created.

    Needs the offer procedure deployed and the demo accounts created.
    """
    created = []
    for demo in json.loads(DEMO_FILES.read_text(encoding="utf-8")):
        if _exists(uow, demo["business_key"]):
            continue
        starter = accounts.get_actor(uow, demo["steps"][0][0])
        instance_id = instances.start_instance(uow, starter, PROCESS, demo["business_key"])["id"]
        for username, name, data in demo["steps"]:
            actor = accounts.get_actor(uow, username)
            tasks.complete_task(uow, actor, _open_task(uow, actor, instance_id, name), data)
        for username, name in demo.get("claims", []):
            actor = accounts.get_actor(uow, username)
            tasks.claim_task(uow, actor, _open_task(uow, actor, instance_id, name))
        created.append(demo["business_key"])
    return created


def _exists(uow, business_key):
    with uow:
        query = select(Instance.id).where(Instance.process_key == PROCESS, Instance.business_key == business_key)
        return uow.session.scalars(query).first() is not None


def _open_task(uow, actor, instance_id, name):
    return next(t["id"] for t in tasks.list_open_tasks(uow, actor)
                if t["instance_id"] == instance_id and t["name"] == name)
