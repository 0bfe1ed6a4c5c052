"""The departures table, from the departure aid procedure (manual §7.8, §8.2.3, §8.2.7, §8.2.8).

One row per candidate file; `offer_id` is the offer the file descends from (the
root of its chain), None for a file a DCIM agent opened by hand. A cancelled
departure keeps its cause (`cause_annulation`: contract not compliant, or
departure given up, withdrawal, visa refused, found medically unfit), a confirmed one its arrival date.
The candidate's application to that offer follows the file: `retenu` while it
runs (a waiting-list candidate called to replace one who withdrew), `parti` once
the departure is recorded, `desiste` when the candidate gave up, withdrew, was
refused a visa or found unfit, `depart_annule` when the departure was cancelled for another cause
(the employer refused to correct the contract or withdrew the offer, or the file was cancelled by
hand) — either way their post is free again and the offer's satisfaction is counted again
(`offers.refresh_satisfaction`).
"""
from sqlalchemy import select

from engine.records.fields import as_date, as_int, upsert
from engine.records.offers import refresh_satisfaction
from engine.store.tables import Candidature, Departure, Person, utcnow

# statut_depart as set by the diagram's scripts.
STATUSES = ("en_preparation", "contrat_a_corriger", "parti", "annule")
# cause_annulation as the closing scripts set it; a file cancelled outside the diagram has none of them.
CAUSES = ("contrat_non_conforme", "depart_abandonne", "desistement", "visa_refuse", "inapte_medical",
          "offre_retiree")
# Causes on the candidate's side (candidature `desiste`); any other cancellation is `depart_annule`.
WITHDRAWALS = ("depart_abandonne", "desistement", "visa_refuse", "inapte_medical")
CANCELLED_BY_HAND = "dossier_annule"


def project(session, instance):
    data = instance.data
    person_id = as_int(data.get("candidat"))
    if person_id is not None and session.get(Person, person_id) is None:
        person_id = None  # not in the registry: the file stops in error, the row waits for a valid id
    status = data.get("statut_depart") if data.get("statut_depart") in STATUSES else "en_preparation"
    if instance.status == "cancelled":
        status = "annule"
    cause = None
    if status == "annule":
        cause = data.get("cause_annulation") if data.get("cause_annulation") in CAUSES else CANCELLED_BY_HAND
    country = data.get("pays_destination")
    upsert(session, Departure, instance.id, instance_id=instance.id, person_id=person_id,
           offer_id=instance.root_id,
           destination_country=country if isinstance(country, str) and len(country) == 2 else None,
           planned_on=as_date(data.get("date_depart_prevue")),
           departed_on=as_date(data.get("date_depart_effective")), status=status, cancellation_cause=cause,
           arrived_on=as_date(data.get("date_arrivee")))
    if person_id is None or instance.root_id is None:
        return
    if status == "parti":
        stage = "parti"
    elif status == "annule":
        stage = "desiste" if cause in WITHDRAWALS else "depart_annule"
    else:
        stage = "retenu"
    candidature = session.scalars(select(Candidature).where(Candidature.offer_id == instance.root_id,
                                                            Candidature.person_id == person_id)).first()
    if stage is not None and candidature is not None and candidature.stage not in (stage, "parti"):
        candidature.stage, candidature.updated_at = stage, utcnow()
        refresh_satisfaction(session, instance)
