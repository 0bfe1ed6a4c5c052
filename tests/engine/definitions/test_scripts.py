"""The restricted script environment, and what happens to an instance when a script fails at run time."""
import json

import pytest
from conftest import DCIM, DIRECTION
from offer_flow import history, kinds, snapshot, task_rows
from sqlalchemy import select
from tiny_diagrams import SALARY_FORM, SALARY_FORM_TEXT, gateway_diagram, salary_diagram

from engine.accounts.access import Actor
from engine.authoring.deploy import deploy
from engine.definitions.scripting import (
    IterationBudgetExceeded,
    RestrictedEnvironment,
    ScriptRejected,
    SizeLimitExceeded,
    check_code,
    compile_code,
)
from engine.definitions.workflows import load_workflow, state_of
from engine.errors import Conflict, Forbidden
from engine.runtime import instances, tasks
from engine.store.tables import Instance

# --- the environment itself ------------------------------------------------------------------------


def run(script, **data):
    """Execute `script` on a copy of `data` as a script task would; return the resulting data."""
    context = dict(data)
    RestrictedEnvironment().execute(script, context)
    return context


def evaluate(expression, **data):
    return RestrictedEnvironment().evaluate(expression, dict(data))


@pytest.mark.parametrize("script, error, message", [
    ("contenu = open('/etc/passwd').read()", NameError, "open"),
    ("fichier = getattr(montant, '__class__')", NameError, "getattr"),
    ("module = vars()", NameError, "vars"),
    ("portee = globals()", NameError, "globals"),
    ("code = compile('1', 'x', 'eval')", NameError, "compile"),
    ("genre = type(montant)", NameError, "type"),
    ("texte = '{0.__class__}'.format(montant)", NotImplementedError, "format"),
    ("texte = '{0.__class__.__mro__}'.format_map({})", NotImplementedError, "format"),
    ("texte = str.format('{0.__class__}', montant)", NotImplementedError, "format"),
    ("class Offre:\n    pass", NameError, "__metaclass__"),
    ("setattr(montant, 'real', 0)", TypeError, "attribute-less"),
    ("postes = list(range(10 ** 9))", ValueError, "range"),
])
def test_escapes_that_compile_are_blocked_at_run_time(script, error, message):
    assert check_code(script, "exec") is None  # the compiler lets these through...
    with pytest.raises(error, match=message):  # ...the restricted builtins and guards stop them
        run(script, montant=1323)


@pytest.mark.parametrize("source", [
    "__import__('os')",
    "().__class__.__bases__[0].__subclasses__()",
    "montant.__class__",
    "(i for i in [1]).gi_frame.f_globals",
    "__builtins__",
])
def test_escapes_are_refused_even_if_they_reach_the_run_time(source):
    # A spec stored before a check existed would still be compiled by the restricted compiler when run.
    with pytest.raises(ScriptRejected):
        evaluate(source, montant=1)
    with pytest.raises(ScriptRejected):
        run(f"x = {source}", montant=1)
    with pytest.raises(ScriptRejected):
        compile_code(f"x = {source}", "exec")


def test_import_statements_are_refused_by_the_compiler():
    assert check_code("import os", "exec") == "line 1: imports are not allowed"
    assert check_code("x = 1\nfrom subprocess import run", "exec") == "line 2: imports are not allowed"
    with pytest.raises(ScriptRejected):
        run("import json\ntexte = json.dumps({})")


def test_a_script_must_end():
    assert check_code("while True:\n    pass", "exec") == \
        "line 1: while loops are not allowed: loop over a list with for"
    assert check_code("n = 0\nfor i in [1, 2]:\n    while n < i:\n        n += 1", "exec").startswith("line 3:")
    # Loops that compile are bounded: range by the restricted builtins, every loop by the budget of items.
    with pytest.raises(IterationBudgetExceeded):
        run("paires = [(a, b) for a in candidats for b in candidats]", candidats=list(range(1000)))
    with pytest.raises(IterationBudgetExceeded):
        evaluate("sum(1 for a in x for b in x) > 0", x=list(range(1000)))
    # Values too big to build are refused before they are built.
    for script in ("texte = 'x' * 10 ** 8", "liste = [0] * (10 ** 8)", "n = 10 ** 10 ** 8", "n = 1 << 10 ** 9",
                   "n = 7\nn **= 10 ** 9", "texte = 'ab'\ntexte *= 10 ** 8"):
        with pytest.raises(SizeLimitExceeded):
            run(script)
    assert run("n = 2 ** 64 * 3 // 2 ** 60\nliste = [0] * 5\nt = 'ab' * 3\nm = 1 << 10")["n"] == 48
    # The budget is per run: the next run starts afresh, and ordinary loops are far below it.
    assert run("n = len([a for a in candidats for b in candidats[:100]])", candidats=list(range(1000)))["n"] == 100_000


def test_ordinary_scripts_still_work():
    result = run(
        "total = salaire_mensuel * duree_mois\n"
        "postes_restants = nombre_postes\n"
        "postes_restants -= 3\n"
        "postes_restants += 1\n"
        "par_region = {r: nombre_postes // len(regions) for r in regions}\n"
        "grandes = [r for r in sorted(regions) if par_region[r] >= 10]\n"
        "resume = '%s : %d postes, %.2f EUR' % (poste, nombre_postes, total)\n"
        "libelle = f'{poste} ({pays})'\n"
        "indices = list(enumerate(regions))\n"
        "racine = math.sqrt(nombre_postes)\n"
        "ok = all(isinstance(v, int) for v in par_region.values()) and any(regions)\n"
        "a, b = divmod(nombre_postes, 7)\n"
        "fiche = dict(poste=poste, pays=pays)\n"
        "fiche['total'] = round(total, 1)\n"
        "def arrondi(x):\n"
        "    return int(x * 100) / 100\n"
        "moyenne = arrondi(total / 3)\n",
        salaire_mensuel=1323.5, duree_mois=5, nombre_postes=40, regions=["kayes", "bamako"],
        poste="Cueilleur de fraises", pays="ES")

    assert result["total"] == 6617.5
    assert result["postes_restants"] == 38
    assert result["par_region"] == {"kayes": 20, "bamako": 20}
    assert result["grandes"] == ["bamako", "kayes"]
    assert result["resume"] == "Cueilleur de fraises : 40 postes, 6617.50 EUR"
    assert result["libelle"] == "Cueilleur de fraises (ES)"
    assert result["indices"] == [[0, "kayes"], [1, "bamako"]]  # task data is JSON: tuples come back as lists
    assert result["racine"] == pytest.approx(6.3245553)
    assert result["ok"] is True
    assert (result["a"], result["b"]) == (5, 5)
    assert result["fiche"] == {"poste": "Cueilleur de fraises", "pays": "ES", "total": 6617.5}
    assert result["moyenne"] == 2205.83
    # Functions and the guards do not end up in the task data (it must stay serializable).
    assert "arrondi" not in result
    assert not [name for name in result if name.startswith("_")]
    json.dumps(result)


def test_conditions_are_evaluated_in_the_same_environment():
    assert evaluate("employeur_credible == True", employeur_credible=True) is True
    assert evaluate("montant > 1000 and devise in ('EUR', 'XOF')", montant=1323, devise="EUR") is True
    assert evaluate("len([r for r in regions if r != 'kayes']) == 2", regions=["kayes", "bamako", "gao"]) is True
    with pytest.raises(NameError):
        evaluate("open('/etc/passwd')")
    with pytest.raises(NotImplementedError):
        evaluate("'{0.__class__}'.format(montant)", montant=1)


# --- a script that fails while an instance runs ------------------------------------------------

MONTHLY = "salaire_mensuel = salaire_annuel / nombre_mois"
IN_FCFA = "salaire_mensuel_fcfa = round(salaire_annuel / nombre_mois * taux_change_eur_xof)"
FAILING = "calculer_salaire_mensuel"


def started_with(uow, script, submission, business_key="SAL-1", data=None):
    """Deploy the salary diagram with `script`, start it and submit `submission`; return (instance, task id)."""
    deploy(uow, {"salaire.bpmn": salary_diagram(script), SALARY_FORM: SALARY_FORM_TEXT}, "admin")
    started = instances.start_instance(uow, DCIM, "conversion_salaire", business_key, data=data)
    task_id = started["tasks"][0]["id"]
    return tasks.complete_task(uow, DCIM, task_id, submission), task_id


def assert_in_error(uow, instance_id, message_part, submission):
    current = instances.get_instance(uow, DIRECTION, instance_id, with_history=True)
    assert current["status"] == "error"
    assert current["error"]["element_id"] == FAILING
    assert message_part in current["error"]["message"]
    assert current["tasks"] == [] and current["ended_at"] is None
    for name, value in submission.items():  # what the person typed is not lost
        assert current["data"][name] == value
    return current


def test_division_by_zero_puts_the_instance_in_error_and_keeps_the_submission(uow):
    submission = {"salaire_annuel": 15876, "nombre_mois": 0}
    after, task_id = started_with(uow, MONTHLY, submission)

    assert after["status"] == "error"
    assert after["error"] == {"message": after["error"]["message"], "element_id": FAILING}
    assert "ZeroDivisionError" in after["error"]["message"]
    current = assert_in_error(uow, after["id"], "division by zero", submission)
    assert kinds(current["history"]) == [("instance_started", None), ("task_completed", "saisir_salaire"),
                                         ("error", FAILING)]
    error_event = current["history"][-1]
    assert error_event["actor"] == "dcim" and "division by zero" in error_event["details"]["message"]
    assert [(r["name"], r["state"]) for r in task_rows(uow, after["id"])] == [("saisir_salaire", "completed")]
    assert tasks.get_task(uow, DCIM, task_id)["instance_status"] == "error"
    assert [i["id"] for i in instances.list_instances(uow, DCIM, status="error")] == [after["id"]]
    # An instance in error is unfinished: its business key stays taken.
    with pytest.raises(Conflict):
        instances.start_instance(uow, DCIM, "conversion_salaire", "SAL-1")


def test_retry_without_a_fix_stays_in_error(uow):
    submission = {"salaire_annuel": 15876, "nombre_mois": 12}
    after, _task_id = started_with(uow, IN_FCFA, submission)
    assert_in_error(uow, after["id"], "taux_change_eur_xof", submission)

    retried = instances.retry_instance(uow, DCIM, after["id"])

    assert retried["status"] == "error"
    assert retried["error"]["element_id"] == FAILING
    current = assert_in_error(uow, after["id"], "taux_change_eur_xof", submission)
    assert kinds(current["history"])[-3:] == [("error", FAILING), ("instance_retried", FAILING), ("error", FAILING)]
    assert current["history"][-2]["actor"] == "dcim"


def test_the_variable_supplied_at_start_makes_the_same_script_work(uow):
    submission = {"salaire_annuel": 15876, "nombre_mois": 12}
    after, _task_id = started_with(uow, IN_FCFA, submission, data={"taux_change_eur_xof": 655.957})
    assert after["status"] == "completed" and after["error"] is None
    assert after["data"]["salaire_mensuel_fcfa"] == 867831  # 1323 EUR a month
    assert kinds(history(uow, after["id"]))[-1] == ("instance_completed", "fin")


def test_retry_after_the_missing_variable_is_supplied_completes_the_instance(uow):
    submission = {"salaire_annuel": 15876, "nombre_mois": 12}
    after, _task_id = started_with(uow, IN_FCFA, submission)
    assert_in_error(uow, after["id"], "taux_change_eur_xof", submission)

    # No engine use case can add data to an instance in error: an administrator supplies the
    # missing exchange rate in the database, in the failed element's data.
    with uow:
        instance = uow.session.get(Instance, after["id"])
        workflow = load_workflow(instance.version, instance.state)
        [failed] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == FAILING]
        failed.data["taux_change_eur_xof"] = 655.957
        instance.state = state_of(workflow)
        uow.commit()

    retried = instances.retry_instance(uow, DCIM, after["id"])

    assert retried["status"] == "completed"
    assert retried["error"] is None
    assert retried["data"]["salaire_mensuel_fcfa"] == 867831
    assert retried["data"]["salaire_annuel"] == 15876
    with uow:
        row = uow.session.scalar(select(Instance).where(Instance.id == after["id"]))
        assert (row.error_message, row.error_element) == (None, None)
        assert row.ended_at is not None
    assert kinds(history(uow, after["id"]))[-3:] == [("error", FAILING), ("instance_retried", FAILING),
                                                    ("instance_completed", "fin")]


def test_escape_that_passes_the_deploy_check_fails_the_instance_not_the_server(uow):
    submission = {"salaire_annuel": 15876, "nombre_mois": 12}
    after, _task_id = started_with(uow, "fuite = open('/etc/passwd').read()", submission)
    current = assert_in_error(uow, after["id"], "open", submission)
    assert "fuite" not in current["data"]

    before = snapshot(uow, after["id"])
    assert instances.retry_instance(uow, DCIM, after["id"])["status"] == "error"
    assert snapshot(uow, after["id"])["events"] == before["events"] + 2  # instance_retried, error


@pytest.mark.parametrize("data, status, end", [
    ({"montant": 1500}, "completed", "fin_haut"),
    ({"montant": 200}, "completed", "fin_bas"),
])
def test_a_condition_routes_on_the_data_given_at_start(uow, data, status, end):
    deploy(uow, {"orientation.bpmn": gateway_diagram("montant &gt; 1000", "orientation_montant")}, "admin")
    started = instances.start_instance(uow, DCIM, "orientation_montant", "ORI-1", data=data)
    assert started["status"] == status and started["data"]["montant"] == data["montant"]
    events = history(uow, started["id"])
    assert events[0]["changes"] == {"montant": {"old": None, "new": data["montant"]}}
    assert [e["details"]["to"] for e in events if e["kind"] == "gateway_taken"] == [[end]]
    assert kinds(events)[-1] == ("instance_completed", end)


@pytest.mark.parametrize("condition, data, message", [
    ("montant &gt; 1000", {}, "montant"),  # the variable is missing
    ("open('/etc/passwd') is not None", {"montant": 1}, "open"),  # passes the deploy check, blocked when run
])
def test_a_condition_that_fails_at_start_leaves_the_instance_in_error(uow, condition, data, message):
    deploy(uow, {"orientation.bpmn": gateway_diagram(condition, "orientation_montant")}, "admin")

    started = instances.start_instance(uow, DCIM, "orientation_montant", "ORI-2", data=data)

    assert started["status"] == "error"
    assert started["error"]["element_id"] == "gw_montant"
    assert message in started["error"]["message"]
    assert started["tasks"] == [] and started["ended_at"] is None
    assert kinds(history(uow, started["id"])) == [("instance_started", None), ("error", "gw_montant")]
    assert instances.retry_instance(uow, DCIM, started["id"])["status"] == "error"


def test_only_the_owners_of_a_file_retry_it(uow):
    """The manager reads a file in error but may not run it again; its owner (here DCIM), the process owner
    (who repairs diagrams) and admin may."""
    after, _task_id = started_with(uow, IN_FCFA, {"salaire_annuel": 15876, "nombre_mois": 12})
    with pytest.raises(Forbidden):
        instances.retry_instance(uow, DIRECTION, after["id"])
    assert instances.get_instance(uow, DIRECTION, after["id"])["can_retry"] is False
    for owner in (DCIM, Actor("proprietaire", frozenset({"proprietaire"}))):
        assert instances.get_instance(uow, owner, after["id"])["can_retry"] is True
    assert instances.retry_instance(uow, Actor("admin", frozenset({"admin"})), after["id"])["status"] == "error"
    assert [e["kind"] for e in history(uow, after["id"])].count("instance_retried") == 1
