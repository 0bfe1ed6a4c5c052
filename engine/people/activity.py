"""What a person went through at the agency, for their page: candidatures, candidate services,
departures, returns and reintegration paths, each with the file it belongs to.
"""
from sqlalchemy import select

from engine.accounts.access import can_read_instance
from engine.people.registry import readable_person
from engine.store.tables import CandidateService, Candidature, Departure, Instance, Offer, Reintegration, ReturnRecord


def person_activity(uow, actor, person_id):
    """{kind: [row dicts]} of the person's records; each names its file (`dossier`: id, reference,
    procedure, status, and `lisible`: whether `actor` may open it; the page links only those).

    NotFound or Hidden as `get_person`; this read is not recorded again: the page's read of the person is.
    """
    with uow:
        session = uow.session
        readable_person(session, actor, person_id)
        files = {}

        def file_of(instance_id):
            if instance_id not in files:
                instance = session.get(Instance, instance_id)
                files[instance_id] = None if instance is None else {
                    "id": instance.id, "reference": instance.business_key, "procedure": instance.process_key,
                    "statut": instance.status, "lisible": bool(can_read_instance(session, actor, instance))}
            return files[instance_id]

        def rows(model, order):
            return session.scalars(select(model).where(model.person_id == person_id).order_by(order)).all()

        candidatures = []
        for row in rows(Candidature, Candidature.id):
            offer = session.get(Offer, row.offer_id)
            candidatures.append({"etape": row.stage, "mode": row.mode, "region": row.region, "mis_a_jour": row.updated_at,
                                 "metier": offer.occupation if offer else None,
                                 "pays": offer.work_country if offer else None, "dossier": file_of(row.offer_id)})
        return {
            "candidatures": candidatures,
            "accompagnements": [{"statut": r.status, "etape": r.stage, "resultat": r.outcome,
                                 "ouvert_le": r.opened_on, "dossier": file_of(r.instance_id)}
                                for r in rows(CandidateService, CandidateService.instance_id)],
            "departs": [{"statut": r.status, "pays": r.destination_country, "prevu_le": r.planned_on,
                         "parti_le": r.departed_on, "dossier": file_of(r.instance_id)}
                        for r in rows(Departure, Departure.instance_id)],
            "retours": [{"statut": r.status, "categorie": r.category, "pays": r.country_from,
                         "revenu_le": r.returned_on or r.registered_on, "dossier": file_of(r.instance_id)}
                        for r in rows(ReturnRecord, ReturnRecord.instance_id)],
            "reinsertions": [{"statut": r.status, "parcours": r.path, "resultat": r.outcome,
                              "dossier": file_of(r.instance_id)}
                             for r in rows(Reintegration, Reintegration.instance_id)],
        }
