"""The returns table, from the return procedure (manual §9.1).

One row per return file (under way, finished or cancelled by hand with the
reason: `status`, `cancel_reason`): who came back, when (the date of the return to Mali,
as recorded; `registered_on` is the day the file was opened), to which regional
directorate, from which country, for which reasons (several may apply, joined by
commas) and the category the decision table gave the return.
"""
from engine.records.fields import as_date, as_int, file_status, upsert
from engine.store.tables import Person, ReturnRecord

CATEGORIES = ("volontaire", "involontaire")


def project(session, instance):
    data = instance.data
    country = data.get("pays_provenance")
    upsert(session, ReturnRecord, instance.id, instance_id=instance.id,
           person_id=registered_person(session, data.get("migrant")),
           region=data.get("region") or data.get("region_initiateur"),
           category=data.get("categorie_retour") if data.get("categorie_retour") in CATEGORIES else None,
           reason=_reasons(data), country_from=country if _iso2(country) else None,
           registered_on=as_date(instance.started_at), returned_on=as_date(data.get("date_retour")),
           status=file_status(instance), cancel_reason=instance.cancel_reason)


def _reasons(data):
    """The return's reasons joined by commas; a file of an older version has a single `motif_retour`."""
    reasons = data.get("motifs_retour")
    if isinstance(reasons, list):
        return ",".join(str(r) for r in reasons)[:200] or None
    return data.get("motif_retour")


def registered_person(session, value):
    """The id of a person of the registry, or None (a foreign key must not point to nothing)."""
    person_id = as_int(value)
    return person_id if person_id is not None and session.get(Person, person_id) is not None else None


def _iso2(country):
    return isinstance(country, str) and len(country) == 2
