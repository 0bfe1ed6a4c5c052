"""audit details digest: event details become redactable

An event's hash covered its details (rule 1); it now covers `details_digest`,
the SHA-256 of the details as first written (rule 2, engine/audit.py), so that
retention can replace personal values in an event's details while the chain
still proves that nothing else changed. Every stored event gets its digest and
is hashed again by rule 2, in `seq` order. An event that did not match its
rule-1 hash keeps its stored hash, and a link to an event that is not there
stays as it was: the chain is not laundered, `djoliba audit verify` still finds
what it found before. Last, an `audit_rechained` event records the head before
the upgrade (`previous_head`), against which an anchor noted earlier is compared.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

from engine.audit.chain import GENESIS, RULE_1, RULE_2, chain_hash, digest
from engine.store.tables import utcnow

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_TYPES = {'seq': sa.Integer, 'at': sa.DateTime(timezone=True), 'instance_id': sa.Integer, 'details': sa.JSON}
_EVENTS = sa.table('audit_events', *(sa.column(name, _TYPES.get(name, sa.String))
                                     for name in (*RULE_2, 'details', 'hash')))
_HEAD = sa.table('audit_head', sa.column('id', sa.Integer), sa.column('seq', sa.Integer),
                 sa.column('hash', sa.String))


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details_digest', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    head = connection.execute(sa.select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)).first()
    new_head = _rechain(connection, RULE_1, RULE_2)
    if head is not None and head.seq:
        _record_upgrade(connection, head, new_head)


def downgrade():
    _rechain(op.get_bind(), RULE_2, RULE_1)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('details_digest')


def _rechain(connection, old_rule, new_rule):
    """Hash every event again by `new_rule`; return the head's new hash (None without a head).

    Only what verified by `old_rule` is hashed again: an event that did not keeps its hash, a link
    to an unknown hash keeps it, so each break stays where it was.
    """
    translated = {GENESIS: GENESIS}
    for row in connection.execute(sa.select(_EVENTS).order_by(_EVENTS.c.seq)).all():
        fields = {**row._asdict(), 'details_digest': row.details_digest or digest(row.details)}
        intact = row.hash == chain_hash(fields, old_rule)
        prev_hash = translated.get(row.prev_hash, row.prev_hash)
        new_hash = chain_hash({**fields, 'prev_hash': prev_hash}, new_rule) if intact else row.hash
        translated[row.hash] = new_hash
        connection.execute(sa.update(_EVENTS).where(_EVENTS.c.seq == row.seq)
                           .values(prev_hash=prev_hash, hash=new_hash, details_digest=fields['details_digest']))
    head = connection.execute(sa.select(_HEAD.c.hash).where(_HEAD.c.id == 1)).first()
    if head is None:
        return None
    new_hash = translated.get(head.hash, head.hash)
    connection.execute(sa.update(_HEAD).where(_HEAD.c.id == 1).values(hash=new_hash))
    return new_hash


def _record_upgrade(connection, head, new_head):
    """Append `audit_rechained`, naming the head as it was before (an anchor of the old rule)."""
    details = {'previous_head': {'seq': head.seq, 'hash': head.hash}}
    last = connection.execute(sa.select(sa.func.max(_EVENTS.c.seq))).scalar() or 0
    event = {'seq': max(last, head.seq) + 1, 'at': utcnow(), 'actor': 'djoliba', 'kind': 'audit_rechained',
             'instance_id': None, 'process_key': None, 'task_id': None, 'element_id': None, 'region': None,
             'details': details, 'details_digest': digest(details), 'prev_hash': new_head}
    event['hash'] = chain_hash(event)
    connection.execute(sa.insert(_EVENTS).values(event))
    connection.execute(sa.update(_HEAD).where(_HEAD.c.id == 1).values(seq=event['seq'], hash=event['hash']))
