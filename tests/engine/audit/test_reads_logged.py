"""Reading a task page is a read of its file, and the scheduler applies retention daily."""
from conftest import DCIM
from offer_flow import start_offer
from sqlalchemy import select

from engine.runtime import scheduler, tasks
from engine.store.tables import AuditEvent


def test_opening_a_task_page_records_a_read_of_its_file(deployed):
    offer = start_offer(deployed, "OFF-LU")
    tasks.get_task(deployed, DCIM, offer["tasks"][0]["id"])
    with deployed:
        reads = deployed.session.scalars(select(AuditEvent).where(AuditEvent.kind == "file_read")).all()
        assert [(e.actor, e.instance_id, e.details["via"]) for e in reads] == [("dcim", offer["id"], "task")]


def test_the_scheduler_applies_retention_every_day(database_url):
    jobs = {job.id: job for job in scheduler.build(database_url, poll_seconds=30).get_jobs()}
    assert jobs["retention"].trigger.interval.days == 1
    assert "plan" in jobs
