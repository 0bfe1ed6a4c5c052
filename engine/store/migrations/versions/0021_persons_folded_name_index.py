"""The registry's list in name order without case or accents, read through an index on PostgreSQL

Revision ID: 0021
Revises: 0020
"""
from alembic import op

from engine.store.folding import postgresql_folded

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite sorts with a function of the connection's, which an index could not use elsewhere: PostgreSQL only.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_persons_folded_name ON persons "
                   f"({postgresql_folded('last_name')}, {postgresql_folded('first_names')}, id)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_persons_folded_name")
