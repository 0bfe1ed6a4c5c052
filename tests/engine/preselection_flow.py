"""Helpers that drive an offer into its preselection, presentation and final selection, and read the records back."""
from datetime import datetime

import mise_en_relation_data
import offer_data
import preselection_data
from conftest import BAMAKO, DCIM, KAYES
from offer_flow import complete, start_offer
from sqlalchemy import select

from engine import people
from engine.runtime import instances
from engine.store.tables import Candidature, Instance, Offer

COUNSELLORS = {"bamako": BAMAKO, "kayes": KAYES}


def register_candidates(uow, region, count):
    """Register the first `count` candidates of `region` (by its own counsellor); return their ids."""
    return [people.register_person(uow, COUNSELLORS[region], preselection_data.person(region, i))
            for i in range(count)]


def offer_displayed(uow, business_key, *regions, negotiation=None, record=None):
    """An offer taken through to display in `regions`; returns the offer instance dict once it ended."""
    offer_id = start_offer(uow, business_key)["id"]
    complete(uow, DCIM, offer_id, "enregistrer_offre", record or offer_data.enregistrer_saisonnier_espagne())
    complete(uow, DCIM, offer_id, "verifier_employeur", offer_data.verifier_credible())
    complete(uow, DCIM, offer_id, "negocier_offre", negotiation or offer_data.negocier_accord())
    done = complete(uow, DCIM, offer_id, "transmettre_offre", offer_data.transmettre(*regions))
    for region in regions:
        done = complete(uow, COUNSELLORS[region], offer_id, "confirmer_affichage", offer_data.confirmer_affichage())
    return done


def children(uow, parent_id, process_key=None):
    """The instances started by instance `parent_id` (optionally of one process), oldest first, as dicts."""
    with uow:
        query = select(Instance.id).where(Instance.parent_id == parent_id).order_by(Instance.id)
        if process_key:
            query = query.where(Instance.process_key == process_key)
        ids = list(uow.session.scalars(query))
    return [instances.get_instance(uow, DCIM, i) for i in ids]


def the_child(uow, parent_id, process_key):
    [child] = children(uow, parent_id, process_key)
    return child


def preselection_of(uow, business_key, *regions, negotiation=None, record=None):
    """(offer dict, preselection dict) for an offer displayed in `regions`."""
    offer = offer_displayed(uow, business_key, *regions, negotiation=negotiation, record=record)
    return offer, the_child(uow, offer["id"], "preselection")


def candidatures(uow, offer_id):
    """{person id: (region, stage)} of an offer's candidatures."""
    with uow:
        rows = uow.session.scalars(select(Candidature).where(Candidature.offer_id == offer_id))
        return {row.person_id: (row.region, row.stage) for row in rows}


def offer_status(uow, offer_id):
    with uow:
        return uow.session.get(Offer, offer_id).status


def due_delay(task):
    """How long after its creation a task is due, or None without a deadline."""
    if task["due_at"] is None:
        return None
    return datetime.fromisoformat(task["due_at"]) - datetime.fromisoformat(task["created_at"])


def presentation_of(uow, business_key, counts, posts=40, deadline=None, terms=None):
    """An offer (`posts` posts, no tests) whose regions preselected all their candidates, all on the list.

    `counts` maps a region to how many of its candidates apply; `deadline` replaces the negotiated
    satisfaction deadline (an ISO date), `terms` other terms of the negotiation. Returns
    (offer dict, preselection id, presentation dict, {region: person ids}).
    """
    candidates = {region: register_candidates(uow, region, count) for region, count in counts.items()}
    record = {**offer_data.enregistrer_saisonnier_espagne(), "nombre_postes": posts}
    negotiation = preselection_data.negocier_sans_tests()
    if deadline:
        negotiation["delai_satisfaction"] = deadline
    negotiation.update(terms or {})
    offer, preselection = preselection_of(uow, business_key, *counts, record=record, negotiation=negotiation)
    for region, persons in candidates.items():
        complete(uow, COUNSELLORS[region], preselection["id"], "recueillir_candidatures",
                 preselection_data.recueillir(persons))
    for region, persons in candidates.items():
        complete(uow, COUNSELLORS[region], preselection["id"], "preselectionner_candidats",
                 preselection_data.preselectionner(persons))
    everyone = sorted(p for persons in candidates.values() for p in persons)
    complete(uow, DCIM, preselection["id"], "arreter_liste", preselection_data.arreter_liste(everyone))
    return offer, preselection["id"], the_child(uow, preselection["id"], "mise_en_relation"), candidates


def selection_of(uow, business_key, counts, posts=40, deadline=None, terms=None):
    """Like `presentation_of`, once the complete files were sent to the employer.

    Returns (offer dict, preselection id, final selection dict, {region: person ids}).
    """
    offer, preselection_id, presentation, candidates = presentation_of(uow, business_key, counts, posts, deadline, terms)
    complete(uow, DCIM, presentation["id"], "verifier_dossiers", mise_en_relation_data.dossiers_complets())
    complete(uow, DCIM, presentation["id"], "envoyer_liste_employeur", mise_en_relation_data.envoyer_liste())
    return offer, preselection_id, the_child(uow, presentation["id"], "selection_finale"), candidates
