"""Country information sheets (manual §8.2.1, §8.2.8): what DCIM knows of each destination country.

A sheet says which free-movement regime applies to Malians there (the AES confederation, ECOWAS's
transitional arrangements since Mali's withdrawal on 29 January 2025, a bilateral agreement, or the general
rules for foreigners), whether a work visa and a work permit are needed, and what candidates should be told:
the legal frame, living and working conditions, useful addresses. The departure aid asks for the documents
the destination requires (`required_documents`); counsellors read the sheets with candidates.

Until DCIM edits a country's sheet, it reads the bundled defaults (data/destinations.json). Each edit is a
new version of the sheet (who, when), recorded in the audit with what changed.
"""
import json
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from engine import audit
from engine.definitions import reference
from engine.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from engine.store.tables import CountrySheet, utcnow

DESTINATIONS_FILE = Path(__file__).parent / "data" / "destinations.json"
TEXT_FIELDS = {"cadre_legal": "legal_frame", "conditions_vie_travail": "living_conditions",
               "adresses_utiles": "useful_addresses"}
TEXT_LIMIT = 5000  # characters of each text of a sheet
EDITORS = {"dcim", "admin"}  # DCIM prepares the information (§8.2.1); the administrator may fix a sheet


@lru_cache
def destinations():
    """The bundled data: {documents, regimes, default, countries}, as in DESTINATIONS_FILE."""
    return json.loads(DESTINATIONS_FILE.read_text(encoding="utf-8"))


def documents():
    """The documents of §8.2.8, in the manual's order."""
    return list(destinations()["documents"])


def regimes():
    """{code: {fr, en}} of the free-movement regimes a sheet may name."""
    return dict(destinations()["regimes"])


def _known(code):
    return isinstance(code, str) and reference.country_name(code) is not None


def sheet_of(session, code):
    """The sheet of country `code` as a dict (DCIM's edited one, else the bundled defaults), or None for a
    code that is no country."""
    if not _known(code):
        return None
    row = session.get(CountrySheet, code)
    if row is not None:
        return {"pays": code, "regime": row.regime, "visa": row.visa_required,
                "permis_travail": row.work_permit_required, "cadre_legal": row.legal_frame,
                "conditions_vie_travail": row.living_conditions, "adresses_utiles": row.useful_addresses,
                "version": row.version, "modifie_par": row.updated_by, "modifie_le": row.updated_at.isoformat(),
                "par_defaut": False}
    bundled = destinations()["countries"].get(code) or destinations()["default"]
    return {"pays": code, "regime": bundled["regime"], "visa": bundled["visa"],
            "permis_travail": bundled["permis_travail"], "cadre_legal": "", "conditions_vie_travail": "",
            "adresses_utiles": "", "version": 0, "modifie_par": None, "modifie_le": None, "par_defaut": True}


def required_documents(session, code):
    """The documents of §8.2.8 that a departure to `code` requires, in the manual's order: all of them but
    the visa and the work permit when the country's sheet says they are not needed; all for an unknown code."""
    sheet = sheet_of(session, code)
    skipped = set()
    if sheet is not None and not sheet["visa"]:
        skipped.add("visa_travail")
    if sheet is not None and not sheet["permis_travail"]:
        skipped.add("permis_travail")
    return [doc for doc in documents() if doc not in skipped]


def list_country_sheets(uow, actor):
    """Every country with a sheet: those DCIM edited and those of the bundled data, sorted by French name.

    Any signed-in staff member may read them (counsellors read them with candidates)."""
    with uow:
        edited = set(uow.session.scalars(select(CountrySheet.country)))
        codes = edited | set(destinations()["countries"])
        sheets = [sheet_of(uow.session, code) for code in codes if _known(code)]
    return sorted(sheets, key=lambda s: reference.country_name(s["pays"]).casefold())


def get_country_sheet(uow, actor, code):
    """One country's sheet; NotFound for a code that is no ISO 3166-1 country."""
    with uow:
        sheet = sheet_of(uow.session, code)
    if sheet is None:
        raise NotFound(f"no country {code!r}")
    return sheet


def published_country_sheets(uow):
    """The sheets the public reads on the portal: only those DCIM has written (never the bundled defaults, which
    wait for DCIM's check), sorted by French name, without who edited them (staff data)."""
    return [_public(sheet) for sheet in list_country_sheets(uow, None) if not sheet["par_defaut"]]


def published_country_sheet(uow, code):
    """One published sheet for the public (see published_country_sheets); NotFound for any other code."""
    with uow:
        sheet = sheet_of(uow.session, code)
    if sheet is None or sheet["par_defaut"]:
        raise NotFound(f"no published sheet for {code!r}")
    return _public(sheet)


def _public(sheet):
    return {name: sheet[name] for name in ("pays", "regime", "visa", "permis_travail", *TEXT_FIELDS)} | {
        "mis_a_jour_le": sheet["modifie_le"][:10]}


def update_country_sheet(uow, actor, code, data, version):
    """DCIM saves a country's sheet as a new version; returns it.

    `data` holds `regime`, `visa` and `permis_travail` (booleans) and the three texts; `version` is the
    version the editor read (0 for the defaults). Forbidden (reason `country_sheets_dcim`) for anyone but
    DCIM and the administrator; NotFound for an unknown country; ValidationFailed listing each field's
    problem; Conflict (reason `country_sheet_changed`) when someone saved the sheet since it was read.
    One transaction: the sheet and its `country_sheet_updated` audit event (the fields that changed, old
    and new values) are written together.
    """
    if not actor.roles & EDITORS:
        raise Forbidden("only DCIM edits the country sheets", reason="country_sheets_dcim")
    values = _checked(data)
    with uow:
        session = uow.session
        before = sheet_of(session, code)
        if before is None:
            raise NotFound(f"no country {code!r}")
        if before["version"] != version:
            raise Conflict("the sheet changed since it was read", reason="country_sheet_changed")
        changes = {name: [before[name], value] for name, value in values.items() if before[name] != value}
        row = session.get(CountrySheet, code) or CountrySheet(country=code)
        row.regime, row.visa_required, row.work_permit_required = values["regime"], values["visa"], \
            values["permis_travail"]
        for name, column in TEXT_FIELDS.items():
            setattr(row, column, values[name])
        row.version, row.updated_by, row.updated_at = version + 1, actor.username, utcnow()
        session.add(row)
        audit.record(session, "country_sheet_updated", actor.username, region=actor.region, pays=code,
                     version=version + 1, changes=changes)
        session.flush()
        after = sheet_of(session, code)
        uow.commit()
    return after


def _checked(data):
    """The sheet's values from `data`, or ValidationFailed naming each field to fix."""
    errors, values = [], {}
    regime = data.get("regime")
    if regime not in regimes():
        errors.append(FieldError("regime", "enum"))
    values["regime"] = regime
    for name in ("visa", "permis_travail"):
        if not isinstance(data.get(name), bool):
            errors.append(FieldError(name, "type", {"expected": "boolean"}))
        values[name] = data.get(name)
    for name in TEXT_FIELDS:
        text = data.get(name) or ""
        if not isinstance(text, str):
            errors.append(FieldError(name, "type", {"expected": "string"}))
        elif len(text) > TEXT_LIMIT:
            errors.append(FieldError(name, "maxLength", {"limit": TEXT_LIMIT}))
        values[name] = text.strip() if isinstance(text, str) else ""
    if errors:
        raise ValidationFailed(errors)
    return values
