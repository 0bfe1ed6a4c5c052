"""A return keeps all its reasons (several of the manual's criteria may apply at once)

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('returns') as batch:
        batch.alter_column('reason', existing_type=sa.String(length=60), type_=sa.String(length=200),
                           existing_nullable=True)


def downgrade():
    with op.batch_alter_table('returns') as batch:
        batch.alter_column('reason', existing_type=sa.String(length=200), type_=sa.String(length=60),
                           existing_nullable=True)
