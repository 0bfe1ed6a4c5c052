"""audit hash chain

Adds `prev_hash`, `hash` and `region` to the audit events and the one-row
`audit_head` table. Events already stored are chained here, in `seq` order,
starting from the genesis hash (64 zeros); their region is taken from their
task when they have one. Gaps left in `seq` by rolled-back transactions stay:
the chain links, not the numbering, say what follows what.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from engine.audit.chain import GENESIS, RULE_1, chain_hash

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_EVENTS = sa.table('audit_events', sa.column('seq', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
                   sa.column('actor', sa.String), sa.column('kind', sa.String),
                   sa.column('instance_id', sa.Integer), sa.column('process_key', sa.String),
                   sa.column('task_id', sa.String), sa.column('element_id', sa.String),
                   sa.column('region', sa.String), sa.column('details', sa.JSON),
                   sa.column('prev_hash', sa.String), sa.column('hash', sa.String))


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_process_key'), ['process_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_region'), ['region'], unique=False)
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("UPDATE audit_events SET region = (SELECT tasks.region FROM tasks WHERE tasks.id = audit_events.task_id)"
               " WHERE task_id IS NOT NULL")
    _chain_existing_events(op.get_bind())


def _chain_existing_events(connection):
    rows = connection.execute(sa.select(_EVENTS).order_by(_EVENTS.c.seq)).all()
    seq, last = 0, GENESIS
    for row in rows:
        # The rule of the time (rule 1: details included); migration 0008 chains them again by rule 2.
        prev_hash, seq = last, row.seq
        last = chain_hash({**row._asdict(), 'prev_hash': prev_hash}, RULE_1)
        connection.execute(sa.update(_EVENTS).where(_EVENTS.c.seq == seq).values(prev_hash=prev_hash, hash=last))
    connection.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, :seq, :hash)"),
                       {'seq': seq, 'hash': last})


def downgrade():
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_region'))
        batch_op.drop_index(batch_op.f('ix_audit_events_process_key'))
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('region')
