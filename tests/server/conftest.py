"""Servers shared by the tests of this folder, started once per test session, each on its own copy of
the demo database; a failing test shows what they wrote on stderr meanwhile."""
import pytest

from .servers import Databases, Server

RUNNING = []  # the servers up now, whose logs a failing test shows
TOKEN_USERS = ("admin", "proprietaire", "dcim", "conseiller-bamako", "evaluateur", "direction")


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """The demo database made once by `djoliba init --demo`, and four servers on copies of it,
    started side by side: {"two_workers", "one_worker", "untouched", "api"}."""
    databases = Databases(tmp_path_factory.mktemp("server"), token_users=TOKEN_USERS)
    started = {}
    try:
        for label, workers in (("two_workers", 2), ("one_worker", 1), ("untouched", 1), ("api", 2)):
            started[label] = Server(databases, workers, label).launch()
            RUNNING.append(started[label])
        for server in started.values():
            server.wait()
        yield started
    finally:
        for server in started.values():
            RUNNING.remove(server)
            server.stop(wait=False)
        for server in started.values():
            server.stop()
        databases.drop()


@pytest.fixture(scope="session")
def two_workers(servers):
    """`djoliba serve --workers 2`: which process answers a request is the kernel's choice."""
    return servers["two_workers"]


@pytest.fixture(scope="session")
def one_worker(servers):
    """`djoliba serve --workers 1`: one process sees every request, in order."""
    return servers["one_worker"]


@pytest.fixture(scope="session")
def untouched_one_worker(servers):
    """A `djoliba serve --workers 1` that no other test sends a request to: for the one test that uses it,
    the server is as `init --demo` and `serve` leave it."""
    return servers["untouched"]


@pytest.fixture(scope="session")
def api_server(servers):
    """A `djoliba serve --workers 2` for the API's own tests, whose requests may change anything."""
    return servers["api"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    item.server_logs = {id(server): server.log_size() for server in RUNNING}
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    marks = getattr(item, "server_logs", {})
    for server in RUNNING:
        log = server.log(marks.get(id(server), 0))
        if log:
            report.sections.append((f"djoliba serve --workers {server.workers} ({server.label}): stderr",
                                    log[-20000:]))
