"""What candidates are told about free movement is current (manual §8.2.4, issue 15 point 13).

The manual (2014) speaks of the ECOWAS protocols; Mali left ECOWAS on 29 January 2025. The information
form names the regimes that apply to Malians today, and no form or diagram text presents the ECOWAS
protocols as Mali's own free-movement regime.
"""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FORM = ROOT / "forms" / "accompagnement_candidat_informer.schema.json"


def test_the_information_session_names_the_regimes_that_apply_to_malians_today():
    pathways = json.loads(FORM.read_text(encoding="utf-8"))["properties"]["voies_legales_presentees"]["items"]
    titles = {choice["const"]: choice["title"] for choice in pathways["oneOf"]}
    assert {"libre_circulation_aes", "dispositions_transitoires_cedeao", "accords_bilateraux"} <= set(titles)
    assert "AES" in titles["libre_circulation_aes"]
    assert "29 janvier 2025" in titles["dispositions_transitoires_cedeao"]


def test_every_ecowas_mention_in_forms_and_diagrams_says_mali_has_left():
    stale = []
    for path in [*(ROOT / "forms").glob("*.json"), *(ROOT / "bpmn").glob("*.bpmn")]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"CEDEAO|ECOWAS", line) and not re.search(r"retrait du Mali|transitoire", line):
                stale.append(f"{path.name}: {line.strip()[:120]}")
    assert stale == []
