"""A deployed version never changes, in the database or in a process's memory, whatever is read or run.

One process serves many requests: loading a file, rendering its task pages, its track and its
summary, starting new files, in any order, must leave every version's stored spec and the
spec objects built from it exactly as deployed; a new file's first task keeps its form.
"""
import copy
import json
import random

import pytest
from sqlalchemy import select

from engine import accounts
from engine.definitions import workflows
from engine.definitions.workflows import SERIALIZER, version_specs
from engine.demo.files import WORKERS
from engine.runtime import instances, tasks, tracks
from engine.store.tables import ProcessVersion


def _stored(uow):
    with uow:
        return {v.id: json.dumps(v.spec, sort_keys=True) for v in uow.session.scalars(select(ProcessVersion))}


def _in_memory(uow):
    """The specs this process holds for each version, serialized again."""
    with uow:
        result = {}
        for version in uow.session.scalars(select(ProcessVersion)):
            spec, subprocesses = version_specs(version)
            result[version.id] = json.dumps({"spec": SERIALIZER.to_dict(spec), "subprocess_specs": {
                name: SERIALIZER.to_dict(sub) for name, sub in subprocesses.items()}}, sort_keys=True)
        return result


def _work_through(uow, order):
    """Read every open task page (as its worker), its file's track, then open a new offer: in `order`."""
    seen = []
    for username in order:
        worker = accounts.get_actor(uow, username)
        for task in tasks.list_open_tasks(uow, worker):
            page = tasks.get_task(uow, worker, task["id"])
            if task["name"] != "start":
                assert page["form"] is not None, f"{task['process_key']}/{task['name']} lost its form"
            tracks.instance_track(uow, worker, task["instance_id"])
            seen.append(task["name"])
    return seen


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reading_and_running_files_in_any_order_changes_no_version(demo, seed):
    before = _stored(demo)
    workflows._SPECS.clear()  # as in a server process that has served nothing yet
    order = list(WORKERS)
    random.Random(seed).shuffle(order)
    _work_through(demo, order)
    dcim = accounts.get_actor(demo, "dcim")
    started = instances.start_instance(demo, dcim, "offre_internationale", f"OFF-SPEC-{seed}")
    [first] = [t for t in tasks.list_open_tasks(demo, dcim) if t["instance_id"] == started["id"]]
    page = tasks.get_task(demo, dcim, first["id"])
    assert page["form"]["schema"]["properties"], "the new offer's first task has no form"
    assert page["manual_section"]
    assert _stored(demo) == before
    assert _in_memory(demo) == before


def test_loading_a_file_leaves_its_state_and_its_version_as_stored(demo):
    from engine.definitions.workflows import load_workflow
    from engine.store.tables import Instance
    with demo:
        for instance in demo.session.scalars(select(Instance)):
            state, spec = copy.deepcopy(instance.state), copy.deepcopy(instance.version.spec)
            load_workflow(instance.version, instance.state)
            assert instance.state == state and instance.version.spec == spec
