"""Offers count their filled posts (satisfied in full or in part)

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offers') as batch:
        batch.add_column(sa.Column('posts_filled', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('offers') as batch:
        batch.drop_column('posts_filled')
