"""A readable summary of what earlier steps recorded in a file, labelled from their forms."""
from engine.definitions.checks import user_tasks
from engine.definitions.forms import expand
from engine.definitions.workflows import version_specs


def file_summary(version, data, choices, skip_form=None, value_text=None, title_text=None):
    """Sections [{"title", "fields": [(label, text)]}] of the data each earlier form recorded;
    `value_text(schema, value)` writes a value (default: French words, values as stored), `title_text(title)`
    a field's title (default: the form's French)."""
    sections, seen = [], set()
    for info in _forms_in_order(version):
        if info.form in seen or info.form == skip_form or info.form not in version.forms:
            continue
        seen.add(info.form)
        schema = expand(version.forms[info.form], choices)
        fields = _fields(schema, data, value_text or _text, title_text or str)
        if fields:
            sections.append({"title": info.title, "fields": fields})
    return sections


def _forms_in_order(version):
    infos = user_tasks(*version_specs(version))
    return sorted(infos, key=lambda info: _position(version, info.element_id))


def _position(version, element_id):
    source = "".join(version.sources.values())
    found = source.find(f'id="{element_id}"')
    return found if found >= 0 else len(source)


def _fields(schema, data, value_text, title_text, prefix=""):
    fields = []
    for name, prop in schema.get("properties", {}).items():
        if name not in data or data[name] in (None, "", []):
            continue
        label = prefix + (title_text(prop["title"]) if prop.get("title") else name)
        value = data[name]
        if prop.get("type") == "object" and isinstance(value, dict) and not set(value) <= {"montant", "devise"}:
            fields += _fields(prop, value, value_text, title_text, prefix=label + " — ")
            continue
        fields.append((label, value_text(prop, value)))
    return fields


def _text(prop, value):
    if isinstance(value, dict) and set(value) <= {"montant", "devise"}:
        return f"{value.get('montant', '')} {value.get('devise', '')}".strip()
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, list):
        return ", ".join(_text(prop.get("items", {}), item) for item in value)
    titles = {choice.get("const"): choice.get("title") for choice in prop.get("oneOf", [])}
    return str(titles.get(value, value))


def fields_summary(schema, data, value_text=None, title_text=None):
    """[(label, text)] of `data`'s fields that the (expanded) form `schema` names, in its order (`value_text`
    and `title_text` as for `file_summary`)."""
    return _fields(schema, data, value_text or _text, title_text or str)
