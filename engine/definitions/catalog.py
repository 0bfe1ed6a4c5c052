"""The catalogue of deployed versions: which processes are deployed, and the latest version of one."""
from sqlalchemy import select

from engine.errors import NotFound
from engine.store.tables import ProcessVersion


def latest_version(session, process_key):
    """The newest deployed version of `process_key`; NotFound when none is."""
    query = (select(ProcessVersion).where(ProcessVersion.process_key == process_key)
             .order_by(ProcessVersion.version.desc()).limit(1))
    version = session.scalars(query).first()
    if version is None:
        raise NotFound(f"no deployed process '{process_key}'", process_key=process_key)
    return version


def deployed(session, process_key):
    """Is some version of `process_key` deployed?"""
    return session.scalars(select(ProcessVersion.id).where(ProcessVersion.process_key == process_key)
                           .limit(1)).first() is not None
