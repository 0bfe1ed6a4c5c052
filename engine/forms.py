"""Task forms: JSON Schemas stored with each deployed version, validated with jsonschema."""
import json

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from engine.errors import FieldError, ValidationFailed
from engine import reference


def parse_form(filename, text):
    """Parse a form file's text; return (value, None) or (None, reason) without raising."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        return None, f"{filename}: invalid JSON at line {err.lineno}: {err.msg}"
    if filename.endswith(".schema.json"):
        try:
            Draft202012Validator.check_schema(value)
        except SchemaError as err:
            return None, f"{filename}: invalid JSON Schema: {err.message}"
    return value, None


def ui_filename(schema_filename):
    """The optional UI-hints file that goes with a schema file."""
    return schema_filename.removesuffix(".schema.json") + ".ui.json"


def expand(schema, regions, labelled=True):
    """Return a copy of `schema` whose `x-reference` properties list their choices.

    With `labelled`, choices are `oneOf` const/title pairs for display; without,
    a plain `enum`, which validates far faster than hundreds of `oneOf` branches.
    """
    if isinstance(schema, list):
        return [expand(item, regions, labelled) for item in schema]
    if not isinstance(schema, dict):
        return schema
    expanded = {key: expand(value, regions, labelled) for key, value in schema.items()}
    name = schema.get("x-reference")
    if name:
        pairs = reference.choices(name, regions)
        if labelled:
            expanded["oneOf"] = [{"const": code, "title": label} for code, label in pairs]
        else:
            expanded["enum"] = [code for code, _label in pairs]
    return expanded


def validate(schema, data):
    """Check `data` against an expanded `schema`; raise ValidationFailed listing each field's problem."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
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
