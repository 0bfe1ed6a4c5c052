"""HTML form fields built on the server from a task's JSON Schema, and typing of submissions."""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

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
    def input_type(self) -> str:
        """The <input> type; "text" when a browser would blank the value ("abc" as a number)."""
        html_value = _HTML_VALUES.get(self.kind)
        if html_value and isinstance(self.value, str) and not html_value.fullmatch(self.value):
            return "text"
        return self.kind if self.kind in _INPUT_KINDS else "text"


def fields_for(schema: dict, ui: dict | None = None, values: Any = None,
               errors: dict[str, list[str]] | None = None) -> list[Field]:
    """Build the fields of an object schema from nested data or a raw request.form, with errors."""
    if values is not None and hasattr(values, "getlist"):
        values = data_from_form(schema, values)
    return _fields(schema, ui or {}, values or {}, errors or {}, prefix="", group_required=True)


def data_from_form(schema: dict, form: Any) -> dict:
    """Turn a submitted MultiDict into data typed after the schema, keeping bad input as typed."""
    return _object_from_form(schema, form, prefix="")


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
    kind = _kind(prop, ui.get(name, {}).get("ui:widget"))
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
    return built


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
    return _choices(prop.get("items", {}) if kind == "checkboxes" else prop)


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
            data[key] = value
    return data


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
