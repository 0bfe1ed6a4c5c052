"""The offers table, from the offer procedure (manual §7.1–7.4) and the procedures that follow it.

An offer is `satisfaite` when a selected or departed candidate holds each of its
posts, `satisfaite_en_partie` while only some are (`posts_filled` counts them,
§7.7): the procedures that follow it (final selection, departure aid) say so
through `refresh_satisfaction`, not the offer's own data; projecting the offer
again (a later step of its own, a retry, a migration) counts again. A candidate
who withdraws frees their post. The employer may withdraw the offer at any stage
(message `retrait_offre`): whichever file of its chain caught it makes the offer
`retiree`, with the reason, for good. A file cancelled by hand makes the offer
`annulee`, whatever it reached, with the reason given.
"""
from sqlalchemy import func, select

from engine.records.fields import as_date, as_int, upsert
from engine.store.tables import Candidature, Offer, utcnow

# statut_offre as set by the diagram's scripts, else where the file stands.
_STATUS = {"rejetee": "rejetee", "abandonnee": "abandonnee", "diffusee": "diffusee", "retiree": "retiree"}
# Candidature stages that hold a post: the employer selected the candidate, or they left.
SELECTED = ("retenu", "parti")
SATISFIED = ("satisfaite", "satisfaite_en_partie")
WITHDRAWN = "retiree"
_REASON_LIMIT = Offer.__table__.c.cancel_reason.type.length


def project(session, instance):
    data = instance.data
    # The offer's row and its posts filled, in one query.
    found = session.execute(select(Offer, _filled_count(instance.id).scalar_subquery())
                            .where(Offer.instance_id == instance.id)).first()
    row, filled = (found[0], found[1] or 0) if found is not None else (None, 0)
    status = _STATUS.get(data.get("statut_offre"), "en_traitement")
    reason = instance.cancel_reason
    if instance.status == "cancelled":
        status = "annulee"
    elif status == WITHDRAWN or (row is not None and row.status == WITHDRAWN):
        status, reason = WITHDRAWN, _reason(data) or (row.cancel_reason if row is not None else None)
    elif status in ("diffusee", "en_traitement") and filled:
        status = _satisfaction(filled, as_int(data.get("nombre_postes")))
    upsert(session, Offer, instance.id, row=row, instance_id=instance.id, reference=instance.business_key,
           employer_name=data.get("employeur_raison_sociale"), employer_country=data.get("employeur_pays"),
           employer_id=as_int(data.get("employeur_id")),
           occupation=data.get("metier"), occupation_code=_code(data.get("metier_citp")),
           work_country=data.get("lieu_travail_pays"),
           source=data.get("source_offre"), posts=as_int(data.get("nombre_postes")), posts_filled=filled,
           candidates_wanted=as_int(data.get("nombre_candidats")), credible=data.get("employeur_credible"),
           status=status, cancel_reason=reason, received_on=as_date(data.get("date_reception_offre")),
           satisfy_by=as_date(data.get("delai_satisfaction")), updated_at=utcnow())


def refresh_satisfaction(session, instance):
    """Count again the posts filled of the offer at the root of `instance`'s chain and say whether it is
    satisfied in full or in part (or open again, once diffused, when a withdrawal left no post filled); a
    withdrawn or cancelled offer keeps its status, with the count."""
    offer = session.get(Offer, instance.root_id) if instance.root_id is not None else None
    if offer is not None and offer.status in (WITHDRAWN, "annulee"):  # closed for good: only the count follows
        filled = _filled(session, offer.instance_id)
        if filled != offer.posts_filled:
            offer.posts_filled, offer.updated_at = filled, utcnow()
        return
    if offer is None or offer.status not in ("diffusee", "en_traitement", *SATISFIED):
        return
    filled = _filled(session, offer.instance_id)
    status = _satisfaction(filled, offer.posts) if filled else (
        "diffusee" if offer.status in SATISFIED else offer.status)
    if (status, filled) != (offer.status, offer.posts_filled):
        offer.status, offer.posts_filled, offer.updated_at = status, filled, utcnow()


def mark_withdrawn(session, instance):
    """A file of the offer's chain caught the employer's withdrawal (`offre_retiree` in its data):
    the offer is `retiree`, with the reason the message gave."""
    if instance.data.get("offre_retiree") is not True:
        return
    offer = session.get(Offer, instance.root_id or instance.id)
    if offer is None or offer.status in ("annulee", WITHDRAWN):
        return
    offer.status, offer.cancel_reason, offer.updated_at = WITHDRAWN, _reason(instance.data), utcnow()


def _code(value):
    """The CITP-08 code chosen for the post ("7112"), None when none was (the form checks it is one)."""
    return value if isinstance(value, str) and value.isdigit() and len(value) <= 10 else None


def _reason(data):
    reason = data.get("motif_retrait")
    return reason.strip()[:_REASON_LIMIT] or None if isinstance(reason, str) else None


def _satisfaction(filled, posts):
    return "satisfaite" if posts is None or filled >= posts else "satisfaite_en_partie"


def _filled(session, offer_id):
    return session.scalar(_filled_count(offer_id)) or 0


def _filled_count(offer_id):
    return select(func.count()).select_from(Candidature).where(Candidature.offer_id == offer_id,
                                                              Candidature.stage.in_(SELECTED))

