"""The texts of task forms in the reader's language.

Forms (JSON Schemas under forms/, a person's registration form) are written in French. Their titles,
descriptions and choice titles are msgids of the one translation catalog (messages.po): `make translations`
extracts them with `extract_form` (registered in babel.cfg), and pages translate them here at render time.
A text without an English entry is shown in French. Countries, languages and currencies of the reference lists
are named in the reader's language from the reference data; persons, regions and occupations (whose ISCO titles
the project has in French only) are shown as they are.
"""
import json
import unicodedata

from flask_babel import get_locale
from flask_babel import gettext as _

from engine.definitions import reference
from engine.definitions.forms import REQUIRED_MARK

TEXT_KEYS = ("title", "description")
_NAMED = {"countries": reference.country_name, "languages": reference.language_name,
          "currencies": reference.currency_title}


def text(french):
    """One text of a form (a field's title, a hint, a choice's title) in the reader's language; a choice the
    task marks as required ("Visa — exigé") keeps its mark, translated."""
    if not isinstance(french, str) or not french or _french():
        return french
    if french.endswith(REQUIRED_MARK):
        return _("%(choice)s — exigé", choice=text(french.removesuffix(REQUIRED_MARK)))
    return _(french)


def translated(schema):
    """A copy of a form's schema (choices filled in) with its texts in the reader's language; the schema
    itself for a French reader."""
    if _french() or not isinstance(schema, dict):
        return schema
    return _translated(schema, _language())


def _translated(node, language):
    if isinstance(node, list):
        return [_translated(item, language) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: text(value) if key in TEXT_KEYS and isinstance(value, str) else _translated(value, language)
              for key, value in node.items()}
    named = _NAMED.get(node.get("x-reference"))
    if named and isinstance(node.get("oneOf"), list):
        result["oneOf"] = sorted(({**option, "title": named(option.get("const"), language) or option.get("title")}
                                  for option in node["oneOf"]), key=lambda option: _folded(option["title"]))
    return result


def form_texts(schema):
    """Every text of a form's schema to translate, in order, each once."""
    found = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in TEXT_KEYS and isinstance(value, str):
                    if value and value not in found:
                        found.append(value)
                else:
                    walk(value)
    walk(schema)
    return found


def extract_form(fileobj, keywords, comment_tags, options):
    """Babel extractor for form files (babel.cfg's `form` method): each title and description of the JSON,
    with the line it is on."""
    source = fileobj.read().decode("utf-8")
    lines = source.splitlines()
    for french in form_texts(json.loads(source)):
        quoted = json.dumps(french, ensure_ascii=False)
        line = next((number for number, content in enumerate(lines, start=1) if quoted in content), 1)
        yield line, None, french, []


def _french():
    return _language() == "fr"


def _language():
    locale = get_locale()
    return locale.language if locale else "fr"


def _folded(title):
    text_ = unicodedata.normalize("NFKD", str(title).casefold())
    return "".join(char for char in text_ if not unicodedata.combining(char))
