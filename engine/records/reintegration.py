"""The reintegrations table, from the reintegration procedure (manual §9.2).

One row per reintegration file: the path followed (salaried work or
self-employment), the outcome of the last follow-up, and whether the file is
under way, finished or cancelled by hand (with the reason).
"""
from engine.records.fields import file_status, upsert
from engine.records.retour_migrant import registered_person
from engine.store.tables import Reintegration, utcnow

PATHS = ("salarie", "auto_emploi")
OUTCOMES = ("place_emploi", "entreprise_creee", "en_formation", "abandon")


def project(session, instance):
    data = instance.data
    path, outcome = data.get("parcours_reintegration"), data.get("resultat_reintegration")
    upsert(session, Reintegration, instance.id, instance_id=instance.id,
           person_id=registered_person(session, data.get("migrant")),
           region=data.get("region") or data.get("region_initiateur"),
           path=path if path in PATHS else None, outcome=outcome if outcome in OUTCOMES else None,
           updated_at=utcnow(), status=file_status(instance), cancel_reason=instance.cancel_reason)
