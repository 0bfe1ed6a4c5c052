"""Page weight: the compressed bytes of each role's main pages, as a browser receives them.

Each demo person logs in on `djoliba serve` (a fresh copy of the demo) and opens the pages of
their menu, their first task and their first file, asking for gzip like any browser.

    python bench/page_weight.py [--database sqlite|postgresql]
"""
import argparse
import os
import tempfile
from pathlib import Path

from project import ROOT  # noqa: F401 - puts the project on the import path

from databases import POSTGRES_URL
from tests.server.browse import Person
from tests.server.servers import Databases, Server

PEOPLE = ("dcim", "conseiller-kayes", "evaluateur", "cpr", "direction", "proprietaire", "admin")


def compressed_bytes(person, path):
    answer = person.session.get(person.base + path, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=60)
    return answer.status_code, len(answer.raw.read(decode_content=False))


def pages_of(person):
    home = person.log_in()
    paths = ["/"] + [path for path in home.menu if path not in ("/", "/logout")]
    for prefix in ("/tasks/", "/instances/"):
        for path in home.local_links(prefix) + person.get("/instances").local_links(prefix):
            if path.rstrip("/") != prefix.rstrip("/"):
                paths.append(path)
                break
    return list(dict.fromkeys(paths))


def measure(kind):
    """[(person, path, status, compressed bytes)] on a fresh copy of the demo."""
    if kind == "postgresql":
        os.environ["DATABASE_URL"] = POSTGRES_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        databases = Databases(Path(folder))
        server = Server(databases, 1, "weight").launch().wait()
        try:
            for username in PEOPLE:
                person = Person(server.base, username)
                for path in pages_of(person):
                    rows.append((username, path, *compressed_bytes(person, path)))
        finally:
            server.stop()
            databases.drop()
    return rows


def report(rows):
    heaviest = max(rows, key=lambda row: row[3])
    lines = [f"  {who:<18} {path:<40} {status} {size / 1024:6.1f} KB" for who, path, status, size in rows]
    return "\n".join(["page weight (gzip):"] + lines +
                     [f"weight: {len(rows)} pages, heaviest {heaviest[3] / 1024:.1f} KB ({heaviest[0]} {heaviest[1]})"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    print(report(measure(parser.parse_args().database)))


if __name__ == "__main__":
    main()
