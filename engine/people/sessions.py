"""The information sessions a person attended (manual §8.2.1), for their page: recorded once per session,
listed in the file of each registered person present."""
from engine.accounts.access import can_read_instance
from engine.people.registry import can_read_person
from engine.records.information_sessions import attended_by
from engine.store.tables import Instance, Person


def sessions_attended(uow, actor, person_id):
    """The sessions held that the person attended, latest first (`held_on`, `kind`, `themes`, `countries`,
    `head_count`, and `dossier`: the session's file, `lisible` when `actor` may open it); an empty list for a
    person `actor` may not read (the page's own read of the person refuses first). Reads only."""
    with uow:
        session = uow.session
        person = session.get(Person, person_id)
        if person is None or not can_read_person(actor, person):
            return []
        attended = attended_by(session, person_id)
        for row in attended:
            instance = session.get(Instance, row["instance_id"])
            row["dossier"] = {"id": instance.id, "reference": instance.business_key,
                              "lisible": bool(can_read_instance(session, actor, instance))}
        return attended
