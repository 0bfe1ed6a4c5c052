"""HTML form fields built on the server from a task's JSON Schema, and typing of submissions."""

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from engine.definitions import reference
from web.form_text import translated
from web.messages import field_message

_TYPED_INTEGER = re.compile(r"[+-]?[0-9]+")
_TYPED_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SPACES = re.compile(r"[ \u00a0\u202f]")  # French thousands separators: "150 000"
# Values a browser keeps in <input type=number|date>; it silently blanks any other.
_HTML_VALUES = {
    "number": re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"),
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
}
_INPUT_KINDS = ("number", "date", "email")
_STRUCTURED_KINDS = {"object": "group", "array": "checkboxes", "boolean": "boolean"}
# A choice list longer than this is a text field searching a <datalist> (one field per value for a list of
# choices), not a <select> or boxes to tick: 184 languages as boxes made a form 5,866 px long on a phone.
LONG_LIST = 20
# How many of the values a typed text matches its refusal names.
_NAMED_MATCHES = 5
_BRACKETS = re.compile(r"\([^)]*\)")
# Empty fields a long list of choices offers besides the values already chosen.
_MORE_VALUES = 3


@dataclass
class Field:
    """One form control, or a group of them, for the render_fields macro."""

    name: str
    label: str
    kind: str
    description: str = ""
    required: bool = False  # required by its own object's schema
    required_attr: bool = False  # ...and every enclosing group is required too
    choices: list[tuple[str, str]] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    value: str | list[str] | None = None
    errors: list[str] = field(default_factory=list)
    children: list["Field"] = field(default_factory=list)
    max_items: int | None = None  # a list's maxItems
    item_errors: dict[int, str] = field(default_factory=dict)  # a long list's text field (1, 2…) → what is wrong
    links: dict[str, str] = field(default_factory=dict)  # a choice's value → a page to read about it (set by a view)

    def item_error_id(self, number: int) -> str:
        """HTML id of the message under one text field of a long list."""
        return f"{self.id}-{number}-err"

    @property
    def id(self) -> str:
        """HTML id of the control, or of the fieldset for groups of controls."""
        return "field-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)

    @property
    def describedby(self) -> str:
        """Ids of the description and error elements, for aria-describedby."""
        ids = [self.id + "-desc"] if self.description else []
        if self.errors:
            ids.append(self.id + "-err")
        return " ".join(ids)

    @property
    def selected(self) -> list[str]:
        """The choice values currently selected or checked."""
        if self.value is None:
            return []
        return self.value if isinstance(self.value, list) else [self.value]

    @property
    def inputs(self) -> list[tuple[str, str]]:
        """(id, value) of each text field of a long list of choices: the values chosen, then empty ones."""
        values = self.selected if self.kind == "search" else self.selected + [""] * self.more
        return [(self.id if self.kind == "search" else f"{self.id}-{n}", value)
                for n, value in enumerate(values or [""], start=1)]

    @property
    def more(self) -> int:
        """How many empty fields a long list of choices adds (fewer when `maxItems` says so)."""
        more = _MORE_VALUES if self.selected else _MORE_VALUES + 1
        return max(0, min(more, self.max_items - len(self.selected))) if self.max_items else more

    @property
    def target(self) -> str:
        """The id an error summary's link leads to: the control itself, or the first of a group's."""
        if self.kind in ("radio", "boolean", "checkboxes", "searchlist"):
            return self.id + "-1"
        return self.id

    @property
    def input_type(self) -> str:
        """The <input> type; "text" when a browser would blank the value ("abc" as a number)."""
        html_value = _HTML_VALUES.get(self.kind)
        if html_value and isinstance(self.value, str) and not html_value.fullmatch(self.value):
            return "text"
        return self.kind if self.kind in _INPUT_KINDS else "text"


def fields_for(schema: dict, ui: dict | None = None, values: Any = None,
               errors: dict[str, list[str]] | None = None) -> list[Field]:
    """Build the fields of an object schema from nested data or a raw request.form, with errors; the form's
    texts (titles, hints, choices) in the reader's language."""
    schema = translated(schema)
    if values is not None and hasattr(values, "getlist"):
        values = _object_from_form(schema, values, prefix="")
    return _fields(schema, ui or {}, values or {}, errors or {}, prefix="", group_required=True)


def data_from_form(schema: dict, form: Any) -> dict:
    """Turn a submitted MultiDict into data typed after the schema, keeping bad input as typed.

    A choice typed by its title (the searchable field of a long list) becomes its code when the schema
    lists its choices (oneOf const/title), whatever the case and accents: "bambara (Bamanankan)" → "bam";
    by its title in the reader's language, as the page offered it ("Bambara" on an English page).
    """
    return _object_from_form(translated(schema), form, prefix="")


def error_summary(fields: list[Field]) -> list[tuple[str, str, str]]:
    """(target id, label, message) of each field in error, in the form's order, groups walked into."""
    items = []
    for built in fields:
        if built.errors:
            items.append((built.target, built.label, " ".join(built.errors)))
        items += [(f"{built.id}-{number}", f"{built.label} {number}", text)
                  for number, text in sorted(built.item_errors.items())]
        items += error_summary(built.children)
    return items


def errors_by_field(field_errors: list[dict]) -> dict[str, list[str]]:
    """Group the engine's validation problems as French messages by dotted name ("" = form)."""
    errors: dict[str, list[str]] = {}
    for problem in field_errors:
        # An error on an array item ("langues.0") is shown on the array field.
        parts = (problem.get("field") or "").split(".")
        name = ".".join(part for part in parts if part and not part.isdigit())
        message = field_message(problem.get("code", ""), problem.get("params"))
        if message not in errors.setdefault(name, []):
            errors[name].append(message)
    return errors


def _fields(schema: dict, ui: dict, values: Mapping, errors: dict, prefix: str,
            group_required: bool) -> list[Field]:
    """Build the fields of one object level, in ui:order then schema order."""
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    order = (ui.get(prefix[:-1], {}) if prefix else ui).get("ui:order", [])
    listed = [name for name in dict.fromkeys(order) if name in properties]
    names = listed + [name for name in properties if name not in listed]
    return [_field(prefix + name, properties[name], name in required, group_required,
                   ui, values.get(name), errors) for name in names]


def _field(name: str, prop: dict, required: bool, group_required: bool, ui: dict,
           value: Any, errors: dict) -> Field:
    """Build one field, recursing into the properties of an object."""
    kind = _long_list(_kind(prop, ui.get(name, {}).get("ui:widget")), prop)
    built = Field(
        name=name, label=prop.get("title") or name.rsplit(".", 1)[-1], kind=kind,
        description=prop.get("description", ""), required=required,
        required_attr=required and group_required, choices=_choices_for(prop, kind),
        attrs=_attrs(prop, kind), errors=list(errors.get(name, [])),
    )
    if kind == "group":
        nested = value if isinstance(value, Mapping) else {}
        built.children = _fields(prop, ui, nested, errors, name + ".", built.required_attr)
    else:
        built.value = _display(value)
    if kind in ("search", "searchlist") and built.errors:
        _typing_errors(built, prop.get("items", {}) if kind == "searchlist" else prop, value)
    if kind in ("search", "searchlist"):
        built.value = _titles(built.choices, built.value, prop.get("items", {}) if kind == "searchlist" else prop)
    elif kind in ("select", "radio") and built.value is None and required and len(built.choices) == 1:
        built.value = built.choices[0][0]  # the one possible answer (the evaluator's one candidate) is chosen
    if kind == "searchlist" and isinstance(prop.get("maxItems"), int):
        built.max_items = prop["maxItems"]
    return built


def _typing_errors(built: Field, prop: dict, value: Any) -> None:
    """Say which text of a refused long list matches no value or several, in place of "choose a value":
    for a list of choices, under the one text field in error (the others stay as they are)."""
    options = prop.get("oneOf") or prop.get("anyOf") or []
    values = value if isinstance(value, list) else [] if value is None else [value]
    wrong = {number: _typing_error(options, typed) for number, typed in enumerate(values, start=1)
             if isinstance(typed, str) and choice_for(options, typed)[0] is None}
    if not wrong or not options:
        return
    generic = field_message("enum", {})
    built.errors = [text for text in built.errors if text != generic]
    if built.kind == "searchlist":
        built.item_errors = wrong
    else:
        built.errors.insert(0, next(iter(wrong.values())))


def _typing_error(options: list[dict], typed: str) -> str:
    """Why a typed text is not a choice: it matches several values (some named), or none."""
    matches = choice_for(options, typed)[1]
    if not matches:
        return _("« %(text)s » ne correspond à aucune valeur de la liste : choisissez-en une.", text=typed)
    named = ", ".join(matches[:_NAMED_MATCHES]) + (", …" if len(matches) > _NAMED_MATCHES else "")
    return _("« %(text)s » correspond à plusieurs valeurs : précisez (%(values)s).", text=typed, values=named)


def _long_list(kind: str, prop: dict) -> str:
    """"search" for a select or radio buttons, "searchlist" for boxes to tick, over LONG_LIST choices."""
    if kind in ("select", "radio") and len(_choices(prop)) > LONG_LIST:
        return "search"
    items = prop.get("items", {})
    if kind == "checkboxes" and len(_choices(items)) > LONG_LIST and not _people(items):
        return "searchlist"
    return kind


def _people(items: dict) -> bool:
    """Whether a list's choices are persons (the registry, or the candidates a file holds): boxes to tick,
    however many, since a counsellor may pick many of them at once (a searchable list offers a few fields)."""
    return items.get("x-reference") == "persons" or "x-choices-from" in items


def _titles(choices: list[tuple[str, str]], value: str | list[str] | None, prop: dict) -> str | list[str] | None:
    """A long list's chosen codes as the titles its text fields show; a code of an earlier version's list
    (a language's two letters) by its title today; what was typed and matches nothing, as typed."""
    titles = dict(choices)

    def title(code):
        if code in titles:
            return titles[code]
        if prop.get("x-reference") == "languages":
            return titles.get(reference.language_code(code), code)
        return code
    if isinstance(value, list):
        return [title(code) for code in value]
    return None if value is None else title(value)


def _kind(prop: dict, widget: str | None) -> str:
    """The kind of control for a property, honouring the ui:widget hint where it applies."""
    type_ = _type(prop)
    if type_ in _STRUCTURED_KINDS:
        return _STRUCTURED_KINDS[type_]
    if _choices(prop):
        return "radio" if widget == "radio" else "select"
    if type_ in ("integer", "number"):
        return "number"
    if widget == "textarea":
        return "textarea"
    return prop["format"] if prop.get("format") in ("date", "email") else "text"


def _choices_for(prop: dict, kind: str) -> list[tuple[str, str]]:
    """The (value, label) choices a field offers, if any."""
    if kind == "boolean":
        return [("true", _("Oui")), ("false", _("Non"))]
    return _choices(prop.get("items", {}) if kind in ("checkboxes", "searchlist") else prop)


def _choices(prop: dict) -> list[tuple[str, str]]:
    """Choices declared as oneOf/anyOf consts with titles, or as a plain enum."""
    options = prop.get("oneOf") or prop.get("anyOf") or []
    if options and all("const" in option for option in options):
        return [(_display(o["const"]), o.get("title") or _display(o["const"])) for o in options]
    return [(_display(value), _display(value)) for value in prop.get("enum", [])]


def _attrs(prop: dict, kind: str) -> dict[str, str]:
    """HTML constraint attributes matching the schema keywords."""
    attrs = {}
    if kind == "number":
        attrs["step"] = "1" if _type(prop) == "integer" else "any"
        attrs.update({attr: _display(prop[key])
                      for key, attr in (("minimum", "min"), ("maximum", "max")) if key in prop})
    if kind in ("text", "email", "textarea") and "maxLength" in prop:
        attrs["maxlength"] = str(prop["maxLength"])
    # An HTML pattern must match the whole value, a JSON Schema one may match anywhere:
    # they only agree when the schema pattern is anchored at both ends.
    pattern = prop.get("pattern", "")
    if kind in ("text", "email") and pattern.startswith("^") and pattern.endswith("$"):
        attrs["pattern"] = pattern
    return attrs


def _type(prop: dict) -> str | None:
    """The JSON type of a property, ignoring "null" in a list of types."""
    type_ = prop.get("type")
    if isinstance(type_, list):
        return next((t for t in type_ if t != "null"), None)
    return type_


def _display(value: Any) -> str | list[str] | None:
    """A value as the form shows it: text, "true"/"false" for booleans, a list for checkboxes."""
    if value is None or isinstance(value, Mapping):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_display(item) for item in value]
    return str(value)


def _object_from_form(schema: dict, form: Any, prefix: str) -> dict:
    """Typed data for one object level, omitting what was left empty."""
    data = {}
    for key, prop in schema.get("properties", {}).items():
        name, type_ = prefix + key, _type(prop)
        if type_ == "object":
            value = _object_from_form(prop, form, name + ".") or None
        elif type_ == "array":
            items = [_typed(prop.get("items", {}), raw) for raw in form.getlist(name)]
            value = [item for item in items if item is not None] or None
        else:
            value = _typed(prop, form.get(name))
        if value is not None:
            data[key] = _coded(prop.get("items", {}) if type_ == "array" else prop, value)
    return data


def _coded(prop: dict, value: Any) -> Any:
    """Choices typed by their title as their codes (a list item by item); anything else unchanged."""
    if isinstance(value, list):
        return [_coded(prop, item) for item in value]
    options = prop.get("oneOf") or prop.get("anyOf") or []
    if not isinstance(value, str) or not options or any(o.get("const") == value for o in options if "const" in o):
        return value
    earlier = reference.language_code(value) if prop.get("x-reference") == "languages" else None
    if earlier and any(o.get("const") == earlier for o in options):
        return earlier  # the two letters of earlier versions: "bm" → "bam"
    code = choice_for(options, value)[0]
    return value if code is None else code


def choice_for(options: list[dict], typed: str) -> tuple[Any, list[str]]:
    """The choice (oneOf const/title) a typed text names, whatever the case and accents: (code, [title])
    when it names one, (None, titles) when several, (None, []) when none. Tried in turn: the code or the
    whole title ("bambara (BAMANANKAN)"); the title without its brackets or its "CODE — " ("bambara",
    "euro"); the beginning of one title or of those shorter names ("bamb")."""
    text = _folded(typed)
    if not text:
        return None, []
    named = [(option["const"], option.get("title") or str(option["const"])) for option in options if "const" in option]
    tests = (lambda keys: text in keys[:2], lambda keys: text in keys[2:],
             lambda keys: any(key.startswith(text) for key in keys))
    keyed = [(code, title, _keys(code, title)) for code, title in named]
    for test in tests:
        found = {code: title for code, title, keys in keyed if test(keys)}
        if len(found) == 1:
            code, title = next(iter(found.items()))
            return code, [title]
        if found:
            return None, list(found.values())
    return None, []


def _keys(code: Any, title: str) -> list[str]:
    """How a choice may be typed, folded: its code, its title, then its shorter names (the title without
    its brackets, the part after "CODE — " or before " — exigé")."""
    keys = [_folded(str(code)), _folded(title)]
    parts = title.split(" — ")
    for name in (title, parts[-1], parts[0]):
        short = _folded(_BRACKETS.sub(" ", name))
        if short and short not in keys:
            keys.append(short)
    return keys


def _folded(text: str) -> str:
    """Text compared without case, accents or repeated spaces."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(char for char in text if not unicodedata.combining(char)).split())


def _typed(prop: dict, raw: str | None) -> Any:
    """Stripped text converted to the property's type, None if empty; unconvertible text is kept."""
    text = (raw or "").strip()
    type_ = _type(prop)
    if not text:
        return None
    if type_ in ("integer", "number"):
        return _number(text, integer=type_ == "integer")
    if type_ == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


def _number(text: str, integer: bool) -> int | float | str:
    """Parse a number, also written the French way ("150 000", "2,5"), else return the text."""
    cleaned = _SPACES.sub("", text).replace(",", ".")
    try:
        if _TYPED_INTEGER.fullmatch(cleaned):
            return int(cleaned)
        if not integer and _TYPED_NUMBER.fullmatch(cleaned):
            number = float(cleaned)
            return number if math.isfinite(number) else text
    except ValueError:  # more digits than Python will convert
        pass
    return text
