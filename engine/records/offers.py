"""The offers table, from the offer procedure (manual §7.1–7.4)."""
from engine.records.fields import as_date, as_int, upsert
from engine.tables import Offer, utcnow

# statut_offre as set by the diagram's scripts, else where the file stands.
_STATUS = {"rejetee": "rejetee", "abandonnee": "abandonnee", "diffusee": "diffusee"}


def project(session, instance):
    data = instance.data
    status = _STATUS.get(data.get("statut_offre"), "en_traitement")
    upsert(session, Offer, instance.id, instance_id=instance.id, reference=instance.business_key,
           employer_name=data.get("employeur_raison_sociale"), employer_country=data.get("employeur_pays"),
           occupation=data.get("metier"), work_country=data.get("lieu_travail_pays"),
           source=data.get("source_offre"), posts=as_int(data.get("nombre_postes")),
           candidates_wanted=as_int(data.get("nombre_candidats")), credible=data.get("employeur_credible"),
           status=status, received_on=as_date(data.get("date_reception_offre")),
           satisfy_by=as_date(data.get("delai_satisfaction")), updated_at=utcnow())
