"""Notifications to persons and employers through the outbox (SMS and e-mail, retried, linked to a file), and
the portal's password reset codes

Revision ID: 0024
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages') as batch:
        batch.add_column(sa.Column('channel', sa.String(length=10), nullable=False, server_default='email'))
        batch.add_column(sa.Column('kind', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('instance_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('not_before', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('delivered_by', sa.String(length=20), nullable=True))
        batch.create_index(batch.f('ix_outbox_messages_instance_id'), ['instance_id'], unique=False)
        batch.create_index(batch.f('ix_outbox_messages_sent_at'), ['sent_at'], unique=False)
    with op.batch_alter_table('employer_accounts') as batch:
        batch.add_column(sa.Column('reset_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('reset_expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('employer_accounts') as batch:
        batch.drop_column('reset_expires_at')
        batch.drop_column('reset_hash')
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_index(batch.f('ix_outbox_messages_sent_at'))
        batch.drop_index(batch.f('ix_outbox_messages_instance_id'))
        for column in ('delivered_by', 'not_before', 'person_id', 'instance_id', 'kind', 'channel'):
            batch.drop_column(column)
