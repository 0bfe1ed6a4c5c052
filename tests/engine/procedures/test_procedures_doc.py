"""docs/procedures.md names diagram elements that exist."""
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
