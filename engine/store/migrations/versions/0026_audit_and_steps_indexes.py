"""The audit search, the time per step and a new file's duplicate check read by indexes, not the whole history

Each filter of the audit search (person, procedure, region, kind, file) gets one index with the
event's number after it, so that the newest events matching it come in order and a page, or a
count bounded to a limit, stops early instead of sorting every matching event. The tasks get an
index on their completion, for the median time per step over a period. A new file's reference is
looked up without case among the files (`lower(business_key)`): that lookup read every file of the
procedure at each new file, and gets its own index. The open tasks of a role get an index in the
inboxes' order, so that a page of an inbox reads its fifty tasks instead of sorting every open one.

Revision ID: 0026
Revises: 0025
"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

_FILTERS = ("actor", "kind", "instance_id", "process_key", "region")


def upgrade():
    for column in _FILTERS:
        op.drop_index(f"ix_audit_events_{column}", table_name="audit_events")
        op.create_index(f"ix_audit_events_{column}_seq", "audit_events", [column, "seq"])
    op.create_index("ix_tasks_completed_at", "tasks", ["completed_at"])
    op.create_index("ix_instances_business_key_lower", "instances", [sa.text("lower(business_key)")])
    # Ascending, PostgreSQL's index puts the tasks without a due date last, as the inbox does.
    op.create_index("ix_tasks_open", "tasks", ["role", "due_at", "created_at", "id"],
                    postgresql_where=sa.text("state = 'ready'"), sqlite_where=sa.text("state = 'ready'"))


def downgrade():
    op.drop_index("ix_tasks_open", table_name="tasks")
    op.drop_index("ix_instances_business_key_lower", table_name="instances")
    op.drop_index("ix_tasks_completed_at", table_name="tasks")
    for column in _FILTERS:
        op.drop_index(f"ix_audit_events_{column}_seq", table_name="audit_events")
        op.create_index(f"ix_audit_events_{column}", "audit_events", [column])
