"""The benches still run what they time (timings are never asserted): the durable floor and the
engine each complete an offer, and the scale bench's copies of files are files the engine lists
and goes on working beside."""
import sys
from pathlib import Path

from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import floor  # noqa: E402
import offer_steps  # noqa: E402
import scale  # noqa: E402

from engine.runtime import tasks  # noqa: E402

KAYES = offer_steps.COUNSELLORS["kayes"]


def test_the_floor_and_the_engine_each_complete_an_offer(deployed):
    durable = create_engine("sqlite://")
    floor._ROWS.create(durable)
    assert floor.drive_floor(durable, floor.offer_spec(), 1) > 0  # asserts that the offer completed
    assert offer_steps.drive_engine(deployed, 1) > 0


def test_scale_copies_files_that_the_engine_lists_and_works_beside(deployed):
    offer_steps.drive_engine(deployed, 1)  # a finished offer and the preselection it opened
    inbox = len(tasks.list_open_tasks(deployed, KAYES))
    originals = scale.demo_rows(deployed)
    assert scale.grow(deployed, originals, 10) >= 10
    assert len(tasks.list_open_tasks(deployed, KAYES)) >= 5 * inbox > 0
    assert offer_steps.drive_engine(deployed, 1) > 0  # the audit chain goes on after the copies


def test_the_pool_bench_fills_persons_that_the_registry_finds(uow):
    import pool
    assert pool.fill(uow, 2000) == 2000
    found = pool.people.persons_page(uow, pool.KAYES, occupation="711", filters={"langue": "fra", "texte": "coffr"})
    expected = [i for i in range(2000) if pool._person(i)["region"] == "kayes"
                and pool._person(i)["details"]["profession"].startswith("711")
                and "fra" in pool._person(i)["details"]["langues"]
                and pool._person(i)["details"]["competences"].startswith("Coffrage")]
    assert found["total"] == len(expected) > 0
