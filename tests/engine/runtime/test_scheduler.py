"""The scheduler process itself: APScheduler with its job store in our database.

These tests run real schedulers for a few seconds (timers due in one or two
seconds); the clock-driven behaviour is in test_timers.py.
"""
import logging
import threading
import time

import timer_diagrams as diagrams
from conftest import DCIM
from offer_flow import history, kinds
from sqlalchemy import inspect

from engine.authoring.deploy import deploy
from engine.runtime import instances, scheduler


def _run_schedulers(database_url, count, until, timeout=20):
    running = [scheduler.build(database_url, poll_seconds=1) for _ in range(count)]
    threads = [threading.Thread(target=s.start, daemon=True) for s in running]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    try:
        while not until() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.5)  # let a second scheduler have its chance to fire again
    finally:
        for s in running:
            s.shutdown(wait=True)
    return running


def _timer_instance(uow, key):
    deploy(uow, {"attente.bpmn": diagrams.wait_then_script("PT2S"), diagrams.FORM: diagrams.FORM_SCHEMA}, "test")
    return instances.start_instance(uow, DCIM, "minuterie_attente", key)["id"]


def _completed(uow, instance_id):
    return lambda: instances.get_instance(uow, DCIM, instance_id)["status"] == "completed"


def test_scheduler_fires_a_timer_at_its_due_time(uow, database_url):
    instance_id = _timer_instance(uow, "SCHED-1")
    _run_schedulers(database_url, 1, _completed(uow, instance_id))

    assert instances.get_instance(uow, DCIM, instance_id)["data"]["attente_finie"] is True
    assert [k for k in kinds(history(uow, instance_id)) if k[0] == "timer_fired"] == [("timer_fired", "attendre")]
    assert "scheduler_jobs" in inspect(uow.session_factory.kw["bind"]).get_table_names()


def test_two_scheduler_processes_fire_a_timer_once(uow, database_url):
    instance_id = _timer_instance(uow, "SCHED-2")
    _run_schedulers(database_url, 2, _completed(uow, instance_id))

    assert [k for k in kinds(history(uow, instance_id)) if k[0] == "timer_fired"] == [("timer_fired", "attendre")]
    assert instances.get_instance(uow, DCIM, instance_id)["status"] == "completed"


def test_the_log_says_what_fired_not_that_it_polled(uow, database_url, caplog):
    instance_id = _timer_instance(uow, "SCHED-LOG")
    with caplog.at_level(logging.INFO):
        _run_schedulers(database_url, 1, _completed(uow, instance_id))
    polls = [r for r in caplog.records if r.name.startswith("apscheduler") and r.levelno < logging.WARNING]
    assert polls == []  # no "Running job plan" / "executed successfully" every poll
    fired = [r.getMessage() for r in caplog.records if r.name == "djoliba.scheduler"]
    assert any(message.endswith("fired") for message in fired), fired
