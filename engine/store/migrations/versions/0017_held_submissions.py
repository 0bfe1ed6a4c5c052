"""Forms sent after the session expired, held until their sender signs in again

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'held_submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('form_key', sa.String(length=80), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'form_key', name='uq_held_submissions_user_form'))
    with op.batch_alter_table('held_submissions') as batch:
        batch.create_index(batch.f('ix_held_submissions_user_id'), ['user_id'], unique=False)
        batch.create_index(batch.f('ix_held_submissions_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('held_submissions') as batch:
        batch.drop_index(batch.f('ix_held_submissions_expires_at'))
        batch.drop_index(batch.f('ix_held_submissions_user_id'))
    op.drop_table('held_submissions')
