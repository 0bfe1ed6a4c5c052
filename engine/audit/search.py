"""The audit trail as managers search it: every event, filtered, one page at a time or exported."""
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from engine import audit
from engine.accounts.access import can_audit
from engine.errors import Forbidden
from engine.store.tables import AuditEvent, Instance, as_utc

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500  # the most events one page of the API gives


@dataclass(frozen=True)
class EventFilter:
    """What to look for; None means any. Dates are whole days in UTC (Mali's time), both included."""

    person: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    process: str | None = None
    region: str | None = None
    kind: str | None = None
    business_key: str | None = None

    def as_dict(self):
        return {name: value.isoformat() if isinstance(value, date) else value
                for name, value in asdict(self).items() if value is not None}


def require_audit(actor, **subject):
    """Raise Forbidden unless `actor` may read the audit trail (`subject`: the file asked for, if any)."""
    if not can_audit(actor):
        raise Forbidden("the audit trail is for managers", reason="audit_only", **subject)


def search_events(uow, actor, filters, page=1, per_page=PAGE_SIZE):
    """One page of the events matching `filters`, newest first.

    Returns {"events": [...], "total", "page", "pages"}; each event as
    `event_row` gives it. Raises Forbidden unless the actor may audit.
    Reads only: the page shows which fields changed, not their values.
    """
    require_audit(actor)
    page = max(1, page)
    with uow:
        session = uow.session
        query = _query(filters)
        total = _count(session, filters)
        rows = session.execute(query.order_by(AuditEvent.seq.desc()).limit(per_page).offset((page - 1) * per_page))
        return {"events": [event_row(event, key) for event, key in rows], "total": total, "page": page,
                "pages": max(1, -(-total // per_page))}


def events_before(uow, actor, filters, cursor=None, limit=PAGE_SIZE):
    """Up to `limit` events matching `filters`, newest first, older than the event `cursor` (a seq) if given.

    Returns {"events", "total" (every event matching the filters), "limit",
    "next_cursor"}: the seq to pass as `cursor` for the following page, None
    on the last one. Pages stay in place while new events are written, unlike
    page numbers. Raises Forbidden unless the actor may audit.
    """
    require_audit(actor)
    with uow:
        session = uow.session
        query = _query(filters)
        total = _count(session, filters)
        if cursor is not None:
            query = query.where(AuditEvent.seq < cursor)
        rows = session.execute(query.order_by(AuditEvent.seq.desc()).limit(limit + 1)).all()
        events = [event_row(event, key) for event, key in rows[:limit]]
        return {"events": events, "total": total, "limit": limit,
                "next_cursor": events[-1]["seq"] if len(rows) > limit else None}


def _count(session, filters):
    """How many events match `filters`: on the events alone unless a file's reference is asked for."""
    query = _query(filters) if filters.business_key else _query(filters, with_reference=False)
    return session.scalar(query.order_by(None).with_only_columns(func.count(AuditEvent.seq)))


def export_events(uow, actor, filters):
    """Every event matching `filters`, oldest first, as an iterator of `event_row` dicts.

    The access check and an `audit_export` event (who exported what) are
    done before this returns; the rows are then read as they are consumed.
    """
    require_audit(actor)
    with uow:
        audit.record(uow.session, "audit_export", actor.username, region=actor.region, filters=filters.as_dict())
        uow.commit()
    return _stream(uow, filters)


def _stream(uow, filters):
    with uow:
        rows = uow.session.execute(_query(filters).order_by(AuditEvent.seq).execution_options(yield_per=500))
        for event, key in rows:
            yield event_row(event, key)


def _query(filters, with_reference=True):
    """The events matching `filters` with their file's reference (`with_reference`), else the events alone."""
    query = select(AuditEvent, Instance.business_key).outerjoin(Instance, Instance.id == AuditEvent.instance_id) \
        if with_reference else select(AuditEvent)
    equal = {AuditEvent.actor: filters.person, AuditEvent.process_key: filters.process,
             AuditEvent.region: filters.region, AuditEvent.kind: filters.kind}
    if with_reference:
        equal[Instance.business_key] = filters.business_key
    for column, value in equal.items():
        if value:
            query = query.where(column == value)
    if filters.date_from:
        query = query.where(AuditEvent.at >= _day_start(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.at < _day_start(filters.date_to + timedelta(days=1)))
    return query


def _day_start(day):
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def event_row(event, business_key=None):
    """An event for a list: the names of the fields it changed, not their values."""
    details = {name: value for name, value in audit.details_of(event).items() if name != "changes"}
    return {"seq": event.seq, "at": as_utc(event.at).isoformat(), "actor": event.actor, "kind": event.kind,
            "instance_id": event.instance_id, "business_key": business_key, "process_key": event.process_key,
            "region": event.region, "task_id": event.task_id, "element_id": event.element_id,
            "changed": sorted(event.details.get("changes") or {}), "details": details, "hash": event.hash}
