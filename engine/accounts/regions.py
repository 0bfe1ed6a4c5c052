"""The agency's regional directorates: each counsellor's account belongs to one."""
from collections.abc import Mapping

from sqlalchemy import select

from engine.store.tables import Region


def regions(session):
    """{code: name} of the active regions, by name."""
    return {r.code: r.name for r in session.scalars(select(Region).where(Region.active).order_by(Region.name))}


class RegionsWhenRead(Mapping):
    """`regions(session)`, read from the database only if used (most forms list no regions)."""

    def __init__(self, session):
        self._session, self._read = session, None

    def _regions(self):
        if self._read is None:
            self._read = regions(self._session)
        return self._read

    def __getitem__(self, code):
        return self._regions()[code]

    def __iter__(self):
        return iter(self._regions())

    def __len__(self):
        return len(self._regions())
