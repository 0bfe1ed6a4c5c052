"""Deploying diagrams: versions, and every reason a diagram is refused (with nothing written)."""
import json

import offer_data
import pytest
from conftest import BPMN_DIR, DCIM, FORMS_DIR
from offer_flow import PROCESS, complete, history, snapshot, start_offer
from sqlalchemy import select
from tiny_diagrams import diagram, gateway_diagram, script_task, user_task

from engine.authoring.deploy import deploy, deploy_paths
from engine.errors import DeployRejected
from engine.runtime import instances
from engine.store.tables import ProcessVersion

OFFER_FILE = "offre_internationale.bpmn"
FORM = "saisie.schema.json"
FORM_TEXT = json.dumps({"type": "object", "properties": {"montant": {"type": "number"}},
                        "required": ["montant"]}).encode()


def offer_files(**replace):
    """The bundled offer diagram as {filename: bytes}, with text replacements {old: new} applied."""
    text = (BPMN_DIR / OFFER_FILE).read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return {OFFER_FILE: text.encode()}


def rejected(uow, files, forms_dir=None):
    """Deploy `files`, expect a refusal, check nothing was written; return the problems as tuples."""
    before = snapshot(uow)
    with pytest.raises(DeployRejected) as refused:
        deploy(uow, files, "admin", forms_dir=forms_dir)
    assert snapshot(uow) == before
    assert refused.value.code == "deploy_rejected"
    return [(p.file, p.element_id, p.message) for p in refused.value.problems]


# --- versions ------------------------------------------------------------------------------------

def test_unchanged_diagram_keeps_its_version(uow):
    first = deploy_paths(uow, [BPMN_DIR / OFFER_FILE], "admin", forms_dir=FORMS_DIR)
    assert first == [{"process_key": PROCESS, "version": 1, "created": True}]
    before = snapshot(uow)

    again = deploy(uow, offer_files(), "admin", forms_dir=FORMS_DIR)

    assert again == [{"process_key": PROCESS, "version": 1, "created": False}]
    assert snapshot(uow) == before  # no version and no "deployed" event added
    [process] = instances.list_processes(uow)
    assert (process["key"], process["version"], process["start_role"], process["deployed_by"]) == \
        (PROCESS, 1, "dcim", "admin")


def test_changed_diagram_gets_a_new_version_and_running_instances_keep_theirs(uow):
    deploy(uow, offer_files(), "admin", forms_dir=FORMS_DIR)
    old = start_offer(uow, "OFF-2025-0300")
    complete(uow, DCIM, old["id"], "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())

    # Version 2: the check is renamed and must be done within 3 days instead of 5.
    changed = offer_files(**{'name="Vérifier la crédibilité de l\'employeur"':
                             'name="Vérifier l\'employeur (sources officielles)"',
                             '<spiffworkflow:property name="dueIn" value="P5D" />':
                             '<spiffworkflow:property name="dueIn" value="P3D" />'})
    assert deploy(uow, changed, "proprietaire", forms_dir=FORMS_DIR) == \
        [{"process_key": PROCESS, "version": 2, "created": True}]
    assert instances.list_processes(uow)[0]["version"] == 2

    new = start_offer(uow, "OFF-2025-0301")
    assert new["version"] == 2
    after_new = complete(uow, DCIM, new["id"], "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    assert [t["title"] for t in after_new["tasks"]] == ["Vérifier l'employeur (sources officielles)"]

    still_old = instances.get_instance(uow, DCIM, old["id"])
    assert still_old["version"] == 1
    assert [t["title"] for t in still_old["tasks"]] == ["Vérifier la crédibilité de l'employeur"]
    # The old instance runs to its end on version 1.
    done = complete(uow, DCIM, old["id"], "verifier_employeur", offer_data.verifier_non_credible())
    assert done["version"] == 1 and done["status"] == "completed"
    assert history(uow, old["id"])[0]["details"]["version"] == 1

    # Deploying version 2 again changes nothing.
    assert deploy(uow, changed, "proprietaire", forms_dir=FORMS_DIR)[0] == \
        {"process_key": PROCESS, "version": 2, "created": False}


def test_changed_form_alone_gives_a_new_version(uow):
    deploy(uow, offer_files(), "admin", forms_dir=FORMS_DIR)
    form_name = "offre_transmettre.schema.json"
    schema = json.loads((FORMS_DIR / form_name).read_text(encoding="utf-8"))
    schema["properties"]["message_directions"]["maxLength"] = 500

    outcome = deploy(uow, {**offer_files(), form_name: json.dumps(schema).encode()}, "admin", forms_dir=FORMS_DIR)

    assert outcome == [{"process_key": PROCESS, "version": 2, "created": True}]
    started = start_offer(uow, "OFF-2025-0302")
    assert started["version"] == 2



def test_a_decision_table_belongs_only_to_the_processes_that_call_it(uow):
    files = {name: (BPMN_DIR / name).read_bytes()
             for name in ("offre_internationale.bpmn", "preselection.bpmn", "resultat_tests_candidat.dmn")}
    deploy(uow, files, "admin", forms_dir=FORMS_DIR)
    changed = files["resultat_tests_candidat.dmn"].replace("Épreuves réussies".encode(), "Admis".encode())

    outcome = deploy(uow, {**files, "resultat_tests_candidat.dmn": changed}, "admin", forms_dir=FORMS_DIR)

    # Only the preselection, whose business rule task calls the table, gets a new version.
    assert sorted((o["process_key"], o["version"], o["created"]) for o in outcome) == [
        ("offre_internationale", 1, False), ("preselection", 2, True)]
    with uow:
        sources = {(v.process_key, v.version): sorted(v.sources) for v in uow.session.scalars(select(ProcessVersion))}
    assert sources[("offre_internationale", 1)] == ["offre_internationale.bpmn"]
    assert sources[("preselection", 2)] == ["preselection.bpmn", "resultat_tests_candidat.dmn"]

# --- files that are not diagrams ---------------------------------------------------------------

def test_broken_xml_is_refused_naming_the_file(deployed):
    broken = (BPMN_DIR / OFFER_FILE).read_bytes()[:-200]  # cut short, as an interrupted upload
    problems = rejected(deployed, {OFFER_FILE: broken})
    assert [(f, e) for f, e, _m in problems] == [(OFFER_FILE, "")]
    assert problems[0][2].startswith("invalid XML")


def test_a_text_file_is_refused_and_nothing_else_of_the_upload_is_stored(uow):
    problems = rejected(uow, {**offer_files(), "notes.txt": "Offres reçues en janvier".encode()},
                        forms_dir=FORMS_DIR)
    assert problems == [("notes.txt", "", "not a .bpmn, .dmn or .json file")]
    assert instances.list_processes(uow) == []


def test_well_formed_xml_that_is_not_bpmn_is_refused(uow):
    offer_sheet = "<?xml version='1.0'?><offre><poste>Maçon coffreur</poste><pays>CI</pays></offre>".encode()
    problems = rejected(uow, {"offre_chantier.bpmn": offer_sheet})
    assert [(f, e) for f, e, _m in problems] == [("offre_chantier.bpmn", "")]
    assert "offre" in problems[0][2]


def test_an_upload_without_any_process_is_refused(uow):
    assert rejected(uow, {}) == [("", "", "no executable process found")]


# --- scripts and conditions --------------------------------------------------------------------

@pytest.mark.parametrize("source, reason", [
    ("module = __import__('os')", '"__import__" is an invalid variable name'),
    ("import os", "imports are not allowed"),
    ("from os import path", "imports are not allowed"),
    ("bases = ().__class__.__bases__", '"__bases__" is an invalid attribute name'),
    ("g = (i for i in [1])\nx = g.gi_frame", '"gi_frame" is a restricted name'),
    ("total = = 1", "invalid syntax"),
])
def test_a_dangerous_or_broken_script_is_refused_naming_its_element(uow, source, reason):
    problems = rejected(uow, {"calcul.bpmn": diagram(script_task(source))})
    assert len(problems) == 1
    file, element, message = problems[0]
    assert (file, element) == ("calcul.bpmn", "tache")
    assert message.startswith("script refused: ") and reason in message


def test_scripts_in_task_extensions_are_checked_too(uow):
    extensions = ("<spiffworkflow:preScript>import os</spiffworkflow:preScript>"
                  "<spiffworkflow:postScript>montant = ().__class__</spiffworkflow:postScript>")
    problems = rejected(uow, {"saisie.bpmn": diagram(user_task(extensions, formJsonSchemaFilename=FORM)),
                              FORM: FORM_TEXT})
    assert [(f, e) for f, e, _m in problems] == [("saisie.bpmn", "tache")] * 2
    assert "imports are not allowed" in problems[0][2]
    assert '"__class__"' in problems[1][2]


@pytest.mark.parametrize("condition, reason", [
    ("montant &gt;", "invalid syntax"),
    ("plafond = 1000", "invalid syntax"),  # an assignment is not a condition
    ("montant.__class__", '"__class__" is an invalid attribute name'),
    ("__import__('os').system('ls')", '"__import__" is an invalid variable name'),
])
def test_a_condition_that_does_not_compile_is_refused_naming_its_gateway(uow, condition, reason):
    problems = rejected(uow, {"passerelle.bpmn": gateway_diagram(condition)})
    assert len(problems) == 1
    file, element, message = problems[0]
    assert (file, element) == ("passerelle.bpmn", "gw_montant")
    assert message.startswith("condition refused: ") and reason in message


def test_a_good_script_and_condition_are_deployed(uow):
    outcome = deploy(uow, {"calcul.bpmn": diagram(script_task("total = sum([1, 2, 3])")),
                           "passerelle.bpmn": gateway_diagram("montant &gt; 1000")}, "admin")
    assert sorted((o["process_key"], o["version"], o["created"]) for o in outcome) == [
        ("essai", 1, True), ("essai_passerelle", 1, True)]


# --- user tasks ----------------------------------------------------------------------------------

def test_user_task_outside_any_lane_is_refused(uow):
    problems = rejected(uow, {"saisie.bpmn": diagram(user_task(formJsonSchemaFilename=FORM), with_lanes=False),
                              FORM: FORM_TEXT})
    assert [(f, e) for f, e, _m in problems] == [("saisie.bpmn", "tache")]
    assert "outside any lane" in problems[0][2]


def test_user_task_in_a_lane_naming_no_role_is_refused(uow):
    problems = rejected(uow, {"saisie.bpmn": diagram(user_task(formJsonSchemaFilename=FORM), lane="Comptabilité"),
                              FORM: FORM_TEXT})
    assert problems == [("saisie.bpmn", "tache", "lane 'Comptabilité' names no known role")]


def test_user_task_without_a_form_is_refused(uow):
    problems = rejected(uow, {"saisie.bpmn": diagram(user_task(manualSection="7.1"))})
    assert problems == [("saisie.bpmn", "tache", "user task without a form (property formJsonSchemaFilename)")]


def test_user_task_whose_form_file_is_missing_is_refused(uow, tmp_path):
    problems = rejected(uow, {"saisie.bpmn": diagram(user_task(formJsonSchemaFilename="absent.schema.json"))},
                        forms_dir=tmp_path)
    assert problems == [("saisie.bpmn", "tache", "form file 'absent.schema.json' not found")]


@pytest.mark.parametrize("form_text, reason", [
    (b'{"type": "objet", "properties": {}}', "invalid JSON Schema"),
    (b'{"type": "object", "properties": {"montant": {"minimum": "zero"}}}', "invalid JSON Schema"),
    (b'{"type": "object", "properties": ', "invalid JSON"),
])
def test_user_task_with_an_invalid_form_is_refused_naming_the_form(uow, form_text, reason):
    problems = rejected(uow, {"saisie.bpmn": diagram(user_task(formJsonSchemaFilename=FORM)), FORM: form_text})
    form_problems = [p for p in problems if p[0] == FORM]
    assert len(form_problems) == 1
    assert form_problems[0][2].startswith(f"{FORM}: {reason}")


def test_an_invalid_form_from_the_forms_folder_is_refused(uow, tmp_path):
    (tmp_path / FORM).write_text('{"type": "objet"}', encoding="utf-8")
    problems = rejected(uow, {"saisie.bpmn": diagram(user_task(formJsonSchemaFilename=FORM))}, forms_dir=tmp_path)
    assert any(f == FORM and "invalid JSON Schema" in m for f, _e, m in problems)


@pytest.mark.parametrize("due_in, reason", [
    ("cinq jours", "not an ISO-8601 duration"),
    ("P5", "not an ISO-8601 duration"),
    ("P1M", "rather than months or years"),
])
def test_user_task_with_an_invalid_due_in_is_refused(uow, due_in, reason):
    problems = rejected(uow, {"saisie.bpmn": diagram(user_task(formJsonSchemaFilename=FORM, dueIn=due_in)),
                              FORM: FORM_TEXT})
    assert len(problems) == 1
    file, element, message = problems[0]
    assert (file, element) == ("saisie.bpmn", "tache")
    assert message.startswith("dueIn: ") and reason in message


def test_a_correct_user_task_is_deployed_and_runs(uow):
    outcome = deploy(uow, {"saisie.bpmn": diagram(user_task(formJsonSchemaFilename=FORM, dueIn="PT4H",
                                                            manualSection="7.2")),
                           FORM: FORM_TEXT}, "admin")
    assert outcome == [{"process_key": "essai", "version": 1, "created": True}]
    started = instances.start_instance(uow, DCIM, "essai", "ESSAI-1")
    [task] = started["tasks"]
    assert (task["name"], task["title"], task["role"], task["manual_section"]) == \
        ("tache", "Saisir le montant", "dcim", "7.2")
    assert task["due_at"] is not None


def test_several_problems_are_reported_together(uow):
    files = {"calcul.bpmn": diagram(script_task("import os"), process_id="essai_calcul"),
             "saisie.bpmn": diagram(user_task(dueIn="bientôt"), process_id="essai_saisie", lane="Comptabilité")}
    problems = rejected(uow, files)
    assert sorted((f, e, m.split(":")[0].split(" '")[0]) for f, e, m in problems) == [
        ("calcul.bpmn", "tache", "script refused"),
        ("saisie.bpmn", "tache", "dueIn"),
        ("saisie.bpmn", "tache", "lane"),
        ("saisie.bpmn", "tache", "user task without a form (property formJsonSchemaFilename)"),
    ]
