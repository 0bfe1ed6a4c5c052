"""Task forms: JSON Schemas stored with each deployed version, validated with jsonschema."""
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import SchemaError, ValidationError

from engine.definitions import reference
from engine.errors import FieldError, ValidationFailed


def parse_form(filename, text):
    """Parse a form file's text; return (value, None) or (None, reason) without raising."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        return None, f"{filename}: invalid JSON at line {err.lineno}: {err.msg}"
    if filename.endswith(".schema.json"):
        reason = _schema_error(text)
        if reason:
            return None, f"{filename}: invalid JSON Schema: {reason}"
    return value, None


@lru_cache(maxsize=512)
def _schema_error(text):
    """Why a schema (given as its JSON text) breaks the JSON Schema meta-schema, or None."""
    try:
        Draft202012Validator.check_schema(json.loads(text))
    except SchemaError as err:
        return err.message
    return None


def ui_filename(schema_filename):
    """The optional UI-hints file that goes with a schema file."""
    return schema_filename.removesuffix(".schema.json") + ".ui.json"


@dataclass
class Choices:
    """Where the choices of reference fields come from, for one task.

    `persons(ids, region)` lists (id, label) of personal files: those with the
    given ids, else those of the region (all when region is None).
    """

    regions: dict = field(default_factory=dict)
    persons: Callable = lambda ids, region: []
    # The occupations a field offers (occupations.choices: the agency's too); the ISCO unit groups when None.
    occupations: list | None = None
    data: dict = field(default_factory=dict)
    region: str | None = None

    def of(self, schema):
        """The (code, label) pairs for a schema's `x-reference` or `x-choices-from`, or None."""
        name, source = schema.get("x-reference"), schema.get("x-choices-from")
        if name == "persons":
            return self.persons(None, self.region)
        if name == "occupations" and self.occupations is not None:
            return self.occupations
        if name:
            return reference.choices(name, self.regions)
        if source:
            listed = self.data.get(source) or []
            return self.persons([int(i) for i in listed if str(i).isdigit()], None)
        return None


def expand(schema, choices, labelled=True):
    """Return a copy of `schema` whose reference fields list their choices (a Choices).

    A list with `x-includes-from: NAME` must contain each value of the task's data list NAME (e.g. the
    documents the destination requires), checked as `contains`; one with `x-marked-from: NAME` shows the
    choices listed in NAME as required ("— exigé"); an object with `x-at-most-from` limits a list to a
    number of the data unless a reason is given (`_at_most`); `x-date-order` reads the file's dates it
    compares with the form's (`_date_order`); a field with `x-one-of-from: NAME` offers only
    its choices listed in NAME (the meeting modes agreed with the employer), all of them when NAME lists none.

    With `labelled`, choices are `oneOf` const/title pairs for display; without,
    a plain `enum`, which validates far faster than hundreds of `oneOf` branches.
    """
    if isinstance(schema, list):
        return [expand(item, choices, labelled) for item in schema]
    if not isinstance(schema, dict):
        return schema
    expanded = {key: expand(value, choices, labelled) for key, value in schema.items()}
    if "x-includes-from" in schema:  # a list that must hold each value the task's data lists under that name
        needed = [value for value in choices.data.get(schema["x-includes-from"]) or [] if isinstance(value, str)]
        expanded["allOf"] = [*expanded.get("allOf", []), *({"contains": {"const": value}} for value in needed)]
    if "x-marked-from" in schema and isinstance(expanded.get("items"), dict):
        expanded["items"] = _marked(expanded["items"], choices.data.get(schema["x-marked-from"]) or [])
    if isinstance(schema.get("x-at-most-from"), dict):  # a list longer than a number of the data needs a reason
        expanded["allOf"] = [*expanded.get("allOf", []), *_at_most(schema["x-at-most-from"], choices.data)]
    if "x-one-of-from" in schema and isinstance(expanded.get("oneOf"), list):  # only the choices the data allows
        allowed = [value for value in choices.data.get(schema["x-one-of-from"]) or [] if isinstance(value, str)]
        kept = [choice for choice in expanded["oneOf"] if choice.get("const") in allowed]
        expanded["oneOf"] = kept or expanded["oneOf"]  # nothing allowed said: every choice
    if "x-date-order" in schema:  # dates typed in an earlier form of the file, to compare with this form's
        expanded["x-date-order"] = _file_dates(schema["x-date-order"], choices.data)
    pairs = choices.of(schema)
    if pairs is not None:
        if labelled:
            expanded["oneOf"] = [{"const": code, "title": label} for code, label in pairs]
        else:
            expanded["enum"] = [code for code, _label in pairs]
    return expanded


def N_(text):
    """Marks a form text written in Python (a data field's title, a hint) for the translation catalog, as
    `make translations` extracts those of the form files; the web layer translates it when it shows it."""
    return text


# What a choice the task's data mark as required says after its title (the web layer translates it).
REQUIRED_MARK = " — exigé"
DATA_KEYWORDS = ("x-choices-from", "x-includes-from", "x-marked-from", "x-at-most-from", "x-one-of-from")


def _at_most(rule, data):
    """`x-at-most-from: {"field": LIST, "limit": NAME, "unless": REASON}` on an object: LIST may hold more
    items than the task's data NAME (e.g. the number of candidates agreed with the employer) only with
    REASON filled in."""
    limit = data.get(rule.get("limit"))
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0 or not rule.get("field"):
        return []
    if not rule.get("unless"):
        return [{"properties": {rule["field"]: {"maxItems": limit}}}]
    return [{"if": {"properties": {rule["field"]: {"minItems": limit + 1}}, "required": [rule["field"]]},
             "then": {"required": [rule["unless"]]}}]


def _marked(items, marked):
    """A list's item schema whose choices listed in `marked` say so in their title ("exigé")."""
    if not isinstance(items.get("oneOf"), list):
        return items
    return {**items, "oneOf": [{**choice, "title": f"{choice.get('title', choice.get('const'))}{REQUIRED_MARK}"}
                               if choice.get("const") in marked else choice for choice in items["oneOf"]]}


def choices_from_data(schema):
    """Whether some field of `schema` takes its choices or its required values from the task's data
    (`x-choices-from`, `x-includes-from`, `x-marked-from`)."""
    if isinstance(schema, dict):
        return any(key in schema for key in DATA_KEYWORDS) or any(choices_from_data(v) for v in schema.values())
    return isinstance(schema, list) and any(choices_from_data(item) for item in schema)


TEXT_LIMIT = 10_000  # characters of a text field whose form sets no maxLength


def _type_and_length(validator, types, instance, schema):
    """JSON Schema's `type`, and at most TEXT_LIMIT characters for a text whose schema sets no maxLength."""
    yield from Draft202012Validator.VALIDATORS["type"](validator, types, instance, schema)
    if isinstance(instance, str) and "maxLength" not in schema and len(instance) > TEXT_LIMIT:
        yield ValidationError(f"longer than {TEXT_LIMIT} characters", validator="maxLength",
                              validator_value=TEXT_LIMIT)


def _date_order(validator, pairs, instance, schema):
    """`x-date-order` on an object: pairs [EARLIER, LATER], each given date on or before the other.

    A side is a date field of the object, "today" (as LATER: not in the future), or a date of the file's
    data typed in an earlier form: `{"from": NAME, "title": TITLE}`, whose value `expand` reads from the
    task's data (e.g. the deadline negotiated with the employer); missing there, the pair is not checked.
    The problem is put on the form's field: the later one when both are fields, with the other's title
    (`date_order`); against "today", `date_future`; against a date of the file, `date_before_file` or
    `date_after_file` with that date's title and value.
    """
    if not isinstance(instance, dict) or not isinstance(pairs, list):
        return
    titles = {key: (prop or {}).get("title", key) for key, prop in schema.get("properties", {}).items()}
    for earlier, later in (pair for pair in pairs if isinstance(pair, list) and len(pair) == 2):
        first, second = _side(earlier, instance), date.today() if later == "today" else _side(later, instance)
        if first is None or second is None or first <= second:
            continue
        if later == "today":
            yield ValidationError(f"{earlier} is in the future", validator="date_future", validator_value=None,
                                  path=deque([earlier]))
        elif isinstance(earlier, dict) and isinstance(later, str):
            yield ValidationError(f"{later} is before {earlier.get('from')}", validator="date_before_file",
                                  validator_value=earlier, path=deque([later]))
        elif isinstance(later, dict) and isinstance(earlier, str):
            yield ValidationError(f"{earlier} is after {later.get('from')}", validator="date_after_file",
                                  validator_value=later, path=deque([earlier]))
        elif isinstance(earlier, str) and isinstance(later, str):
            yield ValidationError(f"{later} is before {earlier}", validator="date_order",
                                  validator_value=titles.get(earlier, earlier), path=deque([later]))


def _apart(validator, pairs, instance, schema):
    """`x-apart` on an object: pairs [LIST, OTHER] of list fields that share no value (a candidate retained
    is not also on the waiting list). The problem is put on OTHER with LIST's title (`lists_overlap`)."""
    if not isinstance(instance, dict) or not isinstance(pairs, list):
        return
    for first, second in (pair for pair in pairs if isinstance(pair, list) and len(pair) == 2):
        one, other = instance.get(first), instance.get(second)
        if isinstance(one, list) and isinstance(other, list) and set(map(_frozen, one)) & set(map(_frozen, other)):
            title = (schema.get("properties", {}).get(first) or {}).get("title", first)
            yield ValidationError(f"{second} shares values with {first}", validator="lists_overlap",
                                  validator_value=title, path=deque([second]))


def _side(side, instance):
    """The day one side of an `x-date-order` pair gives: a field's, or the file's date read by `expand`."""
    if isinstance(side, dict):
        return _day(side.get("value"))
    return _day(instance.get(side)) if isinstance(side, str) else None


def _file_dates(pairs, data):
    """`x-date-order` pairs whose sides naming a date of the file (`{"from": NAME}`) carry its value."""
    if not isinstance(pairs, list):
        return pairs
    return [[{**side, "value": data.get(side.get("from"))} if isinstance(side, dict) else side for side in pair]
            if isinstance(pair, list) else pair for pair in pairs]


def _day(text):
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None  # not a date: the field's own format check says so


_BoundedValidator = validators.extend(Draft202012Validator, {"type": _type_and_length, "x-date-order": _date_order,
                                                          "x-apart": _apart})


def validate(schema, data):
    """Check `data` against an expanded `schema`; raise ValidationFailed listing each field's problem.

    A text field is at most TEXT_LIMIT characters unless its schema says otherwise (maxLength).
    """
    _check(_compiled(schema), data)


def validate_form(key, schema, choices, data):
    """`validate(expand(schema, choices, labelled=False), data)`, with the expanded form compiled once.

    `key` names one form of one deployed version, e.g. (version id, version checksum, form file): a
    version never changes, and a new one has a new key, so a process owner's deploy needs no flush.
    A compiled validator is kept for the key and for what its expansion read (each reference field's
    choices, the task data its rules name), so a region added or a person registered compiles anew.
    """
    nodes = _DYNAMIC.get(key)
    if nodes is None:
        nodes = _bounded(_DYNAMIC)[key] = list(_dynamic_nodes(schema))
    inputs = (key, tuple(_inputs(node, choices) for node in nodes))
    validator = _VALIDATORS.get(inputs)
    if validator is None:
        validator = _bounded(_VALIDATORS)[inputs] = _compiled(expand(schema, choices, labelled=False))
    _check(validator, data)


_DYNAMIC = {}  # form key -> the nodes of its schema whose expansion depends on the choices or the data
_VALIDATORS = {}  # (form key, what the expansion read) -> compiled validator
CACHED_FORMS = 256


def forget_validators():
    """Drop the compiled forms of this process (as a new process starts without them)."""
    _DYNAMIC.clear()
    _VALIDATORS.clear()


def _bounded(cache):
    if len(cache) >= CACHED_FORMS:
        cache.clear()
    return cache


def _dynamic_nodes(schema):
    """The objects of `schema` that `expand` fills from the choices or the task data."""
    if isinstance(schema, list):
        for item in schema:
            yield from _dynamic_nodes(item)
    elif isinstance(schema, dict):
        if any(name in schema for name in ("x-reference", "x-date-order", *DATA_KEYWORDS)):
            yield schema
        for value in schema.values():
            yield from _dynamic_nodes(value)


def _inputs(node, choices):
    """What `expand` reads for `node`: its choices and the data values its rules name, hashable."""
    data = choices.data
    read = [_get(data, node[name]) for name in ("x-includes-from", "x-marked-from", "x-one-of-from") if name in node]
    rule = node.get("x-at-most-from")
    if isinstance(rule, dict):
        read.append(_get(data, rule.get("limit")))
    pairs = node.get("x-date-order")
    if isinstance(pairs, list):  # the file's dates its pairs compare with (`_file_dates`)
        read += [_get(data, side.get("from")) for pair in pairs if isinstance(pair, list)
                 for side in pair if isinstance(side, dict)]
    return _pairs(choices.of(node)), _frozen(read)


def _pairs(pairs):
    """Choices (code, label) as a key: the codes of one field are all text or all numbers (persons)."""
    try:
        return None if pairs is None else tuple(map(tuple, pairs))
    except TypeError:
        return _frozen(pairs)


def _get(data, name):
    try:
        return data.get(name)
    except TypeError:  # not a name (a list): `expand` fails on it too
        return None


def _frozen(value):
    """`value` as a hashable key that tells apart what compares equal across types (1, 1.0 and True)."""
    if isinstance(value, dict):
        return ("dict", tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(_frozen(item) for item in value))
    return type(value).__name__, value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def _compiled(schema):
    return _BoundedValidator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _check(validator, data):
    errors = [_field_error(err) for err in validator.iter_errors(data)]
    if errors:
        raise ValidationFailed(_unique(errors))


def _field_error(err):
    path = [str(p) for p in err.absolute_path if not isinstance(p, int)]
    params = {}
    code = err.validator
    if code == "required":
        path.append(err.message.split("'")[1])
    elif code == "additionalProperties":
        params["name"] = ", ".join(sorted(set(err.instance) - set(err.schema.get("properties", {}))))
    elif code == "oneOf" and isinstance(err.instance, (str, int)):
        code = "enum"
    elif code in ("date_order", "lists_overlap"):
        params["other"] = err.validator_value
    elif code in ("date_before_file", "date_after_file"):
        params["other"] = err.validator_value.get("title") or err.validator_value.get("from")
        params["date"] = err.validator_value.get("value")
    elif code in ("if", "then", "allOf", "anyOf"):
        code = "invalid"
    if code in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
                "maxLength", "minItems", "maxItems", "pattern", "format", "type"):
        key = {"format": "format", "type": "expected", "pattern": "pattern"}.get(code, "limit")
        params[key] = err.validator_value
    return FieldError(".".join(path), code, params)


def _unique(errors):
    seen, result = set(), []
    for error in errors:
        if (error.field, error.code) not in seen:
            seen.add((error.field, error.code))
            result.append(error)
    return result
