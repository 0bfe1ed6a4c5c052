"""Reference data as data: countries and currencies (ISO, from pycountry), languages (ISO 639-3, from
data/languages.json, with Mali's national languages), occupations (ISCO-08, see `occupations`), regions."""
import gettext
import json
from functools import lru_cache
from pathlib import Path

import pycountry

from engine.definitions import occupations

REGIONS_FILE = Path(__file__).parent / "data" / "regions.json"
# ISO 639-3 codes with their French and English names; `iso639_1` is the two-letter code earlier versions
# stored for the same language, `mali` marks Mali's national languages.
LANGUAGES_FILE = Path(__file__).parent / "data" / "languages.json"


@lru_cache
def _iso_choices(name):
    """ISO codes with their French names, sorted by name."""
    if name == "countries":
        tr = _translation("iso3166-1")
        pairs = [(c.alpha_2, tr(getattr(c, "common_name", c.name))) for c in pycountry.countries]
    elif name == "currencies":
        tr = _translation("iso4217")
        pairs = [(c.alpha_3, f"{c.alpha_3} — {tr(c.name)}") for c in pycountry.currencies]
    elif name == "languages":
        pairs = [(lang["code"], lang["fr"]) for lang in languages()]
    else:
        raise KeyError(name)
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def _translation(domain):
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["fr"], fallback=True).gettext


def choices(name, regions):
    """List (code, label) pairs for a reference list; `regions` maps region codes to names."""
    if name == "regions":
        return list(regions.items())
    if name == "occupations":
        return list(occupations.unit_choices())
    return _iso_choices(name)


def bundled_regions():
    """The regional directorates shipped with Djoliba, as a list of {code, name}."""
    return json.loads(REGIONS_FILE.read_text(encoding="utf-8"))


@lru_cache
def languages():
    """The languages forms offer: {code (ISO 639-3), fr, en, [iso639_1], [mali]}, as in LANGUAGES_FILE."""
    return json.loads(LANGUAGES_FILE.read_text(encoding="utf-8"))


@lru_cache
def language_code(code):
    """The ISO 639-3 code of a language code as stored, also the two-letter codes of earlier versions
    ("bm" → "bam"); the code itself when it is not one of those."""
    earlier = {lang["iso639_1"]: lang["code"] for lang in languages() if "iso639_1" in lang}
    return earlier.get(code, code)


def language_name(code, locale="fr"):
    """A language's name in French or English ("fr", "en"), also for a two-letter code stored by earlier
    versions; None for a code the list does not know."""
    code = language_code(code)
    for lang in languages():
        if lang["code"] == code:
            return lang["en"] if locale == "en" else lang["fr"]
    return None


def country_name(code, locale="fr"):
    """A country's name (ISO 3166-1 alpha-2 code) in French or English; None for an unknown code."""
    country = pycountry.countries.get(alpha_2=code) if isinstance(code, str) and len(code) == 2 else None
    if country is None:
        return None
    name = getattr(country, "common_name", country.name)
    return name if locale == "en" else _translation("iso3166-1")(name)


def currency_title(code, locale="fr"):
    """A currency (ISO 4217 code) as the forms list it, its name in French or English: "EUR — euro", "EUR — Euro";
    None for an unknown code."""
    currency = pycountry.currencies.get(alpha_3=code) if isinstance(code, str) and len(code) == 3 else None
    if currency is None:
        return None
    return f"{currency.alpha_3} — {currency.name if locale == 'en' else _translation('iso4217')(currency.name)}"
