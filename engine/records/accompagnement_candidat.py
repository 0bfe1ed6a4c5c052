"""The candidate services table, from the services to candidates (manual §8.1, §8.2.1–8.2.5).

One row per candidate's file: the person and their regional directorate, the
last step recorded, the employability the counsellor assessed, the kind of
information session (individual or group), whether diplomas are to be
recognised abroad, and the outcome with its date.
"""
from engine.records.fields import as_date, upsert
from engine.records.retour_migrant import registered_person
from engine.store.tables import CandidateService, utcnow

OUTCOMES = ("pret_pour_offre", "oriente_formation", "renonce_migration")
LEVELS = ("elevee", "moyenne", "faible")
MOTIVATIONS = ("faible", "moyenne", "forte")
SESSIONS = ("individuelle", "collective")
TRAININGS = ("trie", "cree", "germe", "formation_qualifiante", "cours_langue", "autre")
# Each step and the field its form always fills, in the diagram's order.
STAGES = (("analyse", "date_entretien_analyse"), ("projet", "date_appui"), ("information", "date_session"),
          ("equivalence", "demarche_equivalence_engagee"), ("conclusion", "issue_accompagnement"))


def project(session, instance):
    data = instance.data
    outcome = _one_of(data.get("issue_accompagnement"), OUTCOMES)
    if instance.status == "cancelled":
        status = "annule"
    else:
        status = "conclu" if outcome else "en_cours"
    upsert(session, CandidateService, instance.id, instance_id=instance.id,
           person_id=registered_person(session, data.get("candidat")),
           region=data.get("region_candidat") or data.get("region_initiateur"), status=status,
           stage=stage_reached(data), employability=_one_of(data.get("employabilite"), LEVELS),
           motivation=_one_of(data.get("motivation_migration"), MOTIVATIONS),
           cv_finalised=_flag(data.get("cv_finalise")), project_realistic=_flag(data.get("projet_realiste")),
           session_kind=_one_of(data.get("type_session"), SESSIONS), session_on=as_date(data.get("date_session")),
           equivalence_asked=_flag(data.get("diplomes_a_faire_reconnaitre")),
           equivalence_started=_flag(data.get("demarche_equivalence_engagee")), outcome=outcome,
           training=_one_of(data.get("formation_orientee"), TRAININGS) if outcome == "oriente_formation" else None,
           opened_on=as_date(instance.started_at), concluded_on=as_date(data.get("date_conclusion")),
           updated_at=utcnow())


def stage_reached(data):
    """The last step whose form was recorded, 'accueil' before the first one."""
    reached = "accueil"
    for stage, field in STAGES:
        if data.get(field) is not None:
            reached = stage
    return reached


def _one_of(value, allowed):
    return value if value in allowed else None


def _flag(value):
    return value if isinstance(value, bool) else None
