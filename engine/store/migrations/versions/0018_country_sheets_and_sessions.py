"""Country information sheets, information sessions and who attended them

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'country_sheets',
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('regime', sa.String(length=30), nullable=False),
        sa.Column('visa_required', sa.Boolean(), nullable=False),
        sa.Column('work_permit_required', sa.Boolean(), nullable=False),
        sa.Column('legal_frame', sa.Text(), nullable=False),
        sa.Column('living_conditions', sa.Text(), nullable=False),
        sa.Column('useful_addresses', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_by', sa.String(length=80), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('country'))
    op.create_table(
        'information_sessions',
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=40), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=True),
        sa.Column('planned_on', sa.Date(), nullable=True),
        sa.Column('held_on', sa.Date(), nullable=True),
        sa.Column('place', sa.String(length=200), nullable=True),
        sa.Column('themes', sa.String(length=500), nullable=True),
        sa.Column('countries', sa.String(length=200), nullable=True),
        sa.Column('head_count', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('instance_id'))
    with op.batch_alter_table('information_sessions') as batch:
        for column in ('region', 'planned_on', 'held_on', 'status'):
            batch.create_index(batch.f(f'ix_information_sessions_{column}'), [column], unique=False)
    op.create_table(
        'session_attendances',
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id']),
        sa.PrimaryKeyConstraint('instance_id', 'person_id'))
    with op.batch_alter_table('session_attendances') as batch:
        batch.create_index(batch.f('ix_session_attendances_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('session_attendances') as batch:
        batch.drop_index(batch.f('ix_session_attendances_person_id'))
    op.drop_table('session_attendances')
    with op.batch_alter_table('information_sessions') as batch:
        for column in ('status', 'held_on', 'planned_on', 'region'):
            batch.drop_index(batch.f(f'ix_information_sessions_{column}'))
    op.drop_table('information_sessions')
    op.drop_table('country_sheets')
