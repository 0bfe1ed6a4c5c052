"""service and travel records: candidate services, departure cancellation cause and arrival date, return date

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('candidate_services',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('employability', sa.String(length=10), nullable=True),
    sa.Column('motivation', sa.String(length=10), nullable=True),
    sa.Column('cv_finalised', sa.Boolean(), nullable=True),
    sa.Column('project_realistic', sa.Boolean(), nullable=True),
    sa.Column('session_kind', sa.String(length=20), nullable=True),
    sa.Column('session_on', sa.Date(), nullable=True),
    sa.Column('equivalence_asked', sa.Boolean(), nullable=True),
    sa.Column('equivalence_started', sa.Boolean(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('training', sa.String(length=30), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('instance_id')
    )
    with op.batch_alter_table('candidate_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_services_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_services_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_services_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_services_employability'), ['employability'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_services_session_kind'), ['session_kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_services_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_services_opened_on'), ['opened_on'], unique=False)

    with op.batch_alter_table('departures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancellation_cause', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('arrived_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_departures_cancellation_cause'), ['cancellation_cause'], unique=False)

    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returned_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_returns_returned_on'), ['returned_on'], unique=False)


def downgrade():
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_returns_returned_on'))
        batch_op.drop_column('returned_on')

    with op.batch_alter_table('departures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departures_cancellation_cause'))
        batch_op.drop_column('arrived_on')
        batch_op.drop_column('cancellation_cause')

    with op.batch_alter_table('candidate_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_services_opened_on'))
        batch_op.drop_index(batch_op.f('ix_candidate_services_outcome'))
        batch_op.drop_index(batch_op.f('ix_candidate_services_session_kind'))
        batch_op.drop_index(batch_op.f('ix_candidate_services_employability'))
        batch_op.drop_index(batch_op.f('ix_candidate_services_status'))
        batch_op.drop_index(batch_op.f('ix_candidate_services_region'))
        batch_op.drop_index(batch_op.f('ix_candidate_services_person_id'))

    op.drop_table('candidate_services')
