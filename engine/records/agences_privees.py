"""The agency reports table, from the private placement agencies procedure (manual §8.2.4).

One row per agency file and year: the years already closed come from
`rapports_annuels` (kept by the diagram's scripts) and are final; the year under
way comes from the current deadline and status, which only move forward.
A closed year's placements (one line per destination country and occupation,
with women and men) go to `agency_placements`, one row per line and sex.
"""
from datetime import date

from sqlalchemy import select

from engine.records.fields import as_date, as_int
from engine.store.tables import AgencyPlacement, AgencyReport

# Where a year under way may stand, in order: it never goes back.
_OPEN = {"en_attente": 0, "en_retard": 1}
STATUSES = ("en_attente", "a_temps", "en_retard")


def project(session, instance):
    data = instance.data
    agency = data.get("agence_nom")
    if not agency:
        return  # the agency is not recorded yet
    rows = {row.year: row for row in session.scalars(select(AgencyReport)
                                                     .where(AgencyReport.instance_id == instance.id))}
    closed = {}
    for report in (data.get("rapports_annuels") or {}).values():
        if isinstance(report, dict) and as_int(report.get("annee")) is not None:
            closed[report["annee"]] = report
    for year, report in closed.items():
        _write(session, rows.get(year), instance.id, year, agency, report.get("echeance"), report.get("recu_le"),
               report.get("placements"), report.get("statut"))
    _placements(session, instance.id, agency, closed)
    year, status = as_int(data.get("annee_rapport")), data.get("statut_rapport")
    if year is None or year in closed or status not in _OPEN:
        return
    row = rows.get(year)
    # Data of a branch that finished late (a reminder done after the report came in) is older: ignore it.
    if row is None or (row.received_on is None and _OPEN.get(row.status, 2) <= _OPEN[status]):
        _write(session, row, instance.id, year, agency, data.get("echeance_rapport"), None, None, status)


def _write(session, row, instance_id, year, agency, due, received, placements, status):
    if row is None:
        row = AgencyReport(instance_id=instance_id, year=year)
        session.add(row)
    row.agency, row.due_on, row.received_on = agency, as_date(due), as_date(received)
    row.placements = as_int(placements)
    row.status = status if status in STATUSES else "en_attente"


def _placements(session, instance_id, agency, closed):
    """Rows of the closed years' placement lines; a year already written is final."""
    written = set(session.scalars(select(AgencyPlacement.year).where(AgencyPlacement.instance_id == instance_id)))
    for year, report in closed.items():
        if year in written or not 1900 < year < 3000:
            continue
        for line in report.get("lignes") or []:
            if not isinstance(line, dict):
                continue
            for sex, key in (("F", "femmes"), ("M", "hommes")):
                workers = as_int(line.get(key))
                if workers:
                    session.add(AgencyPlacement(
                        instance_id=instance_id, agency=agency, year=year, year_end=date(year, 12, 31),
                        country=line.get("pays") if _iso2(line.get("pays")) else None,
                        occupation=str(line.get("metier") or "")[:200] or None, sex=sex, workers=workers))


def _iso2(country):
    return isinstance(country, str) and len(country) == 2
