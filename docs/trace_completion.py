"""Print the engine modules one task completion enters, in order (for docs/architecture.md).

    python docs/trace_completion.py

Deploys the bundled diagrams in a throw-away SQLite database, opens an offer file,
then traces `complete_task` on its first task with `sys.setprofile`: each engine
module is printed when the call first enters it, and each time control moves to it
from another module (the "back and forth").
"""
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _import(*candidates):
    """The first of `candidates` that imports: the flat layout's name first, so that the script traces both."""
    for name in candidates:
        try:
            return __import__(name, fromlist=["_"])
        except ImportError:
            continue
    raise ImportError(candidates)


def main():
    setup = _import("engine.setup")
    uow_module = _import("engine.uow", "engine.store.uow")
    deploy = _import("engine.deploy", "engine.authoring.deploy")
    access = _import("engine.access", "engine.accounts.access")
    instances = _import("engine.instances", "engine.runtime.instances")
    tasks = _import("engine.tasks", "engine.runtime.tasks")
    payloads = _import("engine.demo_payloads", "engine.demo.payloads")
    url = f"sqlite:///{tempfile.mkdtemp()}/trace.db"
    factory = uow_module.make_session_factory(url)
    uow = uow_module.UnitOfWork(factory)
    setup.init_database(uow, url)
    setup.create_demo_accounts(uow)
    deploy.deploy_paths(uow, [ROOT / "bpmn"], "trace", forms_dir=ROOT / "forms")
    dcim = access.Actor(username="dcim", roles=frozenset({"dcim"}), region=None)
    started = instances.start_instance(uow, dcim, "offre_internationale", "OFF-TRACE-1")
    [task] = [t for t in tasks.list_open_tasks(uow, dcim) if t["instance_id"] == started["id"]]
    today = date.today()
    data = payloads.serres_espagne(lambda days: (today + timedelta(days=days)).isoformat())
    entered = []

    def profile(frame, event, _arg):
        if event != "call":
            return
        module = frame.f_globals.get("__name__", "")
        if module.startswith("engine") and (not entered or entered[-1] != module):
            entered.append(module)

    sys.setprofile(profile)
    try:
        tasks.complete_task(uow, dcim, task["id"], data)
    finally:
        sys.setprofile(None)
    print(" -> ".join(entered))
    print(f"{len(entered)} entries, {len(set(entered))} modules")
    packages = [name.split(".")[1] if name.count(".") > 1 or name.split(".")[1:2] == ["records"] else "(flat)"
                for name in entered]
    collapsed = [p for i, p in enumerate(packages) if i == 0 or packages[i - 1] != p]
    print("by package: " + " -> ".join(collapsed))


if __name__ == "__main__":
    main()
