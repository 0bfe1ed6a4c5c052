"""API tokens expire and can be revoked

Revision ID: 0012
Revises: 0011
"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TOKENS = sa.table("api_tokens", sa.column("id", sa.Integer), sa.column("created_at", sa.DateTime(timezone=True)),
                  sa.column("expires_at", sa.DateTime(timezone=True)))


def upgrade():
    with op.batch_alter_table('api_tokens') as batch:
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('revoked_by', sa.String(length=80), nullable=True))
    # Tokens made before expiry existed last 90 days from their making, like new ones.
    connection = op.get_bind()
    for token_id, created_at in connection.execute(sa.select(TOKENS.c.id, TOKENS.c.created_at)).all():
        connection.execute(TOKENS.update().where(TOKENS.c.id == token_id)
                           .values(expires_at=created_at + timedelta(days=90)))


def downgrade():
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_column('revoked_by')
        batch.drop_column('revoked_at')
        batch.drop_column('expires_at')
