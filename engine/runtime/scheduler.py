"""The scheduler process: APScheduler with a job store in Djoliba's own database.

Every pending row of `timers` (see `timetable`) gets a date job at its due
time, kept in the shared `scheduler_jobs` table; a planning job, every
`poll_seconds`, registers the jobs of timers due soon and fires anything
already due (so timers that came due while everything was down fire on start).
Firing goes through `timers.fire_timer`, which claims the row with a
conditional UPDATE: with several schedulers on one database, each timer fires once.
"""
import logging
from datetime import timedelta, timezone

from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select

from engine import people
from engine.accounts import outbox
from engine.runtime import timers
from engine.store.tables import Timer, as_utc, utcnow
from engine.store.uow import UnitOfWork, make_session_factory

LOG = logging.getLogger("djoliba.scheduler")
_FACTORIES = {}
_MAILER = {}
_GATEWAYS = {}


class SharedJobStore(SQLAlchemyJobStore):
    """A job store several schedulers share: a job another one already ran and removed is no error."""

    def remove_job(self, job_id):
        try:
            super().remove_job(job_id)
        except JobLookupError:
            pass

    def update_job(self, job):
        try:
            super().update_job(job)
        except JobLookupError:
            pass


def _uow(database_url):
    if database_url not in _FACTORIES:
        _FACTORIES[database_url] = make_session_factory(database_url)
    return UnitOfWork(_FACTORIES[database_url])


def fire_job(database_url, timer_id):
    """A date job: fire one timer (no-op if another scheduler did)."""
    _log(timer_id, timers.fire_timer(_uow(database_url), timer_id, mailer=_MAILER.get(database_url)))


def _log(timer_id, outcome):
    """One line per timer that fired (a warning if its file stopped in error); one another scheduler fired
    is no news."""
    level = {"skipped": logging.DEBUG, "failed": logging.WARNING}.get(outcome, logging.INFO)
    LOG.log(level, "timer %s: %s", timer_id, outcome)


def plan(scheduler, database_url, horizon):
    """Fire what is due now; register a date job for each timer due within `horizon`."""
    uow = _uow(database_url)
    for timer_id, outcome in timers.fire_due_timers(uow, mailer=_MAILER.get(database_url)):
        _log(timer_id, outcome)
    with uow:
        upcoming = uow.session.execute(select(Timer.id, Timer.due_at).where(
            Timer.status == "pending", Timer.due_at <= utcnow() + horizon)).all()
    for timer_id, due_at in upcoming:
        scheduler.add_job(fire_job, "date", run_date=as_utc(due_at), args=[database_url, timer_id],
                          id=f"timer-{timer_id}", replace_existing=True)


def build(database_url, mailer=None, poll_seconds=30, gateways=None, documents_dir=None):
    """A configured, not yet started BlockingScheduler; `mailer` sends the staff's reminders, `gateways`
    ({"email": ..., "sms": ...}, see `accounts.gateways`) the outbox's messages (the mailer's e-mails if not given);
    retention deletes the uploaded files of the persons it pseudonymises from `documents_dir`.

    APScheduler's own log says "running job plan" and "executed successfully" at every poll and
    "added job" at every planning: kept at warnings, so that the log shows what fired (ours, above) and
    what failed (APScheduler logs a job's exception as an error).
    """
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    _MAILER[database_url] = mailer
    _GATEWAYS[database_url] = gateways if gateways is not None else ({"email": mailer} if mailer else {})
    scheduler = BlockingScheduler(
        jobstores={"default": SharedJobStore(url=database_url, tablename="scheduler_jobs"),
                   "local": MemoryJobStore()},
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        timezone=timezone.utc)
    scheduler.add_job(plan, "interval", seconds=poll_seconds, jobstore="local", id="plan",
                      args=[scheduler, database_url, timedelta(seconds=2 * poll_seconds)],
                      next_run_time=utcnow())
    scheduler.add_job(apply_retention, "interval", hours=24, jobstore="local", id="retention",
                      args=[database_url, documents_dir], next_run_time=utcnow())
    if _GATEWAYS[database_url]:  # a channel without a gateway keeps its messages for an administrator
        scheduler.add_job(send_outbox, "interval", seconds=poll_seconds, jobstore="local", id="outbox",
                          args=[database_url], next_run_time=utcnow())
    return scheduler


def send_outbox(database_url):
    """At every poll: send the outbox's messages that are due (codes, convocations, reminders, retries)."""
    sent = outbox.send_pending(_uow(database_url), _GATEWAYS[database_url])
    if sent:
        LOG.info("outbox: %s message(s) sent", sent)


def apply_retention(database_url, documents_dir=None):
    """Once a day: pseudonymise the persons whose retention period has passed (their uploaded documents go)."""
    erased = people.apply_retention(_uow(database_url), utcnow(), documents_dir=documents_dir)
    if erased:
        LOG.info("retention: %s person(s) pseudonymised", len(erased))


def run(database_url, mailer=None, poll_seconds=30, gateways=None, documents_dir=None):
    """Run the scheduler until interrupted."""
    scheduler = build(database_url, mailer, poll_seconds, gateways, documents_dir)
    LOG.info("scheduler started, polling every %s s", poll_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
