"""What a counsellor reads of a file shared between regions: their region's persons only.

Preselection, presentation to the employer and final selection gather the candidates of
several regions in one file, which records each candidate's region
(`region_des_candidats`, and `inscrits_du_tour`/`nouveaux_inscrits` while a round runs).
A counsellor reads that file without the other regions' persons: person-keyed maps
lose their entries, lists of persons their members, region-keyed maps (one entry per
regional directorate) the other regions' entries, and the candidate a step is about
(`candidat`, `candidat_evalue`), when of another region, is left out with what the step
recorded about them; in the history, another region's steps show no changes, no step shows
an evaluation, and the events about one person of another region (a message sent to them) are left out. Everyone else (DCIM, direction, evaluators...) reads the whole file.
Persons a file lists without their region (`candidats_deja_traites`: everyone already handled for the offer)
are placed by their personal file's region (`person_regions`).
"""
from sqlalchemy import select

from engine.accounts.access import sees_everything
from engine.accounts.roles import REGIONAL_ROLES
from engine.store.tables import Person

_PERSON_REGIONS = ("region_des_candidats", "inscrits_du_tour", "nouveaux_inscrits")
_PERSON_LISTS = ("candidats_deja_traites",)
# The candidate a per-candidate step is about, and what that step recorded about them.
_SUBJECTS = ("candidat", "candidat_evalue")
_ABOUT_SUBJECT = ("evaluation", "decision_tests", "resultat_candidat")


def own_region_only(actor):
    """The region of a reader who reads only their region's persons (a counsellor), else None."""
    if actor is None or not actor.roles & REGIONAL_ROLES or sees_everything(actor):
        return None
    return actor.region


def person_regions(session, data, actor):
    """{person id as text: region} of the persons `data` lists without their region, read from their personal
    files; {} for a reader who reads every region's persons (no query)."""
    if own_region_only(actor) is None or not isinstance(data, dict):
        return {}
    ids = {item for name in _PERSON_LISTS if isinstance(data.get(name), list) for item in data[name]
           if isinstance(item, int) and not isinstance(item, bool)}
    if not ids:
        return {}
    return {str(person): region for person, region in
            session.execute(select(Person.id, Person.region).where(Person.id.in_(sorted(ids))))}


def regional_view(data, actor, known=None):
    """`data` as `actor` may read it, and how many persons of other regions it leaves out; `known` places persons
    the data lists without their region (`person_regions`).

    Unchanged (and 0) for anyone but a counsellor, and for a file naming no region's persons.
    """
    places = _places(data, actor, known)
    return (places.view(data), len(places.others)) if places else (data, 0)


def history_view(events, data, actor, known=None):
    """A file's history events (`event_dict`s) as `actor` may read them, the file's `data` (and `known`, from
    `person_regions`) saying whose region each person is: another region's steps without their changes, the
    others' changes without those persons."""
    places = _places(data, actor, known)
    if places is None:
        return events
    shown = []
    for event in events:
        if event["details"].get("person_id") is not None and event["region"] not in (None, actor.region):
            continue  # about one person of another region (a message sent to them): not the counsellor's to read
        changes = {} if event["region"] not in (None, actor.region) else event["changes"]
        old = places.view({name: change["old"] for name, change in changes.items()})
        new = places.view({name: change["new"] for name, change in changes.items()})
        # A step about one candidate (an evaluation) does not say which in its changes: left out.
        changes = {name: {"old": old[name], "new": new[name]} for name in changes
                   if name in old and name in new and name not in _ABOUT_SUBJECT}
        details = {**event["details"], "changes": changes} if "changes" in event["details"] else event["details"]
        shown.append({**event, "changes": changes, "details": details})
    return shown


def _places(data, actor, known=None):
    if actor is None or not actor.roles & REGIONAL_ROLES or sees_everything(actor) or not isinstance(data, dict):
        return None
    regions = dict(known or {})
    for name in _PERSON_REGIONS:
        if isinstance(data.get(name), dict):
            regions.update({str(person): region for person, region in data[name].items()})
    others = {person for person, region in regions.items() if region != actor.region}
    if not others:
        return None
    return _Places(set(regions), others, set(regions.values()) | set(data.get("regions_concernees") or []),
                   actor.region)


class _Places:
    """Known persons (ids as text), those of other regions, known regions, and the reader's region."""

    def __init__(self, persons, others, regions, own):
        self.persons, self.others, self.regions, self.own = persons, others, regions, own

    def view(self, data):
        """A data dict without what it says of other regions' persons."""
        view = {name: self.without(value) for name, value in data.items()
                if not (name in _SUBJECTS and str(value) in self.others)}
        if any(str(data.get(name)) in self.others for name in _SUBJECTS if name in data):
            for name in _ABOUT_SUBJECT:
                view.pop(name, None)
        return view

    def without(self, value):
        """`value` without what it says of other regions' persons (maps and lists made only of them)."""
        if isinstance(value, dict) and value:
            keys = {str(key) for key in value}
            if keys <= self.regions:  # one entry per regional directorate: one's own
                return {key: self.without(item) for key, item in value.items() if key == self.own}
            if keys <= self.persons:
                return {key: self.without(item) for key, item in value.items() if str(key) not in self.others}
            return {key: self.without(item) for key, item in value.items()}
        if isinstance(value, list) and value and all(
                isinstance(item, int) and not isinstance(item, bool) for item in value) and \
                any(str(item) in self.persons for item in value):
            return [item for item in value if str(item) not in self.others]
        return value
