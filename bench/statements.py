"""`statements`: SQL statements and Python function calls per step, counted, not timed.

Timings vary with the machine's load; the number of statements the engine sends to its database
for one step of the offer procedure, and the number of Python calls it makes, do not. Both are
counted over whole offers (`start_instance` + `complete_task`, as the other benches drive them)
on a fresh database of each kind, after one warm-up offer (imports, caches).

    python bench/statements.py [--offers N] [--database sqlite|postgresql] [--show]
"""
import argparse
import cProfile
import collections
import pstats

from offer_steps import ROOT, STEPS_PER_OFFER, drive_engine
from sqlalchemy import event

from databases import postgres_available, scratch_database
from engine.authoring.deploy import deploy_paths
from engine.setup import init_database
from engine.store.uow import UnitOfWork, make_session_factory


def _shape(statement):
    """A statement's first words, to group them: "SELECT ... FROM tasks", "INSERT INTO audit_events"."""
    words = " ".join(statement.split())
    verb = words.split(" ", 1)[0].upper()
    if verb == "SELECT" and " FROM " in words:
        return "SELECT FROM " + words.split(" FROM ", 1)[1].split(" ", 1)[0]
    return " ".join(words.split(" ")[:3])


def measure(kind, offers=3):
    """{"statements", "calls" per step, "shapes": Counter} over `offers` offers on a fresh database."""
    with scratch_database(kind) as url:
        uow = UnitOfWork(make_session_factory(url))
        init_database(uow, url)
        deploy_paths(uow, [ROOT / "bpmn"], "bench", forms_dir=ROOT / "forms")
        drive_engine(uow, 1, "warm")
        bind = uow.session_factory.kw["bind"]
        shapes = collections.Counter()

        def count(conn, cursor, statement, parameters, context, executemany):
            shapes[_shape(statement)] += 1

        event.listen(bind, "before_cursor_execute", count)
        drive_engine(uow, offers, "counted")
        event.remove(bind, "before_cursor_execute", count)
        profile = cProfile.Profile()
        profile.enable()
        drive_engine(uow, offers, "profiled")
        profile.disable()
        bind.dispose()
    steps = offers * STEPS_PER_OFFER
    calls = pstats.Stats(profile).total_calls
    return {"database": kind, "steps": steps, "statements": sum(shapes.values()) / steps,
            "calls": calls / steps, "shapes": shapes}


def report(result, show=False):
    lines = [f"statements [{result['database']}]: {result['steps']} steps, {result['statements']:.1f} SQL"
             f" statements/step, {result['calls']:.0f} Python calls/step"]
    if show:
        for shape, number in result["shapes"].most_common():
            lines.append(f"  {number / result['steps']:6.2f}  {shape}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--show", action="store_true", help="statements per step by kind and table")
    args = parser.parse_args()
    kinds = args.database or ["sqlite"] + (["postgresql"] if postgres_available() else [])
    for kind in kinds:
        print(report(measure(kind, args.offers), args.show), flush=True)


if __name__ == "__main__":
    main()
