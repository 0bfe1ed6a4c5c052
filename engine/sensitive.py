"""Health data (medical certificate, vaccinations) is shown only to the roles whose tasks need it.

A form marks such a field with `"x-health": true`. The roles that may see a
version's health fields are those of the user tasks whose forms hold them;
everyone else reads the file, its history and task pages without them.
"""
from engine.checks import user_tasks
from engine.workflows import version_specs

_CACHE = {}


def hidden_fields(version, actor):
    """The data fields `actor` must not see in files of `version` (empty when none are hidden)."""
    fields, roles = _health(version)
    return frozenset() if actor is None or actor.roles & roles else fields


def redact(data, hidden):
    """`data` without the hidden fields."""
    return {key: value for key, value in data.items() if key not in hidden} if hidden else data


def _health(version):
    key = (version.id, version.checksum)
    if key not in _CACHE:
        forms = version.forms
        fields = {name for form in forms.values() if isinstance(form, dict)
                  for name, prop in form.get("properties", {}).items() if isinstance(prop, dict) and prop.get("x-health")}
        roles = {info.role for info in user_tasks(*version_specs(version))
                 if info.form and fields & set(forms.get(info.form, {}).get("properties", {}))}
        _CACHE[key] = (frozenset(fields), frozenset(roles))
    return _CACHE[key]
