"""The audit log is a hash chain: any stored event changed, deleted, inserted or moved is found,
by the engine's `verify` and by the `djoliba audit verify` command; concurrent writers keep one chain.
An event's details may be redacted (personal values erased), recorded by a later event: only that is accepted."""
import threading
from datetime import timedelta

import offer_data
import pytest
import sqlalchemy as sa
from alembic import command
from conftest import BAMAKO, DCIM
from offer_flow import PROCESS, complete, offer_sent_to
from sqlalchemy import create_engine, delete, insert, select, text, update

from engine import accounts, audit
from engine.audit.verify import verify
from engine.runtime import instances
from engine.store import schema
from engine.store.tables import (
    AuditEvent,
    AuditHead,
    Instance,
    ProcessVersion,
    TaskRow,
    Timer,
    User,
    UserRole,
    as_utc,
    utcnow,
)
from engine.store.uow import UnitOfWork, make_session_factory
from web import cli

EVENTS = AuditEvent.__table__


@pytest.fixture
def log(deployed):
    """An audit log written by real use cases: deployment, logins, an offer sent to two regions."""
    accounts.authenticate(deployed, "dcim", "demo-dcim")
    accounts.authenticate(deployed, "dcim", "not the password")
    offer_sent_to(deployed, "OFF-2026-0900", "bamako", "kayes")
    return deployed


def events(uow):
    with uow:
        return [{c.name: getattr(e, c.name) for c in EVENTS.columns}
                for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def tamper(uow, *statements):
    """Change the stored log behind the engine's back, as someone with database access could."""
    with uow.session_factory.kw["bind"].begin() as connection:
        for statement in statements:
            connection.execute(statement)


def forged(previous, seq, **fields):
    """An event an intruder made up, with a correct hash, linked after `previous`."""
    event = AuditEvent(seq=seq, at=utcnow(), actor="intrus", kind="task_completed", instance_id=None,
                       process_key=PROCESS, task_id=None, element_id=None, region=None,
                       details={"changes": {}}, prev_hash=previous["hash"], **fields)
    event.details_digest = audit.digest(event.details)
    event.hash = audit.event_hash(event)
    return {c.name: getattr(event, c.name) for c in EVENTS.columns}


def run_cli(database_url, monkeypatch, capsys, *args):
    """`djoliba audit verify` as run from a shell: exit code and output."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    code = cli.main(["audit", "verify", *args])
    return code, capsys.readouterr().out


def assert_found(uow, database_url, monkeypatch, capsys, problem, seq):
    verdict = verify(uow)
    assert (verdict.problem, verdict.seq) == (problem, seq)
    code, out = run_cli(database_url, monkeypatch, capsys)
    assert code == 1
    assert "JOURNAL D'AUDIT ALTÉRÉ / AUDIT LOG TAMPERED" in out
    if seq is not None:
        assert f"n° {seq} " in out and f"#{seq} " in out


# --- an intact log --------------------------------------------------------------------------

def test_the_log_written_by_the_engine_is_one_intact_chain(log, database_url, monkeypatch, capsys):
    stored = events(log)
    assert [e["seq"] for e in stored] == list(range(1, len(stored) + 1))
    assert stored[0]["prev_hash"] == audit.GENESIS
    assert all(e["prev_hash"] == before["hash"] for before, e in zip(stored, stored[1:]))
    assert {e["kind"] for e in stored} >= {"deployed", "login", "login_failed", "instance_started",
                                           "task_completed", "gateway_taken"}

    verdict = verify(log)
    assert verdict.ok and verdict.checked == len(stored)
    assert (verdict.head_seq, verdict.head_hash) == (stored[-1]["seq"], stored[-1]["hash"])
    code, out = run_cli(database_url, monkeypatch, capsys)
    assert code == 0
    assert f"{len(stored)} événements vérifiés" in out and f"{len(stored)} events checked" in out
    assert f"{verdict.head_seq}:{verdict.head_hash}" in out


def test_task_events_carry_the_region_of_their_task(log):
    instance_id = events(log)[-1]["instance_id"]
    complete(log, BAMAKO, instance_id, "confirmer_affichage", offer_data.confirmer_affichage())

    regions = {(e["kind"], e["element_id"]): e["region"] for e in events(log) if e["task_id"]}
    assert regions[("task_completed", "confirmer_affichage")] == "bamako"
    assert regions[("task_completed", "transmettre_offre")] is None  # a DCIM task belongs to no region
    assert verify(log).ok


def test_a_rollback_writes_no_event_and_leaves_the_chain_whole(log):
    before = events(log)
    with log:
        audit.record(log.session, "test_event", "someone")
    with log:
        audit.record(log.session, "test_event", "someone")
        log.session.rollback()
        audit.record(log.session, "kept_event", "someone")
        log.commit()

    after = events(log)
    assert [e["kind"] for e in after[len(before):]] == ["kept_event"]
    assert verify(log).ok


# --- tampering ------------------------------------------------------------------------------

CHANGES = {
    "at": lambda e: as_utc(e["at"]) + timedelta(seconds=1),
    "actor": lambda e: "intrus",
    "kind": lambda e: "login" if e["kind"] != "login" else "logout",
    "instance_id": lambda e: (e["instance_id"] or 0) + 1,
    "process_key": lambda e: "autre_procedure",
    "task_id": lambda e: "00000000-0000-0000-0000-000000000000",
    "element_id": lambda e: "autre_element",
    "region": lambda e: "kayes" if e["region"] != "kayes" else "bamako",
    "details": lambda e: {**e["details"], "changes": {"salaire": {"old": 100, "new": 1000}}},
    "prev_hash": lambda e: "f" * 64,
    "hash": lambda e: "e" * 64,
}


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_a_changed_field_of_any_event_is_found(log, database_url, monkeypatch, capsys, field):
    stored = events(log)
    target = stored[len(stored) // 2]
    tamper(log, update(EVENTS).where(EVENTS.c.seq == target["seq"]).values({field: CHANGES[field](target)}))

    assert_found(log, database_url, monkeypatch, capsys, "altered", target["seq"])


def test_a_changed_last_event_is_found(log, database_url, monkeypatch, capsys):
    last = events(log)[-1]
    tamper(log, update(EVENTS).where(EVENTS.c.seq == last["seq"]).values(actor="intrus"))
    assert_found(log, database_url, monkeypatch, capsys, "altered", last["seq"])


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_deleted_event_is_found(log, database_url, monkeypatch, capsys, where):
    stored = events(log)
    target = {"first": stored[0], "middle": stored[len(stored) // 2], "last": stored[-1]}[where]
    tamper(log, delete(EVENTS).where(EVENTS.c.seq == target["seq"]))

    assert_found(log, database_url, monkeypatch, capsys, "missing", target["seq"])


def test_deleted_events_at_the_end_are_found_even_with_the_head_moved_back(log, database_url, monkeypatch, capsys):
    stored = events(log)
    cut = len(stored) - 3
    tamper(log, delete(EVENTS).where(EVENTS.c.seq > stored[cut]["seq"]),
           update(AuditHead.__table__).values(seq=stored[cut]["seq"] + 1))
    assert_found(log, database_url, monkeypatch, capsys, "missing", stored[cut]["seq"] + 1)


def test_an_event_added_after_the_last_is_found_even_with_a_valid_hash(log, database_url, monkeypatch, capsys):
    stored = events(log)
    extra = forged(stored[-1], stored[-1]["seq"] + 1)
    tamper(log, insert(EVENTS).values(extra))
    assert_found(log, database_url, monkeypatch, capsys, "inserted", extra["seq"])


def test_an_event_slipped_into_the_middle_is_found(log, database_url, monkeypatch, capsys):
    """The intruder makes room (renumbers what follows), links a forged event and moves the head."""
    stored = events(log)
    place = len(stored) // 2
    moves = [update(EVENTS).where(EVENTS.c.seq == e["seq"]).values(seq=e["seq"] + 1) for e in reversed(stored[place:])]
    extra = forged(stored[place - 1], stored[place]["seq"])
    tamper(log, *moves, insert(EVENTS).values(extra), update(AuditHead.__table__).values(seq=stored[-1]["seq"] + 1))

    assert_found(log, database_url, monkeypatch, capsys, "inserted", extra["seq"])


def test_two_events_swapped_are_found(log, database_url, monkeypatch, capsys):
    stored = events(log)
    first, second = stored[3]["seq"], stored[4]["seq"]
    tamper(log, update(EVENTS).where(EVENTS.c.seq == first).values(seq=-1),
           update(EVENTS).where(EVENTS.c.seq == second).values(seq=first),
           update(EVENTS).where(EVENTS.c.seq == -1).values(seq=second))

    assert_found(log, database_url, monkeypatch, capsys, "reordered", first)


def test_a_missing_head_is_found(log, database_url, monkeypatch, capsys):
    tamper(log, delete(AuditHead.__table__))
    assert_found(log, database_url, monkeypatch, capsys, "head", None)


def test_a_wiped_log_is_found_with_or_without_an_anchor(log, database_url, monkeypatch, capsys):
    """DELETE FROM audit_events; DELETE FROM audit_head: the files and versions are still there."""
    noted = verify(log)
    tamper(log, delete(EVENTS), delete(AuditHead.__table__))
    assert_found(log, database_url, monkeypatch, capsys, "emptied", None)
    verdict = verify(log, anchors=[(noted.head_seq, noted.head_hash)])
    assert verdict.problem == "emptied"
    code, out = run_cli(database_url, monkeypatch, capsys, "--anchor", f"{noted.head_seq}:{noted.head_hash}")
    assert code == 1 and "vidé" in out and "wiped" in out


def test_an_empty_log_of_an_empty_database_is_intact(uow):
    assert verify(uow).ok and verify(uow).checked == 0


def test_a_log_rewritten_with_new_hashes_is_found_only_against_an_anchor(log, database_url, monkeypatch, capsys):
    """Hashes anyone can recompute: a whole rewritten tail reads as a valid chain, unless an anchor noted
    earlier (the head printed by an earlier check) says otherwise."""
    noted = verify(log)
    stored = events(log)
    place = len(stored) // 2
    statements, previous = [], stored[place - 1]
    for event in stored[place:]:
        rewritten = AuditEvent(**{**event, "prev_hash": previous["hash"],
                                  "actor": "intrus" if event is stored[place] else event["actor"]})
        rewritten.hash = audit.event_hash(rewritten)
        statements.append(update(EVENTS).where(EVENTS.c.seq == event["seq"])
                          .values(actor=rewritten.actor, prev_hash=rewritten.prev_hash, hash=rewritten.hash))
        previous = {"hash": rewritten.hash}
    tamper(log, *statements, update(AuditHead.__table__).values(hash=previous["hash"]))

    assert verify(log).ok
    verdict = verify(log, anchors=[(noted.head_seq, noted.head_hash)])
    assert (verdict.problem, verdict.seq) == ("anchor", noted.head_seq)
    code, out = run_cli(database_url, monkeypatch, capsys, "--anchor", f"{noted.head_seq}:{noted.head_hash}")
    assert code == 1 and f"n° {noted.head_seq} " in out
    code, out = run_cli(database_url, monkeypatch, capsys, "--anchor", f"{stored[2]['seq']}:{stored[2]['hash']}")
    assert code == 0


# --- concurrent writers ---------------------------------------------------------------------

def test_concurrent_writers_append_to_one_linear_chain(log):
    writers, rounds, per_transaction = 6, 5, 3
    barrier = threading.Barrier(writers, timeout=30)
    failures = []

    def write(number):
        uow = UnitOfWork(log.session_factory)
        try:
            barrier.wait()
            for round_number in range(rounds):
                with uow:
                    for item in range(per_transaction):
                        audit.record(uow.session, "test_event", f"writer-{number}", round=round_number, item=item)
                    uow.commit()
        except Exception as err:  # noqa: BLE001 - reported by the assertion below
            failures.append(err)

    before = len(events(log))
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not failures
    verdict = verify(log)
    assert verdict.ok and verdict.checked == before + writers * rounds * per_transaction
    written = [e for e in events(log) if e["kind"] == "test_event"]
    assert [e["seq"] for e in written] == list(range(before + 1, verdict.head_seq + 1))
    # each transaction's events stand together, in the order they were recorded
    for start in range(0, len(written), per_transaction):
        group = written[start:start + per_transaction]
        assert len({(e["actor"], e["details"]["round"]) for e in group}) == 1
        assert [e["details"]["item"] for e in group] == list(range(per_transaction))


def test_concurrent_use_cases_keep_the_chain_valid(log):
    """Files opened and logins at the same moment: whatever commits is chained once, in order."""
    count = 6
    barrier = threading.Barrier(count, timeout=30)
    outcomes = [None] * count

    def act(number):
        uow = UnitOfWork(log.session_factory)
        try:
            barrier.wait()
            if number % 2:
                outcomes[number] = accounts.authenticate(uow, "dcim", "demo-dcim") is not None
            else:
                outcomes[number] = instances.start_instance(uow, DCIM, PROCESS, f"OFF-2026-095{number}")["id"]
        except Exception as err:  # noqa: BLE001 - SQLite may refuse a writer that read first
            outcomes[number] = err

    threads = [threading.Thread(target=act, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert verify(log).ok
    started = [o for o in outcomes if isinstance(o, int) and not isinstance(o, bool)]
    assert started, outcomes
    stored = events(log)
    assert all(any(e["kind"] == "instance_started" and e["instance_id"] == i for e in stored) for i in started)


# --- databases older than the chain ---------------------------------------------------------

def test_events_stored_before_the_chain_existed_are_chained_by_the_migrations(empty_database_url):
    config = schema.alembic_config(empty_database_url)
    command.upgrade(config, "0002")
    engine = create_engine(empty_database_url)
    old = [{"seq": seq, "at": utcnow(), "actor": "dcim", "kind": "login", "instance_id": None, "process_key": None,
            "task_id": None, "element_id": None, "details": {"n": seq}} for seq in (1, 2, 5)]  # 3-4: rolled back
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_events (seq, at, actor, kind, details)"
                                " VALUES (:seq, :at, :actor, :kind, :details)"),
                           [{**e, "details": '{"n": %d}' % e["seq"]} for e in old])
    engine.dispose()

    command.upgrade(config, "0007")  # chained by rule 1: the hash covers the details themselves
    chained, old_head = rule_1_events(empty_database_url)
    assert chained[0]["prev_hash"] == audit.GENESIS
    assert all(e["hash"] == audit.chain_hash(e, audit.RULE_1) for e in chained)
    assert old_head == (5, chained[-1]["hash"])

    schema.upgrade(empty_database_url)  # 0008: chained again by rule 2, the old head recorded
    uow = UnitOfWork(make_session_factory(empty_database_url))
    verdict = verify(uow)
    assert verdict.ok and (verdict.checked, verdict.head_seq) == (4, 6)
    stored = events(uow)
    assert stored[0]["prev_hash"] == audit.GENESIS
    assert [e["details_digest"] for e in stored[:3]] == [audit.digest({"n": seq}) for seq in (1, 2, 5)]
    assert (stored[-1]["kind"], stored[-1]["details"]) == (
        "audit_rechained", {"previous_head": {"seq": 5, "hash": old_head[1]}})

    with uow:
        audit.record(uow.session, "login", "direction")
        uow.commit()
    assert [e["seq"] for e in events(uow)] == [1, 2, 5, 6, 7]
    assert verify(uow).ok
    tamper(uow, update(EVENTS).where(EVENTS.c.seq == 2).values(details={"n": 3}))
    assert (verify(uow).problem, verify(uow).seq) == ("altered", 2)
    uow.session_factory.kw["bind"].dispose()


def rule_1_events(database_url):
    """The events and head of a database before migration 0008 (no `details_digest` column)."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(*(EVENTS.c[name] for name in (*audit.RULE_1, "hash")))
                                  .order_by(EVENTS.c.seq))
        stored = [dict(row._mapping) for row in rows]
        head = tuple(connection.execute(select(AuditHead.seq, AuditHead.hash)).one())
    engine.dispose()
    return stored, head


def test_the_chain_migration_can_be_undone(empty_database_url):
    config = schema.alembic_config(empty_database_url)
    command.upgrade(config, "0003")
    command.downgrade(config, "0002")
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        columns = list(connection.execute(text("SELECT * FROM audit_events")).keys())
    engine.dispose()
    assert "hash" not in columns and "region" not in columns


def test_the_redactable_chain_migration_keeps_a_broken_log_broken_and_can_be_undone(empty_database_url):
    """Hashing again by the new rule must not launder a log changed before the upgrade."""
    config = schema.alembic_config(empty_database_url)
    command.upgrade(config, "0007")
    before, last = [], audit.GENESIS
    for seq in range(1, 6):  # five events chained by rule 1, as the engine wrote them before 0008
        event = {"seq": seq, "at": utcnow(), "actor": "dcim", "kind": "login", "instance_id": None,
                 "process_key": None, "task_id": None, "element_id": None, "region": None, "details": {"n": seq},
                 "prev_hash": last}
        event["hash"] = last = audit.chain_hash(event, audit.RULE_1)
        before.append(event)
    rule_1 = sa.table("audit_events", *(sa.column(name, EVENTS.c[name].type) for name in (*audit.RULE_1, "hash")))
    tamper(uow := UnitOfWork(make_session_factory(empty_database_url)), insert(rule_1).values(before),
           update(AuditHead.__table__).values(seq=5, hash=last))
    tamper(uow, update(EVENTS).where(EVENTS.c.seq == before[1]["seq"]).values(actor="intrus"),
           delete(EVENTS).where(EVENTS.c.seq == before[3]["seq"]))

    command.upgrade(config, "0008")
    verdict = verify(uow)
    assert (verdict.problem, verdict.seq) == ("altered", 2)
    after = {e["seq"]: e for e in events(uow)}
    # Event 2 keeps the hash it no longer matched, so putting its field back does not hide it either.
    assert after[2]["hash"] == before[1]["hash"] != audit.event_hash(AuditEvent(**after[2]))
    assert all(after[seq]["hash"] == audit.event_hash(AuditEvent(**after[seq])) for seq in (1, 3, 5, 6))
    assert after[3]["prev_hash"] == after[2]["hash"] and after[5]["prev_hash"] != after[3]["hash"]  # 4 is gone
    uow.session_factory.kw["bind"].dispose()

    command.downgrade(config, "0007")
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        columns = list(connection.execute(text("SELECT * FROM audit_events")).keys())
    engine.dispose()
    assert "details_digest" not in columns
    kept = {e["seq"]: e for e in rule_1_events(empty_database_url)[0]}
    assert kept[2]["hash"] == before[1]["hash"] and kept[3]["prev_hash"] == kept[2]["hash"]
    assert kept[5]["prev_hash"] != kept[3]["hash"]
    assert all(kept[seq]["hash"] == audit.chain_hash(kept[seq], audit.RULE_1) for seq in (1, 3, 5, 6))


# --- redaction ------------------------------------------------------------------------------

@pytest.fixture
def redacted(log):
    """The log with the changes of two completed tasks redacted, as retention does (`audit.redact`).

    Returns {seq: details before the redaction} of those two events.
    """
    with log:
        session = log.session
        targets = session.scalars(select(AuditEvent).where(AuditEvent.kind == "task_completed")
                                  .order_by(AuditEvent.seq)).all()[:2]
        originals = {e.seq: e.details for e in targets}
        instance = session.get(Instance, targets[0].instance_id)
        replacements = [(e, {**e.details, "changes": {name: {"old": None, "new": "[effacé]"}
                                                      for name in e.details["changes"]}}) for e in targets]
        audit.redact(session, "retention", instance, replacements, persons=[], fields=["employeur"])
        log.commit()
        return originals


def test_a_recorded_redaction_keeps_the_chain_intact(log, redacted, database_url, monkeypatch, capsys):
    stored = {e["seq"]: e for e in events(log)}
    for seq in redacted:
        assert set(v["new"] for v in stored[seq]["details"]["changes"].values()) == {"[effacé]"}
        assert stored[seq]["details_digest"] != audit.digest(stored[seq]["details"])  # the digest of the original
    [redaction] = [e for e in stored.values() if e["kind"] == audit.REDACTION]
    assert redaction["details"]["redacted"] == {str(seq): audit.digest(stored[seq]["details"]) for seq in redacted}
    assert redaction["seq"] > max(redacted)

    verdict = verify(log)
    assert verdict.ok and verdict.checked == len(stored)
    code, _out = run_cli(database_url, monkeypatch, capsys)
    assert code == 0


def test_changed_details_are_found_whether_redacted_or_not(log, redacted, database_url, monkeypatch, capsys):
    stored = {e["seq"]: e for e in events(log)}
    unredacted = next(e for e in stored.values() if e["kind"] == "task_completed" and e["seq"] not in redacted)
    # Changed otherwise, or put back as it was before: neither is what the redaction recorded.
    first = stored[min(redacted)]
    tamper(log, update(EVENTS).where(EVENTS.c.seq == first["seq"])
           .values(details={**first["details"], "changes": {"employeur": {"old": None, "new": "Autre"}}}))
    assert_found(log, database_url, monkeypatch, capsys, "altered", first["seq"])
    tamper(log, update(EVENTS).where(EVENTS.c.seq == first["seq"]).values(details=redacted[first["seq"]]))
    assert audit.digest(redacted[first["seq"]]) == first["details_digest"]
    assert_found(log, database_url, monkeypatch, capsys, "altered", first["seq"])
    tamper(log, update(EVENTS).where(EVENTS.c.seq == first["seq"]).values(details=first["details"]))
    assert verify(log).ok

    tamper(log, update(EVENTS).where(EVENTS.c.seq == unredacted["seq"])
           .values(details={**unredacted["details"], "changes": {}}))
    assert_found(log, database_url, monkeypatch, capsys, "altered", unredacted["seq"])


def test_a_changed_redaction_record_is_found_and_named(log, redacted, database_url, monkeypatch, capsys):
    [redaction] = [e for e in events(log) if e["kind"] == audit.REDACTION]
    second = max(redacted)
    forged_record = {**redaction["details"], "redacted": {**redaction["details"]["redacted"],
                                                           str(second): audit.digest({"changes": {}})}}
    tamper(log, update(EVENTS).where(EVENTS.c.seq == second).values(details={"changes": {}}),
           update(EVENTS).where(EVENTS.c.seq == redaction["seq"]).values(details=forged_record))
    assert_found(log, database_url, monkeypatch, capsys, "altered", redaction["seq"])


def test_an_event_changed_without_a_recorded_redaction_is_found(log, database_url, monkeypatch, capsys):
    """Redacting by hand, without the REDACTION event retention writes, reads as tampering."""
    target = next(e for e in events(log) if e["kind"] == "task_completed")
    erased = {**target["details"], "changes": {name: {"old": None, "new": "[effacé]"}
                                               for name in target["details"]["changes"]}}
    tamper(log, update(EVENTS).where(EVENTS.c.seq == target["seq"]).values(details=erased))
    assert_found(log, database_url, monkeypatch, capsys, "altered", target["seq"])


@pytest.mark.parametrize("what", ["redacted", "redaction"])
def test_a_redacted_event_or_its_record_deleted_is_found(log, redacted, database_url, monkeypatch, capsys, what):
    stored = events(log)
    seq = min(redacted) if what == "redacted" else next(e["seq"] for e in stored if e["kind"] == audit.REDACTION)
    tamper(log, delete(EVENTS).where(EVENTS.c.seq == seq))
    assert_found(log, database_url, monkeypatch, capsys, "missing", seq)


def test_a_forged_redaction_appended_is_found(log, database_url, monkeypatch, capsys):
    stored = events(log)
    target = next(e for e in stored if e["kind"] == "task_completed")
    erased = {"changes": {}}
    extra = forged(stored[-1], stored[-1]["seq"] + 1)
    extra.update(kind=audit.REDACTION, details={"redacted": {str(target["seq"]): audit.digest(erased)}})
    extra["details_digest"] = audit.digest(extra["details"])
    extra["hash"] = audit.chain_hash(extra)
    tamper(log, update(EVENTS).where(EVENTS.c.seq == target["seq"]).values(details=erased),
           insert(EVENTS).values(extra))
    assert_found(log, database_url, monkeypatch, capsys, "inserted", extra["seq"])


# --- the state the chain sealed -------------------------------------------------------------

def first(uow, table):
    with uow:
        return uow.session.scalars(select(table.id).order_by(table.id)).first()


def assert_state_found(uow, database_url, monkeypatch, capsys, row, why, words):
    verdict = verify(uow)
    assert (verdict.problem, verdict.row, verdict.why) == ("state", row, why)
    code, out = run_cli(database_url, monkeypatch, capsys)
    assert code == 1 and all(word in out for word in words)


def test_the_rows_the_engine_wrote_match_their_seals(log):
    assert verify(log).ok


def test_a_file_changed_behind_the_engine_is_found(log, database_url, monkeypatch, capsys):
    file_id = first(log, Instance)
    tamper(log, update(Instance.__table__).where(Instance.id == file_id).values(status="completed"))
    assert_state_found(log, database_url, monkeypatch, capsys, f"instances:{file_id}", "changed",
                       [f"dossier n° {file_id}", f"file #{file_id}", "modifié"])


def test_roles_given_behind_the_engine_are_found(log, database_url, monkeypatch, capsys):
    """An account made in the test (accounts outlive each test: dcim must not keep a role given here)."""
    accounts.create_user(log, "intrus-cible", "mot-de-passe-tres-long", ["evaluateur"], by="admin")
    with log:
        target = log.session.scalars(select(User.id).where(User.username == "intrus-cible")).one()
    assert verify(log).ok
    tamper(log, insert(UserRole.__table__).values(user_id=target, role="admin"))
    try:
        assert_state_found(log, database_url, monkeypatch, capsys, f"users:{target}", "changed",
                           ["compte", "account"])
    finally:
        tamper(log, delete(UserRole.__table__).where(UserRole.user_id == target),
               delete(User.__table__).where(User.id == target))


def test_a_deployed_spec_changed_behind_the_engine_is_found(log, database_url, monkeypatch, capsys):
    version_id = first(log, ProcessVersion)
    with log:
        spec = log.session.get(ProcessVersion, version_id).spec
    tamper(log, update(ProcessVersion.__table__).where(ProcessVersion.id == version_id)
           .values(spec={**spec, "ajout": "intrus"}))
    assert_state_found(log, database_url, monkeypatch, capsys, f"process_versions:{version_id}", "changed",
                       ["version déployée", "deployed version"])


def test_a_file_deleted_behind_the_engine_is_found(log, database_url, monkeypatch, capsys):
    file_id = first(log, Instance)
    tamper(log, delete(TaskRow.__table__).where(TaskRow.instance_id == file_id),
           delete(Timer.__table__).where(Timer.instance_id == file_id),
           delete(Instance.__table__).where(Instance.id == file_id))
    assert_state_found(log, database_url, monkeypatch, capsys, f"instances:{file_id}", "deleted", ["supprimé"])
