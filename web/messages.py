"""French messages for the validation problems the engine reports on form fields."""

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _

from web import display
from web.form_text import text as form_text

# Keyed by (code, detail); detail refines "type" (expected type) and "format" (format name).
# Limits of minLength/maxLength are in practice >= 2, hence the plural "caractères".
_MESSAGES = {
    ("required", None): _("Ce champ est obligatoire."),
    ("type", "integer"): _("Saisissez un nombre entier."),
    ("type", "number"): _("Saisissez un nombre."),
    ("type", "boolean"): _("Répondez par Oui ou par Non."),
    ("type", None): _("La valeur saisie n'est pas du type attendu."),
    ("minimum", None): _("Saisissez une valeur supérieure ou égale à %(limit)s."),
    ("maximum", None): _("Saisissez une valeur inférieure ou égale à %(limit)s."),
    ("exclusiveMinimum", None): _("Saisissez une valeur strictement supérieure à %(limit)s."),
    ("exclusiveMaximum", None): _("Saisissez une valeur strictement inférieure à %(limit)s."),
    ("minLength", None): _("Saisissez au moins %(limit)s caractères."),
    ("maxLength", None): _("Saisissez au plus %(limit)s caractères."),
    ("field_name", None): _("Ce nom de champ n'est pas permis : une lettre puis des lettres, chiffres ou _ (80 au plus)."),
    ("too_large", None): _("Ces données sont trop grandes : %(limit)s Ko au plus."),
    ("too_deep", None): _("Ce JSON est imbriqué trop profondément pour être lu."),
    ("pattern", None): _("Saisissez la valeur au format indiqué."),
    ("format", "date"): _("Saisissez une date au format AAAA-MM-JJ."),
    ("format", "email"): _("Saisissez une adresse électronique valide."),
    ("format", None): _("Saisissez la valeur au format attendu."),
    ("enum", None): _("Choisissez une valeur de la liste."),
    ("const", None): _("Choisissez une valeur de la liste."),
    ("oneOf", None): _("Choisissez une valeur de la liste."),
    ("anyOf", None): _("Choisissez une valeur de la liste."),
    ("minItems", None): _("Cochez au moins %(limit)s choix."),
    ("maxItems", None): _("Cochez au plus %(limit)s choix."),
    ("contains", None): _("Cochez chacun des choix marqués « exigé » : ils sont tous nécessaires."),
    ("uniqueItems", None): _("Ne cochez chaque choix qu'une seule fois."),
    ("additionalProperties", None): _("Champ inconnu : %(name)s"),
    ("own_region", None): _("Inscrivez la personne dans votre direction régionale (%(region)s)."),
    ("phone_unreadable", None): _("Numéro de téléphone non reconnu : tapez les 8 chiffres d'un numéro malien "
                                  "(76 12 34 56) ou un numéro étranger avec son indicatif (+33 6 12 34 56 78)."),
    ("lists_overlap", None): _("Une même personne ne peut être à la fois ici et dans « %(other)s » : "
                               "décochez-la de l'une des deux listes."),
    ("date_future", None): _("Cette date est dans le futur : vérifiez-la."),
    ("date_order", None): _("Cette date précède « %(other)s » : vérifiez l'une ou l'autre."),
    ("date_before_file", None): _("Cette date précède « %(other)s » du dossier (%(date)s) : vérifiez-la."),
    ("date_after_file", None): _("Cette date dépasse « %(other)s » du dossier (%(date)s) : vérifiez-la."),
    ("birth_date_future", None): _("La date de naissance est dans le futur : vérifiez l'année."),
    ("too_young", None): _("La personne doit avoir au moins %(limit)s ans : vérifiez la date de naissance."),
    ("possible_duplicate", None): _("Cette personne semble déjà inscrite (voir ci-dessous) : ouvrez sa fiche, "
                                    "ou confirmez qu'il s'agit d'une autre personne."),
    ("possible_employer_duplicate", None): _("Cet employeur semble déjà inscrit au registre (voir ci-dessous) : "
                                             "choisissez-le, ou confirmez qu'il s'agit d'un autre employeur."),
    ("unknown_employer", None): _("L'employeur n° %(id)s n'est pas au registre : choisissez dans la liste proposée."),
}
_FALLBACK = _("Vérifiez la valeur saisie.")

# The param that selects a more precise message for a code.
_DETAIL_PARAMS = {"type": "expected", "format": "format"}


def field_message(code: str, params: dict | None = None) -> str:
    """Return the French message telling the user how to fix one field problem."""
    params = _localized(params or {})
    if isinstance(params.get("other"), str):  # the title of the form's other field (date_order)
        params["other"] = form_text(params["other"])
    detail = params.get(_DETAIL_PARAMS.get(code))
    if not isinstance(detail, str):
        detail = None
    message = _MESSAGES.get((code, detail)) or _MESSAGES.get((code, None)) or _FALLBACK
    try:
        return str(message) % params
    except (KeyError, TypeError, ValueError):  # a param the message needs is missing
        return str(_FALLBACK)


def _localized(params: dict) -> dict:
    """Format numeric params the way the current locale writes numbers (150 000 ; 0,5), and a `date`
    param as the pages write dates (28/02/2025)."""
    locale = get_locale() or "fr"
    return {
        key: format_decimal(value, locale=locale, decimal_quantization=False)
        if isinstance(value, (int, float)) and not isinstance(value, bool)
        else display.day(value) if key == "date"
        else value
        for key, value in params.items()
    }
