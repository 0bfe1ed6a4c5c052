"""The employer register (§7.3, §7.4): one record per employer, found or created when an offer is recorded.

A form says which of its fields describe the employer with the mark `x-employer` (`name`, `country`,
`address`, `contact_name`, `contact_function`, `email`, `phone`): completing a task with such a form
finds the employer of the register by name and country (compared without case, accents or punctuation),
or creates it, and leaves its number in the file's data as `employeur_id`. A registered employer of the
same name and country reached by the same e-mail or telephone is the one. When the name and country
match employers otherwise and the agent chose none of them, the step is refused
(`PossibleEmployerDuplicate`) with the employers found: the agent picks the one it is, or confirms that
this is another employer of the same name, which the history records. Every change to a record is
audited (`employer_created`, `employer_updated`, `employer_account_linked`) with what changed.
"""
import re
from datetime import datetime
from dataclasses import dataclass

from sqlalchemy import func, select

from engine import audit
from engine.definitions import reference
from engine.errors import FieldError, Forbidden, NotFound, ValidationFailed
from engine.people.identity import folded, normalised_phone
from engine.records.fields import as_date
from engine.store.tables import Employer, EmployerAccount, EmployerFinding, Offer, OfferDeposit, as_utc, utcnow

DATA_KEY = "employeur_id"  # the file's data field holding the employer's number in the register
MARK = "x-employer"
# The record's columns a recording form may fill (its `x-employer` marks), and their length limits.
RECORDED = {"name": 200, "country": 2, "address": 500, "contact_name": 200, "contact_function": 200,
            "email": 254, "phone": 40}
# What DCIM may edit on the employer's page: the recorded columns and what no offer form asks.
EDITABLE = {**RECORDED, "sector": 200, "registration_numbers": 500}
CONTACTS = ("address", "contact_name", "contact_function", "email", "phone")
EDITORS = {"dcim"}
# Who reads the register: DCIM, the managers (and the administrator, who reads every file), the
# regional counsellors (the offers they display). Only the first read the employer's contacts and
# what the verifications found in words; a counsellor reads the verdicts.
READERS = {"dcim", "direction", "admin", "conseiller"}
CONTACT_READERS = {"dcim", "direction", "admin"}
_DROPPED = re.compile(r"[.'’]")  # S.L. is SL, l'Atlas is latlas
_PUNCTUATION = re.compile(r"[^\w ]+")


def name_key(name):
    """An employer's name as it is compared: no case, accents, punctuation or extra spaces
    ("Frutas del Condado, S.L." and "FRUTAS DEL CONDADO SL" → "frutas del condado sl"; "Bâtir-Lagunes" and
    "batir lagunes" alike)."""
    return " ".join(_PUNCTUATION.sub(" ", _DROPPED.sub("", folded(name))).split())[:200]


def marked(schema):
    """{mark: field name} of the top-level fields a form marks `x-employer`."""
    return {prop[MARK]: name for name, prop in (schema or {}).get("properties", {}).items()
            if isinstance(prop, dict) and isinstance(prop.get(MARK), str)}


def may_read(actor):
    return bool(actor.roles & READERS)


def reads_contacts(actor):
    return bool(actor.roles & CONTACT_READERS)


@dataclass(frozen=True)
class Choice:
    """What the agent said of the employers a recording matched: `employer_id`, the one it is; or
    `other_than`, the employers it checked this one is not."""

    employer_id: int | None = None
    other_than: frozenset = frozenset()


class PossibleEmployerDuplicate(ValidationFailed):
    """A recording whose employer looks registered already (`employers`: [{id, name, country, offers}])."""

    code = "possible_employer_duplicate"

    def __init__(self, employers):
        super().__init__([FieldError("", "possible_employer_duplicate", {"count": len(employers)})])
        self.employers = employers


def same_employers(session, name, country):
    """The employers of the register with the same name (see `name_key`) in the same country, by number."""
    key = name_key(name)
    if not key or not country:
        return []
    return list(session.scalars(select(Employer).where(Employer.name_key == key, Employer.country == country)
                                .order_by(Employer.id)))


def matches_of(session, data, schema):
    """The employers a recording form's `data` (not sent yet) names, for the task page: [] when the
    form marks no employer, when the data names none, or when it already carries one of them."""
    marks = marked(schema)
    if "name" not in marks or "country" not in marks:
        return []
    found = same_employers(session, data.get(marks["name"]), data.get(marks["country"]))
    return [] if data.get(DATA_KEY) in {e.id for e in found} else [_brief(session, e) for e in found]


def on_completion(session, actor, instance, task_id, schema, task_data, data, choice=None):
    """What completing a task with `data` does to the register, in the task's transaction.

    A recording form (marks `name` and `country`) finds or creates the employer and updates its
    recorded columns from `data` (each change audited); a verification form (mark `credible`)
    notes its finding on the employer the file names. Returns the data the file gains
    (`{DATA_KEY: id}` for a recording, else {}). Raises PossibleEmployerDuplicate (see the module),
    or ValidationFailed when `choice` names no employer of the register.
    """
    marks = marked(schema)
    if "name" in marks and "country" in marks:
        if not _text(data.get(marks["name"])) or not _text(data.get(marks["country"])):
            return {}  # a form that leaves the employer out names none
        employer = _recorded(session, actor, instance, marks, task_data.get(DATA_KEY), data, choice or Choice())
        _link_account(session, actor, instance, employer)
        return {DATA_KEY: employer.id}
    if "credible" in marks and isinstance(task_data.get(DATA_KEY), int):
        note_finding(session, actor, instance, task_id, task_data[DATA_KEY], marks, data)
    return {}


def _recorded(session, actor, instance, marks, current_id, data, choice):
    typed = {column: _text(data.get(field)) for column, field in marks.items() if column in RECORDED}
    if choice.employer_id is not None:
        employer = session.get(Employer, choice.employer_id)
        if employer is None:
            raise ValidationFailed([FieldError("", "unknown_employer", {"id": choice.employer_id})])
        _update(session, actor, employer, typed, instance)
        return employer
    alike = same_employers(session, typed["name"], typed["country"])
    current = next((e for e in alike if e.id == current_id), None)
    if current is not None:  # the file already names this employer (a deposit, a step done again)
        _update(session, actor, current, typed, instance)
        return current
    reached = [e for e in alike if _same_contact(e, typed)]
    if len(reached) == 1 and not choice.other_than:  # same name, country and e-mail or telephone: no doubt
        _update(session, actor, reached[0], typed, instance)
        return reached[0]
    if alike and not {e.id for e in alike} <= set(choice.other_than):
        raise PossibleEmployerDuplicate([_brief(session, e) for e in alike])
    employer = Employer(**{column: value for column, value in typed.items() if value is not None},
                        name_key=name_key(typed["name"]), created_by=actor.username)
    session.add(employer)
    session.flush()
    extra = {"other_than": sorted(e.id for e in alike)} if alike else {}
    audit.record(session, "employer_created", actor.username, employer_id=employer.id, name=employer.name,
                 country=employer.country, **_file(instance), **extra)
    return employer


def _update(session, actor, employer, typed, instance=None):
    """Write the columns of `typed` that say something new (an empty value keeps what the record holds)."""
    changes = {column: {"old": getattr(employer, column), "new": value} for column, value in typed.items()
               if value is not None and value != getattr(employer, column)}
    if instance is not None:  # a recording does not rename: the register keeps its name and country
        changes.pop("name", None), changes.pop("country", None)
    if not changes:
        return
    for column, change in changes.items():
        setattr(employer, column, change["new"])
    if "name" in changes:
        employer.name_key = name_key(employer.name)
    employer.updated_at = utcnow()
    audit.record(session, "employer_updated", actor.username, employer_id=employer.id, changes=changes,
                 **_file(instance))


def _same_contact(employer, typed):
    """Whether a recording reaches the registered `employer` by the same e-mail or telephone number."""
    if typed.get("email") and employer.email and typed["email"].casefold() == employer.email.casefold():
        return True
    phone = normalised_phone(typed.get("phone") or "")
    return phone is not None and phone == normalised_phone(employer.phone or "")


def _link_account(session, actor, instance, employer):
    """A deposited offer's portal account speaks for the employer DCIM recorded (if it spoke for none yet)."""
    account = session.scalar(select(EmployerAccount).join(OfferDeposit, OfferDeposit.employer_id == EmployerAccount.id)
                             .where(OfferDeposit.instance_id == instance.id))
    if account is None or account.register_id is not None:
        return
    account.register_id = employer.id
    audit.record(session, "employer_account_linked", actor.username, employer_id=employer.id,
                 employer_account_id=account.id, changes={"account": {"old": None, "new": account.id}}, **_file(instance))


def _file(instance):
    """The file a change of the register comes from, in its event's details (the register's events stay out
    of the files' own histories)."""
    return {"file_id": instance.id, "business_key": instance.business_key} if instance is not None else {}


def _text(value):
    return value.strip() or None if isinstance(value, str) else None


def _brief(session, employer):
    offers = session.scalar(select(func.count()).where(Offer.employer_id == employer.id))
    return {"id": employer.id, "name": employer.name, "country": employer.country, "offers": offers}


def register_employer_of_account(session, account_id):
    """The register's number of the employer a portal account speaks for, or None (not recorded yet)."""
    return session.scalar(select(EmployerAccount.register_id).where(EmployerAccount.id == account_id))


def update_employer(uow, actor, employer_id, data):
    """DCIM corrects or completes an employer's record (name, country, contacts, sector, registration
    numbers); returns the record (`employer_dict`, with its contacts).

    Forbidden for anyone but DCIM; NotFound; ValidationFailed (a name of fewer than 2 characters, a
    country not in the list, a text too long). A name and country that another employer of the register
    already has are refused (`same_employer`) unless `other_than` lists that employer. One transaction,
    audited as `employer_updated` with the old and new value of each field changed.
    """
    if not actor.roles & EDITORS:
        raise Forbidden("only DCIM edits the employer register", reason="employers_dcim")
    typed = {column: _text(data.get(column)) for column in EDITABLE}
    errors = [FieldError(column, "maxLength", {"limit": limit}) for column, limit in EDITABLE.items()
              if typed[column] and len(typed[column]) > limit]
    if not typed["name"] or len(typed["name"]) < 2:
        errors.append(FieldError("name", "required"))
    if typed["country"] not in dict(reference.choices("countries", {})):
        errors.append(FieldError("country", "required" if not typed["country"] else "enum"))
    with uow:
        session = uow.session
        employer = session.get(Employer, employer_id)
        if employer is None:
            raise NotFound(f"no employer {employer_id}")
        if errors:
            raise ValidationFailed(errors)
        others = [e for e in same_employers(session, typed["name"], typed["country"]) if e.id != employer.id]
        if others and not {e.id for e in others} <= set(data.get("other_than", ())):
            raise PossibleEmployerDuplicate([_brief(session, e) for e in others])
        changes = {column: {"old": getattr(employer, column), "new": value} for column, value in typed.items()
                   if value != getattr(employer, column)}  # emptying a field is a change too, on this page
        if changes:
            for column, change in changes.items():
                setattr(employer, column, change["new"])
            employer.name_key, employer.updated_at = name_key(employer.name), utcnow()
            extra = {"other_than": sorted(e.id for e in others)} if others else {}
            audit.record(session, "employer_updated", actor.username, employer_id=employer.id, changes=changes,
                         **extra)
        uow.commit()
        return employer_dict(employer, contacts=True)


def employer_dict(employer, contacts):
    """An employer's record; without its contacts (address, contact person, e-mail, telephone) unless `contacts`."""
    result = {"id": employer.id, "name": employer.name, "country": employer.country, "sector": employer.sector,
              "registration_numbers": employer.registration_numbers, "created_at": iso_text(employer.created_at),
              "created_by": employer.created_by, "updated_at": iso_text(employer.updated_at)}
    if contacts:
        result |= {column: getattr(employer, column) for column in CONTACTS}
    return result


def note_finding(session, actor, instance, task_id, employer_id, marks, data):
    """Keep what a verification step found of the employer (the task's own event holds the same values)."""
    if session.get(Employer, employer_id) is None:
        return
    sources = data.get(marks.get("sources"))
    session.add(EmployerFinding(
        employer_id=employer_id, instance_id=instance.id, task_id=str(task_id),
        credible=data.get(marks["credible"]) if isinstance(data.get(marks["credible"]), bool) else None,
        findings=_text(data.get(marks.get("findings"))), reason=_text(data.get(marks.get("reason"))),
        sources=sources if isinstance(sources, list) else [], checked_on=as_date(data.get(marks.get("checked_on"))),
        found_by=actor.username))


def iso_text(moment):
    """A date, or a date and time in UTC, as ISO text (the API's form); None stays None."""
    if moment is None:
        return None
    return (as_utc(moment) if isinstance(moment, datetime) else moment).isoformat()
