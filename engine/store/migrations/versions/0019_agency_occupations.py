"""The agency's own nomenclature of occupations (ROAME), mapped to ISCO-08

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agency_occupations',
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('isco_code', sa.String(length=4), nullable=False),
        sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('code'))
    with op.batch_alter_table('agency_occupations') as batch:
        batch.create_index(batch.f('ix_agency_occupations_isco_code'), ['isco_code'], unique=False)


def downgrade():
    op.drop_table('agency_occupations')
