"""Reference data as data: countries, currencies and languages (ISO, from pycountry), regions."""
import gettext
import json
from functools import lru_cache
from pathlib import Path

import pycountry

REGIONS_FILE = Path(__file__).parent / "data" / "regions.json"


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
        tr = _translation("iso639-3")
        pairs = [(lang.alpha_2, tr(lang.name)) for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    else:
        raise KeyError(name)
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def _translation(domain):
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["fr"], fallback=True).gettext


def choices(name, regions):
    """List (code, label) pairs for a reference list; `regions` maps region codes to names."""
    if name == "regions":
        return list(regions.items())
    return _iso_choices(name)


def bundled_regions():
    """The regional directorates shipped with Djoliba, as a list of {code, name}."""
    return json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
