"""What the engine does not run is refused at deploy, on its element, in our words (never the parser's or XML)."""
import pytest
from conftest import BPMN_DIR, DCIM
from offer_flow import snapshot
from tiny_diagrams import (
    SIMPLE_FORM,
    SIMPLE_FORM_TEXT,
    chain,
    flow,
    process,
    script_element,
)

from engine.authoring.deploy import check, deploy
from engine.errors import DeployRejected
from engine.runtime import instances, tasks


def task_between(xml, lane="DCIM"):
    """start → `xml` (an element 'tache') → end, in `lane`."""
    return process(chain(("tache", xml)), lane=lane)


def with_second_end(*flows):
    return process('<bpmn:startEvent id="debut"/>' + script_element("tache", "x = 1")
                   + '<bpmn:endEvent id="fin"/><bpmn:endEvent id="fin2"/>' + "".join(flows))


SERVICE = '<bpmn:serviceTask id="tache"><bpmn:extensionElements>{}</bpmn:extensionElements></bpmn:serviceTask>'
LINKS = ('<bpmn:startEvent id="debut"/><bpmn:intermediateThrowEvent id="saut"><bpmn:linkEventDefinition name="L"/>'
         '</bpmn:intermediateThrowEvent><bpmn:intermediateCatchEvent id="arrivee"><bpmn:linkEventDefinition '
         'name="L"/></bpmn:intermediateCatchEvent><bpmn:endEvent id="fin"/>'
         + flow("debut", "saut") + flow("arrivee", "fin"))
COMPENSATION = ('<bpmn:startEvent id="debut"/>' + script_element("tache", "x = 1")
                + '<bpmn:boundaryEvent id="annuler" attachedToRef="tache"><bpmn:compensateEventDefinition/>'
                  '</bpmn:boundaryEvent>'
                + '<bpmn:scriptTask id="defaire" isForCompensation="true"><bpmn:script>x = 0</bpmn:script>'
                  '</bpmn:scriptTask><bpmn:endEvent id="fin"/>' + flow("debut", "tache") + flow("tache", "fin")
                + '<bpmn:association id="lien" associationDirection="One" sourceRef="annuler" targetRef="defaire"/>')

# name: (files, [(element id, start of the reason)])
REFUSED = {
    "bpmn-js's default Task, outside any lane": (
        task_between('<bpmn:task id="tache" name="Vérifier"/>', lane=None), [("tache", "task that nobody can do")]),
    "a manual task outside any lane": (
        task_between('<bpmn:manualTask id="tache" name="Vérifier"/>', lane=None),
        [("tache", "task that nobody can do")]),
    "a task in a lane naming no role": (
        task_between('<bpmn:task id="tache" name="Vérifier"/>', lane="Comptabilité"),
        [("tache", "lane 'Comptabilité' names no known role")]),
    "a complex gateway": (task_between('<bpmn:complexGateway id="tache"/>'), [("tache", "complex gateway")]),
    "a compensation": (process(COMPENSATION), [("annuler", "compensation"), ("defaire", "compensation")]),
    "a compensation thrown": (
        task_between('<bpmn:intermediateThrowEvent id="tache"><bpmn:compensateEventDefinition/>'
                     '</bpmn:intermediateThrowEvent>'), [("tache", "compensation")]),
    "a data store": (process(chain(("tache", script_element("tache", "x = 1")))
                             + '<bpmn:dataStoreReference id="registre"/>'), [("registre", "data store")]),
    "link events": (process(LINKS), [("saut", "link event"), ("arrivee", "link event")]),
    "an event sub-process (SpiffWorkflow would run this one at once, as if its error start were a plain one)": (
        process(chain(("tache", script_element("tache", "x = 1")))
                + '<bpmn:subProcess id="sous_evt" triggeredByEvent="true"><bpmn:startEvent id="debut_evt">'
                  '<bpmn:errorEventDefinition/></bpmn:startEvent><bpmn:endEvent id="fin_evt"/>'
                + flow("debut_evt", "fin_evt") + "</bpmn:subProcess>"),
        [("sous_evt", "event sub-process: not run as drawn")]),
    "an implicit split": (with_second_end(flow("debut", "tache"), flow("tache", "fin"), flow("tache", "fin2")),
                          [("tache", "several outgoing flows without a gateway")]),
    "a condition out of a task": (with_second_end(flow("debut", "tache"), flow("tache", "fin", "x == 1")),
                                  [("tache", "condition on a flow that does not leave a gateway")]),
    "a sub-process without start event": (
        task_between('<bpmn:subProcess id="tache">' + script_element("etape", "x = 1")
                     + '<bpmn:endEvent id="fin_sous"/>' + flow("etape", "fin_sous") + "</bpmn:subProcess>"),
        [("tache", "sub-process without a start event")]),
    "a sub-process without end event": (
        task_between('<bpmn:subProcess id="tache"><bpmn:startEvent id="debut_sous"/>'
                     + script_element("etape", "x = 1") + flow("debut_sous", "etape") + "</bpmn:subProcess>"),
        [("tache", "sub-process without an end event")]),
    "a multi-instance without collection": (
        task_between(script_element("tache", "x = 1", "<bpmn:multiInstanceLoopCharacteristics/>")),
        [("tache", "multi-instance without a collection")]),
    "a service task without operator": (
        task_between('<bpmn:serviceTask id="tache"/>'), [("tache", "service task without an operator")]),
    "a service task with an unknown operator": (
        task_between(SERVICE.format('<spiffworkflow:serviceTaskOperator id="envoyer_sms"><spiffworkflow:parameters/>'
                                    "</spiffworkflow:serviceTaskOperator>")),
        [("tache", "unknown service operation 'envoyer_sms' (known: demarrer_procedure)")]),
    "a service task without its parameters": (
        task_between(SERVICE.format('<spiffworkflow:serviceTaskOperator id="demarrer_procedure"/>')),
        [("tache", "demarrer_procedure: missing parameter(s) processus, reference")]),
    "a send task naming no message (SpiffWorkflow would send one named after the process)": (
        task_between('<bpmn:sendTask id="tache" name="Prévenir l\'employeur"/>'),
        [("tache", "send task without a message: give the name of the message it sends")]),
    "a receive task naming a message the file does not declare": (
        task_between('<bpmn:receiveTask id="tache" messageRef="reponse"/>'),
        [("tache", "receive task names the message 'reponse', declared nowhere in the file")]),
    "a message event whose message has no name": (
        process(chain(("tache", '<bpmn:intermediateThrowEvent id="tache"><bpmn:messageEventDefinition '
                                'messageRef="reponse"/></bpmn:intermediateThrowEvent>')),
                before='<bpmn:message id="reponse"/>'),
        [("tache", "message 'reponse' without a name")]),
    "print() in a condition": (
        process('<bpmn:startEvent id="debut"/><bpmn:exclusiveGateway id="tache" default="sinon"/>'
                '<bpmn:endEvent id="fin"/><bpmn:endEvent id="fin2"/>' + flow("debut", "tache")
                + flow("tache", "fin", "print(montant) or montant &gt; 1") + flow("tache", "fin2", flow_id="sinon")),
        [("tache", "condition refused: line 1: print() is not allowed in a condition")]),
    "a restricted escape in an ad-hoc sub-process's completion condition": (
        task_between('<bpmn:adHocSubProcess id="tache">' + script_element("etape", "x = 1")
                     + "<bpmn:completionCondition>x.__class__</bpmn:completionCondition></bpmn:adHocSubProcess>"),
        [("tache", "completion condition refused")]),
    "a script of 200,000 terms (it broke Python's parser)": (
        task_between(script_element("tache", "x = " + "+".join(["1"] * 200_000))),
        [("tache", "script refused: code too long: 400003 characters, at most 20000")]),
    "a condition nested 500 levels deep": (
        process('<bpmn:startEvent id="debut"/><bpmn:exclusiveGateway id="tache" default="sinon"/>'
                '<bpmn:endEvent id="fin"/><bpmn:endEvent id="fin2"/>' + flow("debut", "tache")
                + flow("tache", "fin", "+".join(["montant"] * 500) + " &gt; 1") + flow("tache", "fin2", flow_id="sinon")),
        [("tache", "condition refused: code nested too deeply: more than 100 levels")]),
    "a call activity to a process not deployed with it": (
        task_between('<bpmn:callActivity id="tache" calledElement="absente"/>'),
        [("", "the called process 'absente' is not among the files deployed together")]),
}


@pytest.mark.parametrize("case", REFUSED)
def test_what_the_engine_does_not_run_is_refused_in_plain_words(case):
    files, expected = REFUSED[case]
    problems = check({"essai.bpmn": files})
    assert [(p.element_id, p.message[:len(start)]) for p, (_id, start) in zip(problems, expected)] == expected
    assert len(problems) == len(expected)
    for problem in problems:  # never SpiffWorkflow's own wording, nor the XML's namespaces
        assert "{http" not in problem.message and "SubWorkflow" not in problem.message


def test_a_refused_diagram_writes_nothing(uow):
    before = snapshot(uow)
    with pytest.raises(DeployRejected) as refused:
        deploy(uow, {"essai.bpmn": task_between('<bpmn:complexGateway id="tache"/>')}, "admin")
    assert [p.element_id for p in refused.value.problems] == ["tache"]
    assert snapshot(uow) == before


def test_the_schemas_own_complaints_are_worded_without_xml(uow):
    # A BPMN schema error (here an end event after an association) names the element, not its namespace.
    files = process(chain(("tache", script_element("tache", "x = 1")))).replace(
        b"</bpmn:process>", b'<bpmn:association id="a" sourceRef="tache" targetRef="fin"/><bpmn:task id="t"/>'
                            b"</bpmn:process>")
    [problem] = check({"essai.bpmn": files})
    assert problem.message.startswith("not valid BPMN at element 'task':")
    assert "{http" not in problem.message


def test_a_plain_task_in_a_role_lane_is_done_by_that_role(uow):
    deploy(uow, {"essai.bpmn": task_between('<bpmn:task id="tache" name="Vérifier le dossier papier"/>'),
                 SIMPLE_FORM: SIMPLE_FORM_TEXT}, "admin")
    started = instances.start_instance(uow, DCIM, "essai", "ESS-T1")
    [task] = started["tasks"]
    assert (task["name"], task["role"]) == ("tache", "dcim")
    assert tasks.get_task(uow, DCIM, task["id"])["form"]["schema"]["properties"] == {}
    assert tasks.complete_task(uow, DCIM, task["id"], {})["status"] == "completed"


@pytest.mark.parametrize("case", REFUSED)
def test_a_refusal_reads_in_the_readers_language(app, case):
    from web.diagram_labels import problem_text  # the modeler's pages show each problem through it
    files, _expected = REFUSED[case]
    for problem in check({"essai.bpmn": files}):
        with app.test_request_context(headers={"Accept-Language": "fr"}):
            french = problem_text(problem.message)
        with app.test_request_context(headers={"Accept-Language": "en"}):
            english = problem_text(problem.message)
        assert french != problem.message  # a known kind, in French
        assert english != french


DMN = BPMN_DIR / "resultat_tests_candidat.dmn"
BROKEN_TABLE = {  # what is changed in a bundled table: the element then the start of its refusal
    ("<text>&lt; note_minimale</text>", "<text>&lt; note_minimale.__class__</text>"):
        ("regle_non_admis", "decision table 'table_resultat_tests_candidat', rule 'regle_non_admis' (row 3): "
                            "input entry refused: Line 1: \"__class__\""),
    ('<text>"absent"</text>', "<text>" + "+".join(["1"] * 200_000) + "</text>"):
        ("regle_absent", "decision table 'table_resultat_tests_candidat', rule 'regle_absent' (row 1): "
                         "output entry refused: code too long"),
    ("<text>len([e for e", "<text>evaluation.__dict__ or len([e for e"):
        ("entree_notes_manquantes", "decision table 'table_resultat_tests_candidat', input 'Épreuves organisées "
                                    "sans note saisie': expression refused: "),
}


@pytest.mark.parametrize("change", BROKEN_TABLE, ids=["input entry", "output entry", "input expression"])
def test_a_decision_tables_expressions_are_checked_at_deploy_naming_the_rule(app, change):
    from web.diagram_labels import problem_text
    text = DMN.read_text(encoding="utf-8").replace(*change)
    [problem] = check({DMN.name: text.encode()})
    element, start = BROKEN_TABLE[change]
    assert (problem.element_id, problem.message[:len(start)]) == (element, start)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert problem_text(problem.message).startswith("table de décision « table_resultat_tests_candidat »")
    assert [p.message for p in check({DMN.name: DMN.read_bytes()})] == ["no executable process found"]  # unchanged
