"""Candidates reset a forgotten password by a code sent by e-mail, as employers do

Revision ID: 0028
Revises: 0027
"""
import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidate_accounts') as batch:
        batch.add_column(sa.Column('reset_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('reset_expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('candidate_accounts') as batch:
        batch.drop_column('reset_expires_at')
        batch.drop_column('reset_hash')
