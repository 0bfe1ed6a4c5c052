"""Private agencies' placements by destination, occupation and sex, from their yearly reports

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agency_placements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('agency', sa.String(length=200), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('year_end', sa.Date(), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=True),
        sa.Column('occupation', sa.String(length=200), nullable=True),
        sa.Column('sex', sa.String(length=1), nullable=False),
        sa.Column('workers', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('agency_placements') as batch:
        for column in ('instance_id', 'year_end', 'country', 'occupation', 'sex'):
            batch.create_index(batch.f(f'ix_agency_placements_{column}'), [column], unique=False)


def downgrade():
    with op.batch_alter_table('agency_placements') as batch:
        for column in ('sex', 'occupation', 'country', 'year_end', 'instance_id'):
            batch.drop_index(batch.f(f'ix_agency_placements_{column}'))
    op.drop_table('agency_placements')
