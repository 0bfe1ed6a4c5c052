"""Drafts of diagrams: save, check (every rule, on its element), deploy only what passes."""
import pytest
from conftest import BPMN_DIR, DCIM, FORMS_DIR, actor
from offer_flow import PROCESS, snapshot
from tiny_diagrams import diagram, gateway_diagram, script_task, user_task

from engine.authoring import drafts
from engine.errors import Conflict, DeployRejected, FilesRejected, Forbidden, NotFound
from engine.runtime import instances

OWNER = actor("proprietaire", "proprietaire")
FORM = "saisie.schema.json"
FORM_TEXT = '{"type": "object", "properties": {"montant": {"type": "number"}}}'
OFFER_FILE = "offre_internationale.bpmn"


def checked(uow, files, key="essai", forms_dir=None):
    """Save `files` ({name: bytes or text}) as the draft of `key`, check it; return (element, message) pairs."""
    texts = {n: (t.decode() if isinstance(t, bytes) else t) for n, t in files.items()}
    drafts.new_draft(uow, OWNER, key, "Essai")
    drafts.save_draft(uow, OWNER, key, texts, removed=[f"{key}.bpmn"])
    result = drafts.check_draft(uow, OWNER, key, forms_dir=forms_dir)
    return [(p["element_id"], p["message"]) for p in result["problems"]]


def timer_diagram(expression, kind="timeDuration"):
    """start → intermediate timer 'attente' → end."""
    task = f"""<bpmn:intermediateCatchEvent id="tache">
      <bpmn:incoming>vers_tache</bpmn:incoming><bpmn:outgoing>vers_fin</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:{kind}>{expression}</bpmn:{kind}></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>"""
    return diagram(task)


# --- every check rule, shown on its element ---------------------------------------------------

def test_a_user_task_outside_any_lane_is_shown_on_the_task(uow):
    problems = checked(uow, {"essai.bpmn": diagram(user_task(formJsonSchemaFilename=FORM), with_lanes=False),
                             FORM: FORM_TEXT})
    assert [(e, m.split(":")[0]) for e, m in problems] == [("tache", "user task outside any lane")]


def test_a_lane_naming_no_role_is_shown_on_the_task(uow):
    problems = checked(uow, {"essai.bpmn": diagram(user_task(formJsonSchemaFilename=FORM), lane="Comptabilité"),
                             FORM: FORM_TEXT})
    assert problems == [("tache", "lane 'Comptabilité' names no known role")]


def test_a_user_task_without_a_form(uow):
    assert checked(uow, {"essai.bpmn": diagram(user_task(manualSection="7.1"))}) == \
        [("tache", "user task without a form (property formJsonSchemaFilename)")]


def test_a_form_file_that_does_not_exist(uow, tmp_path):
    problems = checked(uow, {"essai.bpmn": diagram(user_task(formJsonSchemaFilename="absent.schema.json"))},
                       forms_dir=tmp_path)
    assert problems == [("tache", "form file 'absent.schema.json' not found")]


def test_an_invalid_form_names_the_form_file(uow):
    drafts.new_draft(uow, OWNER, "essai", "Essai")
    drafts.save_draft(uow, OWNER, "essai", {"essai.bpmn": diagram(user_task(formJsonSchemaFilename=FORM)).decode(),
                                            FORM: '{"type": "objet"}'})
    problems = drafts.check_draft(uow, OWNER, "essai")["problems"]
    assert [(p["file"], p["element_id"]) for p in problems] == [(FORM, "")]
    assert "invalid JSON Schema" in problems[0]["message"]


def test_a_condition_that_does_not_compile_is_shown_on_its_gateway(uow):
    problems = checked(uow, {"passerelle.bpmn": gateway_diagram("montant &gt;")}, key="essai_passerelle")
    assert [(e, m.split(":")[0]) for e, m in problems] == [("gw_montant", "condition refused")]


@pytest.mark.parametrize("source", [
    "__import__('os').system('rm -rf /')",
    "import subprocess",
    "exec('import os')",
    "x = ().__class__.__bases__[0].__subclasses__()",
])
def test_a_malicious_script_is_rejected_and_cannot_be_deployed(uow, source):
    files = {"essai.bpmn": diagram(script_task(source.replace("'", "&apos;")))}
    problems = checked(uow, files)
    assert [e for e, _m in problems] == ["tache"]
    assert problems[0][1].startswith("script refused")
    with pytest.raises(DeployRejected):
        drafts.deploy_draft(uow, OWNER, "essai")
    assert instances.list_processes(uow) == []


def test_an_element_no_start_event_reaches_is_unreachable(uow):
    stray = """<bpmn:scriptTask id="oubliee" name="Tâche isolée"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="fin_isolee" />
    <bpmn:sequenceFlow id="vers_fin_isolee" sourceRef="oubliee" targetRef="fin_isolee" />"""
    problems = checked(uow, {"essai.bpmn": diagram(script_task("total = 1") + stray)})
    assert sorted(e for e, _m in problems) == ["fin_isolee", "oubliee"]
    assert all(m.startswith("unreachable") for _e, m in problems)


def test_a_gateway_whose_conditions_may_all_fail_needs_a_default(uow):
    without_default = gateway_diagram("montant &gt; 1000").decode().replace(' default="vers_bas"', "").replace(
        '<bpmn:sequenceFlow id="vers_bas" sourceRef="gw_montant" targetRef="fin_bas" />',
        '<bpmn:sequenceFlow id="vers_bas" sourceRef="gw_montant" targetRef="fin_bas">'
        '<bpmn:conditionExpression>montant &lt; 500</bpmn:conditionExpression></bpmn:sequenceFlow>')
    problems = checked(uow, {"passerelle.bpmn": without_default}, key="essai_passerelle")
    assert [(e, m.split(":")[0]) for e, m in problems] == [("gw_montant", "gateway without a default flow")]


def test_a_gateway_with_a_default_passes(uow):
    assert checked(uow, {"passerelle.bpmn": gateway_diagram("montant &gt; 1000")}, key="essai_passerelle") == []


@pytest.mark.parametrize("expression, kind, reason", [
    ("P5D", "timeDuration", 'timer expression must be quoted: write "P5D"'),
    ("2026-03-31", "timeDate", 'timer expression must be quoted'),
    ('"cinq jours"', "timeDuration", "is not a valid ISO-8601 duration"),
    ('"P5"', "timeDuration", "is not a valid ISO-8601 duration"),
    ('"2026-13-45T10:00:00"', "timeDate", "is not a valid ISO-8601 date"),
    ('"R3/demain"', "timeCycle", "is not a valid ISO-8601 cycle"),
    ("5", "timeDuration", "must be a quoted ISO-8601 text"),
    ("__import__('os')", "timeDuration", "timer expression refused"),
])
def test_a_timer_expression_that_is_not_quoted_iso_8601_is_refused(uow, expression, kind, reason):
    problems = checked(uow, {"essai.bpmn": timer_diagram(expression.replace("'", "&apos;"), kind)})
    assert [e for e, _m in problems] == ["tache"]
    assert reason in problems[0][1]


@pytest.mark.parametrize("expression, kind", [('"P5D"', "timeDuration"), ('"PT4H"', "timeDuration"),
                                              ('"2026-03-31T12:00:00"', "timeDate"), ('"R3/P7D"', "timeCycle"),
                                              ("date_limite", "timeDate")])
def test_good_timer_expressions_pass(uow, expression, kind):
    assert checked(uow, {"essai.bpmn": timer_diagram(expression, kind)}) == []


def test_a_business_rule_task_naming_a_missing_decision(uow):
    task = """<bpmn:businessRuleTask id="tache" name="Décider">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>resultat_tests</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>vers_tache</bpmn:incoming><bpmn:outgoing>vers_fin</bpmn:outgoing></bpmn:businessRuleTask>"""
    problems = checked(uow, {"essai.bpmn": diagram(task)})
    assert [e for e, _m in problems] == ["tache"]
    assert 'No DMN Diagram available with id "resultat_tests"' in problems[0][1]


def test_the_draft_must_define_its_own_process(uow):
    problems = checked(uow, {"autre.bpmn": diagram(script_task("x = 1"), process_id="autre_procedure")})
    assert problems == [("essai", "no .bpmn file of the draft defines the process 'essai'")]


# --- drafts --------------------------------------------------------------------------------------

def test_a_draft_starts_from_the_latest_version_and_deploys_as_a_new_one(deployed):
    opened = drafts.open_draft(deployed, OWNER, PROCESS)
    assert (opened["saved"], opened["base_version"], opened["revision"]) == (False, 1, 0)
    assert OFFER_FILE in opened["files"] and "offre_enregistrer.schema.json" in opened["files"]

    text = opened["files"][OFFER_FILE].replace('value="P5D"', 'value="P3D"')
    saved = drafts.save_draft(deployed, OWNER, PROCESS, {OFFER_FILE: text}, revision=0)
    assert (saved["saved"], saved["revision"], saved["saved_by"], saved["problems"]) == \
        (True, 1, "proprietaire", None)
    assert drafts.check_draft(deployed, OWNER, PROCESS)["problems"] == []

    assert drafts.deploy_draft(deployed, OWNER, PROCESS) == [{"process_key": PROCESS, "version": 2, "created": True}]
    reopened = drafts.open_draft(deployed, OWNER, PROCESS)
    assert (reopened["saved"], reopened["base_version"]) == (False, 2)  # the draft is gone once deployed
    assert 'value="P3D"' in reopened["files"][OFFER_FILE]


def test_a_draft_that_fails_the_checks_is_not_deployed(deployed):
    before = snapshot(deployed)
    opened = drafts.open_draft(deployed, OWNER, PROCESS)
    broken = opened["files"][OFFER_FILE].replace("employeur_credible == True", "employeur_credible ==")
    drafts.save_draft(deployed, OWNER, PROCESS, {OFFER_FILE: broken})
    with pytest.raises(DeployRejected) as refused:
        drafts.deploy_draft(deployed, OWNER, PROCESS)
    assert [p.element_id for p in refused.value.problems] == ["gw_employeur_credible"]
    assert snapshot(deployed)["versions"] == before["versions"]
    kept = drafts.open_draft(deployed, OWNER, PROCESS)
    assert kept["saved"] and kept["problems"][0]["element_id"] == "gw_employeur_credible"


def test_two_owners_saving_the_same_draft_the_second_is_told(deployed):
    drafts.save_draft(deployed, OWNER, PROCESS, {"notes.schema.json": "{}"}, revision=0)
    with pytest.raises(Conflict) as conflict:
        drafts.save_draft(deployed, OWNER, PROCESS, {"autres.schema.json": "{}"}, revision=0)
    assert conflict.value.params["reason"] == "draft_changed"


@pytest.mark.parametrize("name, content, reason", [
    (OFFER_FILE, "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'><bpmn:process",
     "invalid XML"),
    (OFFER_FILE, "<?xml version='1.0'?><offre><poste>Maçon</poste></offre>", "not a BPMN file"),
    ("offre.dmn", "<offre/>", "not a DMN file"),
    ("photo.png", "\x89PNG", "not a .bpmn, .dmn, .schema.json or .ui.json file name"),
    ("offre_enregistrer.schema.json", '{"type": ', "invalid JSON"),
])
def test_a_broken_or_foreign_file_is_refused_and_nothing_changes(deployed, name, content, reason):
    drafts.save_draft(deployed, OWNER, PROCESS, {"notes.schema.json": "{}"})
    before = drafts.open_draft(deployed, OWNER, PROCESS)
    with pytest.raises(FilesRejected) as refused:
        drafts.save_draft(deployed, OWNER, PROCESS, {name: content})
    assert [p.file for p in refused.value.problems] == [name]
    assert reason in refused.value.problems[0].message
    assert drafts.open_draft(deployed, OWNER, PROCESS) == before


def test_a_new_process_starts_from_a_starter_diagram_that_deploys(uow):
    created = drafts.new_draft(uow, OWNER, "retour_migrants", "Accompagnement des retournés")
    assert list(created["files"]) == ["retour_migrants.bpmn"]
    with pytest.raises(Conflict):
        drafts.new_draft(uow, OWNER, "retour_migrants", "Encore")
    with pytest.raises(FilesRejected):
        drafts.new_draft(uow, OWNER, "Mauvaise clé!", "x")
    assert drafts.deploy_draft(uow, OWNER, "retour_migrants") == \
        [{"process_key": "retour_migrants", "version": 1, "created": True}]


def test_only_process_owners_edit_drafts(deployed):
    for call in (lambda: drafts.open_draft(deployed, DCIM, PROCESS),
                 lambda: drafts.save_draft(deployed, DCIM, PROCESS, {}),
                 lambda: drafts.deploy_draft(deployed, DCIM, PROCESS)):
        with pytest.raises(Forbidden):
            call()
    with pytest.raises(NotFound):
        drafts.open_draft(deployed, OWNER, "inconnu")
    with pytest.raises(NotFound):
        drafts.check_draft(deployed, OWNER, PROCESS)


def test_the_bundled_diagram_passes_every_check():
    from engine.authoring.deploy import check
    files = {OFFER_FILE: (BPMN_DIR / OFFER_FILE).read_bytes()}
    assert check(files, FORMS_DIR) == []
