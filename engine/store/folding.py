"""Text compared without case or accents, in SQL on both databases: `folded(column)` is the column
lower-cased with its accents taken off ("Keïta" → "keita"), to match with `like` against text folded
the same way in Python (`fold`).

PostgreSQL needs no extension: the accented letters of French and of Mali's languages written in Latin
script are translated one by one. SQLite gets a function of the same name at each connection.
"""
import unicodedata

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

_ACCENTED = "àáâãäåāçćčèéêëēėęìíîïīñńòóôõöōøùúûüūýÿšžɛɔŋÀÁÂÃÄÅĀÇĆČÈÉÊËĒĖĘÌÍÎÏĪÑŃÒÓÔÕÖŌØÙÚÛÜŪÝŸŠŽƐƆŊ"
_PLAIN = "aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyszeonAAAAAAACCCEEEEEEEIIIIINNOOOOOOOUUUUUYYSZEON"
assert len(_ACCENTED) == len(_PLAIN)
SQLITE_FUNCTION = "djoliba_fold"


def fold(text):
    """`text` lower-cased without accents, as `folded` computes it in SQL."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_TABLE).lower()


_TABLE = str.maketrans(_ACCENTED, _PLAIN)


def like_pattern(text):
    """A `like` pattern finding folded `text` anywhere: % and _ typed by a person are letters, not wildcards."""
    return "%" + fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class folded(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """SQL: the text of its argument, lower-cased, accents taken off."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded)
def _folded_sqlite(element, compiler, **kw):
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element, compiler, **kw):
    return postgresql_folded(compiler.process(element.clauses, **kw))


def postgresql_folded(sql):
    """PostgreSQL's text of `folded` around the SQL `sql`: what an index on folded text must say, word for
    word, for queries to use it (changing the letters above means creating such an index anew)."""
    return f"lower(translate({sql}, '{_ACCENTED}', '{_PLAIN}'))"


def register_sqlite_function(dbapi_connection):
    """Give an SQLite connection the function `folded` compiles to (deterministic: usable in indexes)."""
    dbapi_connection.create_function(SQLITE_FUNCTION, 1, lambda text: None if text is None else fold(text),
                                     deterministic=True)
