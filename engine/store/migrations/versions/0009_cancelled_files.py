"""cancelled files: the reason a file was cancelled, on the file and on its offer record

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('instances', 'offers'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('cancel_reason', sa.String(length=500), nullable=True))


def downgrade():
    for table in ('offers', 'instances'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('cancel_reason')
