"""Returns and reintegrations say whether their file is under way, finished or cancelled (with the reason)

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

INSTANCES = sa.table("instances", sa.column("id", sa.Integer), sa.column("status", sa.String),
                     sa.column("cancel_reason", sa.String))


def upgrade():
    for table in ('returns', 'reintegrations'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('status', sa.String(length=20), nullable=True))
            batch.add_column(sa.Column('cancel_reason', sa.String(length=500), nullable=True))
            batch.create_index(f'ix_{table}_status', ['status'], unique=False)
        # The rows written before say what their file says now.
        records = sa.table(table, sa.column("instance_id", sa.Integer), sa.column("status", sa.String),
                           sa.column("cancel_reason", sa.String))
        status = sa.case((INSTANCES.c.status == "cancelled", "annule"),
                         (INSTANCES.c.status == "completed", "termine"), else_="en_cours")
        file = sa.select(INSTANCES).where(INSTANCES.c.id == records.c.instance_id)
        op.execute(records.update().values(
            status=file.with_only_columns(status).scalar_subquery(),
            cancel_reason=file.with_only_columns(INSTANCES.c.cancel_reason).scalar_subquery()))


def downgrade():
    for table in ('reintegrations', 'returns'):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f'ix_{table}_status')
            batch.drop_column('cancel_reason')
            batch.drop_column('status')
