"""What forms mark about their fields: health data and personal data.

Health data (medical certificate, vaccinations) is shown only to the roles whose
tasks need it. A form marks such a field with `"x-health": true`. The roles that
may see a version's health fields are those of the user tasks whose forms hold
them; everyone else reads the file, its history and task pages without them.

Personal data typed about a person (names, contacts, addresses, free-text
observations) is marked `"x-personal": true`; retention erases it, and health
data too, from the finished files of the persons it erases (`engine.people.erasure`).
A field choosing one person of the registry (`x-reference: persons`,
`x-choices-from`) says whom a step is about (`subject_fields`).

Marks are read at any depth of a form's properties (objects, array items).
"""
from engine.definitions.checks import user_tasks
from engine.definitions.workflows import version_specs

_CACHE = {}


def hidden_fields(version, actor):
    """The data fields `actor` must not see in files of `version` (empty when none are hidden)."""
    fields, roles = _health(version)
    return frozenset() if actor is None or actor.roles & roles else fields


def redact(data, hidden):
    """`data` without the hidden fields."""
    return {key: value for key, value in data.items() if key not in hidden} if hidden else data


def personal_fields(version):
    """The names of the fields the forms of `version` mark `x-personal`, or `x-health` (health data is personal)."""
    return _marked(version, "personal", lambda prop: prop.get("x-personal") is True or bool(prop.get("x-health")))


def subject_fields(version):
    """The names of the fields of `version`'s forms that choose one person of the registry."""
    return _marked(version, "subject", lambda prop: prop.get("type") == "integer" and (
        prop.get("x-reference") == "persons" or "x-choices-from" in prop))


def _marked(version, mark, test):
    key = (version.id, version.checksum, mark)
    if key not in _CACHE:
        _CACHE[key] = frozenset(name for form in version.forms.values() if isinstance(form, dict)
                                for name, prop in _properties(form) if test(prop))
    return _CACHE[key]


def _properties(schema):
    """(name, schema) of each property of a form, those of nested objects and array items included."""
    for name, prop in schema.get("properties", {}).items():
        if isinstance(prop, dict):
            yield name, prop
            yield from _properties(prop)
            if isinstance(prop.get("items"), dict):
                yield from _properties(prop["items"])


def _health(version):
    key = (version.id, version.checksum, "x-health")
    if key not in _CACHE:
        forms = version.forms
        fields = _marked(version, "health", lambda prop: bool(prop.get("x-health")))
        roles = {info.role for info in user_tasks(*version_specs(version))
                 if info.form and fields & {name for name, _prop in _properties(forms.get(info.form, {}))}}
        _CACHE[key] = (fields, frozenset(roles))
    return _CACHE[key]
