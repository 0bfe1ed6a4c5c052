"""Database tables (SQLAlchemy 2). The schema itself is created by Alembic migrations."""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

_REPLAYED_NOW = ContextVar("replayed_now", default=None)


def utcnow():
    """The time every row and event is stamped with: the real time, unless `replaying` says otherwise."""
    return _REPLAYED_NOW.get() or datetime.now(timezone.utc)


@contextmanager
def replaying(moment):
    """Stamp what is done inside with `moment` (an aware datetime): the demo replays months of work
    on its files in a few seconds, and their histories and step durations read as they would have."""
    token = _REPLAYED_NOW.set(moment)
    try:
        yield
    finally:
        _REPLAYED_NOW.reset(token)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set for a one-time password (new account, reset): the user must choose their own to go on.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    role_rows: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self):
        return {r.role for r in self.role_rows}


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(80))


class Region(Base):
    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ProcessVersion(Base):
    """One deployed, immutable version of a process: its spec is stored once, here."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    # Large: loaded only when used, not with every instance that points here.
    spec: Mapped[dict] = mapped_column(JSON, deferred=True)
    forms: Mapped[dict] = mapped_column(JSON, deferred=True)
    sources: Mapped[dict] = mapped_column(JSON, deferred=True)
    start_role: Mapped[str | None] = mapped_column(String(40))
    # Set when the start event waits for a message: only another procedure opens such a file.
    start_message: Mapped[str | None] = mapped_column(String(100))
    deployed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deployed_by: Mapped[str] = mapped_column(String(80))


class Instance(Base):
    """A running or finished instance: SpiffWorkflow state only, the spec is in its version."""

    __tablename__ = "instances"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    business_key: Mapped[str] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[dict] = mapped_column(JSON)
    data: Mapped[dict] = mapped_column(JSON)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_element: Mapped[str | None] = mapped_column(String(100))
    # Why the file was cancelled by hand (status `cancelled`), as the person who cancelled it wrote it.
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    started_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id"), index=True)
    root_id: Mapped[int | None] = mapped_column(Integer, index=True)
    version: Mapped[ProcessVersion] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": lock_version}


# References are compared without case (`same_key`): a new file's duplicate check reads this index.
Index("ix_instances_business_key_lower", func.lower(Instance.business_key))


class TaskRow(Base):
    """Projection of the user tasks of every instance, so an inbox is one indexed query."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_inbox", "state", "role", "region"),
                      # The open tasks of a role in the inboxes' order (soonest due first; none due last, as
                      # PostgreSQL orders an ascending index).
                      Index("ix_tasks_open", "role", "due_at", "created_at", "id",
                            postgresql_where=text("state = 'ready'"), sqlite_where=text("state = 'ready'")))
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    process_key: Mapped[str] = mapped_column(String(100))
    business_key: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    # What this task is about, when several share a title (e.g. the candidate to evaluate).
    subject: Mapped[str | None] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(40))
    region: Mapped[str | None] = mapped_column(String(40))
    assignee: Mapped[str | None] = mapped_column(String(80), index=True)
    form: Mapped[str | None] = mapped_column(String(200))
    manual_section: Mapped[str | None] = mapped_column(String(60))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    completed_by: Mapped[str | None] = mapped_column(String(80))


class AuditEvent(Base):
    """Append-only, hash-chained history: who did what, when, to which instance (see engine/audit/chain.py)."""

    __tablename__ = "audit_events"
    # Each filter of the audit search with the number after it: the newest matching events come in order.
    __table_args__ = tuple(Index(f"ix_audit_events_{column}_seq", column, "seq")
                           for column in ("actor", "kind", "instance_id", "process_key", "region"))
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    instance_id: Mapped[int | None] = mapped_column(Integer)
    process_key: Mapped[str | None] = mapped_column(String(100))
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # SHA-256 of `details` as first written: the hash covers it, so that details may be redacted.
    details_digest: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The one row naming the last event of the chain; writers lock it to append in turn."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


def as_utc(moment):
    """SQLite returns naive datetimes: read them as the UTC they were written in."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


class Timer(Base):
    """Something due at a time: a BPMN timer an instance waits on, or a task's reminder or escalation.

    This table is the truth the scheduler works from; rows are written in the
    same transaction as the instance state, so no timer is lost.
    """

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "status", "due_at"),
                      UniqueConstraint("kind", "task_id", "due_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EventWait(Base):
    """A BPMN message or signal a file waits on now (catch event, receive task, boundary, event-based gateway).

    Kept in step with the file's state by `runtime.messages.sync`, in the same transaction,
    so that a delivery finds its receivers with one indexed query.
    """

    __tablename__ = "event_waits"
    __table_args__ = (Index("ix_event_waits_name", "kind", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # message | signal
    name: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str | None] = mapped_column(String(100))
    # The file's correlation values ({property: value}) when it started waiting.
    correlation: Mapped[dict] = mapped_column(JSON, default=dict)


class UnmatchedMessage(Base):
    """A message or signal nobody waited for: kept, and reported as `message_unmatched`."""

    __tablename__ = "unmatched_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200), index=True)
    business_key: Mapped[str | None] = mapped_column(String(120))
    correlation: Mapped[dict] = mapped_column(JSON, default=dict)
    payload: Mapped[dict | None] = mapped_column(JSON)
    sender: Mapped[str] = mapped_column(String(80))
    sender_instance_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notification(Base):
    """An in-app message to one person: a reminder, an escalation."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    instance_id: Mapped[int | None] = mapped_column(Integer)
    task_id: Mapped[str | None] = mapped_column(String(36))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# Business records, fed by the engine from each procedure's data (engine/records),
# so that managers' counts never read workflow state.

class Person(Base):
    """A candidate or a migrant: the personal file that procedures refer to by id."""

    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(String(120))
    first_names: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(1), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(40), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    education: Mapped[str | None] = mapped_column(String(60))
    occupation: Mapped[str | None] = mapped_column(String(200))
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    # Years of work in the occupation, and when the person can take up a post (engine.people.registry.AVAILABILITY).
    experience_years: Mapped[int | None] = mapped_column(Integer, index=True)
    availability: Mapped[str | None] = mapped_column(String(20), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_purpose: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Registered by the person themself on the portal: a counsellor of the region checks their identity at the
    # directorate and confirms the file (or merges it into the file of the same person) before any preselection.
    awaiting_confirmation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Employer(Base):
    """An employer of the register (§7.3): one row per organisation, whatever the offers it sent.

    Found or created when an offer is recorded; `name_key` is its name folded (no case, accents or
    punctuation) to find it again by name and country."""

    __tablename__ = "employers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    address: Mapped[str | None] = mapped_column(String(500))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_function: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    sector: Mapped[str | None] = mapped_column(String(200))
    registration_numbers: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EmployerFinding(Base):
    """What a verification step (§7.3) found of an employer: credible or not, why, from which sources."""

    __tablename__ = "employer_findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    credible: Mapped[bool | None] = mapped_column(Boolean)
    findings: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list] = mapped_column(JSON, default=list)
    checked_on: Mapped[date | None] = mapped_column(Date)
    found_by: Mapped[str] = mapped_column(String(80))
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Offer(Base):
    __tablename__ = "offers"
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    reference: Mapped[str] = mapped_column(String(120), index=True)
    employer_name: Mapped[str | None] = mapped_column(String(200))
    employer_country: Mapped[str | None] = mapped_column(String(2), index=True)
    # The employer of the register (`employeur_id` in the file's data), once recorded.
    employer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    occupation: Mapped[str | None] = mapped_column(String(200), index=True)
    occupation_code: Mapped[str | None] = mapped_column(String(10), index=True)  # CITP-08, when recorded
    work_country: Mapped[str | None] = mapped_column(String(2), index=True)
    source: Mapped[str | None] = mapped_column(String(40))
    posts: Mapped[int | None] = mapped_column(Integer)
    # Posts held by a selected or departed candidate (`satisfaite` when all are, `satisfaite_en_partie` else).
    posts_filled: Mapped[int | None] = mapped_column(Integer)
    candidates_wanted: Mapped[int | None] = mapped_column(Integer)
    credible: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20), index=True)
    # Set when the offer's file was cancelled (status `annulee`) or the employer withdrew it (`retiree`): the reason.
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    received_on: Mapped[date | None] = mapped_column(Date, index=True)
    satisfy_by: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Candidature(Base):
    """A person's application to an offer and how far it went."""

    __tablename__ = "candidatures"
    __table_args__ = (UniqueConstraint("offer_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.instance_id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    stage: Mapped[str] = mapped_column(String(20), index=True)
    # How the agency found the candidate (§7.5), when known: "ciblage_vivier" (invited from the pool).
    mode: Mapped[str | None] = mapped_column(String(30), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PersonWord(Base):
    """The words of a person's names (kind "n") and free fields (kind "t"), folded (no case, no accents): an
    index searched by the start of words, the same way on both databases (engine.people.words)."""

    __tablename__ = "person_words"
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    # Compared byte by byte on PostgreSQL too ("C"), as on SQLite: a prefix is a range of the index.
    word: Mapped[str] = mapped_column(String(60).with_variant(String(60, collation="C"), "postgresql"),
                                      primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)


class Departure(Base):
    __tablename__ = "departures"
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    destination_country: Mapped[str | None] = mapped_column(String(2), index=True)
    planned_on: Mapped[date | None] = mapped_column(Date)
    departed_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    # Why the departure was cancelled, as the diagram codes it (cause_annulation).
    cancellation_cause: Mapped[str | None] = mapped_column(String(30), index=True)
    arrived_on: Mapped[date | None] = mapped_column(Date)


class ReturnRecord(Base):
    __tablename__ = "returns"
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    category: Mapped[str | None] = mapped_column(String(20), index=True)
    reason: Mapped[str | None] = mapped_column(String(200))  # the reasons, joined by commas
    country_from: Mapped[str | None] = mapped_column(String(2))
    registered_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The day the migrant came back to Mali, as declared; registered_on is when the file was opened.
    returned_on: Mapped[date | None] = mapped_column(Date, index=True)
    # en_cours, termine, or annule (cancelled by hand, with its reason): a cancelled one is not counted.
    status: Mapped[str | None] = mapped_column(String(20), index=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))


class CandidateService(Base):
    """A candidate's file of the candidate services procedure (manual §8.1, §8.2.1–8.2.5)."""

    __tablename__ = "candidate_services"
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    employability: Mapped[str | None] = mapped_column(String(10), index=True)
    motivation: Mapped[str | None] = mapped_column(String(10))
    cv_finalised: Mapped[bool | None] = mapped_column(Boolean)
    project_realistic: Mapped[bool | None] = mapped_column(Boolean)
    session_kind: Mapped[str | None] = mapped_column(String(20), index=True)
    session_on: Mapped[date | None] = mapped_column(Date)
    equivalence_asked: Mapped[bool | None] = mapped_column(Boolean)
    equivalence_started: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[str | None] = mapped_column(String(20), index=True)
    training: Mapped[str | None] = mapped_column(String(30))
    opened_on: Mapped[date | None] = mapped_column(Date, index=True)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Reintegration(Base):
    __tablename__ = "reintegrations"
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    path: Mapped[str | None] = mapped_column(String(20), index=True)
    outcome: Mapped[str | None] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # en_cours, termine, or annule (cancelled by hand, with its reason): a cancelled one is not counted.
    status: Mapped[str | None] = mapped_column(String(20), index=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))


class AgencyReport(Base):
    """A licensed private placement agency's yearly activity report (manual §8.2.4)."""

    __tablename__ = "agency_reports"
    __table_args__ = (UniqueConstraint("instance_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    agency: Mapped[str] = mapped_column(String(200), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    placements: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)


class AgencyOccupation(Base):
    """One occupation of the agency's own nomenclature (ROAME), mapped to its ISCO-08 code; the whole list
    is replaced when the agency loads a new one (`djoliba occupations --load FILE`)."""

    __tablename__ = "agency_occupations"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    isco_code: Mapped[str] = mapped_column(String(4), index=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AgencyPlacement(Base):
    """Workers a private placement agency placed abroad in a year, as its report gives them (manual §8.2.4, §5.3).

    One row per line of the report (destination country, occupation) and sex, with the number of workers.
    """

    __tablename__ = "agency_placements"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    agency: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    year_end: Mapped[date] = mapped_column(Date, index=True)  # 31 December of `year`: the statistics' date
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    occupation: Mapped[str | None] = mapped_column(String(200), index=True)
    sex: Mapped[str] = mapped_column(String(1), index=True)
    workers: Mapped[int] = mapped_column(Integer)


class DiagramDraft(Base):
    """The files of a process being edited in the modeler, not deployed yet: one draft per process.

    `files` maps each file name (.bpmn, .dmn, .schema.json, .ui.json) to its text; `problems`
    holds the last check's findings, None when the draft changed since it was last checked.
    """

    __tablename__ = "diagram_drafts"
    process_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    files: Mapped[dict] = mapped_column(JSON)
    base_version: Mapped[int | None] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    saved_by: Mapped[str] = mapped_column(String(80))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    problems: Mapped[list | None] = mapped_column(JSON)


class LoginSession(Base):
    """A signed-in browser session: its cookie holds the token whose hash is kept here.

    Deleting the row ends the session at its next request, whatever the cookie says
    (logout, password change, account disabled, role removed).
    """

    __tablename__ = "login_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HeldSubmission(Base):
    """A form (a task's, or the registration of a person) sent after its sender's session had expired, kept
    for them until they sign in again (see engine.accounts.held): one per account and form, bounded in size,
    dropped when it expires."""

    __tablename__ = "held_submissions"
    __table_args__ = (UniqueConstraint("user_id", "form_key", name="uq_held_submissions_user_form"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    form_key: Mapped[str] = mapped_column(String(80))  # the task id, or "personnes/nouvelle"
    fields: Mapped[list] = mapped_column(JSON)  # the form's [name, value] pairs, as sent
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailure(Base):
    """Recent failed logins of one account name (`account:NAME`) or one client address (`address:IP`), and the
    portal's actions counted in a window (`action:KEY`, see throttle.note_action)."""

    __tablename__ = "login_failures"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CountrySheet(Base):
    """DCIM's information sheet on a destination country (manual §8.2.1, §8.2.8): what it takes to go and work
    there (visa, work permit, the free-movement regime that applies to Malians) and what candidates should know
    (legal frame, living and working conditions, useful addresses). A country without a row reads the bundled
    defaults (engine/definitions/data/destinations.json); each change is a new `version`, audited."""

    __tablename__ = "country_sheets"
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    regime: Mapped[str] = mapped_column(String(30))
    visa_required: Mapped[bool] = mapped_column(Boolean)
    work_permit_required: Mapped[bool] = mapped_column(Boolean)
    legal_frame: Mapped[str] = mapped_column(Text, default="")
    living_conditions: Mapped[str] = mapped_column(Text, default="")
    useful_addresses: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InformationSession(Base):
    """An individual or collective information session (manual §8.2.1, §6.7), one row per file of the
    information session procedure: when, where, its themes and countries (joined by commas), how many came."""

    __tablename__ = "information_sessions"
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    kind: Mapped[str | None] = mapped_column(String(20))
    planned_on: Mapped[date | None] = mapped_column(Date, index=True)
    held_on: Mapped[date | None] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    themes: Mapped[str | None] = mapped_column(String(500))
    countries: Mapped[str | None] = mapped_column(String(200))
    head_count: Mapped[int | None] = mapped_column(Integer)
    # planifiee, tenue, annulee; or annule when the file was cancelled by hand.
    status: Mapped[str | None] = mapped_column(String(20), index=True)


class SessionAttendance(Base):
    """A registered person who attended an information session: the session is in their file."""

    __tablename__ = "session_attendances"
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True, index=True)


class EmployerAccount(Base):
    """An employer's account on the public portal (`/portail`): not a staff account, it opens no staff page.

    Its e-mail is verified by a code sent through the outbox (only the code's hash is kept here)."""

    __tablename__ = "employer_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    contact_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)  # kept in lower case
    password_hash: Mapped[str] = mapped_column(String(255))
    verification_hash: Mapped[str | None] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A password reset code sent by e-mail (its hash) and until when it works.
    reset_hash: Mapped[str | None] = mapped_column(String(64))
    reset_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The employer of the register this account speaks for, once DCIM recorded one of its offers.
    register_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id", ondelete="SET NULL"), index=True)


class PortalSession(Base):
    """A signed-in browser session on the public portal, an employer's or a candidate's (one of the two
    owners is set): its cookie holds the token whose hash is kept here, so deleting the row (logout,
    expiry) ends it whatever the cookie says."""

    __tablename__ = "portal_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer_accounts.id", ondelete="CASCADE"),
                                                    index=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidate_accounts.id", ondelete="CASCADE"),
                                                     index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CandidateAccount(Base):
    """A candidate's account on the public portal (`/portail/candidats`), tied to their personal file.

    Like an employer's, it opens no staff page; its e-mail is verified by a code (only its hash is kept)."""

    __tablename__ = "candidate_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # kept in lower case
    password_hash: Mapped[str] = mapped_column(String(255))
    verification_hash: Mapped[str | None] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A password reset code sent by e-mail (its hash) and until when it works.
    reset_hash: Mapped[str | None] = mapped_column(String(64))
    reset_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CandidateDocument(Base):
    """A CV or another document of a person, uploaded on the portal; the file itself is kept in the
    documents folder (outside the web root) under `stored_name`, never under the name it came with."""

    __tablename__ = "candidate_documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(80))


class PortalApplication(Base):
    """A candidate's application on the portal to a displayed offer: it waits for the person's identity to be
    confirmed (`attente_identite`), then joins the collection of candidatures of the offer's preselection in
    the person's region (`transmise`), or finds it closed (`close`)."""

    __tablename__ = "portal_applications"
    __table_args__ = (UniqueConstraint("person_id", "offer_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    region: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OfferDeposit(Base):
    """An offer an employer deposited on the portal: the `offre_internationale` file it opened."""

    __tablename__ = "offer_deposits"
    reference: Mapped[str] = mapped_column(String(120), primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer_accounts.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    deposited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    """A message to send, by e-mail or SMS (`channel`): the portal's codes, convocations and news to persons and
    employers. Sent by the scheduler through the configured gateway (SMTP, the HTTP SMS gateway, or the simulation
    that only records), else left here for an administrator to read (`djoliba outbox`)."""

    __tablename__ = "outbox_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), default="email", server_default="email")  # email, sms
    kind: Mapped[str | None] = mapped_column(String(40))  # convocation_tests, rappel_..., None for account codes
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The file it is about (its history records the sending) and the person it goes to, if any.
    instance_id: Mapped[int | None] = mapped_column(Integer, index=True)
    person_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # Not to be tried before this moment: a reminder's day, or the next try after a failure.
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    delivered_by: Mapped[str | None] = mapped_column(String(20))  # smtp, http, simulation
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
