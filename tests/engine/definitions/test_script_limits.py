"""Diagram code cannot run for ever or eat the machine: every run has a CPU-time and a memory bound.

Each case here ran for hours or took gigabytes before the sandbox; now it fails within the
limits, the file is saved in error with the reason, and the next run works as usual.
"""
import pytest
from conftest import DCIM, DIRECTION
from test_scripts import FAILING, evaluate, run, started_with

from engine.definitions.restricted import ScriptRejected, check_code
from engine.definitions.sandbox import ScriptDataRefused, ScriptLimitExceeded
from engine.runtime import instances

RUNAWAYS = {
    "lambda recursion tree": "f = lambda n: 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(40)",
    "padding to 300 MB": "x = 'a'.ljust(3 * 10 ** 8)",
    "a width of 300 million": "x = '%*d' % (3 * 10 ** 8, 1)",
    "doubling a string": "s = 'a' * 10 ** 7\nfor i in range(10):\n    s = s + s\nn = len(s)",
    "replace that multiplies": "s = ('a' * 10 ** 4).replace('a', 'b' * 10 ** 5)\nn = len(s)",
    "join of copies": "s = 'x' * 10 ** 6\nt = ''.join([s for i in [0] * 2000])\nn = len(t)",
    "a dict that grows": "d = {}\nfor i in list(enumerate([0] * 150000)):\n    d[i[0]] = 'x' * 10000\nn = len(d)",
    "a huge power": "n = 3 ** 49_999_999 % 7",
    "a huge factorial": "n = math.factorial(3_000_000) % 7",
}


@pytest.mark.parametrize("script", RUNAWAYS.values(), ids=RUNAWAYS.keys())
def test_runaway_scripts_stop_at_a_limit_and_the_next_run_works(script):
    with pytest.raises(ScriptLimitExceeded):
        run(script)
    assert run("total = a + b", a=1, b=2)["total"] == 3


def test_a_runaway_condition_stops_at_the_limit():
    with pytest.raises(ScriptLimitExceeded):
        evaluate("(lambda f: f(f, 40))(lambda g, n: 1 if n == 0 else g(g, n - 1) + g(g, n - 1)) > 0")
    assert evaluate("montant > 10", montant=12) is True


def test_recursion_is_refused_at_deploy_naming_the_function():
    tree = "def f(n):\n    return 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(40)"
    assert check_code(tree, "exec") == \
        "line 1: function 'f' calls itself: recursion is not allowed, loop over a list with for"
    mutual = "def pair(n):\n    return impair(n - 1)\ndef impair(n):\n    return pair(n - 1)\nx = pair(3)"
    assert "calls itself" in check_code(mutual, "exec")
    assert check_code("def double(n):\n    return 2 * n\nx = double(3)", "exec") is None
    with pytest.raises(ScriptRejected):
        run(tree)


@pytest.mark.parametrize("script, field", [
    ("r = range(3)", "'r' is a range"), ("c = complex(1, 2)", "'c' is a complex"),
    ("x = float('nan')", "'x' is not a finite number"), ("x = float('inf')", "'x' is not a finite number"),
    ("n = 2 ** 70", "'n' is an integer too large"), ("g = (i for i in [1])", "'g' is a generator"),
])
def test_what_a_script_leaves_in_the_data_must_be_data(script, field):
    with pytest.raises(ScriptDataRefused, match=field):
        run(script)


def test_data_named_like_a_guard_cannot_replace_it():
    result = run("y = [a * 2 for a in x]\nz = texte.upper()", x=[1, 2], texte="ab", _getiter_=None,
                 _getattr_="rien", __builtins__={})
    assert (result["y"], result["z"]) == ([2, 4], "AB")
    with pytest.raises(Exception, match="__import__"):
        run("os = __import__('os')", __builtins__={"__import__": "x"})


def test_a_runaway_script_puts_the_file_in_error_and_it_can_be_retried_once_fixed(uow):
    submission = {"salaire_annuel": 15876, "nombre_mois": 12}
    after, _task_id = started_with(uow, RUNAWAYS["lambda recursion tree"], submission)
    assert after["status"] == "error" and after["error"]["element_id"] == FAILING
    assert "ran out of time" in after["error"]["message"]
    history = instances.get_instance(uow, DIRECTION, after["id"], with_history=True)["history"]
    assert history[-1]["kind"] == "error"
    assert instances.retry_instance(uow, DCIM, after["id"])["status"] == "error"  # not fixed: still in error

