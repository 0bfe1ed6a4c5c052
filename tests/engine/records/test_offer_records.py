"""The offer's row keeps the status the later procedures of its chain gave it when the offer is projected again
(a retry, a migration of the offer's file): `satisfaite` (every post held by a selected candidate) or
`satisfaite_en_partie` comes from an employer's selection, not from the offer's own data."""
import preselection_data
from conftest import BAMAKO
from offer_flow import complete
from preselection_flow import candidatures, offer_status, preselection_of, register_candidates
from sqlalchemy import select

from engine import records
from engine.records.offers import refresh_satisfaction
from engine.store.tables import Candidature, Instance, Offer


def preselected(uow, business_key):
    """An offer displayed in Bamako whose two candidates were preselected: (offer id, preselection id, persons)."""
    persons = register_candidates(uow, "bamako", 2)
    offer, preselection = preselection_of(uow, business_key, "bamako",
                                          negotiation=preselection_data.negocier_sans_tests())
    complete(uow, BAMAKO, preselection["id"], "recueillir_candidatures", preselection_data.recueillir(persons))
    complete(uow, BAMAKO, preselection["id"], "preselectionner_candidats", preselection_data.preselectionner(persons))
    return offer["id"], preselection["id"], persons


def project_again(uow, instance_id):
    """Run the offer's projector again, as the engine does after any step of its file."""
    with uow:
        records.project(uow.session, uow.session.get(Instance, instance_id))
        uow.commit()


def retain(uow, offer_id, person_id, stage="retenu"):
    with uow:
        uow.session.scalars(select(Candidature).where(Candidature.offer_id == offer_id,
                                                      Candidature.person_id == person_id)).one().stage = stage
        uow.commit()


def posts(uow, offer_id):
    with uow:
        row = uow.session.get(Offer, offer_id)
        return row.posts, row.posts_filled


def test_an_offer_is_satisfied_in_part_then_in_full_and_stays_so_when_projected_again(deployed):
    offer_id, preselection_id, persons = preselected(deployed, "OFF-2025-0301")
    with deployed:
        deployed.session.get(Offer, offer_id).posts = 2
        deployed.commit()
    assert offer_status(deployed, offer_id) == "diffusee"
    retain(deployed, offer_id, persons[0])
    with deployed:  # the employer's selection, recorded by a later procedure of the chain
        refresh_satisfaction(deployed.session, deployed.session.get(Instance, preselection_id))
        deployed.commit()
    assert offer_status(deployed, offer_id) == "satisfaite_en_partie" and posts(deployed, offer_id) == (2, 1)
    retain(deployed, offer_id, persons[1], "parti")
    with deployed:
        refresh_satisfaction(deployed.session, deployed.session.get(Instance, preselection_id))
        deployed.commit()
    assert offer_status(deployed, offer_id) == "satisfaite" and posts(deployed, offer_id) == (2, 2)

    with deployed:  # the offer's own file says 40 posts: projected again, it counts against them
        offer = deployed.session.get(Instance, offer_id)
        offer.data = {**offer.data, "nombre_postes": 2}
        deployed.commit()
    project_again(deployed, offer_id)

    assert offer_status(deployed, offer_id) == "satisfaite"


def test_a_retained_candidature_makes_the_offer_satisfied_when_projected_again(deployed):
    offer_id, _preselection_id, persons = preselected(deployed, "OFF-2025-0302")
    assert set(candidatures(deployed, offer_id).values()) == {("bamako", "preselectionne")}
    project_again(deployed, offer_id)
    assert offer_status(deployed, offer_id) == "diffusee"  # preselected only: not satisfied

    for stage in ("retenu", "parti"):
        with deployed:
            deployed.session.get(Offer, offer_id).status = "diffusee"  # e.g. a row rebuilt from the offer's file
            deployed.commit()
        retain(deployed, offer_id, persons[0], stage)
        project_again(deployed, offer_id)
        assert offer_status(deployed, offer_id) == "satisfaite_en_partie"  # one of its 40 posts
        assert posts(deployed, offer_id) == (40, 1)
