"""Candidatures, from the procedures that follow an offer (preselection, final selection).

Their data carry `etapes_candidats`, the stage each candidate (by person id, as
text) has reached, and `region_des_candidats`, the regional directorate that
registered each one. A candidature belongs to the offer at the root of the
instance's chain. The stages are those the statistics count.
"""
from sqlalchemy import select

from engine.store.tables import Candidature, Offer, Person, utcnow

# retire_liste: taken off the list before it was sent to the employer (manual §7.6), with a reason.
STAGES = ("inscrit", "non_preselectionne", "preselectionne", "retire_liste", "presente", "retenu", "non_retenu")
# Set by the departure aid, never taken back by these procedures: the candidate left, or withdrew after
# being selected (or refused a visa, found unfit), or their departure was cancelled for another cause.
FINAL = ("parti", "desiste", "depart_annule")
SELECTED_ONCE = ("retenu", *FINAL)


def record_stages(session, instance):
    """Upsert one candidature per candidate of `instance`'s data; touch only rows whose stage or region changed."""
    data = instance.data
    stages = data.get("etapes_candidats")
    offer_id = instance.root_id
    if not isinstance(stages, dict) or offer_id is None or session.get(Offer, offer_id) is None:
        return
    regions = data.get("region_des_candidats") if isinstance(data.get("region_des_candidats"), dict) else {}
    wanted = {int(key): (stage, regions.get(key)) for key, stage in stages.items()
              if str(key).isdigit() and stage in STAGES}
    if not wanted:
        return
    known = {person.id for person in session.scalars(select(Person).where(Person.id.in_(wanted)))}
    rows = {row.person_id: row for row in session.scalars(
        select(Candidature).where(Candidature.offer_id == offer_id, Candidature.person_id.in_(wanted)))}
    for person_id, (stage, region) in sorted(wanted.items()):
        if person_id not in known:
            continue
        row = rows.get(person_id)
        if row is None:
            session.add(Candidature(offer_id=offer_id, person_id=person_id, region=region, stage=stage,
                                    updated_at=utcnow()))
        elif row.stage not in FINAL and (row.stage, row.region) != (stage, region or row.region):
            row.stage, row.region, row.updated_at = stage, region or row.region, utcnow()



def selected_for(session, reference):
    """The persons the employer selected for the offer `reference` who hold or held a post (selected, left,
    withdrew, or their departure was cancelled), for diagram scripts (`candidats_deja_retenus(offre)`): the
    waiting list skips them."""
    query = (select(Candidature.person_id).join(Offer, Offer.instance_id == Candidature.offer_id)
             .where(Offer.reference == str(reference), Candidature.stage.in_(SELECTED_ONCE)))
    return sorted(set(session.scalars(query)))
