"""The restricted Python that diagram scripts and conditions are compiled to.

Diagrams are edited by users, so a script must not import modules, reach dunder
attributes or touch files and the network. RestrictedPython compiles the code with
guards; only safe builtins are given to it. `print()` is collected (RestrictedPython's
print collector) in scripts, refused in conditions and expressions.

Guards give clear messages for the common ways code would run long or build huge values:
`while` loops and recursion are refused at deploy (loop over a list with `for`), every loop
or comprehension goes through `_getiter_`, which counts the items of one run against
ITERATION_BUDGET, and `*`, `**` and `<<` refuse results bigger than SIZE_LIMIT. These are
not the bound itself: code runs in a separate process with CPU-time and memory limits
(`engine.definitions.sandbox`), which no construct can get round.

This module imports neither SpiffWorkflow nor the rest of the engine: the sandbox process
loads only it.
"""
import ast
import warnings
from functools import lru_cache

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

_BUILTINS = {**safe_builtins, **limited_builtins,
             "math": utility_builtins["math"],
             "dict": dict, "list": list, "sum": sum, "min": min, "max": max, "any": any,
             "all": all, "enumerate": enumerate, "sorted": sorted, "reversed": reversed}
ITERATION_BUDGET = 200_000  # loop items one run of a script or condition may go through
SIZE_LIMIT = 10_000_000  # items of a repeated sequence; bits of an integer / 10
# The size of the code itself: Python's parser and compiler recurse on nesting, so a 1,000-term
# `1+1+...` or deeply nested brackets would break them; the bundled diagrams' longest code is
# about 1,100 characters and 11 levels deep.
MAX_CODE_LENGTH = 20_000  # characters of one script, condition or expression
MAX_CODE_DEPTH = 100  # levels of nested syntax (each operator of `1+1+...` is one more)


ERRORS = ("ScriptRejected", "IterationBudgetExceeded", "SizeLimitExceeded")  # raised again as such by the sandbox


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
    if len(source or "") > MAX_CODE_LENGTH:
        raise ScriptRejected(f"code too long: {len(source)} characters, at most {MAX_CODE_LENGTH}")
    try:
        tree = ast.parse(source or "", mode=mode)
    except SyntaxError as err:
        raise ScriptRejected(f"line {err.lineno}: {err.msg}") from None
    except (RecursionError, MemoryError):
        raise _too_deep() from None
    if _depth(tree) > MAX_CODE_DEPTH:
        raise _too_deep()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise ScriptRejected(f"line {node.lineno}: imports are not allowed")
        if isinstance(node, ast.While):
            raise ScriptRejected(f"line {node.lineno}: while loops are not allowed: loop over a list with for")
        if mode == "eval" and isinstance(node, ast.Name) and node.id in ("print", "printed"):
            raise ScriptRejected(f"line {node.lineno}: print() is not allowed in a condition or expression: "
                                 "print from a script task")
    _refuse_recursion(tree)
    try:
        with warnings.catch_warnings():  # "prints, but never reads 'printed'": the engine reads it
            warnings.simplefilter("ignore", SyntaxWarning)
            return compile_restricted(tree, filename="<script>", mode=mode, policy=_Policy)
    except (RecursionError, MemoryError):
        raise _too_deep() from None
    except SyntaxError as err:
        # RestrictedPython reports its refusals as a SyntaxError whose msg is a tuple of reasons.
        reasons = err.msg if isinstance(err.msg, tuple) else (str(err.msg),)
        raise ScriptRejected("; ".join(reasons)) from None


def _too_deep():
    return ScriptRejected(f"code nested too deeply: more than {MAX_CODE_DEPTH} levels; split it into "
                          "several shorter statements")


def _depth(tree):
    """How deeply `tree` nests (counted without recursing, whatever its depth)."""
    deepest, todo = 0, [(tree, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        todo += [(child, depth + 1) for child in ast.iter_child_nodes(node)]
    return deepest


def _refuse_recursion(tree):
    """Refuse functions that call themselves, directly or through each other: a recursion tree can run for days."""
    functions = {node.name: node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    calls = {name: {call.func.id for call in ast.walk(node) if isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name) and call.func.id in functions}
             for name, node in functions.items()}
    for name, node in functions.items():
        reached, todo = set(), list(calls[name])
        while todo:
            callee = todo.pop()
            if callee not in reached:
                reached.add(callee)
                todo += calls[callee]
        if name in reached:
            raise ScriptRejected(f"line {node.lineno}: function '{name}' calls itself: recursion is not allowed, "
                                 "loop over a list with for")


@lru_cache(maxsize=2048)
def _compiled(source, mode):
    return compile_code(source, mode)


def evaluate(expression, names):
    """The value of a condition or expression, given the names it may read (the guards win over them)."""
    return eval(_compiled(expression, "eval"), {**names, **_GUARDS, "_getiter_": _budgeted_getiter()})


def execute(script, context):
    """Run a script with `context` (the task's data) as its globals, which it changes; return what it printed.

    The guards are put over the data (a field named like a guard cannot replace it) and taken away after.
    """
    collectors = []

    def collector(_getattr_=None):
        collectors.append(PrintCollector(_getattr_))
        return collectors[-1]
    guards = {**_GUARDS, "_getiter_": _budgeted_getiter(), "_print_": collector}
    context.update(guards)
    try:
        exec(_compiled(script, "exec"), context)
    except Exception as err:
        err.printed = "".join(printer() for printer in collectors)  # what it printed before failing
        raise
    finally:
        for name in guards:
            context.pop(name, None)
    return "".join(printer() for printer in collectors)


def check_code(source, mode):
    """Return the reason `source` is refused, or None when it compiles."""
    try:
        compile_code(source, mode)
    except ScriptRejected as err:
        return str(err)
    return None
