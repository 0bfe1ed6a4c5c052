"""The agency's regional directorates: each counsellor's account belongs to one."""
from sqlalchemy import select

from engine.store.tables import Region


def regions(session):
    """{code: name} of the active regions, by name."""
    return {r.code: r.name for r in session.scalars(select(Region).where(Region.active).order_by(Region.name))}
