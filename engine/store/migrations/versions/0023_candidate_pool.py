"""The candidate pool: persons' experience and availability, a folded words index of their names and free
fields, and how each candidature was found (its mode)

Revision ID: 0023
Revises: 0022
"""
import re

import sqlalchemy as sa
from alembic import op

from engine.store.folding import fold

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('persons') as batch:
        batch.add_column(sa.Column('experience_years', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('availability', sa.String(length=20), nullable=True))
        batch.create_index(batch.f('ix_persons_experience_years'), ['experience_years'], unique=False)
        batch.create_index(batch.f('ix_persons_availability'), ['availability'], unique=False)
    with op.batch_alter_table('candidatures') as batch:
        batch.add_column(sa.Column('mode', sa.String(length=30), nullable=True))
        batch.create_index(batch.f('ix_candidatures_mode'), ['mode'], unique=False)
    # Words compared byte by byte on PostgreSQL ("C"), as SQLite does: a prefix is a range of the index.
    word = sa.String(length=60, collation="C") if op.get_bind().dialect.name == "postgresql" else sa.String(60)
    op.create_table(
        'person_words',
        sa.Column('kind', sa.String(length=1), nullable=False),
        sa.Column('word', word, nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('kind', 'word', 'person_id'))
    with op.batch_alter_table('person_words') as batch:
        batch.create_index(batch.f('ix_person_words_person_id'), ['person_id'], unique=False)
    _index_registered_persons()


def _index_registered_persons():
    """The words of the persons already registered (the same rule as engine.people.words, frozen here)."""
    bind = op.get_bind()
    persons = sa.table('persons', sa.column('id'), sa.column('last_name'), sa.column('first_names'),
                       sa.column('occupation'), sa.column('erased_at'))
    words = sa.table('person_words', sa.column('kind'), sa.column('word'), sa.column('person_id'))
    rows = []
    for person in bind.execute(sa.select(persons).where(persons.c.erased_at.is_(None))):
        for kind, text in (("n", f"{person.last_name} {person.first_names}"), ("t", person.occupation or "")):
            rows += [{"kind": kind, "word": w, "person_id": person.id}
                     for w in sorted({w[:60] for w in re.findall(r"\w+", fold(text))})]
    if rows:
        op.bulk_insert(words, rows)


def downgrade():
    op.drop_table('person_words')
    with op.batch_alter_table('candidatures') as batch:
        batch.drop_index(batch.f('ix_candidatures_mode'))
        batch.drop_column('mode')
    with op.batch_alter_table('persons') as batch:
        batch.drop_index(batch.f('ix_persons_availability'))
        batch.drop_index(batch.f('ix_persons_experience_years'))
        batch.drop_column('availability')
        batch.drop_column('experience_years')
