"""The registry of persons (candidates, migrants): the personal files procedures refer to.

Counsellors register and read the files of their own region; central roles
read all. Every read of a file is recorded in the history.
"""
import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from engine import audit
from engine.access import sees_everything
from engine.errors import FieldError, Forbidden, NotFound, ValidationFailed
from engine.forms import Choices, expand, validate
from engine.roles import CENTRAL_ROLES, REGIONAL_ROLES
from engine.tables import Person, Region, as_utc, utcnow

SCHEMA = json.loads((Path(__file__).parent / "data" / "person.schema.json").read_text(encoding="utf-8"))
_COLUMNS = {"nom": "last_name", "prenoms": "first_names", "sexe": "sex", "region": "region",
            "telephone": "phone", "email": "email", "adresse": "address", "niveau_etudes": "education",
            "metier": "occupation"}


def regions(session):
    return {r.code: r.name for r in session.scalars(select(Region).where(Region.active).order_by(Region.name))}


def person_form(uow):
    """The registration form's schema, choices filled in."""
    with uow:
        return expand(SCHEMA, Choices(regions=regions(uow.session)))


def register_person(uow, actor, data):
    """Register a person with their consent; counsellors only in their own region. Returns its id."""
    if not actor.roles & (REGIONAL_ROLES | CENTRAL_ROLES):
        raise Forbidden("only counsellors and DCIM agents register persons")
    if actor.roles & REGIONAL_ROLES and not actor.roles & CENTRAL_ROLES and data.get("region") != actor.region:
        raise ValidationFailed([FieldError("region", "own_region", {"region": actor.region})])
    with uow:
        session = uow.session
        validate(expand(SCHEMA, Choices(regions=regions(session)), labelled=False), data)
        person = Person(**{column: data.get(key) for key, column in _COLUMNS.items()},
                        birth_date=date.fromisoformat(data["date_naissance"]) if data.get("date_naissance") else None,
                        details={"langues": data.get("langues", [])}, disability=bool(data.get("handicap")),
                        consent_at=utcnow(), consent_purpose=data.get("finalite") or SCHEMA["properties"]["finalite"]["default"],
                        created_by=actor.username)
        session.add(person)
        session.flush()
        audit.record(session, "person_registered", actor.username, person_id=person.id, region=person.region,
                     consent_purpose=person.consent_purpose)
        uow.commit()
        return person.id


def can_read_person(actor, person):
    if actor.roles & CENTRAL_ROLES:
        return True
    return bool(actor.roles & REGIONAL_ROLES) and person.region == actor.region


def get_person(uow, actor, person_id):
    """One person's file, as a dict; the read is recorded. NotFound or Forbidden."""
    with uow:
        session = uow.session
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound(f"no person {person_id}")
        if not can_read_person(actor, person):
            raise Forbidden(f"person {person_id} is not in your region")
        audit.record(session, "person_read", actor.username, person_id=person.id, region=person.region)
        uow.commit()
        return person_dict(person)


def list_persons(uow, actor, search=None, limit=200):
    """Persons the actor may read (counsellors: their region), by name."""
    query = select(Person).where(Person.erased_at.is_(None)).order_by(Person.last_name, Person.first_names)
    if not actor.roles & CENTRAL_ROLES:
        if not actor.roles & REGIONAL_ROLES:
            raise Forbidden("no access to personal files")
        query = query.where(Person.region == actor.region)
    if search:
        like = f"%{search.strip()}%"
        query = query.where(Person.last_name.ilike(like) | Person.first_names.ilike(like))
    with uow:
        return [person_dict(p, brief=True) for p in uow.session.scalars(query.limit(limit))]


def label(person):
    born = f", née en {person.birth_date.year}" if person.sex == "F" and person.birth_date else \
        (f", né en {person.birth_date.year}" if person.birth_date else "")
    return f"{person.last_name.upper()} {person.first_names}{born} (n° {person.id})"


def region_of(session, person_id):
    """The region of a registered person, for diagram scripts (`region_personne(candidat)`).

    Raises ValueError for an id that names no file (or an erased one): the step fails visibly.
    """
    return _registered(session, person_id).region


def birth_date_of(session, person_id):
    """The ISO birth date of a registered person, or None when the file has none, for diagram
    scripts (`date_naissance_personne(migrant)`, e.g. an age rule). ValueError as `region_of`.
    """
    person = _registered(session, person_id)
    return person.birth_date.isoformat() if person.birth_date else None


def _registered(session, person_id):
    person = session.get(Person, person_id) if isinstance(person_id, int) and not isinstance(person_id, bool) \
        else None
    if person is None or person.erased_at is not None:
        raise ValueError(f"no person {person_id!r} in the registry")
    return person


def person_choices(session):
    """The `persons` lookup used by form choices: (id, label) by ids, or by region."""
    def lookup(ids, region):
        query = select(Person).where(Person.erased_at.is_(None))
        if ids is not None:
            query = query.where(Person.id.in_(ids))
        elif region:
            query = query.where(Person.region == region)
        return [(p.id, label(p)) for p in session.scalars(query.order_by(Person.last_name))]
    return lookup


def person_dict(person, brief=False):
    result = {"id": person.id, "label": label(person), "nom": person.last_name, "prenoms": person.first_names,
              "sexe": person.sex, "region": person.region,
              "date_naissance": person.birth_date.isoformat() if person.birth_date else None}
    if not brief:
        result.update(telephone=person.phone, email=person.email, adresse=person.address,
                      niveau_etudes=person.education, metier=person.occupation, handicap=person.disability,
                      langues=(person.details or {}).get("langues", []),
                      consentement={"date": as_utc(person.consent_at).isoformat() if person.consent_at else None,
                                    "finalite": person.consent_purpose},
                      inscrit_par=person.created_by, inscrit_le=as_utc(person.created_at).isoformat())
    return result
