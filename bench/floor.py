"""`floor`: the engine's cost per step ÷ the durable floor, in one run on one database.

The floor is what any durable engine must pay for a step of the offer procedure: bare
SpiffWorkflow runs the step with Djoliba's restricted script engine, and the instance's state
(without its spec) is written as JSON in one row, in one committed transaction of the same
database. The engine's step is `start_instance` / `complete_task`: validation, access, task
projection, timers, business records, audit chain and seals.

    python bench/floor.py [--offers N] [--database sqlite|postgresql]
"""
import argparse
import json
import time

from offer_steps import PROCESS, ROOT, STEPS_PER_OFFER, drive_engine, user_steps
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, insert, update
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from databases import postgres_available, scratch_database
from engine.authoring.deploy import deploy_paths
from engine.definitions.scripting import script_engine
from engine.definitions.workflows import state_of
from engine.setup import init_database
from engine.store.uow import UnitOfWork, make_session_factory

_ROWS = Table("bench_floor", MetaData(), Column("id", Integer, primary_key=True), Column("state", Text))


def offer_spec():
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(ROOT / "bpmn" / f"{PROCESS}.bpmn"))
    return parser.get_spec(PROCESS)


def drive_floor(connectable, spec, offers):
    """Run `offers` offers on bare SpiffWorkflow, each step saved durably; seconds taken."""
    started = time.perf_counter()
    for _ in range(offers):
        workflow = BpmnWorkflow(spec, script_engine=script_engine())
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data["reference_dossier"] = "BENCH"
        workflow.do_engine_steps()
        with connectable.begin() as connection:
            row = connection.execute(insert(_ROWS).values(state=json.dumps(state_of(workflow)))).inserted_primary_key[0]
        for name, data in user_steps():
            task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                        if t.task_spec.bpmn_id == name)
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            with connectable.begin() as connection:
                connection.execute(update(_ROWS).where(_ROWS.c.id == row).values(state=json.dumps(state_of(workflow))))
        assert workflow.is_completed()
    return time.perf_counter() - started


def measure(kind, offers):
    """{"floor_ms", "engine_ms", "ratio"} per step on a fresh database of `kind`."""
    with scratch_database(kind) as url:
        uow = UnitOfWork(make_session_factory(url))
        init_database(uow, url)
        deploy_paths(uow, [ROOT / "bpmn"], "bench", forms_dir=ROOT / "forms")
        durable = create_engine(url)
        _ROWS.create(durable)
        spec = offer_spec()
        drive_floor(durable, spec, 2), drive_engine(uow, 2, "warm")  # imports, caches, connections
        floor = drive_floor(durable, spec, offers)
        engine = drive_engine(uow, offers)
        durable.dispose()
        uow.session_factory.kw["bind"].dispose()
    steps = offers * STEPS_PER_OFFER
    return {"database": kind, "steps": steps, "floor_ms": 1000 * floor / steps,
            "engine_ms": 1000 * engine / steps, "ratio": engine / floor}


def report(result):
    return (f"floor [{result['database']}]: {result['steps']} steps, durable floor {result['floor_ms']:.2f} ms/step,"
            f" engine {result['engine_ms']:.2f} ms/step, ratio {result['ratio']:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=20)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    kinds = args.database or ["sqlite"] + (["postgresql"] if postgres_available() else [])
    for kind in kinds:
        print(report(measure(kind, args.offers)), flush=True)


if __name__ == "__main__":
    main()
