"""Offers keep their CITP-08 occupation code, so the statistics count offers by occupation as placements are

Revision ID: 0029
Revises: 0028
"""
import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offers') as batch:
        batch.add_column(sa.Column('occupation_code', sa.String(length=10), nullable=True))
        batch.create_index(batch.f('ix_offers_occupation_code'), ['occupation_code'], unique=False)


def downgrade():
    with op.batch_alter_table('offers') as batch:
        batch.drop_index(batch.f('ix_offers_occupation_code'))
        batch.drop_column('occupation_code')
