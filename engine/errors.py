"""Domain errors raised by the engine's use cases.

Each carries a stable `code` and `params` so that the web layer can show a
message in the reader's language; `str(error)` is an English fallback.
"""
from dataclasses import dataclass, field


class EngineError(Exception):
    """Base class of every error the engine reports to its callers."""

    code = "error"

    def __init__(self, message="", **params):
        super().__init__(message or self.code)
        self.params = params


class NotFound(EngineError):
    code = "not_found"


class Forbidden(EngineError):
    code = "forbidden"


class Hidden(Forbidden):
    """Refused because the actor may not know that the file, task or person exists.

    Answered exactly like NotFound (so that a refusal does not tell which ids exist),
    and still recorded in the audit as a refused access, as every Forbidden is.
    """

    code = "not_found"


class Conflict(EngineError):
    """Another writer got there first, or the object is not in the right state."""

    code = "conflict"


@dataclass
class FieldError:
    """One problem with submitted data: `field` is a dotted path ('' for the whole form)."""

    field: str
    code: str
    params: dict = field(default_factory=dict)

    def as_dict(self):
        return {"field": self.field, "code": self.code, "params": self.params}


class ValidationFailed(EngineError):
    """Submitted data does not satisfy the task's form schema."""

    code = "validation_failed"

    def __init__(self, errors):
        super().__init__("submitted data is invalid: " + ", ".join(f"{e.field or '(form)'}: {e.code}" for e in errors))
        self.errors = errors


@dataclass
class Problem:
    """One reason a diagram cannot be deployed, pointing at a file and an element."""

    file: str
    element_id: str
    message: str

    def as_dict(self):
        return {"file": self.file, "element_id": self.element_id, "message": self.message}


class DeployRejected(EngineError):
    code = "deploy_rejected"

    def __init__(self, problems):
        super().__init__("; ".join(f"{p.file} {p.element_id}: {p.message}" for p in problems))
        self.problems = problems


class FilesRejected(DeployRejected):
    """Files that are not readable diagrams or forms (broken XML, not BPMN...): nothing was stored."""

    code = "files_rejected"
