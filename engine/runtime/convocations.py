"""What the steps of the procedures tell candidates and employers: convocations, news of their application,
reminders — in French, with the date, the place and what to bring.

`note` runs when a user task completes (`tasks.complete_task`), in the step's transaction: when the task is
one of `RULES`, it queues, through `people.notices`, the SMS and e-mails its data calls for, and a reminder
the day before (sent by the scheduler at `REMINDER_HOUR` UTC, Bamako's time) when that day is still to come.
Nothing is sent here: a gateway that is down delays the messages, never the step.

The steps (manual §7.5–7.8):
- preselection `recueillir_candidatures`: each candidate whose candidature the directorate registered is told so,
  with the closing date;
- preselection `preparer_tests`: the newly preselected candidates are convened to the tests;
- final selection `planifier_rencontre`: the candidates the employer wants to meet are convened, and the
  employer (an offer deposited on the portal) is told the date and place by e-mail;
- final selection `enregistrer_selection`: each candidate presented learns whether they are retained, on the
  waiting list or not retained;
- departure aid `planifier_depart`: the candidate is convened to their directorate to prepare the departure,
  with the documents the destination requires (its country sheet);
- and for an offer deposited on the portal, its employer learns by e-mail (French and English) that ANPE does
  not accept it (`verifier_employeur`), that the terms are agreed or not (`negocier_offre`), and that the
  candidates' list was sent (`envoyer_liste_employeur`).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from babel.dates import format_date
from sqlalchemy import select

from engine.accounts import outbox
from engine.definitions import countries, reference
from engine.definitions.workflows import version_forms
from engine.people.notices import employer_of_file, notify_employer, notify_person
from engine.people.registry import labels
from engine.people.regional import own_region_only
from engine.runtime.instances import load_readable
from engine.store.tables import OutboxMessage, Person

REMINDER_HOUR = 8
FREE = "Les services de l'ANPE sont gratuits : personne ne peut vous demander d'argent pour être recruté."
SIGNATURE = "ANPE Mali — Agence nationale pour l'emploi"
BRING_IDENTITY = "votre pièce d'identité, vos diplômes et vos attestations de travail"
BRING_MEETING = "votre pièce d'identité, votre CV à jour, vos diplômes et vos attestations de travail"


@dataclass
class Notice:
    """One thing to tell some persons: `kind`, the subject, the SMS and the e-mail text, and the day it is about
    (for the reminder)."""

    persons: list
    kind: str
    subject: str
    sms: str
    email: str
    day: date | None = None
    reminder_sms: str | None = None
    employer_email: str | None = field(default=None)


def note(session, instance, task, actor):
    """Queue what the completed user `task` tells persons and employers; returns the Notices (none for most tasks)."""
    rule = RULES.get((instance.process_key, task.task_spec.bpmn_id))
    if rule is None:
        return []
    data = dict(task.data)
    notices = rule(session, instance, data)
    step = (str(task.id), task.task_spec.bpmn_id)
    for notice in notices:
        for person in notice.persons:
            notify_person(session, person, notice.kind, notice.subject, notice.sms, notice.email, actor, instance,
                          step=step)
            reminder_at = _reminder_moment(notice.day)
            if reminder_at and notice.reminder_sms:
                notify_person(session, person, "rappel_" + notice.kind, "Rappel : " + notice.subject,
                              notice.reminder_sms, notice.reminder_sms + "\n\n" + notice.email, actor, instance,
                              not_before=reminder_at, step=step)
        if notice.employer_email:
            employer = employer_of_file(session, instance)
            if employer is not None:
                notify_employer(session, employer, notice.kind, notice.subject, notice.employer_email, actor,
                                instance, step=step)
    return notices


def day_text(value):
    """An ISO date in French words: « jeudi 12 mars 2026 »; the text itself if it is no date."""
    try:
        return format_date(date.fromisoformat(str(value)), "EEEE d MMMM y", locale="fr")
    except ValueError:
        return str(value)


def _reminder_moment(day):
    """The day before `day` at REMINDER_HOUR, or None when that moment has passed (a file replayed, a late step)."""
    if day is None:
        return None
    moment = datetime.combine(day - timedelta(days=1), time(REMINDER_HOUR), tzinfo=timezone.utc)
    return moment if moment > datetime.now(timezone.utc) else None


def _day(value):
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _persons(value):
    values = value.values() if isinstance(value, dict) else (value or [])
    return sorted({int(p) for p in values if isinstance(p, int) and not isinstance(p, bool)})


def _email(greeting_body, bring=None):
    lines = ["Madame, Monsieur,", "", greeting_body]
    if bring:
        lines += ["", f"À apporter : {bring}."]
    lines += ["", "Pour toute question, adressez-vous à votre direction régionale de l'ANPE.", FREE, "", SIGNATURE]
    return "\n".join(lines)


def _offer_words(data, instance):
    job = data.get("metier")
    reference_key = data.get("offre") or instance.business_key
    return f"{job} (offre {reference_key})" if job else f"l'offre {reference_key}"


def _tests(session, instance, data):
    persons = _persons(data.get("nouveaux_preselectionnes"))
    if not persons or not data.get("date_tests"):
        return []
    day = day_text(data["date_tests"])
    place = data.get("lieu_tests") if data.get("modalite_tests") == "presentiel" else \
        "à distance (votre direction régionale vous indiquera comment vous connecter)"
    tests = _titles(instance, "preselection_preparer_tests.schema.json", "epreuves", data.get("epreuves"))
    offer = _offer_words(data, instance)
    sms = (f"ANPE Mali : vous êtes convoqué(e) aux tests pour {offer} le {day}, lieu : {place}. "
           f"Apportez {BRING_IDENTITY}. Services gratuits.")
    email = _email(f"Vous êtes présélectionné(e) pour {offer} et convoqué(e) aux tests d'évaluation.\n\n"
                   f"Date : {day}\nLieu : {place}\nÉpreuves : {', '.join(tests)}", BRING_IDENTITY)
    reminder = f"ANPE Mali, rappel : vos tests pour {offer} ont lieu demain, {day}, lieu : {place}."
    return [Notice(persons, "convocation_tests", "Convocation aux tests d'évaluation", sms, email,
                   _day(data["date_tests"]), reminder)]


def _registered(session, instance, data):
    persons = _persons(data.get("candidats_inscrits_region")) if data.get("candidatures_recues") else []
    if not persons:
        return []
    offer = _offer_words(data, instance)
    closing = day_text(data.get("date_cloture_candidatures"))
    sms = (f"ANPE Mali : votre candidature pour {offer} est enregistrée. Les candidatures sont closes le {closing} ; "
           f"votre direction régionale vous dira la suite (entretien, tests). Services gratuits.")
    email = _email(f"Votre candidature pour {offer} est enregistrée par votre direction régionale.\n\n"
                   f"Clôture des candidatures : {closing}\nLa direction régionale vous informera de la suite : "
                   f"entretien de présélection, tests.")
    return [Notice(persons, "candidature_enregistree", "Votre candidature est enregistrée", sms, email)]


def _meeting(session, instance, data):
    persons = _persons(data.get("candidats_convoques"))
    if not data.get("rencontre_prevue") or not persons:
        return []
    day = day_text(data.get("date_rencontre"))
    remote = data.get("modalite_rencontre") == "visioconference"
    place = f"à distance, par visioconférence : {data.get('lieu_rencontre')}" if remote else data.get("lieu_rencontre")
    employer = data.get("employeur_raison_sociale") or "l'employeur"
    offer = _offer_words(data, instance)
    sms = (f"ANPE Mali : {employer} souhaite vous rencontrer pour {offer} le {day}, lieu : {place}. "
           f"Apportez {BRING_MEETING}. Confirmez votre présence à votre direction régionale.")
    email = _email(f"L'employeur {employer} souhaite vous rencontrer pour {offer}.\n\n"
                   f"Date : {day}\nLieu : {place}\n\n"
                   f"Confirmez votre présence à votre direction régionale.", BRING_MEETING)
    reminder = f"ANPE Mali, rappel : votre rencontre avec {employer} pour {offer} a lieu demain, {day}, lieu : {place}."
    to_employer = (f"Bonjour,\n\nLa rencontre avec {len(persons)} candidat(s) pour {offer} est prévue le {day}.\n"
                   f"Lieu : {place}\n\nHello,\n\nThe meeting with {len(persons)} candidate(s) for offer "
                   f"{data.get('offre') or instance.business_key} is planned on {data.get('date_rencontre')}.\n"
                   f"Place: {place}\n\n{SIGNATURE}")
    return [Notice(persons, "convocation_rencontre", "Convocation à la rencontre avec l'employeur", sms, email,
                   _day(data.get("date_rencontre")), reminder, employer_email=to_employer)]


def _selection(session, instance, data):
    presented = _persons(data.get("candidats_a_presenter"))
    selected = set(_persons(data.get("candidats_selectionnes"))) if data.get("employeur_a_selectionne") else set()
    waiting = set(_persons(data.get("candidats_liste_attente"))) - selected
    employer = data.get("employeur_raison_sociale") or "l'employeur"
    offer = _offer_words(data, instance)
    texts = {
        "selection_retenu": (selected, "Vous êtes retenu(e) par l'employeur",
                             f"ANPE Mali : bonne nouvelle, {employer} vous a retenu(e) pour {offer}. Votre direction "
                             f"régionale va vous convoquer pour préparer votre départ."),
        "selection_liste_attente": (waiting, "Vous êtes sur la liste d'attente",
                                    f"ANPE Mali : pour {offer}, {employer} vous a placé(e) sur sa liste d'attente. "
                                    f"Vous serez appelé(e) si un poste se libère."),
        "selection_non_retenu": (set(presented) - selected - waiting, "Résultat de votre candidature",
                                 f"ANPE Mali : {employer} n'a pas retenu votre candidature pour {offer}. Vous restez "
                                 f"inscrit(e) et pourrez être proposé(e) pour d'autres offres."),
    }
    return [Notice(sorted(persons), kind, subject, sms, _email(sms.removeprefix("ANPE Mali : ")))
            for kind, (persons, subject, sms) in texts.items() if persons]


def _departure(session, instance, data):
    person = data.get("candidat")
    if not isinstance(person, int) or not data.get("date_limite_documents"):
        return []
    country = reference.country_name(data.get("pays_destination")) or "votre pays de destination"
    documents = _titles(instance, "aide_au_depart_verifier_documents.schema.json", "documents_obtenus",
                        countries.required_documents(session, data.get("pays_destination")))
    bring = ", ".join(documents) or BRING_IDENTITY
    deadline = day_text(data["date_limite_documents"])
    leaving = day_text(data.get("date_depart_prevue"))
    sms = (f"ANPE Mali : votre départ pour {country} est prévu le {leaving} depuis {data.get('lieu_depart')}. "
           f"Présentez-vous à votre direction régionale avant le {deadline} avec : {bring}. Services gratuits.")
    email = _email(f"Votre départ pour {country} ({_offer_words(data, instance)}) se prépare.\n\n"
                   f"Départ prévu : {leaving}, depuis {data.get('lieu_depart')}\n"
                   f"Présentez-vous à votre direction régionale avant le : {deadline}", bring)
    reminder = (f"ANPE Mali, rappel : présentez-vous demain, {deadline}, au plus tard, à votre direction régionale "
                f"avec les documents de votre départ.")
    return [Notice([person], "convocation_depart", "Convocation pour préparer votre départ", sms, email,
                   _day(data["date_limite_documents"]), reminder)]


def _to_employer(kind, subject, french, english):
    """A notice for the employer of an offer deposited on the portal only (bilingual: employers are abroad)."""
    return Notice([], kind, subject, "", "", employer_email=f"Bonjour,\n\n{french}\n\nHello,\n\n{english}\n\n{SIGNATURE}")


def _employer_checked(session, instance, data):
    if data.get("employeur_credible") is not False:
        return []
    key = instance.business_key
    return [_to_employer("offre_non_retenue", f"Votre offre {key} / your offer {key}",
                         f"L'ANPE a examiné votre offre {key} et ne peut pas la retenir. Pour en savoir plus, "
                         f"écrivez à l'ANPE.",
                         f"ANPE examined your offer {key} and cannot accept it. To know more, write to ANPE.")]


def _employer_negotiated(session, instance, data):
    key = instance.business_key
    if data.get("accord_employeur") is False:
        return [_to_employer("offre_sans_accord", f"Votre offre {key} / your offer {key}",
                             f"Faute d'accord sur les modalités, votre offre {key} est close.",
                             f"Without agreement on its terms, your offer {key} is closed.")]
    return [_to_employer("offre_acceptee", f"Votre offre {key} est acceptée / your offer {key} is accepted",
                         f"Les modalités de votre offre {key} sont convenues : {data.get('nombre_candidats')} "
                         f"candidat(s) vous seront présentés au plus tard le {day_text(data.get('delai_satisfaction'))}. "
                         f"L'ANPE la transmet à ses directions régionales pour chercher les candidats.",
                         f"The terms of your offer {key} are agreed: {data.get('nombre_candidats')} candidate(s) will "
                         f"be presented to you by {data.get('delai_satisfaction')}. ANPE sends it to its regional "
                         f"directorates to find the candidates.")]


def _employer_list_sent(session, instance, data):
    key = instance.business_key
    return [_to_employer("liste_envoyee", f"Candidats pour votre offre {key} / candidates for your offer {key}",
                         f"La liste des candidats présélectionnés pour votre offre {key} et leurs dossiers vous ont été "
                         f"envoyés le {day_text(data.get('date_envoi_liste'))} (référence "
                         f"{data.get('reference_courrier')}). Dites à l'ANPE lesquels vous souhaitez rencontrer.",
                         f"The list of preselected candidates for your offer {key} and their files were sent to you on "
                         f"{data.get('date_envoi_liste')} (reference {data.get('reference_courrier')}). Tell ANPE "
                         f"which ones you wish to meet.")]


def _titles(instance, form, name, codes):
    """The titles the version's form gives to `codes` (choices of its field `name`, or of its items), in order."""
    schema = (version_forms(instance.version).get(form) or {}).get("properties", {}).get(name, {})
    choices = {c.get("const"): c.get("title") for c in (schema.get("items", schema).get("oneOf") or [])}
    return [choices.get(code) or str(code).replace("_", " ") for code in (codes or [])]


RULES = {("preselection", "recueillir_candidatures"): _registered, ("preselection", "preparer_tests"): _tests, ("selection_finale", "planifier_rencontre"): _meeting,
         ("selection_finale", "enregistrer_selection"): _selection, ("aide_au_depart", "planifier_depart"): _departure,
         ("offre_internationale", "verifier_employeur"): _employer_checked,
         ("offre_internationale", "negocier_offre"): _employer_negotiated,
         ("mise_en_relation", "envoyer_liste_employeur"): _employer_list_sent}


def file_messages(uow, actor, instance_id, limit=200):
    """The SMS and e-mails about a file (newest first), for its page: each with its state and, for a person, their
    label. Same access as reading the file (NotFound, Hidden); a counsellor sees only their region's persons'."""
    with uow:
        session = uow.session
        load_readable(session, actor, instance_id)
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.instance_id == instance_id)
                                    .order_by(OutboxMessage.id.desc()).limit(limit)))
        person_ids = sorted({r.person_id for r in rows if r.person_id})
        regions = dict(session.execute(select(Person.id, Person.region).where(Person.id.in_(person_ids))).all()) \
            if person_ids else {}
        own = own_region_only(actor)
        names = labels(session, person_ids, reader=actor)
        return [outbox.message_dict(r) | {"person": names.get(r.person_id, f"n° {r.person_id}") if r.person_id
                                          else None}
                for r in rows if own is None or r.person_id is None or regions.get(r.person_id) == own]
