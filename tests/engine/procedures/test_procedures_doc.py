"""docs/procedures.md names diagram elements that exist."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NAMED = re.compile(r"`([a-z_]+):([A-Za-z0-9_]+)`")


def named_elements():
    return NAMED.findall((ROOT / "docs" / "procedures.md").read_text(encoding="utf-8"))


def test_the_table_names_elements():
    assert len(named_elements()) >= 10


def test_every_named_element_exists_in_its_diagram():
    missing = []
    for process_key, element_id in named_elements():
        diagram = ROOT / "bpmn" / f"{process_key}.bpmn"
        if not diagram.exists() or f'id="{element_id}"' not in diagram.read_text(encoding="utf-8"):
            missing.append(f"{process_key}:{element_id}")
    assert missing == []


def test_every_diagram_is_in_the_table():
    documented = {process_key for process_key, _element in named_elements()}
    assert {path.stem for path in (ROOT / "bpmn").glob("*.bpmn")} <= documented


FIELD = re.compile(r"`([a-z_]+)#([a-z_]+)`")


def _fields(schema):
    """The names of a form's fields, nested ones included."""
    if isinstance(schema, dict):
        names = set((schema.get("properties") or {}).keys())
        return names.union(*(_fields(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_fields(item) for item in schema))
    return set()


def test_every_named_form_field_exists_in_its_form():
    text = (ROOT / "docs" / "procedures.md").read_text(encoding="utf-8")
    named = FIELD.findall(text)
    assert len(named) >= 50
    missing = []
    for form, field in named:
        path = ROOT / "forms" / f"{form}.schema.json"
        if not path.exists() or field not in _fields(json.loads(path.read_text(encoding="utf-8"))):
            missing.append(f"{form}#{field}")
    assert missing == []


def test_every_section_of_chapters_7_to_9_has_its_steps():
    text = (ROOT / "docs" / "procedures.md").read_text(encoding="utf-8")
    steps = text[text.index("## Chapters 7–9, step by step"):]
    sections = {line.split("|")[1].strip() for line in steps.splitlines() if line.startswith("| ") and "---" not in line}
    assert {"7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8", "8.1", "8.2.1", "8.2.2", "8.2.3", "8.2.4", "8.2.5",
            "8.2.6", "8.2.7", "8.2.8", "9.1", "9.2", "9.2.1", "9.2.2", "9.2.3"} <= sections
