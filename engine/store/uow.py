"""Unit of work: one database transaction per engine use case."""
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict
from engine.store.folding import register_sqlite_function


def make_session_factory(database_url):
    """Create a session factory for `database_url` (SQLite file or PostgreSQL)."""
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(database_url, pool_pre_ping=True)
    return sessionmaker(bind=engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection, _record):
    register_sqlite_function(dbapi_connection)  # the SQL of `folded`, searches without case or accents
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class UnitOfWork:
    """`with uow:` opens a session; leaving the block without `commit()` rolls back."""

    def __init__(self, session_factory):
        self.session_factory = session_factory
        self.session = None

    def __enter__(self):
        self.session = self.session_factory()
        return self

    def __exit__(self, *exc):
        self.session.rollback()
        self.session.close()
        self.session = None

    def commit(self):
        self.session.commit()


@contextmanager
def first_writer_wins(message, reason="stale", **params):
    """Turn a lost race (an instance's version counter moved on, SQLite's write lock taken) into Conflict."""
    try:
        yield
    except (StaleDataError, OperationalError) as err:
        if isinstance(err, OperationalError) and "locked" not in str(err):
            raise
        raise Conflict(message, reason=reason, **params) from None
