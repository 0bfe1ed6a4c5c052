"""Diagram scripts and conditions run in a restricted Python environment.

Diagrams are edited by users, so a script must not import modules, reach
dunder attributes or touch files and the network. RestrictedPython compiles
the code with guards; only safe builtins are given to it.

`print()` works in scripts: what a script prints is collected (RestrictedPython's
print collector) and handed to the engine's `on_print`, which records it in the
file's history; a condition or expression has nowhere to print, so there it is
refused like an import.

A script must also end, and in little memory: `while` loops are refused
(loop over a list with `for`), `range` is bounded by the restricted builtins,
every loop or comprehension goes through `_getiter_`, which counts the items of
one run of the script against ITERATION_BUDGET, and `*`, `**` and `<<` go
through guards that refuse results bigger than SIZE_LIMIT (a 10-million-item
list, a million-bit integer). A script over a limit fails like any other: the
instance is saved in error and can be retried once fixed.
"""
import ast
import copy
import warnings

from RestrictedPython import compile_restricted, limited_builtins, safe_builtins, utility_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.definitions import services

_BUILTINS = {**safe_builtins, **limited_builtins,
             "math": utility_builtins["math"],
             "dict": dict, "list": list, "sum": sum, "min": min, "max": max, "any": any,
             "all": all, "enumerate": enumerate, "sorted": sorted, "reversed": reversed}
ITERATION_BUDGET = 200_000  # loop items one run of a script or condition may go through
SIZE_LIMIT = 10_000_000  # items of a repeated sequence; bits of an integer / 10


class ScriptRejected(Exception):
    """A script or condition that the restricted compiler refuses."""


class IterationBudgetExceeded(Exception):
    """A script went through more loop items than ITERATION_BUDGET: it would not end in time."""


class SizeLimitExceeded(Exception):
    """A `*`, `**` or `<<` would build a value bigger than SIZE_LIMIT."""


def _bits(value):
    return value.bit_length() if isinstance(value, int) else 0


def _checked_mul(left, right):
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(times, int) \
                and len(sequence) * times > SIZE_LIMIT:
            raise SizeLimitExceeded(f"a sequence of more than {SIZE_LIMIT} items")
    if _bits(left) + _bits(right) > 10 * SIZE_LIMIT:
        raise SizeLimitExceeded("an integer too large")
    return left * right


def _checked_pow(base, exponent):
    if isinstance(exponent, int) and exponent > 0 and _bits(base) * exponent > 10 * SIZE_LIMIT:
        raise SizeLimitExceeded("an integer too large")
    return base ** exponent


def _checked_lshift(value, shift):
    if isinstance(shift, int) and _bits(value) + shift > 10 * SIZE_LIMIT:
        raise SizeLimitExceeded("an integer too large")
    return value << shift


_CHECKED = {ast.Mult: ("_mul_", _checked_mul), ast.Pow: ("_pow_", _checked_pow),
            ast.LShift: ("_lshift_", _checked_lshift)}


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's rules, plus `a * b`, `a ** b` and `a << b` made calls to the size guards."""

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        if type(node.op) not in _CHECKED:
            return node
        guard = ast.copy_location(ast.Name(_CHECKED[type(node.op)][0], ast.Load()), node)
        return ast.copy_location(ast.Call(func=guard, args=[node.left, node.right], keywords=[]), node)


_GUARDS = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": lambda op, x, y: _INPLACE[op](x, y),
    **{name: guard for name, guard in _CHECKED.values()},
}
_INPLACE = {"+=": lambda x, y: x + y, "-=": lambda x, y: x - y, "*=": _checked_mul, "**=": _checked_pow,
            "<<=": _checked_lshift,
            "/=": lambda x, y: x / y, "//=": lambda x, y: x // y, "%=": lambda x, y: x % y}


def _budgeted_getiter():
    """A `_getiter_` guard for one run: iterates like the default one, counting items against the budget."""
    left = [ITERATION_BUDGET]

    def getiter(iterable):
        for item in default_guarded_getiter(iterable):
            left[0] -= 1
            if left[0] < 0:
                raise IterationBudgetExceeded(f"more than {ITERATION_BUDGET} loop items: the script would not "
                                              "end in time")
            yield item
    return getiter


def compile_code(source, mode):
    """Compile `source` ('exec' for scripts, 'eval' for conditions) or raise ScriptRejected."""
    try:
        tree = ast.parse(source or "", mode=mode)
    except SyntaxError as err:
        raise ScriptRejected(f"line {err.lineno}: {err.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise ScriptRejected(f"line {node.lineno}: imports are not allowed")
        if isinstance(node, ast.While):
            raise ScriptRejected(f"line {node.lineno}: while loops are not allowed: loop over a list with for")
        if mode == "eval" and isinstance(node, ast.Name) and node.id in ("print", "printed"):
            raise ScriptRejected(f"line {node.lineno}: print() is not allowed in a condition or expression: "
                                 "print from a script task")
    try:
        with warnings.catch_warnings():  # "prints, but never reads 'printed'": the engine reads it
            warnings.simplefilter("ignore", SyntaxWarning)
            return compile_restricted(tree, filename="<script>", mode=mode, policy=_Policy)
    except SyntaxError as err:
        # RestrictedPython reports its refusals as a SyntaxError whose msg is a tuple of reasons.
        reasons = err.msg if isinstance(err.msg, tuple) else (str(err.msg),)
        raise ScriptRejected("; ".join(reasons)) from None


def check_code(source, mode):
    """Return the reason `source` is refused, or None when it compiles."""
    try:
        compile_code(source, mode)
    except ScriptRejected as err:
        return str(err)
    return None


class RestrictedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow script environment that evaluates through RestrictedPython."""

    printed = ""  # what the latest script printed

    def evaluate(self, expression, context, external_context=None):
        scope = {**copy.copy(self.globals), **_GUARDS, "_getiter_": _budgeted_getiter(),
                 **(external_context or {}), **context}
        try:
            return eval(compile_code(expression, "eval"), scope)
        except Exception as err:
            # SpiffWorkflow evaluates some expressions here directly (correlations, an ad-hoc
            # sub-process's completion condition): say which one failed.
            err.add_note(f"(expression: {expression})")
            raise

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        collectors = []

        def collector(_getattr_=None):
            collectors.append(PrintCollector(_getattr_))
            return collectors[-1]
        context.update({**copy.copy(self.globals), **_GUARDS, "_getiter_": _budgeted_getiter(),
                        "_print_": collector, **(external_context or {})})
        self.printed = ""
        try:
            exec(compile_code(script, "exec"), context)
        finally:
            self.printed = "".join(printer() for printer in collectors)
            for name in list(context):
                if name in _GUARDS or name in self.globals or callable(context[name]) \
                        or (external_context and name in external_context):
                    context.pop(name)
        return True


class ScriptEngine(PythonScriptEngine):
    """The engine of one loaded workflow: restricted code, and an outbox for service requests."""

    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())
        self.outbox = []
        self.process_exists = lambda _key: True
        self.on_print = lambda _task, _text: None  # given what a script of `task` printed, if anything

    def execute(self, task, script, external_context=None):
        try:
            return super().execute(task, script, external_context)
        finally:
            if self.environment.printed:
                self.on_print(task, self.environment.printed)

    def provide(self, **functions):
        """Let scripts and conditions call `functions` (e.g. look-ups in the persons registry)."""
        self.environment.globals.update(functions)

    def create_task_exec_exception(self, task, script, err):
        # The library appends err.args[0] to a text: a KeyError(5) would fail there with a TypeError.
        if err.args and not isinstance(err.args[0], str):
            err.args = (repr(err.args[0]), *err.args[1:])
        return super().create_task_exec_exception(task, script, err)

    def call_service(self, task, operation_name=None, operation_params=None, **_kwargs):
        # The library's own error path here refers to an undefined name: report errors ourselves.
        try:
            return services.call(self.outbox, operation_name, operation_params or {}, self.process_exists)
        except Exception as err:
            raise WorkflowTaskException(f"{type(err).__name__}: {err}", task=task, exception=err) from err


def script_engine():
    """A SpiffWorkflow script engine whose scripts and conditions are restricted."""
    return ScriptEngine()
