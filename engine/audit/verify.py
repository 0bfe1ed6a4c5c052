"""Check the audit chain: name the first event that was altered, removed, inserted or moved."""
from dataclasses import dataclass

from sqlalchemy import func, select

from engine.audit import seals
from engine.audit.chain import GENESIS, REDACTION, digest, event_hash
from engine.store.tables import AuditEvent, AuditHead, Instance, Person, ProcessVersion

ALTERED, MISSING, INSERTED, REORDERED, HEAD, ANCHOR, EMPTIED, STATE = \
    "altered", "missing", "inserted", "reordered", "head", "anchor", "emptied", "state"


@dataclass(frozen=True)
class Verdict:
    """What `verify` found.

    `problem` is None when the chain is intact, else one of:
    - `altered`: event `seq` does not match its hash (a field, its link or its hash was changed),
      or its details no longer match their digest and no later redaction recorded what they say now;
    - `missing`: the event before `seq`'s successor is gone (`seq` is where it stood);
      at the end of the log, the head names events that are no longer there;
    - `inserted`: event `seq` (and maybe more after it) was put into the chain afterwards;
    - `reordered`: event `seq` links to an event stored after it;
    - `head`: the head row is missing or does not name the last event (`seq` is None);
    - `anchor`: the chain is consistent but event `seq` no longer has the hash noted earlier:
      the log was rewritten from there on;
    - `emptied`: the log is empty (head included) while the database holds what is always
      recorded when it is made (deployed versions, files, persons), or an anchor names an event.
    - `state`: the chain is intact but a row it sealed (a file, person, account, API token or
      deployed version) is no longer as the engine left it: `row` names it ("instances:12") and
      `why` says how (`changed`, `deleted`, `restored`, or `checksum` for a version whose
      sources or forms no longer give its checksum).
    `head_seq` and `head_hash` name the last event, to be noted down as an anchor.
    """

    checked: int
    head_seq: int | None
    head_hash: str | None
    problem: str | None = None
    seq: int | None = None
    row: str | None = None
    why: str | None = None

    @property
    def ok(self):
        return self.problem is None


class _Walk:
    """Follows the chain one event at a time; stops at the first break.

    The hash covers the digest of an event's details, not the details: details that
    no longer match their digest are noted (`rewritten`) and must be the ones a later
    REDACTION event (whose own details are intact) recorded for that event, the latest
    one naming it; an event a REDACTION names must no longer say what it first said.
    `settle` checks both at the end of each reading, for the events read together.
    """

    def __init__(self, anchors):
        self.seq, self.hash, self.checked, self.anchors = 0, GENESIS, 0, dict(anchors)
        self.broken = None  # the event where the chain broke
        self.sealed = {}  # row key -> its latest seal (seals.KEY in the events' details)
        self.rewritten, self.redactions, self.altered = {}, {}, []  # seq -> (kind, digest); seq -> (by, digest)

    def feed(self, event):
        if event.prev_hash != self.hash or event.hash != event_hash(event):
            self.broken = event
            return False
        if self.anchors.pop(event.seq, event.hash) != event.hash:
            self.broken = event
            return False
        self.sealed.update(event.details.get(seals.KEY) or {})
        said = digest(event.details)
        if said != event.details_digest:
            self.rewritten[event.seq] = (event.kind, said)
        elif event.kind == REDACTION:
            for seq, redacted in (event.details.get("redacted") or {}).items():
                self.redactions[int(seq)] = (event.seq, redacted)
        self.seq, self.hash, self.checked = event.seq, event.hash, self.checked + 1
        return True

    def settle(self, since):
        """Note as altered the rewritten events that no redaction explains (a changed REDACTION first),
        and those read since `since` that a redaction read with them names but that say what they first said."""
        for seq, (kind, said) in sorted(self.rewritten.items()):
            by, redacted = self.redactions.get(seq, (None, None))
            if by is None or by < seq or redacted != said:
                self.altered.append((kind != REDACTION, seq))
        self.altered += [(True, seq) for seq, (by, _redacted) in self.redactions.items()
                         if seq > since and by > since and seq not in self.rewritten]
        self.rewritten.clear()


def verify(uow, anchors=()):
    """Check every event of the audit log against its hash and its link to the one before.

    `anchors` are (seq, hash) pairs noted earlier (from an earlier verdict's
    head): each must still be in the chain, which catches a log rewritten from
    some point on with recomputed hashes. Read-only; safe while others write.
    Returns a Verdict.
    """
    walk = _Walk(anchors)
    with uow:
        session = uow.session
        _follow(session, walk, select(AuditEvent))
        if walk.broken is not None:
            return _broken(session, walk)
        head = session.get(AuditHead, 1)
        if head is None and not walk.checked:
            return Verdict(0, None, None, EMPTIED if walk.anchors or _recorded_rows(session) else None)
        if head is None:
            return Verdict(walk.checked, None, None, HEAD)
        if walk.seq > head.seq:
            return Verdict(walk.checked, head.seq, head.hash, INSERTED, _next_seq(session, head.seq))
        # Events committed after the first read: follow the chain up to the head read since.
        _follow(session, walk, select(AuditEvent).where(AuditEvent.seq > walk.seq, AuditEvent.seq <= head.seq))
        if walk.broken is not None:
            return _broken(session, walk)
        if walk.seq < head.seq:
            return Verdict(walk.checked, head.seq, head.hash, MISSING, walk.seq + 1)
        if walk.hash != head.hash:
            return Verdict(walk.checked, head.seq, head.hash, HEAD)
        if walk.altered:
            return Verdict(walk.checked, head.seq, head.hash, ALTERED, min(walk.altered)[1])
        if walk.anchors:
            return Verdict(walk.checked, head.seq, head.hash, ANCHOR, min(walk.anchors))
        differs = seals.check(session, walk.sealed, digest)
        if differs:
            return Verdict(walk.checked, head.seq, head.hash, STATE, row=differs[0], why=differs[1])
        return Verdict(walk.checked, head.seq, head.hash)


def _recorded_rows(session):
    """Does the database hold rows whose making is always recorded in the log?"""
    return any(session.scalars(select(table.id).limit(1)).first() is not None
               for table in (ProcessVersion, Instance, Person))


def _follow(session, walk, query):
    since = walk.seq
    events = session.scalars(query.order_by(AuditEvent.seq).execution_options(yield_per=1000))
    for event in events:
        if not walk.feed(event):
            break
    events.close()
    walk.settle(since)


def _broken(session, walk):
    """Say what happened at the event where the chain broke."""
    event = walk.broken
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (None, None)
    verdict = lambda problem, seq: Verdict(walk.checked, head_seq, head_hash, problem, seq)  # noqa: E731
    if event.prev_hash == walk.hash:  # linked to the right event, but not what was hashed
        return verdict(ALTERED if event.hash != event_hash(event) else ANCHOR, event.seq)
    linked = session.scalars(select(AuditEvent.seq).where(AuditEvent.hash == event.prev_hash,
                                                          AuditEvent.seq != event.seq)).first()
    if linked is None and event.prev_hash == GENESIS:
        linked = 0
    if linked is not None and linked < walk.seq:
        return verdict(INSERTED, _next_seq(session, linked))
    if linked is not None and linked > event.seq:
        return verdict(REORDERED, event.seq)
    if event.hash != event_hash(event):
        return verdict(ALTERED, event.seq)
    return verdict(MISSING, walk.seq + 1)


def _next_seq(session, seq):
    return session.scalar(select(func.min(AuditEvent.seq)).where(AuditEvent.seq > seq))
