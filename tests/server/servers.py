"""The real server as its people run it: `djoliba init --demo`, then `djoliba serve` (gunicorn) in a
subprocess on a free localhost port.

The demo is made once per test session (a SQLite file, or a throw-away PostgreSQL database when
DATABASE_URL names a PostgreSQL server) and each server gets a fresh copy of it, so that every
server starts on the database that `init --demo` leaves. A server's output goes to files: its
stderr (gunicorn's log and any traceback) is shown under a failing test.
"""
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from engine import accounts
from engine.store.uow import UnitOfWork, make_session_factory

SECRET = "server-tests-secret"
STARTUP_SECONDS = 90


def djoliba_command():
    """The `djoliba` command of this environment (the console script beside the interpreter)."""
    script = Path(sys.executable).with_name("djoliba")
    return [str(script)] if script.exists() else [sys.executable, "-m", "web.cli"]


class Databases:
    """The demo database made by `init --demo` once, and fresh copies of it for each server."""

    def __init__(self, folder, token_users=()):
        self.folder = folder
        self.server_url = os.environ.get("DATABASE_URL", "")
        self.postgres = self.server_url.startswith("postgresql")
        self._created = []
        try:
            self.demo = self._new_database("demo")
            self.init_log = self.run_cli(self.demo, "init", "--demo")
            # API tokens, valid on every copy: what `djoliba token USERNAME` does, without a process each.
            url = self.demo["url"] or f"sqlite:///{self.demo['path']}"
            factory = make_session_factory(url.replace("postgresql://", "postgresql+psycopg://", 1))
            self.tokens = {name: accounts.create_token(UnitOfWork(factory), name) for name in token_users}
            factory.kw["bind"].dispose()
        except BaseException:
            self.drop()
            raise

    def copy(self, label):
        """A fresh copy of the demo database (a new PostgreSQL database made from it, or a copy of the file)."""
        target = self._new_database(label, template=self.demo)
        if not self.postgres:
            source, copied = sqlite3.connect(self.demo["path"]), sqlite3.connect(target["path"])
            source.backup(copied)
            source.close()
            copied.close()
        return target

    def run_cli(self, database, *args):
        """Run `djoliba ARGS` on `database`; its output, or a failure showing it."""
        done = subprocess.run(djoliba_command() + list(args), env=environment(database), cwd=database["folder"],
                              capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"djoliba {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def drop(self):
        """Remove the PostgreSQL databases made here (SQLite files go with the test's folder)."""
        if not self._created:
            return
        admin = create_engine(self._admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self._created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    def _new_database(self, label, template=None):
        folder = self.folder / label
        folder.mkdir()
        if not self.postgres:
            return {"folder": folder, "path": folder / "djoliba.db", "url": None}
        name = f"djoliba_server_{label}_{uuid.uuid4().hex[:8]}".replace("-", "_")
        admin = create_engine(self._admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            copy = f' TEMPLATE "{template["name"]}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        admin.dispose()
        self._created.append(name)
        return {"folder": folder, "name": name, "url": self.server_url.rsplit("/", 1)[0] + "/" + name}

    def _admin_url(self):
        return self.server_url.rsplit("/", 1)[0] + "/postgres"


def environment(database):
    """The environment of a `djoliba` command on `database`: DATABASE_URL for PostgreSQL, else the
    SQLite file of its instance folder (DJOLIBA_INSTANCE); a fixed secret, so that every worker
    reads the same session cookies."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(DJOLIBA_INSTANCE=str(database["folder"]), DJOLIBA_SECRET_KEY=SECRET,
               # gunicorn's control socket goes in the server's own folder, not in a shared ~/.gunicorn
               XDG_RUNTIME_DIR=str(database["folder"]))
    if database["url"]:
        env["DATABASE_URL"] = database["url"]
    return env


class Server:
    """`djoliba serve --workers N` on a free port of 127.0.0.1, on its own copy of the demo database."""

    def __init__(self, databases, workers, label):
        self.databases, self.workers, self.label = databases, workers, label
        self.database = databases.copy(label)
        self.stdout = self.database["folder"] / "access.log"
        self.stderr = self.database["folder"] / "server.log"
        self.process, self.port = None, None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def launch(self):
        """Start gunicorn (see `wait`)."""
        self.port = free_port()
        with open(self.stdout, "ab") as out, open(self.stderr, "ab") as err:
            self.process = subprocess.Popen(
                djoliba_command() + ["serve", "--port", str(self.port), "--workers", str(self.workers)],
                env=environment(self.database), cwd=self.database["folder"], stdout=out, stderr=err,
                start_new_session=True)
        return self

    def wait(self):
        """Wait until the server answers the login page; after a clash of ports, start it on another."""
        for _attempt in range(3):
            if self._answers():
                return self
            self.stop()
            if "Address already in use" not in self.log():
                break
            self.launch()
        raise RuntimeError(f"djoliba serve --workers {self.workers} did not start:\n{self.log()[-5000:]}")

    def stop(self, wait=True):
        """Stop gunicorn as an operator would (SIGTERM to the master), then anything left of its group."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        if not wait:
            return
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: the master and its workers only
            self.process.wait(timeout=10)

    def token(self, username):
        """An API token of `username` (see `Databases`)."""
        return self.databases.tokens[username]

    def log(self, since=0):
        """What the server wrote on stderr (from byte `since`)."""
        with open(self.stderr, "rb") as log:
            log.seek(since)
            return log.read().decode("utf-8", "replace")

    def log_size(self):
        return self.stderr.stat().st_size

    def _answers(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if requests.get(self.base + "/login", timeout=5).status_code == 200:
                    return True
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        return False


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
