"""SpiffWorkflow's script engine for Djoliba: diagram code is restricted and runs in the sandbox.

Scripts, conditions and expressions are compiled by `engine.definitions.restricted`
(RestrictedPython with our guards) and run in a separate process with CPU-time and
memory limits (`engine.definitions.sandbox`). What a script prints is collected and
handed to the engine's `on_print`, which records it in the file's history.
"""
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.definitions import sandbox, services
from engine.definitions.deadlines import echeance
from engine.definitions.restricted import (  # noqa: F401 - the names deploy checks and tests use
    ITERATION_BUDGET,
    SIZE_LIMIT,
    IterationBudgetExceeded,
    ScriptRejected,
    SizeLimitExceeded,
    check_code,
    compile_code,
)


class RestrictedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow script environment that runs restricted code in the sandbox."""

    printed = ""  # what the latest script printed

    def evaluate(self, expression, context, external_context=None):
        try:
            return sandbox.evaluate(expression, {**self.globals, **(external_context or {}), **context})
        except Exception as err:
            # SpiffWorkflow evaluates some expressions here directly (correlations, an ad-hoc
            # sub-process's completion condition): say which one failed.
            err.add_note(f"(expression: {expression})")
            raise

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        self.printed = ""
        try:
            self.printed = sandbox.execute(script, context, {**self.globals, **(external_context or {})})
        except Exception as err:
            self.printed = getattr(err, "printed", "")
            raise
        return True


class ScriptEngine(PythonScriptEngine):
    """The engine of one loaded workflow: restricted code, and an outbox for service requests."""

    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())
        self.provide(echeance=echeance)  # deadlines from the dates people typed (`dueDate`)
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
