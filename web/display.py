"""Values as people read them, in the reader's language with Babel's formats: a field's value given its form
schema (choice titles, Oui/Non, dates 07/12/2026, amounts 250 000 XOF), dates and times, the changes of a
history event, the details of an audit event. Every page, CSV export and letter shows values through here.
"""
import re
from collections.abc import Mapping
from datetime import date, datetime, timezone

from babel.dates import format_date as babel_format_date
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.definitions import occupations, reference
from web.form_text import text as form_text

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_AMOUNT_KEYS = {"montant", "devise"}
_NONE = object()
# How a file was read, in the audit trail (`file_read` events' `via`).
READ_VIA = {"file": _l("fiche du dossier"), "history": _l("historique du dossier"), "task": _l("page de tâche"),
            "audit": _l("chronologie d'audit")}
# The details audit events carry besides their changes, by name.
DETAILS = {"via": _l("consulté depuis"), "to": _l("vers"), "from": _l("depuis"), "message": _l("message"),
           "reason": _l("motif"),
           "version": _l("version"), "parent_id": _l("dossier d'origine"), "checksum": _l("empreinte"),
           "username": _l("compte"), "roles": _l("rôles"), "region": _l("région"), "full_name": _l("nom"),
           "email": _l("courriel"), "person_id": _l("personne n°"), "candidates": _l("candidats n°"),
           "persons": _l("personnes n°"), "mode": _l("mode d'identification"), "country": _l("pays"), "recipient": _l("destinataire"),
           "documents": _l("documents"), "filters": _l("filtres"), "method": _l("méthode"), "page": _l("page"),
           "children": _l("dossiers annulés avec lui"), "cancelled_with": _l("annulé avec le dossier"),
           "table": _l("table de décision"), "hit_policy": _l("règle de sélection"), "rules": _l("lignes retenues"),
           "sender_process": _l("procédure émettrice"),
           "sender_id": _l("dossier émetteur"), "consent_purpose": _l("finalité du consentement"),
           "output": _l("affichage"), "sessions_ended": _l("sessions fermées"), "form": _l("formulaire"),
           "fields": _l("champs"), "size": _l("taille (octets)"),
           "token_id": _l("jeton n°"), "expires_at": _l("expire le"), "owner": _l("titulaire"),
           "elements": _l("étapes atteintes"), "name": _l("nom"), "type": _l("type"), "payload": _l("contenu"),
           "business_key": _l("référence du dossier"), "process": _l("procédure"),
           "actor_region": _l("région de l'utilisateur"), "attempt": _l("tentative n°"), "due_at": _l("échéance"),
           "count": _l("nombre"), "replaced": _l("nombre remplacé"), "failures": _l("échecs"),
           "until": _l("jusqu'au"), "file_kind": _l("type de fiche"), "years": _l("durée de conservation (ans)"),
           "pays": _l("pays"), "redacted": _l("événements effacés"), "regions": _l("régions"), "role": _l("rôle"),
           "notification": _l("objet"), "channel": _l("canal"), "channels": _l("canaux"),
           "delayed_until": _l("pas avant"), "delivered_by": _l("envoyé par"), "attempts": _l("essais"),
           "given_up": _l("plus d'essai automatique"), "error": _l("erreur"), "employer_id": _l("employeur n°"),
           "sms_refused": _l("refuse les SMS"), "outbox_id": _l("message n°"),
           "application_id": _l("candidature en ligne n°"), "account_id": _l("compte candidat n°"),
           "document_id": _l("document n°"),
           "document_kind": _l("type de document"), "media_type": _l("type de fichier"),
           "merged_id": _l("fiche en double fusionnée, n°"), "mode": _l("mode d'identification"),
           "self_registered": _l("inscrite par elle-même sur le portail"),
           "other_than": _l("confirmé différent de n°"), "employer_account_id": _l("compte employeur du portail n°"),
           "file_id": _l("dossier n°")}
# Words for the values of some details: a letter's type, a person's kind of file.
NOTIFICATIONS = {"candidature_enregistree": _l("candidature enregistrée"), "convocation_tests": _l("convocation aux tests"),
                 "convocation_rencontre": _l("convocation à la rencontre avec l'employeur"),
                 "convocation_depart": _l("convocation pour préparer le départ"),
                 "selection_retenu": _l("retenu par l'employeur"),
                 "selection_liste_attente": _l("sur la liste d'attente de l'employeur"),
                 "selection_non_retenu": _l("non retenu par l'employeur"),
                 "offre_non_retenue": _l("offre non retenue par l'ANPE"),
                 "offre_sans_accord": _l("offre close faute d'accord"),
                 "offre_acceptee": _l("modalités de l'offre convenues"),
                 "liste_envoyee": _l("liste des candidats envoyée")}
NOTIFICATIONS.update({"rappel_" + kind: _l("rappel : %(what)s", what=text) for kind, text in NOTIFICATIONS.items()
                      if kind.startswith("convocation")})
CHANNELS = {"sms": _l("SMS"), "email": _l("courriel")}
DETAIL_VALUES = {"type": {"message": _l("message"), "signal": _l("signal")},
                 "file_kind": {"migrant": _l("migrant"), "candidat": _l("candidat")},
                 "notification": NOTIFICATIONS, "channel": CHANNELS,
                 "delivered_by": {"http": _l("passerelle SMS"), "smtp": _l("serveur de courriel"),
                                  "simulation": _l("simulation (rien n'est envoyé)")},
                 "reason": {"no_contact": _l("ni téléphone ni adresse électronique"),
                            "sms_refused": _l("refuse les SMS et n'a pas d'adresse électronique"),
                            "no_person": _l("personne absente du registre")},
                 "document_kind": {"cv": _l("CV"), "diplome": _l("Diplôme"), "identite": _l("Pièce d'identité"),
                                   "attestation": _l("Attestation de travail"), "autre": _l("Autre document")},
                 "mode": {"appel_candidature": _l("appel à candidatures")}}


def yes_no(value):
    return _("Oui") if value else _("Non")


def day(value, letter=False):
    """A date (a `date` or ISO text) as 07/12/2026, or in words (7 décembre 2026) for a letter;
    anything else as it is."""
    parsed = _as_date(value)
    if parsed is None:
        return "" if value is None else str(value)
    return format_date(parsed, "long" if letter else _french_or("short", "d MMM yyyy"))


def letter_day(value):
    """A date in French words for the agency's letters, which are written in French: 7 décembre 2026."""
    parsed = _as_date(value)
    return babel_format_date(parsed, "long", locale="fr") if parsed else ("" if value is None else str(value))


def moment(value):
    """A date and time (a `datetime` or ISO text, UTC) as 07/12/2026 09:30."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return format_datetime(value, _french_or("short", "d MMM yyyy HH:mm"))


def _french_or(french, other):
    """French's short format (07/12/2026); in other languages the month in letters (7 Dec 2026): their
    short formats put the month first (12/7/26), which reads as July in Mali."""
    return french if str(get_locale() or "fr").startswith("fr") else other


def number(value):
    """A number with the reader's separators: 250 000, 2,5."""
    return format_decimal(value)


def amount(value):
    """An amount {"montant", "devise"} as 250 000 XOF."""
    figure = value.get("montant")
    figure = number(figure) if isinstance(figure, (int, float)) and not isinstance(figure, bool) else figure or ""
    return f"{figure} {value.get('devise') or ''}".strip()


def value_text(prop, value):
    """The text of a field's value given its schema `prop` (may be empty): choice titles, Oui/Non,
    dates, numbers and amounts in the reader's formats, lists joined, groups as "label : value"."""
    prop = prop or {}
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, list):
        return ", ".join(value_text(prop.get("items"), item) for item in value) or "—"
    if isinstance(value, Mapping):
        if set(value) <= _AMOUNT_KEYS and "montant" in value:
            return amount(value)
        properties = prop.get("properties", {})
        return " ; ".join(f"{field_label(properties.get(key), key)} : {value_text(properties.get(key), item)}"
                          for key, item in value.items())
    title = _reference_name(prop, value)
    if title is not None:
        return title
    title = _choice_title(prop, value)
    if title is not None:
        return title
    if prop.get("x-reference") == "persons" or prop.get("x-choices-from"):
        return _("personne n° %(id)s", id=value)
    if isinstance(value, int) and abs(value) < 10000:
        return str(value)  # years, counts: 2025, not 2 025
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, str) and (prop.get("format") == "date" or _ISO_DATE.fullmatch(value)):
        return day(value)
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        return moment(value)
    return str(value)


def country(code):
    """A country (ISO 3166-1 alpha-2 code) by its name in the reader's language: ES → Espagne, Spain;
    anything else as it is."""
    return reference.country_name(code, _language()) or ("" if code is None else str(code))


def occupation(code):
    """An occupation (ISCO-08 code) with its French title: 7112 → "7112 — Maçons"; anything else as it is."""
    title = occupations.isco_title(code)
    return f"{code} — {title}" if title else ("" if code is None else str(code))


def language(code):
    """A language (ISO 639-3 code, or the two letters of earlier versions) by its name in the reader's
    language: bam → Bambara (bamanankan); anything else as it is."""
    name = reference.language_name(code, _language()) if isinstance(code, str) else None
    return name or ("" if code is None else str(code))


def _reference_name(prop, value):
    """A country or language of a form's reference list by its name in the reader's language (a language
    also by the two-letter code earlier versions stored: bm → Bambara), or None."""
    if not isinstance(value, str):
        return None
    if prop.get("x-reference") == "countries":
        return reference.country_name(value, _language())
    if prop.get("x-reference") == "languages":
        return reference.language_name(value, _language())
    return None


def _language():
    locale = get_locale()
    return locale.language if locale else "fr"


# What the engine itself changes in a file or a task, in words (no form gives them a title).
ENGINE_FIELDS = {"assignee": _l("Prise en charge par"), "status": _l("Statut"), "region": _l("Direction régionale")}


def field_label(prop, key):
    """A field's label: its title in the reader's language, else its key made readable (date_depart → Date
    depart)."""
    title = (prop or {}).get("title")
    if title:
        return form_text(title)
    if key in ENGINE_FIELDS:
        return str(ENGINE_FIELDS[key])
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def change_rows(changes, vocabulary=None, element_id=None):
    """The rows (label, before, after) of an event's `changes`, labelled from the form of the step that made
    them (`element_id`), else from the file's forms; a changed group of fields gives one row per field that
    changed in it ("Mentions du contrat — Billet d'avion")."""
    rows = []
    for key, change in (changes or {}).items():
        rows += _rows(_schema(vocabulary, key, element_id), key, change.get("old"), change.get("new"), prefix="")
    return rows


def _rows(prop, key, old, new, prefix, label=None):
    label = prefix + (label or field_label(prop, key))
    is_group = (isinstance(old, Mapping) or isinstance(new, Mapping)) and not _is_amount(old) and not _is_amount(new)
    if not is_group or not all(isinstance(v, Mapping) or v is None for v in (old, new)):
        return [(label, value_text(prop, old), value_text(prop, new))]
    old, new, properties = old or {}, new or {}, (prop or {}).get("properties", {})
    rows = []
    for name in list(dict.fromkeys([*new, *old])):
        if old.get(name) != new.get(name):
            rows += _rows(properties.get(name) or (prop or {}).get("additionalProperties"), name, old.get(name),
                          new.get(name), prefix=label + " — ", label=_key_label(prop, name))
    return rows


def _key_label(prop, key):
    """The label of an entry of a map keyed by person (a candidate's region): "personne n° 9"; None otherwise."""
    return _("personne n° %(id)s", id=key) if (prop or {}).get("x-keys") == "persons" else None


def data_rows(schema, data, prefix=""):
    """The rows (label, text) of data typed into a form, in the form's order, groups flattened."""
    rows, properties = [], (schema or {}).get("properties", {})
    for key in [*properties, *(key for key in data if key not in properties)]:
        if key not in data:
            continue
        prop, value = properties.get(key) or (schema or {}).get("additionalProperties"), data[key]
        label = prefix + (_key_label(schema, key) or field_label(prop, key))
        if isinstance(value, Mapping) and not _is_amount(value):
            rows += data_rows(prop, value, prefix=label + " — ")
        else:
            rows.append((label, value_text(prop, value)))
    return rows


def changed_labels(names, vocabulary=None, element_id=None):
    """The labels of the fields an event changed, for lists that do not show the values."""
    return [field_label(_schema(vocabulary, name, element_id), name) for name in names]


def _schema(vocabulary, key, element_id):
    """A field's schema in the form of the step `element_id`, else in any form of the file's version."""
    vocabulary = vocabulary or {}
    own = vocabulary.get("forms", {}).get(element_id, {})
    return own.get(key) or vocabulary.get("fields", {}).get(key)


def element_name(element_id, vocabulary=None):
    """An element's name in its diagram; "" for an element without a name (an unnamed gateway), its id
    for one the file's diagram does not know."""
    elements = (vocabulary or {}).get("elements", {})
    return elements.get(element_id, element_id or "")


def message_name(name, element_id=None, vocabulary=None):
    """A message or signal as its diagram names the event that caught it, else its name with spaces
    (retrait_offre → retrait offre)."""
    return element_name(element_id, vocabulary) if element_id and (vocabulary or {}).get("elements", {}).get(
        element_id) else str(name or "").replace("_", " ")


def migration_text(old, new):
    """What a migration did, as the file's history and the audit list say it."""
    return _("de la version %(old)s à la version %(new)s", old=old, new=new)


def detail_items(details, vocabulary=None, element_id=None):
    """The (label, text) of an audit event's details other than its changes; a label may be empty (a migration's
    "de la version 1 à la version 2" says itself what it is). `element_id` is the event's element: a message's
    catching event, which names it."""
    items, details = [], dict(details or {})
    if "from" in details and isinstance(details.get("to"), int):  # a migration: from one version to another
        items.append(("", migration_text(details.pop("from"), details.pop("to"))))
    for name, value in sorted(details.items()):
        if name == "changes" or value in (None, "", [], {}):
            continue
        if name == "name" and details.get("type") in ("message", "signal"):
            text = message_name(value, element_id, vocabulary)
        elif name == "via":
            text = str(READ_VIA.get(value, value))
        elif name == "to" and isinstance(value, list):  # the elements a decision led to
            text = ", ".join(filter(None, (element_name(str(target), vocabulary) for target in value)))
            if not text:  # a decision whose targets have no name: nothing to say
                continue
        elif name == "rules" and isinstance(value, list):
            text = " ; ".join(str(rule.get("description") or rule.get("id")) if isinstance(rule, Mapping) else str(rule)
                              for rule in value)
        elif name in ("country", "pays"):
            text = country(value)
        elif name == "elements" and isinstance(value, list):  # the steps a message or signal reached
            text = ", ".join(element_name(str(element), vocabulary) or str(element) for element in value)
        elif name in ("actor_region", "regions"):
            from web.labels import region_name  # the labels read this module's words
            text = ", ".join(region_name(str(code)) for code in (value if isinstance(value, list) else [value]))
        elif name == "channels" and isinstance(value, list):
            text = ", ".join(str(CHANNELS.get(channel, channel)) for channel in value)
        elif name in DETAIL_VALUES and isinstance(value, str):
            text = str(DETAIL_VALUES[name].get(value, value))
        elif name == "redacted" and isinstance(value, Mapping):
            text = _("%(count)d événement(s) : n° %(seqs)s", count=len(value), seqs=", ".join(value))
        elif name == "filters" and isinstance(value, Mapping):
            text = " ; ".join(f"{key} : {value_text({}, item)}" for key, item in value.items())
        else:
            text = value_text({}, value)
        items.append((str(DETAILS.get(name, name)), text))
    return items


def _is_amount(value):
    return isinstance(value, Mapping) and "montant" in value and set(value) <= _AMOUNT_KEYS


def _choice_title(prop, value):
    for option in prop.get("oneOf") or prop.get("anyOf") or []:
        if isinstance(option, Mapping) and option.get("const", _NONE) == value:
            return form_text(option.get("title")) or str(value)
    return None


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        if isinstance(value, str) and _ISO_DATETIME.match(value):
            return datetime.fromisoformat(value).date()
    except ValueError:
        return None
    return None


def init_app(app):
    """Filters and helpers for the templates."""
    app.jinja_env.filters.update(day=day, moment=moment, number=number, value_text=value_text, country=country,
                                 language=language, occupation=occupation, letter_day=letter_day,
                                 element_name_of=element_name, form_text=form_text, channel_word=channel_word)
    app.jinja_env.globals.update(change_rows=change_rows, changed_labels=changed_labels, element_name=element_name,
                                 detail_items=detail_items, message_name=message_name, migration_text=migration_text,
                                 channel_word=channel_word, notification_word=notification_word,
                                 delivered_word=lambda code: detail_value("delivered_by", code),
                                 detail_value=detail_value)


def channel_word(code):
    """A message's channel in words: SMS, courriel."""
    return str(CHANNELS.get(code, code))


def notification_word(code):
    """What a message to a person or an employer was (a convocation, a reminder...), in words; "message" for
    the portal's account codes, which name no kind."""
    return str(NOTIFICATIONS.get(code, code)) if code else _("message")


def detail_value(name, value):
    """A detail's value in words when DETAIL_VALUES has them, else the value."""
    return str(DETAIL_VALUES.get(name, {}).get(value, value))
