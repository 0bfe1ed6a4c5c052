"""The information sessions and who attended them, from the information session procedure (manual §8.2.1,
§6.7).

One row per session file (`information_sessions`: when, where, themes and countries joined by commas, the
head count, planifiee / tenue / annulee, or annule when cancelled by hand), and one row per registered person
who attended a session held (`session_attendances`): the session is in that person's file.
"""
from sqlalchemy import delete, select

from engine.records.fields import as_date, as_int, upsert
from engine.records.retour_migrant import registered_person
from engine.store.tables import InformationSession, SessionAttendance

STATUSES = ("planifiee", "tenue", "annulee")


def project(session, instance):
    data = instance.data
    status = "annule" if instance.status == "cancelled" else data.get("statut_session")
    held = status == "tenue"
    upsert(session, InformationSession, instance.id, instance_id=instance.id,
           region=data.get("region") or data.get("region_initiateur"),
           kind=data.get("type_session") if data.get("type_session") in ("individuelle", "collective") else None,
           planned_on=as_date(data.get("date_session")), held_on=as_date(data.get("date_tenue")) if held else None,
           place=_text(data.get("lieu_session"), 200), themes=_joined(data.get("themes_traites") if held
                                                                       else data.get("themes_prevus"), 500),
           countries=_joined(data.get("pays_presentes"), 200),
           head_count=as_int(data.get("effectif_session")) if held else None,
           status=status if status in (*STATUSES, "annule") else None)
    attended = {registered_person(session, p) for p in data.get("participants") or []} if held else set()
    attended.discard(None)
    recorded = set(session.scalars(select(SessionAttendance.person_id)
                                   .where(SessionAttendance.instance_id == instance.id)))
    if recorded - attended:
        session.execute(delete(SessionAttendance).where(SessionAttendance.instance_id == instance.id,
                                                        SessionAttendance.person_id.in_(recorded - attended)))
    for person_id in sorted(attended - recorded):
        session.add(SessionAttendance(instance_id=instance.id, person_id=person_id))


def attended_by(session, person_id):
    """The sessions held that a person attended, latest first, as dicts (`instance_id`, `held_on`, `kind`,
    `themes` and `countries` as lists, `region`, `head_count`)."""
    rows = session.execute(select(InformationSession).join(
        SessionAttendance, SessionAttendance.instance_id == InformationSession.instance_id)
        .where(SessionAttendance.person_id == person_id)
        .order_by(InformationSession.held_on.desc(), InformationSession.instance_id.desc())).scalars()
    return [{"instance_id": r.instance_id, "held_on": r.held_on, "kind": r.kind, "region": r.region,
             "themes": (r.themes or "").split(",") if r.themes else [],
             "countries": (r.countries or "").split(",") if r.countries else [], "head_count": r.head_count}
            for r in rows]


def _joined(values, limit):
    if not isinstance(values, list):
        return None
    return ",".join(str(v) for v in values)[:limit] or None


def _text(value, limit):
    return value[:limit] if isinstance(value, str) else None
