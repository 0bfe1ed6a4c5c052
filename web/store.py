"""The engine's database, one session factory per app; the ids of its rows in URLs."""
from flask import current_app
from werkzeug.routing import IntegerConverter

from engine.store.uow import UnitOfWork, make_session_factory

MAX_ROW_ID = 2**31 - 1  # an INTEGER column's largest value on PostgreSQL


class RowIdConverter(IntegerConverter):
    """`<int:...>` in a route: the id of a row. Past what the column can hold it names no row (404)
    instead of reaching the database, which fails on it (SQLite cannot bind an integer of 64 bits or more)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app):
    """Before the blueprints are registered: their routes' `int` is `RowIdConverter`."""
    app.url_map.converters["int"] = RowIdConverter
    app.extensions["djoliba.sessions"] = make_session_factory(app.config["DATABASE_URL"])


def uow():
    """A fresh unit of work for one engine call."""
    return UnitOfWork(current_app.extensions["djoliba.sessions"])
