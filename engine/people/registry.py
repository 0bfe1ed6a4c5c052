"""The registry of persons (candidates, migrants): the personal files procedures refer to.

Counsellors register and read the files of their own region; central roles
read all. Every read of a file is recorded in the history.
"""
import json
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select

from engine import audit
from engine.accounts.regions import regions
from engine.accounts.roles import CENTRAL_ROLES, REGIONAL_ROLES
from engine.definitions import occupations
from engine.definitions.forms import Choices, expand, validate
from engine.errors import FieldError, Forbidden, Hidden, NotFound, ValidationFailed
from engine.people import erasure, identity, words
from engine.people.regional import own_region_only
from engine.store.tables import (
    AuditEvent,
    CandidateAccount,
    CandidateDocument,
    CandidateService,
    Candidature,
    Departure,
    Instance,
    Offer,
    Person,
    PortalApplication,
    Reintegration,
    ReturnRecord,
    SessionAttendance,
    as_utc,
    utcnow,
)

SCHEMA = json.loads((Path(__file__).parent / "person.schema.json").read_text(encoding="utf-8"))
COLUMNS = {"nom": "last_name", "prenoms": "first_names", "sexe": "sex", "region": "region",
            "telephone": "phone", "email": "email", "adresse": "address", "niveau_etudes": "education",
            "metier": "occupation"}
# Kept in `details`: the languages, the ISCO code of the occupation exercised and those sought, the skills,
# the highest diploma.
DETAILS = ("profession", "metiers_recherches", "competences", "diplome")
# When a person can take up a post, soonest first (the registry's filter reads "at the latest").
AVAILABILITY = tuple(option["const"] for option in SCHEMA["properties"]["disponibilite"]["oneOf"])


def person_form(uow, labelled=True):
    """The registration form's schema, choices filled in (labelled for a page, or by their codes only)."""
    with uow:
        return expand(SCHEMA, _choices(uow.session), labelled=labelled)


def register_person(uow, actor, data, other_than=()):
    """Register a person with their consent; counsellors only in their own region. Returns its id.

    The telephone number is kept in its international form (+223 added to a Malian 8-digit number);
    a birth date in the future or under MIN_AGE years is refused. A person who looks already
    registered (same names and birth date, or same telephone; see identity.same_persons) raises
    PossibleDuplicate, unless `other_than` lists every one of them: the counsellor checked that this
    is someone else, which the history records (`other_than` on person_registered).
    """
    if not actor.roles & (REGIONAL_ROLES | CENTRAL_ROLES):
        raise Forbidden("only counsellors and DCIM agents register persons")
    if actor.roles & REGIONAL_ROLES and not actor.roles & CENTRAL_ROLES and data.get("region") != actor.region:
        raise ValidationFailed([FieldError("region", "own_region", {"region": actor.region})])
    with uow:
        session = uow.session
        validate(expand(SCHEMA, _choices(session), labelled=False), data)
        phone, born = checked_identity(data)
        alike = identity.same_persons(session, data["nom"], data["prenoms"], born, phone)
        if alike and not {p.id for p in alike} <= set(other_than):
            raise identity.PossibleDuplicate([_alike_dict(actor, p, data, born, phone) for p in alike])
        person = new_person(session, data, phone, born, actor.username)
        extra = {"other_than": [p.id for p in alike]} if alike else {}
        audit.record(session, "person_registered", actor.username, person_id=person.id, region=person.region,
                     consent_purpose=person.consent_purpose, **extra)
        uow.commit()
        return person.id


def new_person(session, data, phone, born, created_by, awaiting_confirmation=False):
    """Add the Person of registration `data` (validated; `phone` and `born` checked by `checked_identity`),
    with the consent given now for the purpose it names; flushed, not audited (the caller records who)."""
    details = {key: data[key] for key in DETAILS if key in data} | {"langues": data.get("langues", [])}
    person = Person(**{column: data.get(key) for key, column in COLUMNS.items()}, birth_date=born,
                    details=details, disability=bool(data.get("handicap")),
                    experience_years=data.get("annees_experience"), availability=data.get("disponibilite"),
                    consent_at=utcnow(),
                    consent_purpose=data.get("finalite") or SCHEMA["properties"]["finalite"]["default"],
                    created_by=created_by, awaiting_confirmation=awaiting_confirmation)
    person.phone = phone
    session.add(person)
    session.flush()
    words.index_person(session, person)
    return person


def _choices(session):
    return Choices(regions=regions(session), occupations=occupations.choices(session))


def checked_identity(data):
    """The registration's telephone number, normalised, and birth date; both refusals at once."""
    errors, phone, born = [], None, None
    if data.get("telephone"):
        phone = identity.normalised_phone(data["telephone"])
        if phone is None:
            errors.append(FieldError("telephone", "phone_unreadable"))
    try:
        born = identity.checked_birth_date(data.get("date_naissance"), utcnow().date())
    except ValidationFailed as refused:
        errors += refused.errors
    if errors:
        raise ValidationFailed(errors)
    return phone, born


def _alike_dict(actor, person, data, born, phone):
    """What a counsellor is told of a registered person who looks like the one being registered."""
    reasons = []
    same_name = identity.folded(f"{person.last_name} {person.first_names}") == \
        identity.folded(f"{data['nom']} {data['prenoms']}")
    if born and person.birth_date == born and same_name:
        reasons.append("name_birth_date")
    if phone and person.phone and identity.normalised_phone(person.phone) == phone:
        reasons.append("phone")
    readable = can_read_person(actor, person)
    # Another region's person is named by number and region only: their name is not the counsellor's to read.
    return {"id": person.id, "label": label(person) if readable else f"n° {person.id}", "region": person.region,
            "readable": readable, "reasons": reasons}


def can_read_person(actor, person):
    if actor.roles & CENTRAL_ROLES:
        return True
    return bool(actor.roles & REGIONAL_ROLES) and person.region == actor.region


def get_person(uow, actor, person_id):
    """One person's file, as a dict; the read is recorded. NotFound or Forbidden."""
    with uow:
        session = uow.session
        person = readable_person(session, actor, person_id)
        audit.record(session, "person_read", actor.username, person_id=person.id, region=person.region)
        uow.commit()
        return person_dict(person)


def readable_person(session, actor, person_id):
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}")
    if not can_read_person(actor, person):
        raise Hidden(f"person {person_id} is not in your region", person_id=person.id)
    return person


def label(person):
    if person.erased_at is not None:
        return person.last_name  # "Personne n° …": nothing else is left to show
    born = f", née en {person.birth_date.year}" if person.sex == "F" and person.birth_date else \
        (f", né en {person.birth_date.year}" if person.birth_date else "")
    return f"{person.last_name.upper()} {person.first_names}{born} (n° {person.id})"


def labels(session, person_ids, reader=None):
    """{id: label} of the registered persons among `person_ids`; for a `reader` who reads only their
    region's persons (a counsellor), a person of another region is only their number (`n° 12`)."""
    own = own_region_only(reader)
    return {p.id: label(p) if own is None or p.region == own else f"n° {p.id}"
            for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}


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


def person_choices(session, only=None, region=None):
    """The `persons` lookup used by form choices: (id, label) by ids, or by region.

    `only` (ids) and `region` narrow every answer: what a reader who does not work on the
    task may see of the registry.
    """
    def lookup(ids, of_region):
        query = select(Person).where(Person.erased_at.is_(None))
        if ids is not None:
            query = query.where(Person.id.in_(ids))
        else:  # a person registered on the portal is chosen for nothing before a counsellor confirms them
            query = query.where(Person.awaiting_confirmation.is_(False))
        if ids is None and of_region:
            query = query.where(Person.region == of_region)
        if only is not None:
            query = query.where(Person.id.in_(only))
        if region:
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
                      profession=(person.details or {}).get("profession"),
                      metiers_recherches=(person.details or {}).get("metiers_recherches", []),
                      annees_experience=person.experience_years, disponibilite=person.availability,
                      competences=(person.details or {}).get("competences"),
                      sms_refuse=bool((person.details or {}).get("sms_refuse")),
                      diplome=(person.details or {}).get("diplome"),
                      a_confirmer=person.awaiting_confirmation,
                      consentement={"date": as_utc(person.consent_at).isoformat() if person.consent_at else None,
                                    "finalite": person.consent_purpose},
                      inscrit_par=person.created_by, inscrit_le=as_utc(person.created_at).isoformat())
    return result


# Instance data fields that hold person ids (forms' `x-reference: persons`, and what scripts derive from them).
PERSON_FIELDS = ("candidat", "migrant", "candidats_inscrits_region", "candidats_a_presenter",
                 "candidats_selectionnes", "etapes_candidats", "region_des_candidats", "participants")
# History events about a person: those naming them in `person_id` or among `persons`.
_PERSON_KINDS = ("person_registered", "person_read", "person_exported", "person_erased", "personal_data_transfer")


def export_person(uow, actor, person_id):
    """Everything stored about one person (right of access, law 2013-015), as JSON-ready data.

    The registry fields and consent, the business records naming the person,
    the files (instances) whose data refer to them and the history events about
    them. Same access as `get_person` (NotFound, Forbidden); the export itself is
    recorded as `person_exported`, in the same transaction.
    """
    with uow:
        session = uow.session
        person = readable_person(session, actor, person_id)
        records = _records_of(session, person_id)
        result = {"personne": person_dict(person) | {"efface_le": _iso(person.erased_at)},
                  **{name: [_row_dict(row) for row in rows] for name, rows in records.items()},
                  "dossiers": _files_of(session, person_id, records),
                  "historique": [_event_dict(e) for e in _events_of(session, person_id)],
                  **_portal_records(session, person_id)}
        for candidature, offer in zip(result["candidatures"], records["candidatures"]):
            offer_row = session.get(Offer, offer.offer_id)
            candidature["offre_reference"] = offer_row.reference if offer_row else None
        audit.record(session, "person_exported", actor.username, person_id=person.id, region=person.region)
        uow.commit()
        return result


def _records_of(session, person_id):
    def rows(model, order):
        return list(session.scalars(select(model).where(model.person_id == person_id).order_by(order)))
    return {"candidatures": rows(Candidature, Candidature.id), "departs": rows(Departure, Departure.instance_id),
            "retours": rows(ReturnRecord, ReturnRecord.instance_id),
            "reinsertions": rows(Reintegration, Reintegration.instance_id),
            "accompagnements": rows(CandidateService, CandidateService.instance_id),
            "sessions_information": rows(SessionAttendance, SessionAttendance.instance_id)}


def _files_of(session, person_id, records):
    """The instances of the person's records, and those whose person fields name them."""
    ids = _record_files(records)
    files = []
    # Person fields hold JSON inside `data`: read them here rather than in SQL, the same way on both databases.
    for instance in session.scalars(select(Instance).order_by(Instance.id)):
        if instance.id in ids or str(person_id) in _person_ids(instance.data or {}):
            files.append({"id": instance.id, "procedure": instance.process_key, "reference": instance.business_key,
                          "statut": instance.status, "debut": _iso(instance.started_at),
                          "fin": _iso(instance.ended_at),
                          "donnees": {k: v for k, v in (instance.data or {}).items() if k in PERSON_FIELDS}})
    return files


def _record_files(records):
    """The instances of a person's records: their offers' and their own."""
    ids = {row.offer_id for row in records["candidatures"]}
    return ids | {row.instance_id for name in ("departs", "retours", "reinsertions", "accompagnements",
                                               "sessions_information") for row in records[name]}


def _person_ids(data):
    """The person ids (as text) that the person fields of an instance's data hold."""
    found = set()
    for field in PERSON_FIELDS:
        value = data.get(field)
        values = list(value) if isinstance(value, (list, dict)) else [value]
        found |= {str(v) for v in values if v is not None and not isinstance(v, bool)}
    return found


def _events_of(session, person_id):
    query = select(AuditEvent).where(AuditEvent.kind.in_(_PERSON_KINDS)).order_by(AuditEvent.seq)
    return [e for e in session.scalars(query)
            if (e.details or {}).get("person_id") == person_id or person_id in (e.details or {}).get("persons", [])]


def _event_dict(event):
    return {"seq": event.seq, "date": _iso(event.at), "type": event.kind, "par": event.actor,
            "dossier": event.instance_id, "details": event.details}


def _row_dict(row):
    return {column.key: _iso(getattr(row, column.key)) for column in row.__table__.columns}


def _portal_records(session, person_id):
    """What the public portal holds of a person: their account (without its password), the documents they
    uploaded (what they are, not their content) and their online applications."""
    account = session.scalar(select(CandidateAccount).where(CandidateAccount.person_id == person_id))
    documents = session.scalars(select(CandidateDocument).where(CandidateDocument.person_id == person_id)
                                .order_by(CandidateDocument.id))
    applications = session.scalars(select(PortalApplication).where(PortalApplication.person_id == person_id)
                                   .order_by(PortalApplication.id))
    return {"compte_portail": {"email": account.email, "cree_le": _iso(account.created_at),
                               "verifie_le": _iso(account.verified_at)} if account else None,
            "documents_deposes": [{"id": d.id, "type": d.kind, "fichier": d.filename, "format": d.media_type,
                                   "taille": d.size, "depose_le": _iso(d.uploaded_at)} for d in documents],
            "candidatures_en_ligne": [{"offre": a.offer_id, "region": a.region, "statut": a.status,
                                       "le": _iso(a.created_at)} for a in applications]}


def _iso(value):
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return value.isoformat() if isinstance(value, date) else value


# Years kept after the person's last activity, by kind of file: a candidate's, or a migrant's
# (someone who left, came back or followed a reintegration path). The CLI may override them.
RETENTION_YEARS = {"candidat": 5, "migrant": 10}


def apply_retention(uow, now, years=None, actor="retention", documents_dir=None):
    """Pseudonymise the persons whose retention period has passed; returns their ids.

    `years` maps a kind of file ("candidat", "migrant") to the years kept after
    the person's last activity (default RETENTION_YEARS). Names become
    "Personne n° <id>"; phone, e-mail, address, occupation, languages and
    disability are cleared and the birth date keeps only its year. Sex, birth
    year and region stay, so statistics count the same. A person with a file
    still open is kept. Each erasure is recorded as `person_erased`; erased
    persons are skipped, so a second run changes nothing. The closed files
    naming them lose their personal fields, in their data, state and audit
    events (`engine.people.erasure`). Their portal account (e-mail, password)
    and the documents they uploaded are deleted, the files too when
    `documents_dir` (the documents folder) is given. One transaction.
    """
    years = {**RETENTION_YEARS, **(years or {})}
    erased = []
    with uow:
        session = uow.session
        open_files = session.scalars(select(Instance).where(Instance.status.not_in(("completed", "cancelled"))))
        open_ids, named = set(), set()
        for instance in open_files:
            open_ids.add(instance.id)
            named |= _person_ids(instance.data or {})
        for person in session.scalars(select(Person).where(Person.erased_at.is_(None)).order_by(Person.id)).all():
            records = _records_of(session, person.id)
            kind = "migrant" if records["departs"] or records["retours"] or records["reinsertions"] else "candidat"
            if _last_activity(person, records) > now - timedelta(days=round(365.25 * years[kind])):
                continue
            if str(person.id) in named or _record_files(records) & open_ids:
                continue  # a file still open needs the person
            _pseudonymise(person, now)
            words.index_person(session, person)
            audit.record(session, "person_erased", actor, person_id=person.id, region=person.region,
                         file_kind=kind, years=years[kind])
            erased.append(person.id)
        erasure.erase_files(session, erased, _person_ids, actor)
        _drop_portal_traces(session, erased, documents_dir)
        uow.commit()
    return erased


def _drop_portal_traces(session, person_ids, documents_dir):
    """Delete the portal accounts and uploaded documents (rows, and files in `documents_dir` if given) of the
    persons `person_ids`."""
    if not person_ids:
        return
    for document in session.scalars(select(CandidateDocument).where(CandidateDocument.person_id.in_(person_ids))):
        if documents_dir:
            (Path(documents_dir) / document.stored_name).unlink(missing_ok=True)
        session.delete(document)
    session.execute(delete(CandidateAccount).where(CandidateAccount.person_id.in_(person_ids)))


def _last_activity(person, records):
    moments = [as_utc(person.created_at)]
    moments += [as_utc(c.updated_at) for c in records["candidatures"]]
    moments += [as_utc(r.updated_at) for name in ("reinsertions", "accompagnements") for r in records[name]]
    days = [d.arrived_on or d.departed_on or d.planned_on for d in records["departs"]]
    days += [r.registered_on for r in records["retours"]]
    moments += [datetime.combine(d, datetime.min.time(), tzinfo=moments[0].tzinfo) for d in days if d]
    return max(moments)


def _pseudonymise(person, now):
    person.last_name, person.first_names = f"Personne n° {person.id}", ""
    person.phone = person.email = person.address = person.occupation = None
    person.disability, person.details = False, {}
    person.experience_years = person.availability = None
    if person.birth_date:
        person.birth_date = date(person.birth_date.year, 1, 1)  # the year only: statistics count by it
    person.erased_at = now
