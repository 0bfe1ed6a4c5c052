"""The portal's employer sessions, ended server-side (logout, expiry) whatever the cookie says

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'employer_sessions',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['employer_id'], ['employer_accounts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash'))
    with op.batch_alter_table('employer_sessions') as batch:
        batch.create_index(batch.f('ix_employer_sessions_employer_id'), ['employer_id'], unique=False)


def downgrade():
    op.drop_table('employer_sessions')
