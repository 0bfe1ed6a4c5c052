"""Prepare a database: schema, reference data and, on request, demo accounts."""
from sqlalchemy import select

from engine import audit
from engine.accounts.credentials import create_user
from engine.definitions.reference import bundled_regions
from engine.store import schema
from engine.store.tables import Region, User

# One account per role, named after it (password = "demo-" + username).
DEMO_ACCOUNTS = [
    ("admin", ["admin"], None, "Awa Traoré"),
    ("proprietaire", ["proprietaire"], None, "Moussa Keïta"),
    ("dcim", ["dcim"], None, "Fatoumata Diarra"),
    ("conseiller-bamako", ["conseiller"], "bamako", "Ibrahim Coulibaly"),
    ("conseiller-kayes", ["conseiller"], "kayes", "Mariam Sissoko"),
    ("evaluateur", ["evaluateur"], None, "Oumar Touré"),
    ("cpr", ["cpr"], None, "Aminata Dembélé"),
    ("direction", ["direction"], None, "Seydou Konaté"),
    ("chef-dcim", ["chef", "dcim"], None, "Kadiatou Sangaré"),
    ("directeur-bamako", ["chef", "conseiller"], "bamako", "Boubacar Cissé"),
]


def init_database(uow, database_url):
    """Apply migrations and add the bundled regional directorates that are missing."""
    schema.upgrade(database_url)
    with uow:
        known = set(uow.session.scalars(select(Region.code)))
        for region in bundled_regions():
            if region["code"] not in known:
                uow.session.add(Region(code=region["code"], name=region["name"], active=True))
        uow.commit()


def load_regions(uow, regions):
    """Make `regions` ([{code, name}]) the active regional directorates; others become inactive.

    Regions are never deleted: files and accounts may still refer to them.
    Returns (added, updated, deactivated) counts.
    """
    wanted = {r["code"]: r["name"] for r in regions}
    added = updated = deactivated = 0
    with uow:
        known = {r.code: r for r in uow.session.scalars(select(Region))}
        for code, name in wanted.items():
            if code not in known:
                uow.session.add(Region(code=code, name=name, active=True))
                added += 1
            elif (known[code].name, known[code].active) != (name, True):
                known[code].name, known[code].active = name, True
                updated += 1
        for code, region in known.items():
            if code not in wanted and region.active:
                region.active = False
                deactivated += 1
        audit.record(uow.session, "regions_loaded", "admin", regions=sorted(wanted))
        uow.commit()
    return added, updated, deactivated


def demo_password(username):
    return f"demo-{username}"


def create_demo_accounts(uow):
    """Create the demo accounts that do not exist yet; return [(username, password, roles, region)]."""
    with uow:
        existing = set(uow.session.scalars(select(User.username)))
    created = []
    for username, roles, region, name in DEMO_ACCOUNTS:
        if username not in existing:
            create_user(uow, username, demo_password(username), roles, region, full_name=name, by="init")
        created.append((username, demo_password(username), roles, region))
    return created
