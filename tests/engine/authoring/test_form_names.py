"""A diagram names its forms by plain file names of the forms folder: never a path to another file."""
import json

import pytest
from conftest import FORMS_DIR
from tiny_diagrams import diagram, user_task

from engine.authoring.deploy import FORM_NAME, check, deploy
from engine.errors import DeployRejected

REASON = "a form is named by a plain file name of the forms folder, ending in .schema.json (no folder, no '..')"


@pytest.mark.parametrize("name", ["../package.json", "../pyproject.toml", "/etc/passwd", "sous/dossier.schema.json",
                                  "../forms/offre_enregistrer.schema.json", "..schema.json", "C:\\x.schema.json"])
def test_a_form_named_by_a_path_is_refused_and_nothing_is_read(uow, tmp_path, name):
    forms = tmp_path / "forms"
    forms.mkdir()
    (tmp_path / "package.json").write_text(json.dumps({"type": "object", "secret": "x"}), encoding="utf-8")
    problems = check({"saisie.bpmn": diagram(user_task(formJsonSchemaFilename=name))}, forms_dir=forms)
    assert [(p.file, p.message) for p in problems] == [(name, REASON)]
    with pytest.raises(DeployRejected):
        deploy(uow, {"saisie.bpmn": diagram(user_task(formJsonSchemaFilename=name))}, "admin", forms_dir=forms)


def test_every_bundled_form_has_a_plain_name():
    assert all(FORM_NAME.fullmatch(p.name) for p in FORMS_DIR.glob("*.schema.json"))
