"""`scale`: per-step cost and the latency of the pages managers and counsellors use, as the
number of stored files grows, each as a ratio to the first (smallest) size.

The database starts as the demo (`init --demo`: files of every procedure, at every stage) and
grows by bulk copies of the demo's files: instances with their state and data, tasks, timers,
awaited events, business records and their audit events, each copy under its own references.
At each size: the engine's cost per step on new offers, and p50/p95 of an inbox (DCIM and a
Kayes counsellor; its first page, as the inbox shows it), the files list, an audit search and
the statistics page's indicators.

    python bench/scale.py [--sizes 1000 10000] [--database sqlite|postgresql]
"""
import argparse
import itertools
import statistics as stats
import time
import uuid

from offer_steps import ROOT, STEPS_PER_OFFER, drive_engine
from sqlalchemy import func, insert, select, text

from databases import postgres_available, scratch_database
from engine import accounts
from engine.authoring.deploy import deploy_paths
from engine.audit.search import EventFilter, search_events
from engine.demo.files import create_demo_data
from engine.records import statistics
from engine.runtime import instances, tasks
from engine.setup import create_demo_accounts, init_database
from engine.store import tables
from engine.store.uow import UnitOfWork, make_session_factory

# Tables holding a file's rows, and how a copy's row differs from the original's.
_INSTANCE_ID_PK = ("offers", "departures", "returns", "candidate_services", "reintegrations")
_BY_INSTANCE = ("tasks", "timers", "event_waits", "audit_events", "agency_reports") + _INSTANCE_ID_PK
CHUNK = 2000  # rows per INSERT


def _copy_rows(rows, table, copy, stride, task_ids, seqs):
    """The rows of `table` for copy number `copy` of the demo's files; `task_ids` maps the demo's
    task ids to this copy's (tasks, timers and audit events name the same tasks), `seqs` numbers
    audit events after the last one (the chain numbers them itself, not the database)."""
    moved = lambda value: None if value is None else value + copy * stride  # noqa: E731
    copied = []
    for row in rows:
        row = dict(row)
        if table == "instances":
            row.update(id=moved(row["id"]), parent_id=moved(row["parent_id"]), root_id=moved(row["root_id"]),
                       business_key=f"{row['business_key']}-C{copy}")
        else:
            if "instance_id" in row:
                row["instance_id"] = moved(row["instance_id"])
            if row.get("task_id") is not None:
                row["task_id"] = task_ids.setdefault((copy, row["task_id"]), str(uuid.uuid4()))
            if table == "tasks":
                row.update(id=task_ids.setdefault((copy, row["id"]), str(uuid.uuid4())),
                           business_key=f"{row['business_key']}-C{copy}")
            elif table == "candidatures":
                row["offer_id"] = moved(row["offer_id"])
            if table == "audit_events":
                row["seq"] = next(seqs)
            elif "id" in row and table not in _INSTANCE_ID_PK and table != "tasks":
                del row["id"]  # numbered by the database
        copied.append(row)
    return copied


def demo_rows(uow):
    """The demo's files as rows of each table, parents before children."""
    metadata = tables.Base.metadata
    with uow:
        session = uow.session
        ids = select(tables.Instance.id)
        rows = {"instances": session.execute(select(metadata.tables["instances"]).order_by("id")).mappings().all()}
        for name in _BY_INSTANCE + ("candidatures",):
            table = metadata.tables[name]
            column = table.c.offer_id if name == "candidatures" else table.c.instance_id
            rows[name] = session.execute(select(table).where(column.in_(ids))).mappings().all()
    return rows


def grow(uow, originals, files):
    """Add copies of the demo's files (`demo_rows`) until the database holds at least `files` files."""
    metadata = tables.Base.metadata
    stride = originals["instances"][-1]["id"] + 1000  # room for the files the per-step measure adds
    with uow:
        session = uow.session
        have = session.scalar(select(func.count()).select_from(tables.Instance))
        first = session.scalar(select(func.max(tables.Instance.id))) // stride + 1
        seqs = itertools.count(session.scalar(select(func.max(tables.AuditEvent.seq))) + 1)
    per_copy = len(originals["instances"])
    copies = range(first, first + max(0, -(-(files - have) // per_copy)))
    order = ("instances",) + _BY_INSTANCE + ("candidatures",)
    engine = uow.session_factory.kw["bind"]
    task_ids = {}
    with engine.begin() as connection:
        for name in order:
            table, pending = metadata.tables[name], []
            for copy in copies:
                pending += _copy_rows(originals[name], name, copy, stride, task_ids, seqs)
                if len(pending) >= CHUNK:
                    connection.execute(insert(table), pending)
                    pending = []
            if pending:
                connection.execute(insert(table), pending)
        # The chain goes on from the last copied event (the copies themselves are not a verified chain).
        last = connection.execute(select(tables.AuditEvent.seq, tables.AuditEvent.hash)
                                  .order_by(tables.AuditEvent.seq.desc()).limit(1)).one()
        connection.execute(tables.AuditHead.__table__.update().values(seq=last.seq, hash=last.hash))
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT setval(pg_get_serial_sequence('instances', 'id'), max(id)) FROM instances"))
    if engine.dialect.name == "postgresql":
        # What autovacuum does to a live database after such growth: statistics for the planner, and the
        # visibility map that lets a count bounded by an index read the index alone.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    with uow:
        return uow.session.scalar(select(func.count()).select_from(tables.Instance))


def _latencies(call, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return stats.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def probes(uow):
    """What is timed at each size: name -> call."""
    dcim, kayes, direction = (accounts.get_actor(uow, name) for name in ("dcim", "conseiller-kayes", "direction"))
    offers = EventFilter(process="offre_internationale")
    return {
        "inbox dcim": lambda: tasks.inbox_page(uow, dcim),
        "inbox kayes": lambda: tasks.inbox_page(uow, kayes),
        "files list": lambda: instances.list_instances(uow, direction),
        "audit search": lambda: search_events(uow, direction, offers),
        "statistics": lambda: [statistics.count(uow, key) for key in statistics.INDICATORS],
    }


def measure(kind, sizes, offers, repeats):
    """[(files, {measure: (p50, p95) or ms per step})] for each size, smallest first."""
    results = []
    with scratch_database(kind) as url:
        uow = UnitOfWork(make_session_factory(url))
        init_database(uow, url)
        deploy_paths(uow, [ROOT / "bpmn"], "bench", forms_dir=ROOT / "forms")
        create_demo_accounts(uow)
        create_demo_data(uow)
        originals = demo_rows(uow)
        timed = probes(uow)
        drive_engine(uow, 1, "warm")
        for size in sorted(sizes):
            files = grow(uow, originals, size)
            row = {"per step": 1000 * drive_engine(uow, offers, f"s{size}") / (offers * STEPS_PER_OFFER)}
            for name, call in timed.items():
                call()
                row[name] = _latencies(call, repeats)
            results.append((files, row))
        uow.session_factory.kw["bind"].dispose()
    return results


def report(kind, results):
    base_files, base = results[0]
    lines = [f"scale [{kind}] (ms; p50/p95; ratio of p95 to {base_files} files):"]
    for files, row in results:
        parts = []
        for name, value in row.items():
            if name == "per step":
                parts.append(f"per step {value:.1f} (x{value / base[name]:.2f})")
            else:
                parts.append(f"{name} {value[0]:.1f}/{value[1]:.1f} (x{value[1] / base[name][1]:.2f})")
        lines.append(f"  {files:>9} files: " + ", ".join(parts))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--offers", type=int, default=5, help="offers driven at each size for the per-step cost")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    kinds = args.database or ["sqlite"] + (["postgresql"] if postgres_available() else [])
    for kind in kinds:
        print(report(kind, measure(kind, args.sizes, args.offers, args.repeats)), flush=True)


if __name__ == "__main__":
    main()
