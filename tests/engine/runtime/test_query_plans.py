"""On PostgreSQL, the queries whose cost must not grow with the history read by their indexes: an inbox's
page in its order, the audit search's page and bounded count, a new file's case-blind duplicate check.

A test database holds a few rows, where a planner rightly prefers reading the table: reading it and
sorting are turned off, so that the plan shows whether an index can answer the query at all.
"""
import pytest
from conftest import DCIM
from sqlalchemy import func, select, text

from engine.audit.search import COUNT_LIMIT, EventFilter, _query
from engine.runtime import instances
from engine.runtime.spawn import same_key
from engine.runtime.tasks import _open_tasks
from engine.store.tables import AuditEvent, Instance

def _plan(session, statement):
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_sort = off"))
    session.execute(text("SET LOCAL enable_bitmapscan = off"))
    sql = str(statement.compile(session.bind, compile_kwargs={"literal_binds": True}))
    return "\n".join(row[0] for row in session.execute(text("EXPLAIN " + sql)))


@pytest.fixture
def postgresql(deployed):
    with deployed:
        if deployed.session.bind.dialect.name != "postgresql":
            pytest.skip("the plans are PostgreSQL's")
    instances.start_instance(deployed, DCIM, "offre_internationale", "OFF-PLAN-1")
    return deployed


def test_an_inbox_page_reads_the_open_tasks_index_in_order(postgresql):
    with postgresql:
        plan = _plan(postgresql.session, _open_tasks(DCIM, False).limit(50))
    assert "ix_tasks_open" in plan and "Sort" not in plan


def test_the_audit_search_reads_an_index_per_filter_and_counts_no_further_than_its_limit(postgresql):
    with postgresql:
        session = postgresql.session
        filters = EventFilter(process="offre_internationale")
        page = _plan(session, _query(session, filters).order_by(AuditEvent.seq.desc()).limit(50))
        matching = _query(session, filters, with_reference=False).with_only_columns(AuditEvent.seq)
        count = _plan(session, select(func.count()).select_from(matching.limit(COUNT_LIMIT + 1).subquery()))
    assert "Sort" not in page
    assert "ix_audit_events_process_key_seq" in count and "Limit" in count


def test_a_new_files_duplicate_check_reads_the_case_blind_reference_index(postgresql):
    with postgresql:
        session = postgresql.session
        plan = _plan(session, select(Instance.id).where(Instance.process_key == "offre_internationale",
                                                        same_key("off-plan-1")))
    assert "ix_instances_business_key_lower" in plan
