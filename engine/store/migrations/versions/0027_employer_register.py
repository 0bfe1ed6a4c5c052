"""The employer register: one row per employer, the findings of its verifications, and the links to it
from the offers and the portal's accounts

Revision ID: 0027
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'employers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('name_key', sa.String(length=200), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('address', sa.String(length=500), nullable=True),
        sa.Column('contact_name', sa.String(length=200), nullable=True),
        sa.Column('contact_function', sa.String(length=200), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('sector', sa.String(length=200), nullable=True),
        sa.Column('registration_numbers', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=80), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('employers') as batch:
        batch.create_index(batch.f('ix_employers_name_key'), ['name_key'], unique=False)
        batch.create_index(batch.f('ix_employers_country'), ['country'], unique=False)
    op.create_table(
        'employer_findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('credible', sa.Boolean(), nullable=True),
        sa.Column('findings', sa.Text(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('sources', sa.JSON(), nullable=False),
        sa.Column('checked_on', sa.Date(), nullable=True),
        sa.Column('found_by', sa.String(length=80), nullable=False),
        sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('employer_findings') as batch:
        batch.create_index(batch.f('ix_employer_findings_employer_id'), ['employer_id'], unique=False)
        batch.create_index(batch.f('ix_employer_findings_instance_id'), ['instance_id'], unique=False)
    with op.batch_alter_table('offers') as batch:
        batch.add_column(sa.Column('employer_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_offers_employer_id'), ['employer_id'], unique=False)
    with op.batch_alter_table('employer_accounts') as batch:
        batch.add_column(sa.Column('register_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_employer_accounts_register_id'), ['register_id'], unique=False)
        batch.create_foreign_key('fk_employer_accounts_register_id', 'employers', ['register_id'], ['id'],
                                 ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('employer_accounts') as batch:
        batch.drop_constraint('fk_employer_accounts_register_id', type_='foreignkey')
        batch.drop_index(batch.f('ix_employer_accounts_register_id'))
        batch.drop_column('register_id')
    with op.batch_alter_table('offers') as batch:
        batch.drop_index(batch.f('ix_offers_employer_id'))
        batch.drop_column('employer_id')
    op.drop_table('employer_findings')
    op.drop_table('employers')
