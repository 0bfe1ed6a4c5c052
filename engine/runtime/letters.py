"""The standard letter that sends the shortlist to the employer (manual §7.6).

Built from the files of the chain: the offer (employer, post, place of work),
the presentation file (candidates to present, enclosures, reference of the
letter) and the persons registry (the candidates' names).

The letter is DCIM's: it presents every candidate on the list to the employer. A regional
counsellor reads a file shared with other regions with their region's candidates only
(`people.regional`): a letter with part of the list would be a wrong letter, and the whole
list would name persons they may not see, so that letter is refused to them as a hidden file.
"""
from datetime import date

from sqlalchemy import select

from engine import audit
from engine.definitions.reference import choices
from engine.errors import Hidden, NotFound
from engine.people.regional import regional_view
from engine.people.registry import label
from engine.runtime.instances import load_readable
from engine.store.tables import Instance, Person

LETTER_PROCESSES = ("mise_en_relation",)
ENCLOSURES = {"cv": "Curriculum vitae", "lettres_motivation": "Lettre de motivation",
              "copies_diplomes": "Copies certifiées conformes des diplômes",
              "attestations": "Attestations de travail, de stage ou de formation",
              "resultats_tests": "Résultats des tests d'évaluation"}


def presentation_letter(uow, actor, instance_id):
    """The letter's content as a dict; NotFound if the file is not a presentation to an employer,
    Hidden (answered as NotFound) to a counsellor when it names candidates of other regions.

    Reading it shows candidates' names: the read is recorded like any file read.
    """
    with uow:
        session = uow.session
        instance = load_readable(session, actor, instance_id)
        if instance.process_key not in LETTER_PROCESSES:
            raise NotFound(f"instance {instance_id} has no presentation letter")
        if regional_view(instance.data, actor)[1]:  # candidates of other regions: the letter is not theirs
            raise Hidden(f"the letter of instance {instance_id} names other regions' candidates",
                         instance_id=instance.id)
        offer = session.get(Instance, instance.root_id) if instance.root_id else None
        letter = _letter(session, instance.data, offer.data if offer else {}, offer)
        audit.record(session, "letter_read", actor.username, instance, candidates=letter["candidate_ids"])
        uow.commit()
        return letter


def _letter(session, data, offer_data, offer):
    ids = [int(i) for i in data.get("candidats_a_presenter") or []]
    persons = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    countries = dict(choices("countries", {}))
    return {
        "reference": data.get("reference_courrier") or f"ANPE/DCIM/{offer.business_key if offer else ''}",
        "date": data.get("date_envoi_liste") or date.today().isoformat(),
        "offer_reference": offer.business_key if offer else data.get("reference_dossier"),
        "employer": data.get("employeur_raison_sociale") or offer_data.get("employeur_raison_sociale"),
        "address": offer_data.get("employeur_adresse"),
        "contact": offer_data.get("employeur_contact_nom"),
        "country": countries.get(data.get("lieu_travail_pays") or offer_data.get("lieu_travail_pays")),
        "post": offer_data.get("intitule_poste") or data.get("metier"),
        "occupation": data.get("metier"),
        "posts": data.get("nombre_postes"),
        "deadline": data.get("delai_satisfaction"),
        "candidate_ids": ids,
        "candidates": [label(persons[i]) if i in persons else f"n° {i}" for i in ids],
        "enclosures": [ENCLOSURES.get(code, code) for code in data.get("pieces_transmises") or list(ENCLOSURES)[:4]],
    }
