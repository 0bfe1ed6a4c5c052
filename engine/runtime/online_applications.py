"""Candidates' applications on the portal to the displayed offers, and the counsellors' confirmation of the
persons who registered themselves (manual §6.8, §7.5).

An offer is displayed to candidates when its negotiation chose display (`diffusion` = `affichage`) and a
regional directorate collects candidatures for it now (its preselection's task « Recueillir et enregistrer
les candidatures » is open there). Only the offer's post and conditions are shown, never the employer's
contacts. An application joins the collection of the candidate's own region: the open task's data gain
the person among the registered candidatures and `appel_candidature` among the identification modes (the
counsellor finds them checked when they open the task), audited on the preselection file. It joins only
once a counsellor has confirmed the person's identity at the directorate: until then it waits
(`attente_identite`); if the collection closed meanwhile, it stays `close`.
"""
from uuid import UUID

from sqlalchemy import delete, func, select, update

from engine import audit
from engine.accounts import throttle
from engine.accounts.roles import CENTRAL_ROLES, REGIONAL_ROLES
from engine.definitions import forms
from engine.definitions.workflows import load_workflow
from engine.errors import FieldError, Forbidden, Hidden, NotFound, ValidationFailed
from engine.people import identity
from engine.people.registry import can_read_person, label, readable_person
from engine.runtime.spawn import run_step
from engine.runtime.summary import fields_summary
from engine.store.tables import (
    CandidateAccount,
    CandidateDocument,
    Candidature,
    Instance,
    Person,
    PortalApplication,
    TaskRow,
    utcnow,
)
from engine.store.uow import first_writer_wins

COLLECTING_TASK = "recueillir_candidatures"
MODE = "appel_candidature"
APPLICATIONS_PER_DAY = 10  # per account and per client address
OFFER_FORM = "offre_enregistrer.schema.json"
# What a candidate reads of an offer: the post and its conditions, nothing of the employer.
CANDIDATE_FIELDS = (
    "intitule_poste", "metier", "metier_citp", "lieu_travail_ville", "lieu_travail_pays", "specificites_poste",
    "qualification_requise", "experience_minimale_annees", "description_activites", "competences_attendues",
    "langues_requises", "niveau_langue_requis", "salaire", "periodicite_salaire", "indemnites", "avantages",
    "nature_contrat", "type_contrat", "duree_contrat_mois", "horaires_travail", "nombre_postes",
    "protection_sociale", "modalites_voyage_accueil", "environnement_travail", "penibilite")


def displayed_offers(uow):
    """The offers candidates may read and apply to now, newest first:
    [{"id", "reference", "title", "country", "city", "posts", "regions"}] (`regions`: where they are collected)."""
    with uow:
        return [_brief(offer, regions) for offer, regions in _displayed(uow.session)]


def displayed_offer(uow, offer_id, value_text=None, title_text=None):
    """One displayed offer: `displayed_offers`' dict with `fields` [(label, text)] of CANDIDATE_FIELDS, labelled
    from the offer's recording form (`value_text`, `title_text`: see summary.file_summary). NotFound for any
    other file (not displayed, not collected, not an offer)."""
    with uow:
        session = uow.session
        found = dict(_displayed(session, offer_id))
        offer = next(iter(found), None)
        if offer is None:
            raise NotFound(f"no displayed offer {offer_id}")
        schema = offer.version.forms.get(OFFER_FORM, {"properties": {}})
        public = {**schema, "properties": {k: v for k, v in schema.get("properties", {}).items()
                                           if k in CANDIDATE_FIELDS}}
        expanded = forms.expand(public, forms.Choices())
        fields = fields_summary(expanded, offer.data or {}, value_text, title_text)
        return {**_brief(offer, found[offer]), "fields": fields}


def _displayed(session, offer_id=None):
    """[(offer instance, sorted regions collecting)] of the displayed offers (or just `offer_id`)."""
    query = (select(Instance.root_id, TaskRow.region).join(TaskRow, TaskRow.instance_id == Instance.id)
             .where(Instance.process_key == "preselection", TaskRow.name == COLLECTING_TASK,
                    TaskRow.state == "ready", Instance.root_id.is_not(None)))
    if offer_id is not None:
        query = query.where(Instance.root_id == offer_id)
    regions = {}
    for root_id, region in session.execute(query):
        regions.setdefault(root_id, set()).add(region)
    offers = session.scalars(select(Instance).where(Instance.id.in_(regions))).all() if regions else []
    shown = [o for o in offers
             if o.process_key == "offre_internationale" and (o.data or {}).get("diffusion") == "affichage"]
    return [(o, sorted(r for r in regions[o.id] if r)) for o in sorted(shown, key=lambda o: o.id, reverse=True)]


def _brief(offer, regions):
    data = offer.data or {}
    return {"id": offer.id, "reference": offer.business_key, "title": data.get("intitule_poste") or data.get("metier"),
            "country": data.get("lieu_travail_pays"), "city": data.get("lieu_travail_ville"),
            "posts": data.get("nombre_postes"), "regions": regions}


def apply(uow, candidate, offer_id, address=None, per_day=APPLICATIONS_PER_DAY):
    """The signed-in `candidate` applies to the displayed offer `offer_id`; returns the application's status.

    Raises NotFound (no such displayed offer), ValidationFailed `not_collected_here` (no collection in the
    candidate's region), `already_applied`, or `too_many_applications` (`per_day` in 24 hours for the
    account or the address). Audited `application_received` by the candidate; joins the collection at once
    when the person is confirmed (see module). One transaction.
    """
    with uow, first_writer_wins("the preselection moved on meanwhile: apply again"):
        session = uow.session
        found = dict(_displayed(session, offer_id))
        offer = next(iter(found), None)
        if offer is None:
            raise NotFound(f"no displayed offer {offer_id}")
        person = session.get(Person, candidate.person_id)
        if person.region not in found[offer]:
            raise ValidationFailed([FieldError("", "not_collected_here", {"region": person.region})])
        if session.scalar(select(PortalApplication.id).where(PortalApplication.person_id == person.id,
                                                             PortalApplication.offer_id == offer.id)):
            raise ValidationFailed([FieldError("", "already_applied")])
        if not throttle.note_action(session, ["apply:" + candidate.audit_name,
                                              f"apply:address:{address}" if address else None], per_day, 24 * 60):
            uow.commit()
            raise ValidationFailed([FieldError("", "too_many_applications", {"limit": per_day})])
        application = PortalApplication(person_id=person.id, offer_id=offer.id, region=person.region,
                                        status="attente_identite")
        session.add(application)
        session.flush()
        audit.record(session, "application_received", candidate.audit_name, offer, person_id=person.id,
                     region=person.region, application_id=application.id)
        if not person.awaiting_confirmation:
            _join(session, application, candidate.audit_name)
        uow.commit()
        return application.status


def _join(session, application, actor):
    """Add the confirmed person of `application` to the open collection of its region (or mark it `close`)."""
    row = session.execute(
        select(TaskRow, Instance).join(Instance, Instance.id == TaskRow.instance_id)
        .where(Instance.process_key == "preselection", Instance.root_id == application.offer_id,
               TaskRow.name == COLLECTING_TASK, TaskRow.state == "ready", TaskRow.region == application.region)
        .order_by(TaskRow.created_at.desc())).first()
    application.updated_at = utcnow()
    if row is None:
        application.status = "close"
        return
    preselection = row.Instance
    workflow = load_workflow(preselection.version, preselection.state)
    task = workflow.get_task_from_id(UUID(row.TaskRow.id))

    def step():
        data = task.data
        persons = [p for p in data.get("candidats_inscrits_region") or [] if p != application.person_id]
        modes = list(data.get("modes_identification") or [])
        data["candidats_inscrits_region"] = persons + [application.person_id]
        data["modes_identification"] = modes if MODE in modes else modes + [MODE]
        data["candidatures_recues"] = True
        audit.record(session, "application_joined", actor, preselection, task_id=row.TaskRow.id,
                     person_id=application.person_id, region=application.region, mode=MODE)
    run_step(session, preselection, workflow, actor, step=step)
    application.status = "transmise"


def my_applications(uow, candidate):
    """The candidate's applications, newest first: [{"offer_id", "reference", "title", "country", "applied_at",
    "stage"}], `stage` the application's status until the preselection records one for the person (the
    candidature's stage, `inscrit` to `parti`)."""
    with uow:
        session = uow.session
        rows = session.execute(select(PortalApplication, Instance)
                               .join(Instance, Instance.id == PortalApplication.offer_id)
                               .where(PortalApplication.person_id == candidate.person_id)
                               .order_by(PortalApplication.id.desc())).all()
        stages = dict(session.execute(select(Candidature.offer_id, Candidature.stage).where(
            Candidature.person_id == candidate.person_id)).all())
        return [{"offer_id": offer.id, "reference": offer.business_key,
                 "title": (offer.data or {}).get("intitule_poste"),
                 "country": (offer.data or {}).get("lieu_travail_pays"), "applied_at": application.created_at,
                 "stage": stages.get(offer.id, application.status)}
                for application, offer in rows]


# --- The counsellors' side: persons registered on the portal, to confirm or merge -----------------------------

def awaiting_persons(uow, actor):
    """The persons registered on the portal awaiting confirmation that `actor` may confirm (their region's for a
    counsellor, all for DCIM), oldest first: their file's brief dict, their documents and applications, and
    the registered persons they look like (`alike`: [{"id", "label"}], another region's by number only)."""
    _check_confirmer(actor)
    with uow:
        session = uow.session
        query = select(Person).where(Person.awaiting_confirmation.is_(True), Person.erased_at.is_(None))
        if not actor.roles & CENTRAL_ROLES:
            query = query.where(Person.region == actor.region)
        result = []
        for person in session.scalars(query.order_by(Person.id)):
            alike = [p for p in identity.same_persons(session, person.last_name, person.first_names,
                                                      person.birth_date, person.phone) if p.id != person.id]
            result.append({"id": person.id, "label": label(person), "region": person.region,
                           "telephone": person.phone, "email": person.email, "registered_at": person.created_at,
                           "documents": session.scalars(select(CandidateDocument.id).where(
                               CandidateDocument.person_id == person.id)).all(),
                           "applications": session.scalars(select(PortalApplication.id).where(
                               PortalApplication.person_id == person.id)).all(),
                           "alike": [{"id": p.id, "label": label(p) if can_read_person(actor, p) else f"n° {p.id}"}
                                     for p in alike if not p.awaiting_confirmation]})
        return result


def awaiting_count(uow, actor):
    """How many persons registered on the portal `actor` may confirm (0 for those who confirm nobody)."""
    if not actor.roles & (REGIONAL_ROLES | CENTRAL_ROLES):
        return 0
    query = select(func.count()).select_from(Person).where(Person.awaiting_confirmation.is_(True),
                                                           Person.erased_at.is_(None))
    if not actor.roles & CENTRAL_ROLES:
        query = query.where(Person.region == actor.region)
    with uow:
        return uow.session.scalar(query)


def confirm_person(uow, actor, person_id):
    """A counsellor of the person's region (or DCIM) confirms the identity of a person registered on the portal,
    checked at the directorate; their waiting applications join the collections. Audited `person_confirmed`.
    Raises NotFound, Hidden (another region's), Forbidden (not a counsellor or DCIM), ValidationFailed
    `not_awaiting` (already confirmed)."""
    _check_confirmer(actor)
    with uow, first_writer_wins("a preselection moved on meanwhile: confirm again"):
        session = uow.session
        person = readable_person(session, actor, person_id)
        if not person.awaiting_confirmation:
            raise ValidationFailed([FieldError("", "not_awaiting")])
        person.awaiting_confirmation = False
        audit.record(session, "person_confirmed", actor.username, person_id=person.id, region=person.region)
        _join_waiting(session, person.id, actor.username)
        uow.commit()


def merge_person(uow, actor, person_id, into_id):
    """The person registered on the portal `person_id` is `into_id`, already registered: the account, documents
    and applications move to `into_id`, whose file is kept, and the portal's duplicate file is deleted.
    Audited `person_merged`. Raises as `confirm_person`, and ValidationFailed `merge_target` (the same
    person, one awaiting confirmation, an erased one, or one the actor may not read, said alike) or
    `has_account` (the kept person has a portal account already)."""
    _check_confirmer(actor)
    with uow, first_writer_wins("a preselection moved on meanwhile: merge again"):
        session = uow.session
        person = readable_person(session, actor, person_id)
        if not person.awaiting_confirmation:
            raise ValidationFailed([FieldError("", "not_awaiting")])
        try:
            kept = readable_person(session, actor, into_id)
        except (NotFound, Hidden):  # another region's person answers like one that does not exist
            kept = None
        if kept is None or kept.id == person.id or kept.awaiting_confirmation or kept.erased_at is not None:
            raise ValidationFailed([FieldError("into", "merge_target", {"id": into_id})])
        if session.scalar(select(CandidateAccount.id).where(CandidateAccount.person_id == kept.id)):
            raise ValidationFailed([FieldError("into", "has_account", {"id": into_id})])
        already = set(session.scalars(select(PortalApplication.offer_id).where(PortalApplication.person_id == kept.id)))
        session.execute(delete(PortalApplication).where(PortalApplication.person_id == person.id,
                                                        PortalApplication.offer_id.in_(already)))
        session.execute(update(PortalApplication).where(PortalApplication.person_id == person.id)
                        .values(person_id=kept.id, region=kept.region))
        for model in (CandidateDocument, CandidateAccount):
            session.execute(update(model).where(model.person_id == person.id).values(person_id=kept.id))
        if not kept.email and person.email:
            kept.email = person.email
        audit.record(session, "person_merged", actor.username, person_id=kept.id, region=kept.region,
                     merged_id=person.id)
        session.delete(person)
        session.flush()
        _join_waiting(session, kept.id, actor.username)
        uow.commit()


def _join_waiting(session, person_id, actor):
    for application in session.scalars(select(PortalApplication).where(
            PortalApplication.person_id == person_id, PortalApplication.status == "attente_identite")).all():
        _join(session, application, actor)


def _check_confirmer(actor):
    if not actor.roles & (REGIONAL_ROLES | CENTRAL_ROLES):
        raise Forbidden("only counsellors and DCIM agents confirm persons")
