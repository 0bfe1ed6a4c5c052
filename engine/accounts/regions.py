"""The agency's regional directorates: each counsellor's account belongs to one."""
from collections.abc import Mapping

from sqlalchemy import select

from engine.store.folding import fold
from engine.store.tables import Region


def regions(session):
    """{code: name} of the active regions, by name as a reader sorts them (Ménaka before Mopti: without
    accents or case, which neither database's own order of the names ignores)."""
    rows = session.scalars(select(Region).where(Region.active))
    return {r.code: r.name for r in sorted(rows, key=lambda r: (fold(r.name), r.name))}


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
