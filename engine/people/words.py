"""The words index of the registry (table `person_words`): the words of each person's names (kind "n") and
of their free fields (kind "t": occupation or qualification typed, skills and experience), folded without
case or accents, one row each.

A search word finds the persons who have a word *starting* with it ("kei" finds Keïta, "macon" finds
"Maçonnerie"): a range of the index (`word >= "kei" and word < "kej"`), read the same way on SQLite and
PostgreSQL (where the column compares bytes, collation "C"), so that no search reads every person.
This is the full-text search of the registry: one table and one rule for both databases, accents taken
off by `engine.store.folding.fold` as everywhere else (PostgreSQL's own full-text search would need the
`unaccent` extension for that, and SQLite's FTS5 a second copy of the text and its own query syntax).
"""
import re

from sqlalchemy import and_, delete, insert, select

from engine.store.folding import fold
from engine.store.tables import Person, PersonWord

NAMES, FREE_TEXT = "n", "t"
WORD_LENGTH = 60  # characters of a word kept; a longer word is found by its first 60
FREE_FIELDS = ("metier", "competences")  # registration's free fields (metier a column, competences in details)


def words(text):
    """The distinct folded words of `text` ("Dia_llo Keïta-Coulibaly" → dia_llo, keita, coulibaly)."""
    return sorted({word[:WORD_LENGTH] for word in re.findall(r"\w+", fold(text or ""))})


def person_words(person):
    """{kind: words} of a person's file."""
    free = " ".join(filter(None, [person.occupation, (person.details or {}).get("competences")]))
    return {NAMES: words(f"{person.last_name} {person.first_names}"), FREE_TEXT: words(free)}


def index_person(session, person):
    """Write the words of `person` (flushed: it has its id) anew; an erased person has none left."""
    session.execute(delete(PersonWord).where(PersonWord.person_id == person.id))
    if person.erased_at is not None:
        return
    rows = [{"kind": kind, "word": word, "person_id": person.id}
            for kind, found in person_words(person).items() for word in found]
    if rows:
        session.execute(insert(PersonWord), rows)


def has_words(kind, text):
    """SQL condition on Person: each word of `text` begins one of the person's words of `kind`; None for a
    text without words (nothing to narrow by)."""
    typed = words(text)
    if not typed:
        return None
    if kind == FREE_TEXT:  # "maçons" finds the persons whose occupation says "maçon"
        typed = [_singular(word) for word in typed]
    # Each word's persons read once from the index (not probed again for every person: a correlated test would
    # scan the whole range of the word for each person).
    return and_(*[Person.id.in_(select(PersonWord.person_id).where(
        PersonWord.kind == kind, PersonWord.word >= word, PersonWord.word < _after(word))) for word in typed])


def _singular(word):
    """A free word typed in the plural searched by its singular's beginning: macons → macon, travaux → travau
    (a longer word is found by its beginning anyway)."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _after(word):
    """The first text after every word that begins with `word`: its last character, plus one."""
    return word[:-1] + chr(ord(word[-1]) + 1)
