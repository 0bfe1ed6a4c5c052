"""Proposing candidates from the pool (manual §7.5, "le ciblage de candidats (recours au vivier de
candidatures ...)"): from a region's task that records the candidatures of an offer, the registered persons
of that region ranked against the offer's requirements, each with why it matches and what it lacks
(`engine.people.matching`); the counsellor ticks whom to invite, and they join the offer's candidatures
with mode "ciblage_vivier" and the task's form, ticked, where the counsellor may still untick them.
Those left unticked when the task is completed lose their candidature
(`engine.records.candidatures.settle_invitations`).
"""
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import audit
from engine.accounts import held
from engine.definitions.workflows import load_workflow, state_of, version_forms
from engine.errors import Conflict, FieldError, NotFound, ValidationFailed
from engine.people import matching
from engine.people.registry import person_dict, readable_person
from engine.people.search import with_occupation
from engine.records import candidatures
from engine.runtime.tasks import workable_row
from engine.store.folding import folded
from engine.store.tables import Candidature, Instance, Offer, Person
from engine.store.uow import first_writer_wins

FIELD = candidatures.POOL_FIELD  # the form field of the candidatures a region records
MODES = "modes_identification"  # ... and the field of the ways they were found
PAGE = 50
MAX_INVITED = 200  # persons invited at once at most


def proposes(row_form, forms):
    """Whether a task of form `row_form` (among a version's `forms`) records candidatures, and so may propose
    candidates from the pool."""
    return candidatures.records_candidatures((forms or {}).get(row_form) if row_form else None)


def proposals(uow, actor, task_id, page=1, everyone=False, per_page=PAGE):
    """The pool of the task's region ranked against its offer: {"task", "offer", "requirements", "candidates"
    (each {"person", "occupation", "met", "ready", "reasons", "lacks", "invited", "candidate"}), "total",
    "page", "pages", "everyone"}. Without `everyone`, only persons of the offer's occupation group (when the
    offer names an occupation); the counsellor may ask for the whole pool of the region.
    NotFound, Forbidden or Conflict like the task's own page."""
    with uow:
        session = uow.session
        row, instance, offer, wanted = _context(session, actor, task_id)
        query = select(Person).where(Person.erased_at.is_(None), Person.region == row.region)
        if wanted["metier_citp"] and not everyone:
            query = query.where(with_occupation(wanted["metier_citp"][:3]))
        persons = session.scalars(query.order_by(folded(Person.last_name), Person.id)).all()
        ranked = matching.rank(persons, wanted, matching.ready_persons(session, [p.id for p in persons]))
        total = len(ranked)
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        shown = ranked[(page - 1) * per_page:page * per_page]
        ticked = set(_ticked(session, instance, row))
        stages = dict(session.execute(select(Candidature.person_id, Candidature.stage).where(
            Candidature.offer_id == offer.instance_id, Candidature.person_id.in_([p.id for p, _ in shown]))).all())
        candidates = [{"person": person_dict(person), **assessment, "invited": person.id in ticked,
                       "candidate": stages.get(person.id)} for person, assessment in shown]
        audit.record(session, "pool_proposed", actor.username, instance, task_id=row.id, element_id=row.name,
                     persons=[c["person"]["id"] for c in candidates])
        uow.commit()
        return {"task": {"id": row.id, "title": row.title, "region": row.region, "business_key": row.business_key},
                "offer": {"reference": offer.reference, "data": _offer_words(session, offer)},
                "requirements": wanted, "candidates": candidates, "total": total, "page": page, "pages": pages,
                "per_page": per_page, "everyone": everyone}


def invite(uow, actor, task_id, person_ids):
    """Invite the persons `person_ids` into the candidatures of the task's offer, mode "ciblage_vivier": their
    candidatures are recorded and the task's form has them ticked (with "ciblage_vivier" among the ways the
    candidates were found, and candidatures received). Audited as `pool_candidates_invited`.
    Returns {"invited": ids, "already": ids already candidates}. ValidationFailed when nobody is chosen or a
    person is not of the task's region; NotFound, Forbidden, Conflict like completing the task."""
    ids = sorted({p for p in person_ids if isinstance(p, int) and not isinstance(p, bool)})
    if not ids:
        raise ValidationFailed([FieldError("personnes", "required")])
    if len(ids) > MAX_INVITED:
        raise ValidationFailed([FieldError("personnes", "maxItems", {"limit": MAX_INVITED})])
    with uow, first_writer_wins(f"task {task_id} was changed by someone else meanwhile"):
        session = uow.session
        row, instance, offer, _wanted = _context(session, actor, task_id)
        persons = []
        for person_id in ids:
            person = readable_person(session, actor, person_id)
            if person.erased_at is not None or person.region != row.region:
                raise ValidationFailed([FieldError("personnes", "own_region", {"region": row.region})])
            persons.append(person)
        workflow = load_workflow(instance.version, instance.state)
        task = workflow.get_task_from_id(UUID(row.id))
        if not task.has_state(TaskState.READY):
            raise Conflict(f"task {task_id} is no longer open", reason="not_open")
        invited = [p.id for p in persons if candidatures.invite(session, offer.instance_id, p)]
        before = dict(task.data)
        listed = [p for p in task.data.get(FIELD) or [] if isinstance(p, int)]
        task.data[FIELD] = listed + [p for p in invited if p not in listed]
        modes = [m for m in task.data.get(MODES) or [] if isinstance(m, str)]
        task.data[MODES] = modes + ([candidatures.POOL_MODE] if candidatures.POOL_MODE not in modes else [])
        task.data["candidatures_recues"] = True
        instance.state = state_of(workflow)
        # A form they sent after their session expired, given back on the task: ticked the same way.
        held.add_to_held(session, actor.username, row.id, {FIELD: invited, MODES: [candidatures.POOL_MODE]},
                         {"candidatures_recues": "true"})
        audit.record(session, "pool_candidates_invited", actor.username, instance, task_id=row.id,
                     element_id=row.name, persons=invited, mode=candidatures.POOL_MODE,
                     changes=audit.changes(before, task.data))
        uow.commit()
        return {"invited": invited, "already": [p for p in ids if p not in invited]}


def _context(session, actor, task_id):
    row, instance = workable_row(session, actor, task_id)
    if not proposes(row.form, version_forms(instance.version)):
        raise NotFound(f"task {task_id} records no candidatures")
    offer = session.get(Offer, instance.root_id) if instance.root_id else None
    if offer is None:
        raise NotFound(f"task {task_id} follows no offer")
    offer_instance = session.get(Instance, offer.instance_id)
    return row, instance, offer, matching.requirements(offer_instance.data, row.region)


def _ticked(session, instance, row):
    task = load_workflow(instance.version, instance.state).get_task_from_id(UUID(row.id))
    return [p for p in task.data.get(FIELD) or [] if isinstance(p, int)]


def _offer_words(session, offer):
    """The offer's post, as its form recorded it (title and occupation typed)."""
    data = session.get(Instance, offer.instance_id).data or {}
    return {"intitule_poste": data.get("intitule_poste"), "metier": data.get("metier"),
            "employeur": data.get("employeur_raison_sociale")}
