"""What the agency knows of an employer of the register: its offers, what the verifications found, how
its offers ended, and what DCIM must know before verifying a new one (§7.3, "historique des relations
avec l'ANPE").

DCIM, the managers and the administrator read everything; a regional counsellor reads the list, the
offers and the outcomes, the verdicts without the findings' words, and no contacts. Each read of one
employer's history is recorded (`employer_read`).
"""
from sqlalchemy import func, select

from engine import audit
from engine.errors import Forbidden, NotFound
from engine.people.employers import (
    DATA_KEY,
    employer_dict,
    iso_text,
    marked,
    matches_of,
    may_read,
    name_key,
    reads_contacts,
)
from engine.store.folding import like_pattern
from engine.store.tables import (
    AuditEvent,
    Departure,
    Employer,
    EmployerAccount,
    EmployerFinding,
    Instance,
    Offer,
)

PAGE = 50
CHANGE_KINDS = ("employer_created", "employer_updated", "employer_account_linked")
# Departures cancelled for a cause that is the employer's.
EMPLOYER_CAUSES = ("contrat_non_conforme", "offre_retiree")


def list_employers(uow, actor, search=None, country=None, page=1, per_page=PAGE):
    """One page of the register by name: {"employers", "total", "page", "pages", "per_page"}.

    `search` finds names holding each of its words, without case, accents or punctuation ("condado frutas"
    finds "Frutas del Condado S.L."); `country` an ISO code.
    Each employer comes with its number of offers and of verifications that judged it not credible.
    Forbidden for roles that do not read the register. Nothing is recorded (the list shows no contacts).
    """
    _check(actor)
    query = _found(search, country)
    with uow:
        session = uow.session
        total = session.scalar(query.with_only_columns(func.count(Employer.id)))
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        rows = session.scalars(query.order_by(Employer.name_key, Employer.id).limit(per_page)
                               .offset((page - 1) * per_page)).all()
        ids = [e.id for e in rows]
        offers = dict(session.execute(select(Offer.employer_id, func.count()).where(Offer.employer_id.in_(ids))
                                      .group_by(Offer.employer_id)).all())
        doubts = dict(session.execute(select(EmployerFinding.employer_id, func.count())
                                      .where(EmployerFinding.employer_id.in_(ids), EmployerFinding.credible.is_(False))
                                      .group_by(EmployerFinding.employer_id)).all())
        return {"employers": [employer_dict(e, contacts=False) | {"offers": offers.get(e.id, 0),
                                                                  "not_credible": doubts.get(e.id, 0)} for e in rows],
                "total": total, "page": page, "pages": pages, "per_page": per_page}


def employers_after(uow, actor, search=None, country=None, cursor=None, limit=PAGE):
    """The register by number after `cursor`, for the API: {"items", "total", "limit", "next_cursor"}."""
    _check(actor)
    query = _found(search, country)
    with uow:
        session = uow.session
        total = session.scalar(query.with_only_columns(func.count(Employer.id)))
        if cursor:
            query = query.where(Employer.id > cursor)
        rows = session.scalars(query.order_by(Employer.id).limit(limit + 1)).all()
        return {"items": [employer_dict(e, contacts=reads_contacts(actor)) for e in rows[:limit]], "total": total,
                "limit": limit, "next_cursor": rows[limit - 1].id if len(rows) > limit else None}


def get_employer_history(uow, actor, employer_id):
    """One employer's record and history; the read is recorded (`employer_read`). NotFound or Forbidden.

    {"employer", "offers" (reference, file, status, posts, posts filled, received, credible, reason of a
    withdrawal), "findings" (each verification: verdict, date, and for readers of contacts its words,
    sources, who and when), "outcomes" (offers, posts, posts filled, departures, departures cancelled,
    offers withdrawn, verifications judging it not credible), "warnings" (see `warnings`), "changes"
    (the record's audited changes, for readers of contacts), "accounts" (portal accounts linked)}.
    """
    _check(actor)
    full = reads_contacts(actor)
    with uow:
        session = uow.session
        employer = session.get(Employer, employer_id)
        if employer is None:
            raise NotFound(f"no employer {employer_id}")
        offers = session.scalars(select(Offer).where(Offer.employer_id == employer_id)
                                 .order_by(Offer.received_on.desc(), Offer.instance_id.desc())).all()
        references = {o.instance_id: o.reference for o in offers}
        findings = session.scalars(select(EmployerFinding).where(EmployerFinding.employer_id == employer_id)
                                   .order_by(EmployerFinding.found_at.desc(), EmployerFinding.id.desc())).all()
        titles = _source_titles(session, {f.instance_id for f in findings})
        departures = session.execute(select(Departure.status, Departure.cancellation_cause, func.count())
                                     .where(Departure.offer_id.in_(list(references)))
                                     .group_by(Departure.status, Departure.cancellation_cause)).all()
        result = {
            "employer": employer_dict(employer, contacts=full),
            "offers": [_offer_dict(o) for o in offers],
            "findings": [_finding_dict(f, references, full, titles.get(f.instance_id, {})) for f in findings],
            "outcomes": _outcomes(offers, findings, departures),
            "warnings": _warnings(session, employer_id, None),
            "changes": _changes(session, employer_id) if full else [],
            "accounts": [{"id": a.id, "organisation": a.organisation} for a in session.scalars(
                select(EmployerAccount).where(EmployerAccount.register_id == employer_id))] if full else [],
        }
        audit.record(session, "employer_read", actor.username, region=actor.region, employer_id=employer_id)
        uow.commit()
        return result


def task_employer(session, actor, schema, data, instance_id):
    """What a task page says of the file's employer: None when its form is about no employer; else
    {"id", "name", "readable", "warnings"} for the employer the file names (or None) and "matches", the
    registered employers a recording form's data looks like before it is sent."""
    marks = marked(schema)
    if not marks:
        return None
    result = {"employer": None, "matches": matches_of(session, data, schema)}
    employer = session.get(Employer, data.get(DATA_KEY)) if isinstance(data.get(DATA_KEY), int) else None
    if employer is not None:
        result["employer"] = {"id": employer.id, "name": employer.name, "country": employer.country,
                              "readable": may_read(actor), "warnings": _warnings(session, employer.id, instance_id)}
    return result


def warnings(uow, employer_id, instance_id=None):
    """Why DCIM must look twice at a new offer of this employer (`_warnings`)."""
    with uow:
        return _warnings(uow.session, employer_id, instance_id)


def _warnings(session, employer_id, instance_id):
    """[{kind, reference, on, reason}]: verifications of other offers that judged it not credible
    (`not_credible`), offers it withdrew (`withdrawn`), departures cancelled for a cause of its own
    (`departure_cancelled`: a contract not as agreed, an offer withdrawn). The offer `instance_id` itself
    is left out."""
    found = []
    for finding, reference in session.execute(
            select(EmployerFinding, Offer.reference).outerjoin(Offer, Offer.instance_id == EmployerFinding.instance_id)
            .where(EmployerFinding.employer_id == employer_id, EmployerFinding.credible.is_(False))
            .order_by(EmployerFinding.found_at)):
        if finding.instance_id != instance_id:
            found.append({"kind": "not_credible", "reference": reference, "on": iso_text(finding.found_at),
                          "reason": finding.reason})
    for offer in session.scalars(select(Offer).where(Offer.employer_id == employer_id, Offer.status == "retiree")
                                 .order_by(Offer.updated_at)):
        if offer.instance_id != instance_id:
            found.append({"kind": "withdrawn", "reference": offer.reference, "on": iso_text(offer.updated_at),
                          "reason": offer.cancel_reason})
    for reference, cause in session.execute(
            select(Offer.reference, Departure.cancellation_cause).join(Departure, Departure.offer_id == Offer.instance_id)
            .where(Offer.employer_id == employer_id, Departure.status == "annule",
                   Departure.cancellation_cause.in_(EMPLOYER_CAUSES), Offer.status != "retiree")
            .order_by(Offer.reference)):
        found.append({"kind": "departure_cancelled", "reference": reference, "on": None, "reason": cause})
    return found


def _found(search, country):
    """The employers whose name holds every word of `search` (see `name_key`), of `country` if given."""
    query = select(Employer)
    for word in name_key(search or "").split()[:10]:
        query = query.where(Employer.name_key.like(like_pattern(word), escape="\\"))
    if country:
        query = query.where(Employer.country == country)
    return query


def _check(actor):
    if not may_read(actor):
        raise Forbidden("the employer register is for DCIM, the managers and the counsellors", reason="employers_read")


def _offer_dict(offer):
    return {"instance_id": offer.instance_id, "reference": offer.reference, "status": offer.status,
            "occupation": offer.occupation, "work_country": offer.work_country, "posts": offer.posts,
            "posts_filled": offer.posts_filled or 0, "received_on": iso_text(offer.received_on), "credible": offer.credible,
            "reason": offer.cancel_reason}


def _finding_dict(finding, references, full, titles):
    result = {"instance_id": finding.instance_id, "reference": references.get(finding.instance_id),
              "credible": finding.credible, "checked_on": iso_text(finding.checked_on)}
    if full:
        result |= {"findings": finding.findings, "reason": finding.reason, "sources": finding.sources,
                   "source_titles": [titles.get(code, code) for code in finding.sources],
                   "found_by": finding.found_by, "found_at": iso_text(finding.found_at)}
    return result


def _source_titles(session, instance_ids):
    """{file id: {source code: title}} from the verification form of each file's version (the mark `sources`)."""
    result = {}
    for instance in session.scalars(select(Instance).where(Instance.id.in_(instance_ids))):
        titles = {}
        for schema in instance.version.forms.values():
            name = marked(schema).get("sources") if isinstance(schema, dict) else None
            if name:
                items = schema["properties"][name].get("items", {})
                titles |= {o["const"]: o.get("title", o["const"]) for o in items.get("oneOf", []) if "const" in o}
        result[instance.id] = titles
    return result


def _outcomes(offers, findings, departures):
    gone = sum(count for status, _cause, count in departures if status == "parti")
    cancelled = sum(count for status, _cause, count in departures if status == "annule")
    return {"offers": len(offers), "posts": sum(o.posts or 0 for o in offers),
            "posts_filled": sum(o.posts_filled or 0 for o in offers), "departures": gone,
            "departures_cancelled": cancelled, "withdrawn": sum(o.status == "retiree" for o in offers),
            "not_credible": sum(f.credible is False for f in findings)}


def _changes(session, employer_id):
    events = session.scalars(select(AuditEvent).where(AuditEvent.kind.in_(CHANGE_KINDS),
                                                      AuditEvent.details["employer_id"].as_integer() == employer_id)
                             .order_by(AuditEvent.seq))
    return [{"at": iso_text(e.at), "actor": e.actor, "kind": e.kind, "instance_id": e.details.get("file_id"),
             "reference": e.details.get("business_key"), "changes": e.details.get("changes", {}),
             "other_than": e.details.get("other_than", [])} for e in events]

