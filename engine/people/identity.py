"""Telling registered persons apart: names compared without case or accents, telephone numbers in one
written form, the birth dates a registration may carry, and the persons a new registration may repeat.
"""
import re
import unicodedata
from datetime import date

from sqlalchemy import func, select

from engine.errors import FieldError, ValidationFailed
from engine.store.tables import Person

MIN_AGE = 15  # the youngest a person registered for work abroad may be (years)
MALI = "+223"
_SEPARATORS = re.compile(r"[\s.\-/()\u00a0\u202f]")
_DIGITS = re.compile(r"[0-9]+")


def folded(text):
    """`text` lower-cased, without accents, spaces collapsed: "  Keïta  Aminata" → "keita aminata"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def normalised_phone(text):
    """A telephone number in its international form without spaces, or None when it cannot be read.

    Malian numbers are 8 digits and gain +223 ("76 12 34 56" → "+22376123456"); a number written with
    its country code ("+33 6 12 34 56 78", "0033 6…") keeps it. Anything else (too short, letters)
    is None: the caller says what to type.
    """
    raw = _SEPARATORS.sub("", text or "")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    plus, digits = raw.startswith("+"), raw.removeprefix("+")
    if not _DIGITS.fullmatch(digits):
        return None
    if not plus and len(digits) == 8:
        return MALI + digits
    if not plus and not (len(digits) == 11 and digits.startswith("223")):
        return None  # without its country code, only a Malian number is understood
    if digits.startswith("223") and len(digits) != 11:
        return None  # +223 is always followed by 8 digits
    return "+" + digits if 8 <= len(digits) <= 15 else None  # E.164: at most 15 digits


def phone_forms(phone):
    """The ways an already normalised number may have been stored before numbers were normalised."""
    forms = {phone, "00" + phone[1:], phone[1:]}
    if phone.startswith(MALI):
        forms.add(phone[len(MALI):])
    return forms


def checked_birth_date(value, today):
    """A registration's birth date (ISO text) as a date; ValidationFailed when it is in the future or the
    person is under MIN_AGE on `today`. None for no date; a malformed date is left to the schema."""
    try:
        born = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    if born is None:
        return None
    if born > today:
        raise ValidationFailed([FieldError("date_naissance", "birth_date_future", {"today": today.isoformat()})])
    if _years_between(born, today) < MIN_AGE:
        raise ValidationFailed([FieldError("date_naissance", "too_young", {"limit": MIN_AGE})])
    return born


def _years_between(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def same_persons(session, last_name, first_names, birth_date, phone):
    """The registered persons (not erased) who look like the one described: same names (without case or
    accents) and birth date, or the same telephone number. Sorted by id."""
    found = {}
    if birth_date:
        name = folded(f"{last_name} {first_names}")
        query = select(Person).where(Person.birth_date == birth_date, Person.erased_at.is_(None))
        found |= {p.id: p for p in session.scalars(query) if folded(f"{p.last_name} {p.first_names}") == name}
    if phone:
        stored = Person.phone
        for separator in (" ", ".", "-", "\u00a0"):
            stored = func.replace(stored, separator, "")
        query = select(Person).where(stored.in_(sorted(phone_forms(phone))), Person.erased_at.is_(None))
        found |= {p.id: p for p in session.scalars(query)}
    return [found[key] for key in sorted(found)]


class PossibleDuplicate(ValidationFailed):
    """A registration that looks like persons already registered (`persons`: [{id, label, region,
    readable, reasons}]); sent again with the counsellor's confirmation that it is someone else,
    it is taken."""

    code = "possible_duplicate"

    def __init__(self, persons):
        super().__init__([FieldError("", "possible_duplicate", {"count": len(persons)})])
        self.persons = persons
