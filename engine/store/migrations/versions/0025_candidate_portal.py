"""The portal's candidates: their accounts, documents and applications; the employers' sessions become the
portal's sessions (an employer's or a candidate's); persons registered on the portal await confirmation

Revision ID: 0025
Revises: 0024
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('persons') as batch:
        batch.add_column(sa.Column('awaiting_confirmation', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'candidate_accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('verification_hash', sa.String(length=64), nullable=True),
        sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('email'),
        sa.UniqueConstraint('person_id'))
    op.create_table(
        'portal_sessions',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=True),
        sa.Column('candidate_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['employer_id'], ['employer_accounts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidate_accounts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash'))
    with op.batch_alter_table('portal_sessions') as batch:
        batch.create_index(batch.f('ix_portal_sessions_employer_id'), ['employer_id'], unique=False)
        batch.create_index(batch.f('ix_portal_sessions_candidate_id'), ['candidate_id'], unique=False)
    # The employers signed in stay signed in.
    op.execute("INSERT INTO portal_sessions (token_hash, employer_id, created_at) "
               "SELECT token_hash, employer_id, created_at FROM employer_sessions")
    op.drop_table('employer_sessions')
    op.create_table(
        'candidate_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('media_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('uploaded_by', sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stored_name'))
    with op.batch_alter_table('candidate_documents') as batch:
        batch.create_index(batch.f('ix_candidate_documents_person_id'), ['person_id'], unique=False)
    op.create_table(
        'portal_applications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id']),
        sa.ForeignKeyConstraint(['offer_id'], ['instances.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('person_id', 'offer_id'))
    with op.batch_alter_table('portal_applications') as batch:
        batch.create_index(batch.f('ix_portal_applications_person_id'), ['person_id'], unique=False)
        batch.create_index(batch.f('ix_portal_applications_offer_id'), ['offer_id'], unique=False)


def downgrade():
    op.drop_table('portal_applications')
    op.drop_table('candidate_documents')
    op.create_table(
        'employer_sessions',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['employer_id'], ['employer_accounts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash'))
    with op.batch_alter_table('employer_sessions') as batch:
        batch.create_index(batch.f('ix_employer_sessions_employer_id'), ['employer_id'], unique=False)
    op.execute("INSERT INTO employer_sessions (token_hash, employer_id, created_at) "
               "SELECT token_hash, employer_id, created_at FROM portal_sessions WHERE employer_id IS NOT NULL")
    op.drop_table('portal_sessions')
    op.drop_table('candidate_accounts')
    with op.batch_alter_table('persons') as batch:
        batch.drop_column('awaiting_confirmation')
