"""The offer procedure run by bare SpiffWorkflow and by the engine, same data, same run.

(a) bare SpiffWorkflow in memory, one JSON serialization per step;
(b) Djoliba's engine: validation, persistence (SQLite file, or DATABASE_URL),
    task projection and audit, one transaction per step.
Prints both times and their ratio; absolute times vary from machine to machine.

    python bench/offer_bench.py [--offers N]
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from engine.accounts.access import Actor  # noqa: E402
from engine.authoring.deploy import deploy_paths  # noqa: E402
from engine.definitions.scripting import script_engine  # noqa: E402
from engine.definitions.workflows import SERIALIZER  # noqa: E402
from engine.runtime import instances, tasks  # noqa: E402
from engine.setup import init_database  # noqa: E402
from engine.store.uow import UnitOfWork, make_session_factory  # noqa: E402
from tests.engine import offer_data  # noqa: E402

REGIONS = ("bamako", "kayes")
DCIM = Actor("dcim", frozenset({"dcim"}))
COUNSELLORS = {r: Actor(f"conseiller-{r}", frozenset({"conseiller"}), r) for r in REGIONS}


def steps():
    """(element id, data) of each user task of one offer, in order."""
    return [("enregistrer_offre", offer_data.enregistrer_saisonnier_espagne()),
            ("verifier_employeur", offer_data.verifier_credible()),
            ("negocier_offre", offer_data.negocier_accord()),
            ("transmettre_offre", offer_data.transmettre(*REGIONS)),
            ("confirmer_affichage", offer_data.confirmer_affichage()),
            ("confirmer_affichage", offer_data.confirmer_affichage())]


def run_bare(offers):
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(ROOT / "bpmn" / "offre_internationale.bpmn"))
    spec = parser.get_spec("offre_internationale")
    started = time.perf_counter()
    for _ in range(offers):
        workflow = BpmnWorkflow(spec, script_engine=script_engine())
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data["reference_dossier"] = "BENCH"
        workflow.do_engine_steps()
        SERIALIZER.serialize_json(workflow)
        for name, data in steps():
            task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                        if t.task_spec.bpmn_id == name)
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            SERIALIZER.serialize_json(workflow)
        assert workflow.is_completed()
    return time.perf_counter() - started


def run_engine(offers, database_url):
    uow = UnitOfWork(make_session_factory(database_url))
    init_database(uow, database_url)
    deploy_paths(uow, [ROOT / "bpmn"], "bench", forms_dir=ROOT / "forms")
    started = time.perf_counter()
    for number in range(offers):
        instance = instances.start_instance(uow, DCIM, "offre_internationale", f"BENCH-{time.time_ns()}-{number}")
        for name, data in steps():
            task = next(t for t in instance["tasks"] if t["name"] == name)
            actor = COUNSELLORS[task["region"]] if task["region"] else DCIM
            instance = tasks.complete_task(uow, actor, task["id"], data)
        assert instance["status"] == "completed", instance["status"]
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=30)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "").replace("postgresql://", "postgresql+psycopg://", 1)
    with tempfile.TemporaryDirectory() as folder:
        database_url = database_url or f"sqlite:///{folder}/bench.db"
        run_bare(2), run_engine(2, database_url)  # warm-up: imports, caches, first connections
        bare = run_bare(args.offers)
        engine = run_engine(args.offers, database_url)
    step_count = args.offers * (len(steps()) + 1)
    print(f"offers: {args.offers}, steps: {step_count}, database: {database_url.split(':')[0]}")
    print(f"(a) bare SpiffWorkflow + JSON per step: {bare:.3f} s ({1000 * bare / step_count:.2f} ms/step)")
    print(f"(b) Djoliba engine, persisted + audited: {engine:.3f} s ({1000 * engine / step_count:.2f} ms/step)")
    print(f"ratio (b)/(a): {engine / bare:.1f}")


if __name__ == "__main__":
    main()
