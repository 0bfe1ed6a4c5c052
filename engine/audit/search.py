"""The audit trail as managers search it: every event, filtered, one page at a time or exported."""
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select, text

from engine import audit
from engine.accounts.access import can_audit
from engine.errors import Forbidden
from engine.store.folding import fold, folded, like_pattern
from engine.store.tables import AuditEvent, Instance, User, as_utc

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500  # the most events one page of the API gives
# Events counted at most: a search finding more says "more than", so that no search reads the whole trail
# to count it (its pages and the export still reach every event).
COUNT_LIMIT = 10_000


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

    Returns {"events": [...], "total", "more", "page", "pages"}; each event as
    `event_row` gives it. `total` counts at most COUNT_LIMIT events: `more` says
    there are more, and the pages then reach the COUNT_LIMIT newest (the
    export has them all). Raises Forbidden unless the actor may audit.
    Reads only: the page shows which fields changed, not their values.
    """
    require_audit(actor)
    page = max(1, page)
    with uow:
        session = uow.session
        query = _query(session, filters)
        total = _count(session, filters)
        pages = max(1, -(-min(total, COUNT_LIMIT) // per_page))
        page = min(page, pages)
        skipped = (page - 1) * per_page
        rows = session.execute(query.order_by(AuditEvent.seq.desc()).limit(min(per_page, COUNT_LIMIT - skipped))
                               .offset(skipped))
        return {"events": [event_row(event, key) for event, key in rows], "total": min(total, COUNT_LIMIT),
                "more": total > COUNT_LIMIT, "page": page, "pages": pages}


def events_before(uow, actor, filters, cursor=None, limit=PAGE_SIZE):
    """Up to `limit` events matching `filters`, newest first, older than the event `cursor` (a seq) if given.

    Returns {"events", "total" (the events matching the filters, counted up to
    COUNT_LIMIT), "more" (more than that match), "limit", "next_cursor"}: the
    seq to pass as `cursor` for the following page, None on the last one.
    Pages stay in place while new events are written, unlike page numbers.
    Raises Forbidden unless the actor may audit.
    """
    require_audit(actor)
    with uow:
        session = uow.session
        query = _query(session, filters)
        total = _count(session, filters)
        if cursor is not None:
            query = query.where(AuditEvent.seq < cursor)
        rows = session.execute(query.order_by(AuditEvent.seq.desc()).limit(limit + 1)).all()
        events = [event_row(event, key) for event, key in rows[:limit]]
        return {"events": events, "total": min(total, COUNT_LIMIT), "more": total > COUNT_LIMIT, "limit": limit,
                "next_cursor": events[-1]["seq"] if len(rows) > limit else None}


def _count(session, filters):
    """How many events match `filters`, counted up to COUNT_LIMIT + 1: an index gives them in order and
    the count stops there, however long the trail."""
    matching = _query(session, filters, with_reference=False).with_only_columns(AuditEvent.seq)
    return session.scalar(select(func.count()).select_from(matching.limit(COUNT_LIMIT + 1).subquery()))


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
        rows = uow.session.execute(_query(uow.session, filters).order_by(AuditEvent.seq).execution_options(yield_per=500))
        for event, key in rows:
            yield event_row(event, key)


def _query(session, filters, with_reference=True):
    """The events matching `filters` with their file's reference (`with_reference`), else the events alone.

    The person and the file's reference are found from part of them, without case or accents
    ("Kayes" finds conseiller-kayes, "off-2026-00" the files OFF-2026-001 to 009): the person among the
    names the trail holds and the staff's full names, the reference among the files' (one pass over the
    files, not the events); the events are then read by their indexes.
    """
    query = select(AuditEvent, Instance.business_key).outerjoin(Instance, Instance.id == AuditEvent.instance_id) \
        if with_reference else select(AuditEvent)
    equal = {AuditEvent.process_key: filters.process, AuditEvent.region: filters.region, AuditEvent.kind: filters.kind}
    for column, value in equal.items():
        if value:
            query = query.where(column == value)
    if filters.person:
        query = query.where(AuditEvent.actor.in_(actors_like(session, filters.person)))
    if filters.business_key:  # references are codes without accents: their case alone is taken off (far cheaper)
        query = query.where(AuditEvent.instance_id.in_(select(Instance.id).where(
            func.lower(Instance.business_key).like(like_pattern(filters.business_key), escape="\\"))))
    if filters.date_from:
        query = query.where(AuditEvent.at >= _day_start(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.at < _day_start(filters.date_to + timedelta(days=1)))
    return query


# The names the trail holds, one index probe each (the events are far more than their authors).
_ACTORS = text("""WITH RECURSIVE names(actor) AS (
    SELECT min(actor) FROM audit_events
    UNION ALL
    SELECT (SELECT min(actor) FROM audit_events WHERE actor > names.actor) FROM names WHERE names.actor IS NOT NULL)
SELECT actor FROM names WHERE actor IS NOT NULL""")


def actors_like(session, typed):
    """The authors of events whose name holds `typed` without case or accents, or whose account's full name
    does ("keita" finds the account of Awa Keïta); `typed` itself as written, as an exact name, too."""
    wanted = fold(typed.strip())
    names = {name for name in session.scalars(_ACTORS) if wanted in fold(name)}
    names.update(session.scalars(select(User.username).where(
        folded(User.full_name).like(like_pattern(typed.strip()), escape="\\"))))
    return sorted(names | {typed})


def _day_start(day):
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def event_row(event, business_key=None):
    """An event for a list: the names of the fields it changed, not their values."""
    details = {name: value for name, value in audit.details_of(event).items() if name != "changes"}
    return {"seq": event.seq, "at": as_utc(event.at).isoformat(), "actor": event.actor, "kind": event.kind,
            "instance_id": event.instance_id, "business_key": business_key, "process_key": event.process_key,
            "region": event.region, "task_id": event.task_id, "element_id": event.element_id,
            "changed": sorted(event.details.get("changes") or {}), "details": details, "hash": event.hash}
