"""Whatever an element raises while a file runs, the file is kept in `error`, visible and retryable."""
import pytest
from conftest import DCIM, DIRECTION
from offer_flow import history, kinds, task_rows
from repair import failed_elements, supply
from tiny_diagrams import (
    PARALLEL,
    SIMPLE_FORM,
    SIMPLE_FORM_TEXT,
    chain,
    multi_instance,
    process,
    script_element,
    user_element,
)

from engine.authoring.deploy import deploy
from engine.runtime import instances, tasks

CORRELATION = """<bpmn:message id="demande" name="demande" />
<bpmn:correlationProperty id="numero_offre" name="numero_offre">
  <bpmn:correlationPropertyRetrievalExpression messageRef="demande">
    <bpmn:messagePath>numero_offre</bpmn:messagePath>
  </bpmn:correlationPropertyRetrievalExpression>
</bpmn:correlationProperty>"""

# name: (body of the process, text before it, start data, what the message says, the data that fixes it,
#        what the data holds once the retried file completed)
FAILURES = {
    "multi-instance over a missing list": (
        chain(("tache", script_element("tache", "double = candidat * 2", multi_instance("candidats", "candidat")))),
        "", {}, "TypeError", {"candidats": [1, 2]}, {"candidats": [1, 2]}),
    "sequential multi-instance over a missing list": (
        chain(("tache", script_element("tache", "double = candidat * 2",
                                       multi_instance("candidats", "candidat", sequential=True)))),
        "", {}, "Missing data input", {"candidats": [3]}, {"candidats": [3]}),
    "KeyError on a number": (
        chain(("tache", script_element("tache", "codes = {1: 'a'}\ncode = codes[numero]"))),
        "", {"numero": 2}, "KeyError", {"numero": 1}, {"code": "a"}),
    "RecursionError": (
        chain(("tache", script_element("tache", "compter = lambda n: n if n >= limite else compter(n + 1)\n"
                                               "total = compter(0)"))),
        "", {"limite": 100_000}, "RecursionError", {"limite": 10}, {"total": 10}),
    "NameError in a correlation expression": (
        chain(("tache", ('<bpmn:intermediateThrowEvent id="tache"><bpmn:messageEventDefinition messageRef="demande">'
                         "<bpmn:extensionElements><spiffworkflow:messagePayload>contenu</spiffworkflow:messagePayload>"
                         "</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:intermediateThrowEvent>"))),
        CORRELATION, {"contenu": {"poste": "soudeur"}}, "NameError",
        {"contenu": {"poste": "soudeur", "numero_offre": "OFF-1"}}, {}),
    "NameError in an ad-hoc sub-process's completion condition": (
        chain(("tache", '<bpmn:adHocSubProcess id="tache">' + script_element("etape", "fait = 1")
               + "<bpmn:completionCondition>termine</bpmn:completionCondition></bpmn:adHocSubProcess>")),
        "", {}, "termine", {"termine": True}, {"fait": 1}),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_file_failing_at_once_is_created_in_error_and_retried_once_fixed(uow, case):
    body, before, data, words, fix, result = FAILURES[case]
    deploy(uow, {"essai.bpmn": process(body, before=before)}, "admin")

    started = instances.start_instance(uow, DCIM, "essai", "ESS-1", data=data)

    assert started["status"] == "error" and started["ended_at"] is None
    assert words in started["error"]["message"]
    assert started["error"]["element_id"] in ("tache", "etape")
    assert failed_elements(uow, started["id"]) == [started["error"]["element_id"]]
    assert kinds(history(uow, started["id"])) == [("instance_started", None), ("error", started["error"]["element_id"])]
    assert [i["id"] for i in instances.list_instances(uow, DIRECTION, status="error")] == [started["id"]]

    assert instances.retry_instance(uow, DCIM, started["id"])["status"] == "error"  # not fixed yet
    assert failed_elements(uow, started["id"]) == [started["error"]["element_id"]]
    supply(uow, started["id"], **fix)
    retried = instances.retry_instance(uow, DCIM, started["id"])

    assert retried["status"] == "completed" and retried["error"] is None
    assert result.items() <= retried["data"].items()
    assert failed_elements(uow, started["id"]) == []
    # (A message the file throws and nobody waits for is kept and recorded, after the completion.)
    steps = [kind for kind in kinds(history(uow, started["id"])) if kind[0] != "message_unmatched"]
    assert steps[-3:] == [("error", started["error"]["element_id"]),
                                                      ("instance_retried", started["error"]["element_id"]),
                                                      ("instance_completed", "fin")]


def test_a_multi_instance_retried_makes_one_copy_per_item(uow):
    body = chain(("tache", script_element("tache", "double = candidat * 2",
                                          multi_instance("candidats", "candidat"))),
                 ("total", script_element("total", "somme = len(candidats)")))
    deploy(uow, {"essai.bpmn": process(body)}, "admin")
    started = instances.start_instance(uow, DCIM, "essai", "ESS-2")
    supply(uow, started["id"], candidats=[1, 2, 3])
    assert instances.retry_instance(uow, DCIM, started["id"])["data"]["somme"] == 3


def test_a_failed_pre_script_runs_again_on_retry(uow):
    body = chain(("tache", user_element("tache", SIMPLE_FORM, pre_script="montant = base * 2")))
    deploy(uow, {"essai.bpmn": process(body), SIMPLE_FORM: SIMPLE_FORM_TEXT}, "admin")
    started = instances.start_instance(uow, DCIM, "essai", "ESS-3")
    assert (started["status"], started["error"]["element_id"], started["tasks"]) == ("error", "tache", [])

    supply(uow, started["id"], base=21)
    retried = instances.retry_instance(uow, DCIM, started["id"])

    assert retried["status"] == "running"
    [task] = retried["tasks"]
    assert tasks.get_task(uow, DCIM, task["id"])["data"]["montant"] == 42  # the pre-script ran this time


def test_a_user_tasks_failed_post_script_keeps_what_was_typed(uow):
    element = user_element("tache", SIMPLE_FORM).replace(
        "</bpmn:extensionElements>", "<spiffworkflow:postScript>part = montant / parts</spiffworkflow:postScript>"
                                     "</bpmn:extensionElements>")
    deploy(uow, {"essai.bpmn": process(chain(("tache", element))), SIMPLE_FORM: SIMPLE_FORM_TEXT}, "admin")
    started = instances.start_instance(uow, DCIM, "essai", "ESS-4", data={"parts": 0})
    task_id = started["tasks"][0]["id"]

    after = tasks.complete_task(uow, DCIM, task_id, {"montant": 100})

    assert (after["status"], after["error"]["element_id"]) == ("error", "tache")
    assert "ZeroDivisionError" in after["error"]["message"]
    supply(uow, started["id"], parts=4)
    retried = instances.retry_instance(uow, DCIM, started["id"])
    # The person's task is open again with what they typed; completing it runs the post-script again.
    assert [t["id"] for t in retried["tasks"]] == [task_id]
    assert tasks.get_task(uow, DCIM, task_id)["data"]["montant"] == 100
    done = tasks.complete_task(uow, DCIM, task_id, {"montant": 100})
    assert (done["status"], done["data"]["part"]) == ("completed", 25)


def test_an_error_in_one_branch_stays_visible_whatever_the_other_does(uow):
    deploy(uow, {"essai.bpmn": process(PARALLEL), SIMPLE_FORM: SIMPLE_FORM_TEXT}, "admin")
    started = instances.start_instance(uow, DCIM, "essai", "ESS-5", data={"montant_total": 10})
    assert (started["status"], started["error"]["element_id"]) == ("error", "calcul")
    [task] = started["tasks"]  # the other branch goes on: its task is open
    assert task["name"] == "saisie"
    assert tasks.get_task(uow, DCIM, task["id"])["instance_status"] == "error"

    after = tasks.complete_task(uow, DCIM, task["id"], {"montant": 3})

    assert after["status"] == "error"  # the branch that failed has not run again
    assert after["error"]["element_id"] == "calcul" and "nombre" in after["error"]["message"]
    assert [r["state"] for r in task_rows(uow, started["id"])] == ["completed"]
    supply(uow, started["id"], nombre=2)
    retried = instances.retry_instance(uow, DCIM, started["id"])
    assert retried["status"] == "completed"
    assert (retried["data"]["taux"], retried["data"]["montant"]) == (5, 3)
    assert kinds(history(uow, started["id"])) == [
        ("instance_started", None), ("error", "calcul"), ("task_completed", "saisie"),
        ("instance_retried", "calcul"), ("instance_completed", "fin")]


def test_two_branches_failing_in_one_step_are_both_recorded(uow):
    body = PARALLEL.replace(user_element("saisie", SIMPLE_FORM), script_element("saisie", "reste = inconnu"))
    deploy(uow, {"essai.bpmn": process(body)}, "admin")
    started = instances.start_instance(uow, DCIM, "essai", "ESS-6", data={"montant_total": 10})
    assert started["status"] == "error"
    assert failed_elements(uow, started["id"]) == ["calcul", "saisie"]
    assert sorted(e for k, e in kinds(history(uow, started["id"])) if k == "error") == ["calcul", "saisie"]
    supply(uow, started["id"], nombre=5, inconnu=1)
    assert instances.retry_instance(uow, DCIM, started["id"])["status"] == "completed"


def test_print_in_a_script_is_recorded_in_the_history(uow):
    body = chain(("tache", script_element("tache", "print('montant :', montant)\nfor r in regions:\n"
                                                   "    print(r)\nresume = printed")),
                 ("apres", script_element("apres", "print('avant erreur')\nx = 1 / 0")))
    deploy(uow, {"essai.bpmn": process(body)}, "admin")
    started = instances.start_instance(uow, DCIM, "essai", "ESS-7", data={"montant": 5, "regions": ["kayes"]})

    assert started["data"]["resume"] == "montant : 5\nkayes\n"  # a script reads what it printed as `printed`
    events = history(uow, started["id"])
    assert kinds(events) == [("instance_started", None), ("script_printed", "tache"), ("script_printed", "apres"),
                             ("error", "apres")]
    assert [e["details"]["output"] for e in events if e["kind"] == "script_printed"] == \
        ["montant : 5\nkayes\n", "avant erreur\n"]
