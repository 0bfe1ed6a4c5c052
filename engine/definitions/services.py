"""Service tasks: the operations a diagram may call (`spiffworkflow:serviceTaskOperator`).

There is one, `demarrer_procedure`: start another procedure's instance for a
business key with some data, e.g. the preselection of an offer, or one
departure aid per selected candidate. The request is queued on the running
workflow's script engine and carried out by `progress.advance` in the same
transaction, so the new instance exists if and only if the step is saved.
"""
import json
from dataclasses import dataclass, field

START = "demarrer_procedure"
OPERATORS = {START: {"processus": str, "reference": str, "donnees": dict}}


@dataclass
class StartRequest:
    process_key: str
    business_key: str
    data: dict = field(default_factory=dict)


def call(outbox, operation_name, operation_params, process_exists):
    """Run one operation with evaluated params ({name: {"value", "type"}}); return its JSON result.

    `process_exists(key)` tells whether a process is deployed: asking for one that
    is not fails the service task (the instance shows the error and can be retried).
    """
    if operation_name not in OPERATORS:
        raise ValueError(f"unknown service operation '{operation_name}'")
    values = {name: param["value"] for name, param in operation_params.items()}
    for name, kind in OPERATORS[operation_name].items():
        if name != "donnees" and not isinstance(values.get(name), kind):
            raise ValueError(f"{operation_name}: parameter '{name}' must be a {kind.__name__}")
    data = values.get("donnees") or {}
    if not isinstance(data, dict):
        raise ValueError(f"{operation_name}: parameter 'donnees' must be a dict")
    if not process_exists(values["processus"]):
        raise ValueError(f"{operation_name}: no deployed process '{values['processus']}'")
    outbox.append(StartRequest(values["processus"], values["reference"], data))
    return json.dumps({"processus": values["processus"], "reference": values["reference"]})


def problems(operation_name, params):
    """Why a service task's operator would fail at run time, checked at deploy."""
    if operation_name not in OPERATORS:
        yield f"unknown service operation '{operation_name}' (known: {', '.join(OPERATORS)})"
        return
    missing = {"processus", "reference"} - set(params)
    if missing:
        yield f"{operation_name}: missing parameter(s) {', '.join(sorted(missing))}"
