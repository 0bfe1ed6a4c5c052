"""Finding persons in the registry: by part of their names (any order, without case or accents), their
number or telephone; in pages for the registry's page, by cursor for the API."""
import re

from sqlalchemy import exists, false, func, or_, select
from sqlalchemy.orm import aliased

from engine.accounts.roles import CENTRAL_ROLES, REGIONAL_ROLES
from engine.definitions import occupations, reference
from engine.errors import Forbidden
from engine.people import words
from engine.people.registry import AVAILABILITY, person_dict
from engine.store.folding import folded
from engine.store.tables import CandidateService, Person, utcnow

PAGE = 50  # persons a page of the registry shows
_BY_NAME = (folded(Person.last_name), folded(Person.first_names), Person.id)
MAX_ID = 2**31 - 1
_NUMBER = re.compile(r"\+?[0-9][0-9 .\-]*")
OCCUPATION_CODE = re.compile(r"[0-9]{1,4}")
_LANGUAGE = re.compile(r"[a-z]{3}")


def list_persons(uow, actor, search=None, limit=200, occupation=None, filters=None):
    """Persons the actor may read (counsellors: their region), by name, matching `search` (see `matching`),
    `occupation` (see `with_occupation`) and `filters` (see `FILTERS`)."""
    with uow:
        query = _readable(actor, search, occupation, filters).order_by(*_BY_NAME)
        return [person_dict(p, brief=True) for p in uow.session.scalars(query.limit(limit))]


def persons_page(uow, actor, search=None, page=1, per_page=PAGE, occupation=None, filters=None):
    """One page of `list_persons`: {"persons", "total", "page", "pages", "per_page"} (past the last: the last)."""
    with uow:
        session = uow.session
        query = _readable(actor, search, occupation, filters)
        total = session.scalar(query.with_only_columns(func.count(Person.id)))
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        rows = session.scalars(query.order_by(*_BY_NAME)
                               .limit(per_page).offset((page - 1) * per_page))
        return {"persons": [person_dict(p, brief=True) for p in rows], "total": total, "page": page,
                "pages": pages, "per_page": per_page}


def persons_after(uow, actor, search=None, region=None, cursor=None, limit=PAGE, occupation=None, filters=None):
    """Persons by number, after `cursor` (a person's number), for the API: {"items", "total", "limit",
    "next_cursor"} (None on the last page). Persons registered meanwhile do not shift the pages."""
    with uow:
        session = uow.session
        query = _readable(actor, search, occupation, filters)
        if region:
            query = query.where(Person.region == region)
        total = session.scalar(query.with_only_columns(func.count(Person.id)))
        if cursor:
            query = query.where(Person.id > cursor)
        rows = session.scalars(query.order_by(Person.id).limit(limit + 1)).all()
        return {"items": [person_dict(p, brief=True) for p in rows[:limit]], "total": total, "limit": limit,
                "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


def _readable(actor, search, occupation=None, filters=None):
    query = select(Person).where(Person.erased_at.is_(None))
    if not actor.roles & CENTRAL_ROLES:
        if not actor.roles & REGIONAL_ROLES:
            raise Forbidden("no access to personal files")
        query = query.where(Person.region == actor.region)
    if search and search.strip():
        query = query.where(matching(search))
    if occupation:
        query = query.where(with_occupation(occupation))
    return query.where(*_conditions(filters or {}, utcnow().date()))


# What the registry's lists may also be narrowed by, with the type of each value: `texte` words of the free
# fields (see engine.people.words), `experience_min` years at least, `disponibilite` available at the latest
# then (AVAILABILITY's order), `pret_pour_offres` the last concluded candidate services said "ready for offers".
FILTERS = {"sexe": str, "region": str, "niveau_etudes": str, "langue": str, "handicap": bool,
           "age_min": int, "age_max": int, "experience_min": int, "disponibilite": str, "pret_pour_offres": bool,
           "texte": str}


def _conditions(filters, today):
    """SQL conditions for `filters` (FILTERS' names; None or absent: not filtered). Ages are in whole
    years on `today`; a person without a birth date has no age and is left out of an age band."""
    columns = {"sexe": Person.sex, "region": Person.region, "niveau_etudes": Person.education,
               "handicap": Person.disability}
    conditions = [columns[name] == value for name, value in filters.items()
                  if name in columns and value is not None]
    if filters.get("langue"):
        code = reference.language_code(filters["langue"])  # "fr" of earlier versions: "fra"
        # The languages, as the JSON text each database gives ('["fra", "bam"]'): a code between quotes.
        spoken = func.coalesce(Person.details["langues"].as_string(), "")
        conditions.append(spoken.like(f'%"{code}"%') if _LANGUAGE.fullmatch(code) else false())
    if filters.get("age_min") is not None:
        conditions.append(Person.birth_date <= _years_before(today, filters["age_min"]))
    if filters.get("age_max") is not None:
        conditions.append(Person.birth_date > _years_before(today, filters["age_max"] + 1))
    if filters.get("experience_min") is not None:
        conditions.append(Person.experience_years >= filters["experience_min"])
    if filters.get("disponibilite"):
        latest = filters["disponibilite"]
        conditions.append(Person.availability.in_(AVAILABILITY[:AVAILABILITY.index(latest) + 1])
                          if latest in AVAILABILITY else false())
    if filters.get("pret_pour_offres"):
        conditions.append(ready_for_offers())
    if filters.get("texte") and filters["texte"].strip():
        condition = words.has_words(words.FREE_TEXT, filters["texte"])
        conditions.append(false() if condition is None else condition)
    return conditions


READY = "pret_pour_offre"  # the candidate services' outcome (engine.records.accompagnement_candidat.OUTCOMES)


def ready_for_offers():
    """SQL condition: the person's candidate services concluded "ready for offers", and no later file of
    theirs concluded otherwise (oriented to a training, gave up migrating)."""
    ready, later = aliased(CandidateService), aliased(CandidateService)
    return exists(select(ready.instance_id).where(
        ready.person_id == Person.id, ready.status == "conclu", ready.outcome == READY,
        ~exists(select(later.instance_id).where(later.person_id == ready.person_id, later.status == "conclu",
                                                later.outcome != READY, later.instance_id > ready.instance_id))))


def _years_before(today, years):
    """The day `years` before `today` (the 28th of February for a 29th in a year without one)."""
    year = today.year - min(max(years, 0), today.year - 1)
    return today.replace(year=year, day=28) if (today.month, today.day) == (2, 29) else today.replace(year=year)


def with_occupation(text):
    """SQL condition: the person exercises or seeks an occupation of the ISCO group `text` (1 to 4 digits:
    "711" finds the house builders, masons, carpenters...) or of the groups whose title holds its words
    ("maçon" finds the 7112 masons). Words no title holds find nobody."""
    codes = [text] if OCCUPATION_CODE.fullmatch(text or "") else occupations.isco_codes(text)
    if not codes:
        return false()
    exercised = Person.details["profession"].as_string()
    # The codes sought, as the JSON text each database gives ('["7112", "9313"]'): a code begins after a quote.
    sought = func.coalesce(Person.details["metiers_recherches"].as_string(), "")
    return or_(*[or_(exercised.like(f"{code}%"), sought.like(f'%"{code}%')) for code in codes])


def matching(search):
    """SQL condition: each word of `search` begins one of the person's names (in any order, without case or
    accents: "kone fanta" and "kon fan" find Koné Fanta), read from the words index; a number ("104",
    "76 45 12 09", "+223…") also finds the person of that number and, from 6 digits, those whose telephone
    contains them."""
    condition = words.has_words(words.NAMES, search)
    if condition is None:
        condition = false()
    if _NUMBER.fullmatch(search.strip()):
        digits = re.sub(r"[^0-9]", "", search)
        phone = Person.phone
        for separator in (" ", ".", "-", "+"):
            phone = func.replace(phone, separator, "")
        if len(digits) >= 6:  # fewer digits are in too many numbers
            condition = or_(condition, phone.like(f"%{digits}%"))
        if len(digits) <= 10 and int(digits) <= MAX_ID:
            condition = or_(condition, Person.id == int(digits))
    return condition
