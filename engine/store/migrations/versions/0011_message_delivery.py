"""message delivery: what files wait on, messages nobody waited for

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_waits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('element_id', sa.String(length=100), nullable=True),
    sa.Column('correlation', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event_waits', schema=None) as batch_op:
        batch_op.create_index('ix_event_waits_name', ['kind', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_waits_instance_id'), ['instance_id'], unique=False)
    op.create_table('unmatched_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('business_key', sa.String(length=120), nullable=True),
    sa.Column('correlation', sa.JSON(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('sender', sa.String(length=80), nullable=False),
    sa.Column('sender_instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unmatched_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unmatched_messages_name'), ['name'], unique=False)


def downgrade():
    op.drop_table('unmatched_messages')
    op.drop_table('event_waits')
