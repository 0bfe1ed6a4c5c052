"""The offers table, from the offer procedure (manual §7.1–7.4).

An offer becomes `satisfaite` through the procedures that follow it (an
employer's selection, see `candidatures.mark_offer_satisfied`), not through its
own data: projecting the offer again (a later step of its own, a retry, a
migration) keeps that status while one of its candidatures is retained or
departed, or once the row says so. A file cancelled by hand makes the offer
`annulee`, whatever it reached, with the reason given.
"""
from sqlalchemy import exists, select

from engine.records.fields import as_date, as_int, upsert
from engine.store.tables import Candidature, Offer, utcnow

# statut_offre as set by the diagram's scripts, else where the file stands.
_STATUS = {"rejetee": "rejetee", "abandonnee": "abandonnee", "diffusee": "diffusee"}
# Candidature stages that mean the employer selected someone for the offer.
SELECTED = ("retenu", "parti")


def project(session, instance):
    data = instance.data
    status = _STATUS.get(data.get("statut_offre"), "en_traitement")
    if instance.status == "cancelled":
        status = "annulee"
    elif status in ("diffusee", "en_traitement") and _satisfied(session, instance.id):
        status = "satisfaite"
    upsert(session, Offer, instance.id, instance_id=instance.id, reference=instance.business_key,
           employer_name=data.get("employeur_raison_sociale"), employer_country=data.get("employeur_pays"),
           occupation=data.get("metier"), work_country=data.get("lieu_travail_pays"),
           source=data.get("source_offre"), posts=as_int(data.get("nombre_postes")),
           candidates_wanted=as_int(data.get("nombre_candidats")), credible=data.get("employeur_credible"),
           status=status, cancel_reason=instance.cancel_reason, received_on=as_date(data.get("date_reception_offre")),
           satisfy_by=as_date(data.get("delai_satisfaction")), updated_at=utcnow())


def _satisfied(session, offer_id):
    """Whether the offer was already marked satisfied, or one of its candidates was selected."""
    row = session.get(Offer, offer_id)
    if row is not None and row.status == "satisfaite":
        return True
    return session.scalar(select(exists().where(Candidature.offer_id == offer_id,
                                                Candidature.stage.in_(SELECTED))))
