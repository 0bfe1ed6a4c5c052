"""Diagrams exported by plain bpmn-js import without warnings and redeploy, keeping their version when
their meaning did not change (the checksum is over a canonical form, see engine/audit/checksums.py)."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BPMN_DIR, FORMS_DIR, ROOT
from sqlalchemy import select

from engine.audit import checksums
from engine.authoring.deploy import deploy, deploy_paths
from engine.store.tables import ProcessVersion

SCRIPT = Path(__file__).with_name("plain_bpmn_js.mjs")
BUNDLED = sorted(BPMN_DIR.glob("*.bpmn"))


def plain_bpmn_js(paths):
    """{file name: (exported XML, import warnings)} of each file read and written by plain bpmn-js."""
    if not shutil.which("node") or not (ROOT / "node_modules" / "bpmn-moddle").is_dir():
        pytest.skip("Node.js and the npm packages (make install) are needed for the bpmn-js round trip")
    done = subprocess.run(["node", str(SCRIPT), *map(str, paths)], capture_output=True, text=True, check=True,
                          timeout=120)
    return {name: (value["xml"], value["warnings"]) for name, value in json.loads(done.stdout).items()}


def versions(uow):
    with uow:
        return sorted(uow.session.execute(select(ProcessVersion.process_key, ProcessVersion.version)).all())


def test_every_bundled_diagram_goes_through_plain_bpmn_js_and_keeps_its_version(deployed):
    before = versions(deployed)
    exported = plain_bpmn_js(BUNDLED)
    assert {name: warnings for name, (_xml, warnings) in exported.items() if warnings} == {}
    files = {name: xml.encode() for name, (xml, _warnings) in exported.items()}
    files.update({p.name: p.read_bytes() for p in BPMN_DIR.glob("*.dmn")})
    outcomes = deploy(deployed, files, "proprietaire", forms_dir=FORMS_DIR)
    assert len(outcomes) == len(before) and not [o for o in outcomes if o["created"]]
    assert versions(deployed) == before


OFFER = BPMN_DIR / "offre_internationale.bpmn"


def _rewritten(text):
    """The offer diagram as another editor might write it: other prefixes, attributes in another order,
    shapes moved, comments and the editor's name, no indentation."""
    text = text.replace("bpmn:", "semantic:").replace("xmlns:bpmn=", "xmlns:semantic=")
    text = re.sub(r'<dc:Bounds x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"',
                  lambda m: f'<dc:Bounds height="{m[4]}" width="{m[3]}" y="{int(m[2]) + 40}" x="{int(m[1]) + 25}"',
                  text)
    text = text.replace('exporter="Djoliba"', 'exporter="Autre modeleur"')
    text = re.sub(r">\s+<", "><", text).replace("<semantic:process ", "<!-- exporté --><semantic:process ")
    return text


def test_prefixes_attribute_order_whitespace_and_moved_shapes_are_not_a_change(uow):
    deploy_paths(uow, [OFFER], "proprietaire", forms_dir=FORMS_DIR)
    text = OFFER.read_text(encoding="utf-8")
    rewritten = _rewritten(text)
    assert "semantic:userTask" in rewritten and rewritten.count("<dc:Bounds height=") > 5
    [kept] = deploy(uow, {OFFER.name: rewritten.encode()}, "proprietaire", forms_dir=FORMS_DIR)
    assert kept["created"] is False

    renamed = rewritten.replace('name="Vérifier la crédibilité de l\'employeur"', 'name="Vérifier l\'employeur"')
    assert renamed != rewritten
    [changed] = deploy(uow, {OFFER.name: renamed.encode()}, "proprietaire", forms_dir=FORMS_DIR)
    assert (changed["created"], changed["version"]) == (True, 2)


def test_a_version_deployed_with_the_former_checksum_is_kept_and_still_verifies(uow):
    deploy_paths(uow, [OFFER], "proprietaire", forms_dir=FORMS_DIR)
    with uow:  # as a version deployed before the checksum was canonical has it: over its exact text
        version = uow.session.scalars(select(ProcessVersion)).one()
        version.checksum = checksums.legacy_checksum(version.sources, version.forms)
        assert checksums.matches(version)
        uow.commit()
    [again] = deploy(uow, {OFFER.name: _rewritten(OFFER.read_text(encoding="utf-8")).encode()}, "proprietaire",
                     forms_dir=FORMS_DIR)
    assert again["created"] is False
