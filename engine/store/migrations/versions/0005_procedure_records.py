"""procedure records: persons, offers, candidatures, departures, returns, reintegrations, agency reports; instance parent links

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_name', sa.String(length=120), nullable=False),
    sa.Column('first_names', sa.String(length=200), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('education', sa.String(length=60), nullable=True),
    sa.Column('occupation', sa.String(length=200), nullable=True),
    sa.Column('disability', sa.Boolean(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_purpose', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_sex'), ['sex'], unique=False)

    op.create_table('agency_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('placements', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instance_id', 'year')
    )
    with op.batch_alter_table('agency_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_reports_agency'), ['agency'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_reports_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_reports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_reports_year'), ['year'], unique=False)

    op.create_table('departures',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('destination_country', sa.String(length=2), nullable=True),
    sa.Column('planned_on', sa.Date(), nullable=True),
    sa.Column('departed_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('instance_id')
    )
    with op.batch_alter_table('departures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departures_departed_on'), ['departed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_departures_destination_country'), ['destination_country'], unique=False)
        batch_op.create_index(batch_op.f('ix_departures_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_departures_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_departures_status'), ['status'], unique=False)

    op.create_table('offers',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('employer_name', sa.String(length=200), nullable=True),
    sa.Column('employer_country', sa.String(length=2), nullable=True),
    sa.Column('occupation', sa.String(length=200), nullable=True),
    sa.Column('work_country', sa.String(length=2), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=True),
    sa.Column('posts', sa.Integer(), nullable=True),
    sa.Column('candidates_wanted', sa.Integer(), nullable=True),
    sa.Column('credible', sa.Boolean(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('satisfy_by', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('instance_id')
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offers_employer_country'), ['employer_country'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_occupation'), ['occupation'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_reference'), ['reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_work_country'), ['work_country'], unique=False)

    op.create_table('reintegrations',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=40), nullable=True),
    sa.Column('path', sa.String(length=20), nullable=True),
    sa.Column('outcome', sa.String(length=60), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('instance_id')
    )
    with op.batch_alter_table('reintegrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reintegrations_path'), ['path'], unique=False)
        batch_op.create_index(batch_op.f('ix_reintegrations_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reintegrations_region'), ['region'], unique=False)

    op.create_table('returns',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=40), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.String(length=60), nullable=True),
    sa.Column('country_from', sa.String(length=2), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('instance_id')
    )
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_returns_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_registered_on'), ['registered_on'], unique=False)

    op.create_table('candidatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=True),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.instance_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('offer_id', 'person_id')
    )
    with op.batch_alter_table('candidatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidatures_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidatures_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidatures_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidatures_stage'), ['stage'], unique=False)

    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('root_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_instances_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instances_root_id'), ['root_id'], unique=False)
        batch_op.create_foreign_key('fk_instances_parent_id', 'instances', ['parent_id'], ['id'])


def downgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.drop_constraint('fk_instances_parent_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_instances_root_id'))
        batch_op.drop_index(batch_op.f('ix_instances_parent_id'))
        batch_op.drop_column('root_id')
        batch_op.drop_column('parent_id')

    with op.batch_alter_table('candidatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidatures_stage'))
        batch_op.drop_index(batch_op.f('ix_candidatures_region'))
        batch_op.drop_index(batch_op.f('ix_candidatures_person_id'))
        batch_op.drop_index(batch_op.f('ix_candidatures_offer_id'))

    op.drop_table('candidatures')
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_returns_registered_on'))
        batch_op.drop_index(batch_op.f('ix_returns_region'))
        batch_op.drop_index(batch_op.f('ix_returns_person_id'))
        batch_op.drop_index(batch_op.f('ix_returns_category'))

    op.drop_table('returns')
    with op.batch_alter_table('reintegrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reintegrations_region'))
        batch_op.drop_index(batch_op.f('ix_reintegrations_person_id'))
        batch_op.drop_index(batch_op.f('ix_reintegrations_path'))

    op.drop_table('reintegrations')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offers_work_country'))
        batch_op.drop_index(batch_op.f('ix_offers_status'))
        batch_op.drop_index(batch_op.f('ix_offers_reference'))
        batch_op.drop_index(batch_op.f('ix_offers_received_on'))
        batch_op.drop_index(batch_op.f('ix_offers_occupation'))
        batch_op.drop_index(batch_op.f('ix_offers_employer_country'))

    op.drop_table('offers')
    with op.batch_alter_table('departures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departures_status'))
        batch_op.drop_index(batch_op.f('ix_departures_person_id'))
        batch_op.drop_index(batch_op.f('ix_departures_offer_id'))
        batch_op.drop_index(batch_op.f('ix_departures_destination_country'))
        batch_op.drop_index(batch_op.f('ix_departures_departed_on'))

    op.drop_table('departures')
    with op.batch_alter_table('agency_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_reports_year'))
        batch_op.drop_index(batch_op.f('ix_agency_reports_instance_id'))
        batch_op.drop_index(batch_op.f('ix_agency_reports_status'))
        batch_op.drop_index(batch_op.f('ix_agency_reports_agency'))

    op.drop_table('agency_reports')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_sex'))
        batch_op.drop_index(batch_op.f('ix_persons_region'))

    op.drop_table('persons')
