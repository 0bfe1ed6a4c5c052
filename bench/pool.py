"""`pool`: searching the candidate pool at 100 000 persons, as a ratio to a bare indexed query timed in the
same run on the same database.

The persons are bulk inserted (rows of `persons` and of their words index `person_words`, as registration
writes them), spread over the regional directorates, with occupations of several groups, languages, years of
experience, availability and a few words of skills. Timed (median of `repeats`, after a warm-up):
- `pool`: a Kayes counsellor's first page with its count, by occupation group 711, French, at least 2 years
  of experience, available within a month, and the free word `coffr` (`engine.people.persons_page`);
- `names`: DCIM's first page for the names `kei mou`;
- `bare`: `SELECT count(*) FROM persons WHERE region = 'kayes'` and `SELECT id ... ORDER BY id LIMIT 50`, the
  floor any counted page of a region's persons pays (indexed reads through the same session, no filters).

    python bench/pool.py [--persons 100000] [--database sqlite|postgresql] [--repeats 15]
"""
import argparse
import statistics as stats
import time

import project  # noqa: F401 (the project on the import path)
from sqlalchemy import insert, text

from databases import postgres_available, scratch_database
from engine import people
from engine.accounts.access import Actor
from engine.people import words
from engine.setup import init_database
from engine.store.tables import Person, PersonWord, utcnow
from engine.store.uow import UnitOfWork, make_session_factory

CHUNK = 5000
REGIONS = ("bamako", "kayes", "koulikoro", "sikasso", "segou", "mopti", "tombouctou", "gao")
CODES = ("7112", "7114", "7111", "9211", "5120", "7231", "6113", "2411", "5322", "7212", "9313")
LAST = ("Keïta", "Traoré", "Diarra", "Coulibaly", "Sangaré", "Dembélé", "Sidibé", "Konaté", "Maïga", "Touré",
        "Cissé", "Diallo", "Kanté", "Sissoko", "Camara", "Doumbia")
FIRST = ("Moussa", "Awa", "Sékou", "Fanta", "Adama", "Mariam", "Ibrahim", "Oumar", "Kadidia", "Bakary", "Assitan")
SKILLS = ("Coffrage et ferraillage sur chantiers", "Cueillette et maraîchage", "Cuisine de collectivité",
          "Entretien de maisons", "Soudure à l'arc", "Comptabilité d'entreprise", "Mécanique automobile")
KAYES = Actor(username="conseiller-kayes", roles=frozenset({"conseiller"}), region="kayes")
DCIM = Actor(username="dcim", roles=frozenset({"dcim"}), region=None)


def _person(i):
    j = i // len(REGIONS)
    code = CODES[j % len(CODES)]
    return {"id": i + 1, "last_name": LAST[i % len(LAST)], "first_names": f"{FIRST[j % len(FIRST)]} {i}",
            "sex": "FM"[i % 2], "region": REGIONS[i % len(REGIONS)], "education": "fondamental",
            "occupation": "Maçon" if code.startswith("711") else None, "disability": False,
            "experience_years": j % 12, "availability": people.AVAILABILITY[j % 4],
            "details": {"profession": code, "metiers_recherches": [code], "langues": ["bam"] + (["fra"] if j % 3 else []),
                        "competences": SKILLS[j % len(SKILLS)]},
            "created_by": "bench", "created_at": utcnow(), "consent_at": utcnow()}


def fill(uow, count):
    """Bulk insert `count` persons and their words; returns how many."""
    with uow:
        session = uow.session
        for start in range(0, count, CHUNK):
            rows = [_person(i) for i in range(start, min(count, start + CHUNK))]
            session.execute(insert(Person), rows)
            found = []
            for row in rows:
                person = Person(**{k: v for k, v in row.items() if k != "id"})
                person.id = row["id"]
                found += [{"kind": kind, "word": word, "person_id": row["id"]}
                          for kind, listed in words.person_words(person).items() for word in listed]
            session.execute(insert(PersonWord), found)
        uow.commit()
        bind = session.bind
    if bind.dialect.name == "postgresql":  # statistics and the visibility map, as autovacuum would leave them
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE persons")), connection.execute(text("VACUUM ANALYZE person_words"))
    return count


def _timed(call, repeats):
    call()  # warm-up: caches, connections
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return 1000 * stats.median(times)


def measure(kind, persons, repeats=15):
    """{"database", "persons", "pool_ms", "names_ms", "bare_ms", "pool_ratio", "names_ratio", "found"}."""
    with scratch_database(kind) as url:
        uow = UnitOfWork(make_session_factory(url))
        init_database(uow, url)
        fill(uow, persons)
        filters = {"langue": "fra", "experience_min": 2, "disponibilite": "un_mois", "texte": "coffr"}
        found = people.persons_page(uow, KAYES, occupation="711", filters=filters)["total"]

        def pool():
            people.persons_page(uow, KAYES, occupation="711", filters=filters)

        def names():
            people.persons_page(uow, DCIM, "kei mou")

        def bare():
            with uow:
                uow.session.execute(text("SELECT count(*) FROM persons WHERE region = 'kayes'")).scalar()
                uow.session.execute(text("SELECT id FROM persons WHERE region = 'kayes' ORDER BY id LIMIT 50")).all()
        result = {"database": kind, "persons": persons, "found": found, "bare_ms": _timed(bare, repeats),
                  "pool_ms": _timed(pool, repeats), "names_ms": _timed(names, repeats)}
        uow.session_factory.kw["bind"].dispose()
    return {**result, "pool_ratio": result["pool_ms"] / result["bare_ms"],
            "names_ratio": result["names_ms"] / result["bare_ms"]}


def report(result):
    return (f"pool [{result['database']}] at {result['persons']} persons: pool search {result['pool_ms']:.1f} ms "
            f"({result['found']} found, x{result['pool_ratio']:.1f} the bare indexed query), names "
            f"{result['names_ms']:.1f} ms (x{result['names_ratio']:.1f}), bare {result['bare_ms']:.2f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    kinds = args.database or ["sqlite"] + (["postgresql"] if postgres_available() else [])
    for kind in kinds:
        print(report(measure(kind, args.persons, args.repeats)), flush=True)


if __name__ == "__main__":
    main()
