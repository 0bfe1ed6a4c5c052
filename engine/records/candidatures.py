"""Candidatures, from the procedures that follow an offer (preselection, final selection).

Their data carry `etapes_candidats`, the stage each candidate (by person id, as
text) has reached, and `region_des_candidats`, the regional directorate that
registered each one. A candidature belongs to the offer at the root of the
instance's chain. The stages are those the statistics count.
"""
from sqlalchemy import select

from engine import audit
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


POOL_MODE = "ciblage_vivier"  # a candidate invited from the pool by a counsellor (manual §7.5)
POOL_FIELD = "candidats_inscrits_region"  # the form field of the candidatures a region records


def records_candidatures(form):
    """Whether a task's form (a JSON Schema, or None) records the candidatures of a region."""
    return isinstance(form, dict) and POOL_FIELD in form.get("properties", {})


def settle_invitations(session, instance, row, data, actor):
    """After a task recording candidatures (`row`, of `instance`) was completed with `data`: the persons invited
    from the pool whom the form no longer ticks lose their candidature (audited `pool_invitations_dropped`)."""
    if instance.root_id is None or session.get(Offer, instance.root_id) is None:
        return
    kept = {p for p in data.get(POOL_FIELD) or [] if isinstance(p, int) and not isinstance(p, bool)}
    dropped = drop_untaken_invitations(session, instance.root_id, row.region, kept)
    if dropped:
        audit.record(session, "pool_invitations_dropped", actor, instance, task_id=row.id, element_id=row.name,
                     persons=dropped)


def invite(session, offer_id, person, mode=POOL_MODE):
    """Add `person` (a Person) to the candidatures of the offer `offer_id` at stage "inscrit" with `mode`;
    False, and nothing written, when they already are a candidate of that offer."""
    if session.scalars(select(Candidature.id).where(Candidature.offer_id == offer_id,
                                                    Candidature.person_id == person.id)).first() is not None:
        return False
    session.add(Candidature(offer_id=offer_id, person_id=person.id, region=person.region, stage="inscrit",
                            mode=mode, updated_at=utcnow()))
    return True


def drop_untaken_invitations(session, offer_id, region, kept):
    """The persons invited from the pool in `region` whom the counsellor did not keep in the candidatures
    they recorded (`kept`: the person ids of the form): their candidatures, still "inscrit", are deleted.
    Returns the person ids dropped."""
    rows = session.scalars(select(Candidature).where(
        Candidature.offer_id == offer_id, Candidature.region == region, Candidature.mode == POOL_MODE,
        Candidature.stage == "inscrit", Candidature.person_id.not_in(sorted(kept) or [0]))).all()
    for row in rows:
        session.delete(row)
    return sorted(row.person_id for row in rows)
