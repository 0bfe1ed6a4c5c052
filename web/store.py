"""The engine's database, one session factory per app."""
from flask import current_app

from engine.store.uow import UnitOfWork, make_session_factory


def init_app(app):
    app.extensions["djoliba.sessions"] = make_session_factory(app.config["DATABASE_URL"])


def uow():
    """A fresh unit of work for one engine call."""
    return UnitOfWork(current_app.extensions["djoliba.sessions"])
