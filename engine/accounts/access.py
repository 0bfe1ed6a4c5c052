"""Who may do what: roles from the task's lane, regions for regional roles."""
from dataclasses import dataclass, field

from sqlalchemy import exists, select

from engine.accounts.roles import AUDIT_ROLES, CENTRAL_ROLES, OVERSIGHT_ROLES, REGIONAL_ROLES
from engine.store.tables import TaskRow


@dataclass(frozen=True)
class Actor:
    """The person acting: a username, their roles and their region (for regional roles)."""

    username: str
    roles: frozenset = field(default_factory=frozenset)
    region: str | None = None


def can_work(actor, task):
    """May `actor` claim and complete this task (a TaskRow)?"""
    if task.role not in actor.roles:
        return False
    return task.role not in REGIONAL_ROLES or task.region is None or task.region == actor.region


def can_start(actor, version):
    return version.start_role in actor.roles if version.start_role else bool(actor.roles & CENTRAL_ROLES)


def sees_everything(actor):
    return bool(actor.roles & (OVERSIGHT_ROLES | CENTRAL_ROLES))


def can_audit(actor):
    """May `actor` read the audit trail (every event, timelines, exports)?"""
    return bool(actor.roles & AUDIT_ROLES)


def can_read_instance(session, actor, instance):
    """Oversight and central roles read every file; others only files with a task of theirs."""
    if sees_everything(actor) or instance.started_by == actor.username:
        return True
    return session.scalar(select(exists().where(TaskRow.instance_id == instance.id, work_filter(actor))))


def owns_instance(session, actor, instance):
    """May `actor` act on `instance` as its owner (cancel it, retry it after an error)?

    `admin` always; else the role that opens its procedure (`can_start`: DCIM for the
    central procedures), and for a regional procedure only a counsellor of the file's
    region, that is one who opened the file or one its tasks were for (`can_read_instance`).
    Reading roles (`direction`, `proprietaire`) do not own files.
    """
    if "admin" in actor.roles:
        return True
    if not can_start(actor, instance.version):
        return False
    return instance.version.start_role not in REGIONAL_ROLES or can_read_instance(session, actor, instance)


def may_retry(session, actor, instance):
    """May `actor` run a file in error again: its owners, and the process owners who repair diagrams."""
    return "proprietaire" in actor.roles or owns_instance(session, actor, instance)


def work_filter(actor):
    """SQL condition on TaskRow matching the tasks `actor` may work on (mirrors can_work)."""
    central = TaskRow.role.in_(actor.roles - REGIONAL_ROLES)
    regional = TaskRow.role.in_(actor.roles & REGIONAL_ROLES) & (
        TaskRow.region.is_(None) | (TaskRow.region == actor.region))
    # Without the part that matches nothing, the database reads an inbox by its index in order (ix_tasks_open).
    if not actor.roles & REGIONAL_ROLES:
        return central
    return regional if not actor.roles - REGIONAL_ROLES else central | regional
