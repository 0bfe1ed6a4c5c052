"""`http`: steps per second through the real server ÷ steps per second in one thread in process.

`djoliba serve --workers N` (gunicorn) runs on a fresh copy of the demo database; C client
processes (so that the load is not limited by one Python client) each drive whole offers over the
API with API tokens of DCIM and the counsellors. The baseline drives the same offers through the
engine in one thread on another copy of the same database.

    python bench/http_load.py [--workers 2] [--clients 4] [--offers 5] [--database sqlite|postgresql]
"""
import argparse
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

import requests
from offer_steps import PROCESS, REGIONS, STEPS_PER_OFFER, drive_engine, unique_key, user_steps

from databases import POSTGRES_URL, postgres_available
from engine.store.uow import UnitOfWork, make_session_factory
from tests.server.servers import Databases, Server

USERS = ("dcim",) + tuple(f"conseiller-{region}" for region in REGIONS)


def _client(base, tokens, offers, label, start_at):
    """One client process: `offers` whole offers over the API; the number of 5xx answers."""
    session = requests.Session()
    headers = {user: {"Authorization": f"Bearer {token}"} for user, token in tokens.items()}
    time.sleep(max(0.0, start_at - time.time()))
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
    local = databases.copy("in-process")
    url = _database_url(local).replace("postgresql://", "postgresql+psycopg://", 1)
    uow = UnitOfWork(make_session_factory(url))
    drive_engine(uow, 2, "warm")
    in_process = offers * clients * STEPS_PER_OFFER / drive_engine(uow, offers * clients)
    uow.session_factory.kw["bind"].dispose()

    server = Server(databases, workers, "served").launch().wait()
    try:
        tokens = {user: databases.tokens[user] for user in USERS}
        _client(server.base, tokens, 1, "warm", 0)
        start_at = time.time() + 1.0
        with multiprocessing.get_context("spawn").Pool(clients) as pool:
            runs = [pool.apply_async(_client, (server.base, tokens, offers, f"c{n}", start_at)) for n in range(clients)]
            for run in runs:
                run.get(timeout=1800)
        served = offers * clients * STEPS_PER_OFFER / (time.time() - start_at)
    finally:
        server.stop()
    return {"workers": workers, "clients": clients, "steps": offers * clients * STEPS_PER_OFFER,
            "server": served, "in_process": in_process, "ratio": served / in_process}


def report(result):
    return (f"http [{result['database']}]: {result['workers']} workers, {result['clients']} clients,"
            f" {result['steps']} steps: server {result['server']:.1f} steps/s, one thread in process"
            f" {result['in_process']:.1f} steps/s, ratio {result['ratio']:.2f}")


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
