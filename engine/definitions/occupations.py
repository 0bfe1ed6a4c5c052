"""Occupations as codes: the ILO's ISCO-08 in French (CITP-08, data/citp08.tsv: major groups to unit
groups), and the agency's own nomenclature (ROAME), each of its occupations mapped to an ISCO code,
loaded from a CSV file (`load_agency_occupations`). Forms store the ISCO code of a unit group ("7112");
a field whose schema says `"x-reference": "occupations"` offers them, searchable by code or words.
"""
import csv
import io
from functools import lru_cache
from pathlib import Path

from sqlalchemy import delete, select

from engine import audit
from engine.errors import FieldError, ValidationFailed
from engine.store.folding import fold
from engine.store.tables import AgencyOccupation, utcnow

ISCO_FILE = Path(__file__).parent / "data" / "citp08.tsv"
LEVELS = {1: "grand_groupe", 2: "sous_grand_groupe", 3: "sous_groupe", 4: "groupe_de_base"}
CSV_COLUMNS = ("code", "title", "isco_code")
MAX_ROWS = 20_000  # a nomenclature far larger than ROAME's is a wrong file


@lru_cache
def isco():
    """The ISCO-08 groups in code order: [{"code", "titre", "niveau"}] (niveau: 1 major to 4 unit group)."""
    groups = []
    for line in ISCO_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, title = line.split("\t")
            groups.append({"code": code, "titre": title, "niveau": len(code)})
    return groups


@lru_cache
def _by_code():
    return {group["code"]: group for group in isco()}


def isco_title(code):
    """The French title of an ISCO-08 group ("7112" → "Maçons"), None for a code it does not have."""
    group = _by_code().get(code) if isinstance(code, str) else None
    return group["titre"] if group else None


def groups_of(code):
    """The groups above an ISCO code, from the major group down: "7112" → ["7", "71", "711"]."""
    return [code[:n] for n in range(1, len(code))] if code in _by_code() else []


@lru_cache
def unit_choices():
    """(code, "7112 — Maçons") of the 436 unit groups: what a form's occupation field offers."""
    return tuple((g["code"], f"{g['code']} — {g['titre']}") for g in isco() if g["niveau"] == 4)


def choices(session):
    """A form's occupation choices: the agency's own occupations (their ISCO code, their title and
    code), then the ISCO unit groups; the stored value is always an ISCO code."""
    rows = session.scalars(select(AgencyOccupation).order_by(AgencyOccupation.title))
    agency = [(row.isco_code, f"{row.title} (ROAME {row.code})") for row in rows
              if len(row.isco_code) == 4]
    return agency + list(unit_choices())


def search(session, text, limit=20):
    """ISCO groups and agency occupations matching `text`: a code's first digits ("711", "7112"), or
    words found in the title whatever their order, case and accents ("macon", "aide soignant").
    Unit groups first, then the groups above them, then the agency's occupations; at most `limit`.
    Each: {"code", "titre", "niveau", "source" ("CITP-08" or "ROAME"), "isco"}.
    """
    typed = fold(text or "").strip()
    if not typed:
        return []
    found = [dict(g, source="CITP-08", isco=g["code"]) for g in isco() if _matches(typed, g["code"], g["titre"])]
    found.sort(key=lambda g: (-g["niveau"], g["code"]))
    rows = session.scalars(select(AgencyOccupation).order_by(AgencyOccupation.code))
    found += [{"code": row.code, "titre": row.title, "niveau": None, "source": "ROAME", "isco": row.isco_code}
              for row in rows if _matches(typed, row.code, row.title)]
    return found[:limit]


def isco_codes(text, limit=50):
    """The ISCO groups whose title holds every word of `text` (a group already covered by a larger one
    found is left out: "maçon" gives 7112; "travailleurs" gives whole major groups), at most `limit`."""
    typed = fold(text or "").strip()
    if not typed or typed.isdigit():
        return [typed] if typed else []
    codes = []
    for code in sorted(g["code"] for g in isco() if _matches(typed, g["code"], g["titre"])):
        if not any(code.startswith(kept) for kept in codes):
            codes.append(code)
    return codes[:limit]


def _matches(typed, code, title):
    if typed.isdigit():
        return code.startswith(typed)
    words = _plain(title)
    return all(word in words for word in _plain(typed).split())


def _plain(text):
    """Folded, and the joined letters written apart: "manœuvres" is found by "manoeuvres"."""
    return fold(text).replace("œ", "oe").replace("æ", "ae")


def read_agency_csv(text):
    """The rows of an agency nomenclature file (CSV, comma or semicolon: code, title, isco_code; a first
    line naming the columns is skipped). ValidationFailed naming each wrong line and what to fix."""
    dialect = csv.excel if text.count(",") >= text.count(";") else _Semicolon
    rows, errors, seen = [], [], set()
    for number, cells in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff")), dialect), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells) or (number == 1 and tuple(c.lower() for c in cells[:3]) == CSV_COLUMNS):
            continue
        line = f"line {number}"
        if len(cells) != 3:
            errors.append(FieldError(line, "columns", {"expected": ", ".join(CSV_COLUMNS), "found": len(cells)}))
            continue
        code, title, isco_code = cells
        if not code or len(code) > 20 or not title or len(title) > 300:
            errors.append(FieldError(line, "code_or_title", {"code": code}))
        elif code in seen:
            errors.append(FieldError(line, "duplicate_code", {"code": code}))
        elif isco_title(isco_code) is None:
            errors.append(FieldError(line, "unknown_isco", {"code": code, "isco_code": isco_code}))
        else:
            seen.add(code)
            rows.append({"code": code, "title": title, "isco_code": isco_code})
    if len(rows) > MAX_ROWS:
        errors.append(FieldError("", "too_many_rows", {"limit": MAX_ROWS}))
    if errors or not rows:
        raise ValidationFailed(errors or [FieldError("", "no_rows")])
    return rows


class _Semicolon(csv.excel):
    delimiter = ";"


def load_agency_occupations(uow, rows, actor="admin"):
    """Make `rows` ([{code, title, isco_code}], see read_agency_csv) the agency's nomenclature, replacing
    the one loaded before, in one transaction recorded as `occupations_loaded`. Returns the count.
    Values already stored are ISCO codes: they keep their meaning."""
    with uow:
        session = uow.session
        before = len(session.scalars(select(AgencyOccupation.code)).all())
        session.execute(delete(AgencyOccupation))
        now = utcnow()
        session.add_all([AgencyOccupation(**row, loaded_at=now) for row in rows])
        audit.record(session, "occupations_loaded", actor, count=len(rows), replaced=before)
        uow.commit()
    return len(rows)
