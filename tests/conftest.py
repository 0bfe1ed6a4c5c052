"""Shared fixtures: a real database (SQLite file, or PostgreSQL when DATABASE_URL says so)."""
import os
import re
import sys
import uuid
from pathlib import Path

import branches
import pytest
from sqlalchemy import create_engine, text

from engine.accounts.access import Actor
from engine.authoring.deploy import deploy_paths
from engine.demo.files import create_demo_data
from engine.setup import create_demo_accounts, init_database
from engine.store.tables import Base
from engine.store.uow import UnitOfWork, make_session_factory

# Runaway diagram code is stopped after 1 s of CPU instead of 2: the same limit, reached sooner.
os.environ.setdefault("DJOLIBA_SCRIPT_CPU_SECONDS", "1")
ROOT = Path(__file__).resolve().parent.parent
# The engine's tests mirror its packages (tests/engine/<package>/); the data and flows they share
# (offer_data, offer_flow, the small diagrams...) stay in tests/engine, importable from every folder.
sys.path.insert(0, str(ROOT / "tests" / "engine"))
BPMN_DIR = ROOT / "bpmn"
FORMS_DIR = ROOT / "forms"
# Kept between tests: accounts and reference data are created once per run.
KEPT_TABLES = {"users", "user_roles", "regions", "alembic_version"}


def _postgres_database(server_url):
    """Create a throw-away database on the PostgreSQL server of `server_url`."""
    name = f"djoliba_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return admin, name, server_url.rsplit("/", 1)[0] + "/" + name


def _throwaway_database(sqlite_path):
    """A database of its own: a SQLite file, or a new database on DATABASE_URL's PostgreSQL server."""
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgresql"):
        yield f"sqlite:///{sqlite_path}"
        return
    admin, name, url = _postgres_database(server_url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    yield from _throwaway_database(tmp_path_factory.mktemp("db") / "djoliba.db")


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with no tables yet, on the same kind of server as `database_url`."""
    yield from _throwaway_database(tmp_path / "empty.db")


@pytest.fixture(scope="session")
def session_factory(database_url):
    factory = make_session_factory(database_url)
    init_database(UnitOfWork(factory), database_url)
    create_demo_accounts(UnitOfWork(factory))
    yield factory
    factory.kw["bind"].dispose()


def emptied(session_factory):
    """A unit of work on a database emptied of everything but accounts and regions."""
    engine = session_factory.kw["bind"]
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEPT_TABLES:
                connection.execute(table.delete())
    return UnitOfWork(session_factory)


@pytest.fixture
def uow(session_factory):
    """A unit of work on a database emptied of everything but accounts and regions.

    Afterwards the gateway branches the test took are noted (see branches.py).
    """
    work = emptied(session_factory)
    yield work
    if branches.CHECKED:
        branches.note_taken(work)


@pytest.fixture(scope="module")
def demo(session_factory):
    """The demo of `djoliba init --demo`, made once for the module that asks for it: its tests share it, so
    they read it, or add files of their own without counting on what another test added."""
    work = emptied(session_factory)
    deploy_paths(work, [BPMN_DIR], "test", forms_dir=FORMS_DIR)
    assert create_demo_data(work)["created"] is True
    yield work
    if branches.CHECKED:
        branches.note_taken(work)


@pytest.fixture
def deployed(uow):
    """The bundled diagrams, deployed."""
    deploy_paths(uow, [BPMN_DIR], "test", forms_dir=FORMS_DIR)
    return uow


def pytest_sessionfinish(session, exitstatus):
    """In a full run, fail if a branch of a bundled diagram's gateway was never taken."""
    if not branches.CHECKED or exitstatus != 0:
        return
    missing = sorted(branches.branches(BPMN_DIR) - branches.TAKEN)
    if missing:
        lines = "\n".join(f"  {key}: {gateway} -> {target}" for key, gateway, target in missing)
        print(f"\nGateway branches no test takes:\n{lines}")
        session.exitstatus = 1


def deploy_bundled(uow, *files):
    """Deploy some of the bundled diagrams (file names in bpmn/), e.g. a procedure's path tests' own."""
    return deploy_paths(uow, [BPMN_DIR / name for name in files], "test", forms_dir=FORMS_DIR)


def actor(username, *roles, region=None):
    return Actor(username=username, roles=frozenset(roles), region=region)


DCIM = actor("dcim", "dcim")
BAMAKO = actor("conseiller-bamako", "conseiller", region="bamako")
KAYES = actor("conseiller-kayes", "conseiller", region="kayes")
DIRECTION = actor("direction", "direction")


@pytest.fixture
def app(deployed, database_url, tmp_path):
    """The web app on the test database, with the bundled diagrams deployed."""
    from web import create_app
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                       "WTF_CSRF_ENABLED": True, "DOCUMENTS_DIR": str(tmp_path / "documents")})


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(page_html):
    """The CSRF token of a rendered page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def login(client, username):
    """Log a demo account in through the login form."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": username, "password": f"demo-{username}", "csrf_token": token})
