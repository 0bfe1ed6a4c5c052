"""Offers employers deposit on the public portal, and how far each has gone, in plain words.

A deposit opens an `offre_internationale` file in DCIM's inbox (§7.3: DCIM verifies the
employer before anything is displayed). The employer's account gives the employer's part of
§7.4; the form gives the rest, a public subset of DCIM's recording form (`PUBLIC_FIELDS`), so
DCIM's first task opens prefilled with what the employer typed.
"""
from datetime import date, timedelta

from sqlalchemy import func, select

from engine import audit
from engine.definitions import forms
from engine.definitions.forms import N_
from engine.definitions.catalog import latest_version
from engine.errors import FieldError, ValidationFailed
from engine.people.employers import DATA_KEY, register_employer_of_account
from engine.people.employers_portal import audit_name
from engine.runtime.spawn import create_instance, lock_version_row, same_key
from engine.store.tables import Instance, OfferDeposit, TaskRow, as_utc, utcnow

PROCESS = "offre_internationale"
DEPOSITS_PER_DAY = 20  # an employer's deposits in 24 hours: more is refused (a script, not a person)
FORM = "offre_enregistrer.schema.json"
# What an employer may say of their offer (§7.4); the source, the date of receipt and the employer's
# identity come from the portal and the account, never from the form.
PUBLIC_FIELDS = (
    "employeur_adresse", "employeur_contact_fonction", "employeur_telephone", "metier", "metier_citp",
    "intitule_poste", "specificites_poste", "qualification_requise", "experience_minimale_annees",
    "description_activites", "competences_attendues", "langues_requises", "niveau_langue_requis", "salaire",
    "periodicite_salaire", "indemnites", "avantages", "avantages_precisions", "lieu_travail_ville",
    "lieu_travail_pays", "nature_contrat", "type_contrat", "duree_contrat_mois", "horaires_travail",
    "nombre_postes", "protection_sociale", "modalites_voyage_accueil", "environnement_travail", "penibilite",
    "deplacements", "contraintes_particulieres", "avantages_particuliers")
# Hints of the recording form written for DCIM's staff, said again for an employer (marked N_ for the
# translation catalog, translated by the web layer like the form's own texts).
PUBLIC_DESCRIPTIONS = {
    "metier_citp": N_("Le métier du poste dans la classification internationale des métiers : tapez quelques lettres "
                   "(maçon) ou le code (7112), puis choisissez dans la liste. Si vous ne le trouvez pas, laissez ce "
                   "champ vide : l'ANPE le choisira d'après l'intitulé du poste."),
}
# The stages an employer reads, in order.
STAGES = ("recue", "en_verification", "affichee", "candidats_presentes", "selection", "departs", "retiree",
          "non_retenue")
# Later procedures of the offer's chain, the furthest first: the stage each one means.
_CHAIN_STAGES = (("aide_au_depart", "departs"), ("selection_finale", "selection"),
                 ("mise_en_relation", "candidats_presentes"), ("preselection", "affichee"))


def public_form(uow, labelled=True):
    """The deposit form: {"schema", "ui"} of the deployed recording form cut to PUBLIC_FIELDS, choices filled in.

    Raises NotFound when no `offre_internationale` procedure is deployed.
    """
    with uow:
        version = latest_version(uow.session, PROCESS)
        schema, ui = version.forms[FORM], version.forms.get(forms.ui_filename(FORM), {})
    public = {**{k: v for k, v in schema.items() if k not in ("properties", "required", "allOf", "x-date-order")},
              "properties": {k: _for_employers(k, v) for k, v in schema["properties"].items() if k in PUBLIC_FIELDS},
              "required": [k for k in schema.get("required", []) if k in PUBLIC_FIELDS],
              "allOf": [rule for rule in schema.get("allOf", [])
                        if set(rule["if"]["properties"]) <= set(PUBLIC_FIELDS)]}
    order = [name for name in ui.get("ui:order", []) if name in PUBLIC_FIELDS]
    ui = {**{k: v for k, v in ui.items() if k in PUBLIC_FIELDS}, "ui:order": order}
    return {"schema": forms.expand(public, forms.Choices(), labelled=labelled), "ui": ui}


def _for_employers(name, prop):
    return {**prop, "description": PUBLIC_DESCRIPTIONS[name]} if name in PUBLIC_DESCRIPTIONS else prop


def deposit_offer(uow, employer, data, per_day=DEPOSITS_PER_DAY):
    """Open an `offre_internationale` file for the offer `data` of `employer` (an Employer, verified).

    The file's reference is OFF-WEB-YEAR-NNNN; its start data are `data` with the employer's part
    (organisation, country, contact, e-mail), the source `employeur_etranger` and today's date.
    Raises ValidationFailed (the data break the public form; `too_many_deposits` past `per_day` deposits
    in 24 hours) or NotFound (no procedure deployed).
    One transaction, audited as `offer_deposited` by the employer. Returns the reference.
    """
    if not employer.verified:
        raise ValidationFailed([FieldError("", "unverified")])
    forms.validate(public_form(uow, labelled=False)["schema"], data)
    with uow:
        session = uow.session
        since = utcnow() - timedelta(days=1)
        if session.scalar(select(func.count()).where(OfferDeposit.employer_id == employer.id,
                                                     OfferDeposit.deposited_at >= since)) >= per_day:
            raise ValidationFailed([FieldError("", "too_many_deposits", {"limit": per_day})])
        version = latest_version(session, PROCESS)
        lock_version_row(session, version)  # one deposit at a time: each gets the next number
        reference = _next_reference(session)
        start = {**data, "source_offre": "employeur_etranger",
                 "source_offre_precisions": f"Dépôt en ligne sur le portail de l'ANPE ({reference})",
                 "date_reception_offre": date.today().isoformat(),
                 "employeur_raison_sociale": employer.organisation, "employeur_pays": employer.country,
                 "employeur_contact_nom": employer.contact_name, "employeur_email": employer.email}
        register_id = register_employer_of_account(session, employer.id)
        if register_id is not None:  # DCIM recorded this employer already: the file names it in the register
            start[DATA_KEY] = register_id
        instance = create_instance(session, version, audit_name(employer.id), reference, start)
        session.add(OfferDeposit(reference=reference, employer_id=employer.id, instance_id=instance.id,
                                 title=str(data.get("intitule_poste", ""))[:200]))
        audit.record(session, "offer_deposited", audit_name(employer.id), instance, business_key=reference,
                     name=employer.organisation)
        uow.commit()
        return reference


def my_offers(uow, employer_id):
    """The offers `employer_id` deposited, newest first: reference, title, date and stage (see STAGES).

    Only these words: nothing of the file's data, its tasks or its candidates.
    """
    with uow:
        session = uow.session
        rows = session.execute(select(OfferDeposit, Instance).join(Instance, Instance.id == OfferDeposit.instance_id)
                               .where(OfferDeposit.employer_id == employer_id)
                               .order_by(OfferDeposit.deposited_at.desc())).all()
        return [{"reference": deposit.reference, "title": deposit.title,
                 "deposited_at": as_utc(deposit.deposited_at), "stage": _stage(session, instance)}
                for deposit, instance in rows]


def _stage(session, instance):
    status = (instance.data or {}).get("statut_offre")
    if instance.status == "cancelled" or status in ("retiree", "annulee"):
        return "retiree"
    if status in ("rejetee", "abandonnee"):
        return "non_retenue"
    chain = set(session.scalars(select(Instance.process_key).where(Instance.root_id == instance.id)))
    for process, stage in _CHAIN_STAGES:
        if process in chain:
            return stage
    if status == "diffusee":
        return "affichee"
    open_steps = set(session.scalars(select(TaskRow.name).where(TaskRow.instance_id == instance.id,
                                                                 TaskRow.state == "ready")))
    return "recue" if "enregistrer_offre" in open_steps else "en_verification"


def _next_reference(session):
    year = utcnow().year
    prefix = f"OFF-WEB-{year}-"
    number = session.scalar(select(func.count()).where(OfferDeposit.reference.like(prefix + "%"))) + 1
    while session.scalar(select(func.count()).where(Instance.process_key == PROCESS,
                                                   same_key(f"{prefix}{number:04d}"))):
        number += 1  # a reference DCIM typed by hand for another file
    return f"{prefix}{number:04d}"
