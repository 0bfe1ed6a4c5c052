"""A counsellor's task goes to one region: a diagram must say which, or say on purpose that it is for every region."""
import pytest
from conftest import FORMS_DIR
from tiny_diagrams import diagram, user_task

from engine.authoring.deploy import check

FORM = "offre_enregistrer.schema.json"
REASON = ("a task of the 'Direction régionale' lane goes to one region's counsellors: name the data field giving "
          "the region (property regionVariable), or set the property allRegions to true to offer it to every region")


def problems(**properties):
    task = user_task(formJsonSchemaFilename=FORM, **properties)
    return [(p.element_id, p.message) for p in check({"essai.bpmn": diagram(task, lane="Direction régionale")},
                                                     forms_dir=FORMS_DIR)]


def test_a_counsellor_task_without_a_region_is_refused_at_deploy():
    assert problems() == [("tache", REASON)]


@pytest.mark.parametrize("properties", [{"regionVariable": "region_candidat"}, {"allRegions": "true"},
                                        {"allRegions": " True "}])
def test_a_region_field_or_an_explicit_every_region_is_accepted(properties):
    assert problems(**properties) == []


def test_a_central_task_needs_no_region():
    task = user_task(formJsonSchemaFilename=FORM)
    assert check({"essai.bpmn": diagram(task, lane="DCIM")}, forms_dir=FORMS_DIR) == []
