"""`http`: steps per second through the real server ÷ steps per second in one thread in process.

`djoliba serve --workers N` (gunicorn) runs on a fresh copy of the demo database; C client
processes (so that the load is not limited by one Python client) each drive whole offers over the
API with API tokens of DCIM and the counsellors. The baseline drives the same offers through the
engine in one thread on another copy of the same database.

Where the CPU goes is counted too (from /proc, so it holds on a busy machine): CPU seconds per step
in the server's processes, in the client processes and in the database's own processes (PostgreSQL's
backends serving the run), against the one thread in process and its backend. On a machine with few
cores, clients, server and database share them: steps/s over HTTP is bounded by the cores ÷ the CPU a
step takes in all three. After the run, the server database's audit chain is verified.

    python bench/http_load.py [--workers 2] [--clients 4] [--offers 5] [--database sqlite|postgresql]
"""
import argparse
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from offer_steps import PROCESS, REGIONS, STEPS_PER_OFFER, drive_engine, unique_key, user_steps

from databases import POSTGRES_URL, postgres_available
from engine.audit.verify import verify
from engine.store.uow import UnitOfWork, make_session_factory
from tests.server.servers import Databases, Server

USERS = ("dcim",) + tuple(f"conseiller-{region}" for region in REGIONS)


def _client(base, tokens, offers, label, start_at):
    """One client process: `offers` whole offers over the API; the CPU seconds it took (not its start-up)."""
    session = requests.Session()
    headers = {user: {"Authorization": f"Bearer {token}"} for user, token in tokens.items()}
    time.sleep(max(0.0, start_at - time.time()))
    started = time.process_time()
    for number in range(offers):
        answer = session.post(f"{base}/api/v1/processes/{PROCESS}/instances", headers=headers["dcim"],
                              json={"business_key": unique_key(f"{label}-{number}")})
        answer.raise_for_status()
        instance = answer.json()
        for name, data in user_steps():
            task = next(t for t in instance["tasks"] if t["name"] == name)
            user = f"conseiller-{task['region']}" if task["region"] else "dcim"
            answer = session.post(f"{base}/api/v1/tasks/{task['id']}/complete", headers=headers[user],
                                  json={"data": data})
            answer.raise_for_status()
            instance = answer.json()
        assert instance["status"] == "completed", instance["status"]
    return time.process_time() - started


TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid):
    """CPU seconds a process has used, 0 once gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def _tree(pid):
    """`pid` and its children (a gunicorn master and its workers)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    return found


class Backends:
    """CPU seconds of the PostgreSQL backends serving one database, between `start` and `stop` (0 on SQLite)."""

    def __init__(self, url):
        self.url = url if url and url.startswith("postgresql") else None
        self.before = {}

    def _pids(self):
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            pids = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :name"),
                                      {"name": self.url.rsplit("/", 1)[1]}).scalars().all()
        engine.dispose()
        return pids

    def start(self):
        self.before = {pid: _cpu(pid) for pid in self._pids()} if self.url else {}
        return self

    def stop(self):
        return sum(_cpu(pid) - self.before.get(pid, 0.0) for pid in self._pids()) if self.url else 0.0


def _database_url(database):
    return database["url"] or f"sqlite:///{database['path']}"


def measure(kind, workers, clients, offers):
    """{"server", "in_process", "ratio"} in steps per second on `kind`."""
    saved = os.environ.get("DATABASE_URL")
    if kind == "postgresql":
        os.environ["DATABASE_URL"] = POSTGRES_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        with tempfile.TemporaryDirectory() as folder:
            databases = Databases(Path(folder), token_users=USERS)
            try:
                return _measure(databases, workers, clients, offers) | {"database": kind}
            finally:
                databases.drop()
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved


def _measure(databases, workers, clients, offers):
    steps = offers * clients * STEPS_PER_OFFER
    local = databases.copy("in-process")
    url = _database_url(local).replace("postgresql://", "postgresql+psycopg://", 1)
    uow = UnitOfWork(make_session_factory(url))
    drive_engine(uow, 2, "warm")
    backends, cpu = Backends(local["url"]).start(), _cpu(os.getpid())
    in_process = steps / drive_engine(uow, offers * clients)
    cpu_in_process = {"engine": _cpu(os.getpid()) - cpu, "database": backends.stop()}
    uow.session_factory.kw["bind"].dispose()

    server = Server(databases, workers, "served").launch().wait()
    try:
        tokens = {user: databases.tokens[user] for user in USERS}
        _client(server.base, tokens, 1, "warm", 0)
        served_pids = _tree(server.process.pid)
        backends, cpu_server = Backends(server.database["url"]).start(), sum(_cpu(pid) for pid in served_pids)
        start_at = time.time() + 1.0
        with multiprocessing.get_context("spawn").Pool(clients) as pool:
            runs = [pool.apply_async(_client, (server.base, tokens, offers, f"c{n}", start_at)) for n in range(clients)]
            cpu_clients = sum(run.get(timeout=1800) for run in runs)
            served = steps / (time.time() - start_at)
            cpu_served = {"server": sum(_cpu(pid) for pid in served_pids) - cpu_server, "database": backends.stop(),
                          "clients": cpu_clients}
    finally:
        server.stop()
    server_url = _database_url(server.database).replace("postgresql://", "postgresql+psycopg://", 1)
    verdict = verify(UnitOfWork(make_session_factory(server_url)))
    return {"workers": workers, "clients": clients, "steps": steps, "server": served, "in_process": in_process,
            "ratio": served / in_process, "chain": "verified" if verdict.ok else f"BROKEN: {verdict}",
            "cpu_in_process": {k: 1000 * v / steps for k, v in cpu_in_process.items()},
            "cpu_served": {k: 1000 * v / steps for k, v in cpu_served.items()}}


def report(result):
    cpu = lambda parts: ", ".join(f"{name} {ms:.1f}" for name, ms in parts.items()) + \
        f" (total {sum(parts.values()):.1f})"  # noqa: E731
    return (f"http [{result['database']}]: {result['workers']} workers, {result['clients']} clients,"
            f" {result['steps']} steps: server {result['server']:.1f} steps/s, one thread in process"
            f" {result['in_process']:.1f} steps/s, ratio {result['ratio']:.2f}; audit chain {result['chain']}\n"
            f"  CPU ms per step, in process: {cpu(result['cpu_in_process'])}; served: {cpu(result['cpu_served'])}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--offers", type=int, default=5, help="offers per client")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    kinds = args.database or ["sqlite"] + (["postgresql"] if postgres_available() else [])
    for kind in kinds:
        print(report(measure(kind, args.workers, args.clients, args.offers)), flush=True)


if __name__ == "__main__":
    main()
