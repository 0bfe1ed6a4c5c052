"""OpenAPI 3.1 description of /api/v1."""
from engine.audit.search import MAX_PAGE_SIZE, PAGE_SIZE
from engine.runtime.cancel import REASON_LIMIT
from web.store import MAX_ROW_ID


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes):
    texts = {401: "Missing or invalid token", 403: "Not allowed for your roles, or on a file you may read",
             404: "Not found; also what you may not see (a file, task, person or token of others): the answer "
                  "is the same, so that it does not tell which ids exist", 409: "Conflict: claimed by someone else, already completed, stale",
             422: "Invalid data: per-field messages"}
    return {str(code): _json(_ref("Error"), texts[code]) for code in codes}


def _op(summary, response, *errors, body=None, params=()):
    operation = {"summary": summary, "responses": {**response, **_errors(401, *errors)},
                 "parameters": [_PARAMS[p] for p in params]}
    if body:
        operation["requestBody"] = {"required": True, "content": body}
    return operation


_PARAMS = {
    name: {"name": name, "in": where, "required": where == "path", "schema": {"type": kind}}
    for name, where, kind in [("key", "path", "string"), ("instance_id", "path", "integer"),
                              ("task_id", "path", "string"), ("token_id", "path", "integer"),
                              ("user", "query", "string"), ("process", "query", "string"),
                              ("status", "query", "string"), ("business_key", "query", "string"),
                              ("mine", "query", "string"), ("dry_run", "query", "string"),
                              ("from", "query", "integer"), ("to", "query", "integer"),
                              ("to_version", "query", "integer"), ("person", "query", "string"),
                              ("date_from", "query", "string"), ("date_to", "query", "string"),
                              ("region", "query", "string"), ("kind", "query", "string"),
                              ("limit", "query", "integer"), ("cursor", "query", "integer")]
}
_PARAMS["limit"]["schema"].update(minimum=1, maximum=MAX_PAGE_SIZE, default=PAGE_SIZE)
_PARAMS["cursor"]["description"] = "The `next_cursor` of the previous page: the page starts just before that event"
for _name in ("cursor", "from", "to", "to_version"):  # numbers of rows: the API refuses others with a 422
    _PARAMS[_name]["schema"].update(minimum=1, maximum=MAX_ROW_ID)
_PARAMS["user"]["description"] = "Another account's tokens (administrators only); yours without it"
# Text filters: at most as long as the columns they search (a 422 beyond), empty for none.
for _name, _limit in (("person", 80), ("process", 100), ("region", 40), ("kind", 40), ("business_key", 120),
                      ("status", 20), ("user", 80)):
    _PARAMS[_name]["schema"]["maxLength"] = _limit
for _name in ("date_from", "date_to"):  # the audit page's form sends an empty date for none
    _PARAMS[_name]["schema"] = {"type": "string", "anyOf": [{"format": "date"}, {"maxLength": 0}]}
_PARAMS["from"]["required"] = _PARAMS["to"]["required"] = True  # only the diff takes them, and needs both



def _query(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


# The lists of files and persons: search without case or accents, pages by cursor.
_PARAMS.update(
    files_q=_query("q", {"type": "string", "maxLength": 120},
                   "Part of a reference or of a procedure's name, any case or accents (`104` finds OFF-2026-104)"),
    files_limit=_query("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 200},
                       "Files in the answer at most"),
    files_cursor=_query("cursor", {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
                        "The X-Next-Cursor of the previous answer: the files older than that one"),
    persons_q=_query("q", {"type": "string", "maxLength": 200},
                     "Beginnings of the names' words in any order, any case or accents; or a number: the person's, "
                     "or digits of their telephone"),
    persons_text=_query("text", {"type": "string", "maxLength": 200},
                        "Beginnings of words of the free fields (occupation typed, skills and experience), any "
                        "case or accents: every word must begin one of the person's"),
    experience_min=_query("experience_min", {"type": "integer", "minimum": 0, "maximum": 60},
                          "At least this many years of experience in the occupation"),
    availability=_query("availability", {"type": "string",
                                         "enum": ["immediate", "un_mois", "trois_mois", "plus_tard", ""]},
                        "Available at the latest then (immediate, in a month, in three months, later)"),
    ready_for_offers=_query("ready_for_offers", {"type": "string", "enum": ["true", "false", ""]},
                            "true: persons whose last concluded candidate services said 'ready for offers'"),
    occupation=_query("occupation", {"type": "string", "maxLength": 4},
                      "An ISCO-08 code or its group's first digits (7112, 711): persons who exercise or seek it"),
    sex=_query("sex", {"type": "string", "enum": ["F", "M", ""]}, "F or M"),
    age_min=_query("age_min", {"type": "integer", "minimum": 0, "maximum": 150}, "At least this age, in years"),
    age_max=_query("age_max", {"type": "integer", "minimum": 0, "maximum": 150}, "At most this age, in years"),
    education=_query("education", {"type": "string", "enum": ["aucun", "fondamental", "secondaire", "superieur", ""]},
                     "Education level: aucun, fondamental, secondaire, superieur"),
    language=_query("language", {"type": "string", "maxLength": 3}, "A language spoken (ISO 639-3: fra, bam, snk)"),
    disability=_query("disability", {"type": "string", "enum": ["true", "false", ""]},
                      "true: persons with a disability; false: without"),
    persons_cursor=_query("cursor", {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
                          "The `next_cursor` of the previous page: the persons registered after that one"))
# The employer register.
_PARAMS.update(
    employer_id={"name": "employer_id", "in": "path", "required": True,
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}},
    employers_q=_query("q", {"type": "string", "maxLength": 200},
                       "Words of the employer's name, any case, accents or punctuation"),
    country=_query("country", {"type": "string", "maxLength": 2}, "The employer's country (ISO 3166-1: ES, MA)"),
    employers_cursor=_query("cursor", {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
                            "The `next_cursor` of the previous page: the employers registered after that one"))
_NULLABLE_STRING = {"type": ["string", "null"]}
_EMPLOYER = {"type": "object", "required": ["id", "name", "country"], "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "country": {"type": "string"},
    "sector": {"type": ["string", "null"]}, "registration_numbers": {"type": ["string", "null"]},
    "created_at": {"type": "string", "format": "date-time"}, "created_by": {"type": "string"},
    "updated_at": {"type": "string", "format": "date-time"},
    "address": {"type": ["string", "null"]}, "contact_name": {"type": ["string", "null"]},
    "contact_function": {"type": ["string", "null"]}, "email": {"type": ["string", "null"]},
    "phone": {"type": ["string", "null"]}},
    "description": "The contacts (address, contact_*, email, phone) only for DCIM, the managers and the administrator"}
_TASK = {"id": {"type": "string"}, "instance_id": {"type": "integer"}, "process_key": {"type": "string"},
         "business_key": {"type": "string"}, "name": {"type": "string"}, "title": {"type": "string"},
         "role": {"type": ["string", "null"]}, "region": {"type": ["string", "null"]},
         "assignee": {"type": ["string", "null"]}, "state": {"type": "string"},
         "due_at": {"type": ["string", "null"], "format": "date-time"}, "created_at": {"type": "string"},
         "manual_section": {"type": ["string", "null"]},
         "subject": {"type": ["string", "null"], "description": "The person the task is about, when several tasks "
                                                                "share a title (e.g. the candidate to evaluate)."}}

_OTHER_REGIONS = {"type": "integer", "minimum": 0, "description": "For a counsellor reading a file shared between "
                  "regions: how many persons of other regions the data leaves out (0 for everyone else)"}

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Djoliba API", "version": "1",
             "description": "Processes, instances, tasks, deployments and the audit trail. "
                            "Authenticate with `Authorization: Bearer <token>` (`djoliba token USERNAME`, or the "
                            "page Jetons d'API). A body this description allows may still be refused with a 422: "
                            "a task's data is validated against the task's own form (`form.schema` of "
                            "`GET /tasks/{task_id}`), and deployed or drafted files against what a diagram, a "
                            "decision table and a form must be; the 422 says what to fix."},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error", "message"],
                      "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                                     "fields": {"type": "object", "additionalProperties":
                                                {"type": "array", "items": {"type": "string"}}},
                                     "problems": {"type": "array", "items": {"type": "object"}},
                                     "instance_id": {"type": "integer", "description": "On a 409: the file in "
                                                     "question, e.g. the one that already has this business key"}}},
            "Process": {"type": "object", "properties": {
                "key": {"type": "string"}, "name": {"type": "string"}, "version": {"type": "integer"},
                "start_role": {"type": ["string", "null"]},
                "start_message": {"type": ["string", "null"],
                                  "description": "Set when only another procedure opens this one, by this message."},
                "deployed_at": {"type": "string"},
                "deployed_by": {"type": "string"}}},
            "Task": {"type": "object", "properties": _TASK},
            "TaskDetail": {"type": "object", "properties": {
                **_TASK, "form": {"type": "object", "properties": {"schema": {"type": "object"},
                                                                    "ui": {"type": "object"}}},
                "data": {"type": "object"}, "file": {"type": "array"},
                "instance_status": {"type": "string"}, "other_regions_persons": _OTHER_REGIONS,
                "instance_error": {"type": ["object", "null"], "description": "When the file is in error (e.g. "
                                   "another branch's step failed): the message and the element"},
                "offer": {"type": "array", "description": "What the offer at the root of the file's chain recorded, "
                                                          "labelled from its forms (empty for an offer's own tasks)."}}},
            "Instance": {"type": "object", "properties": {
                "id": {"type": "integer"}, "process_key": {"type": "string"}, "version": {"type": "integer"},
                "business_key": {"type": "string"},
                "status": {"enum": ["running", "waiting", "completed", "error", "cancelled"]},
                "started_at": {"type": "string"}, "ended_at": {"type": ["string", "null"]},
                "data": {"type": "object"}, "tasks": {"type": "array", "items": _ref("Task")},
                "error": {"type": ["object", "null"]},
                "cancel_reason": {"type": ["string", "null"], "description": "Why the file was cancelled"},
                "can_cancel": {"type": "boolean", "description": "Whether you may cancel it (reading one file)"},
                "can_retry": {"type": "boolean", "description": "Whether you may retry it (reading one file in error)"},
                "other_regions_persons": _OTHER_REGIONS}},
            "Event": {"type": "object", "properties": {
                "seq": {"type": "integer"}, "at": {"type": "string"}, "actor": {"type": "string"},
                "kind": {"type": "string"}, "task_id": {"type": ["string", "null"]},
                "element_id": {"type": ["string", "null"]}, "region": {"type": ["string", "null"]},
                "changes": {"type": "object"}}},
            "AuditEvent": {"type": "object", "properties": {
                "seq": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
                "actor": {"type": "string"}, "kind": {"type": "string"},
                "instance_id": {"type": ["integer", "null"]}, "business_key": _NULLABLE_STRING,
                "process_key": _NULLABLE_STRING, "region": _NULLABLE_STRING, "task_id": _NULLABLE_STRING,
                "element_id": _NULLABLE_STRING,
                "changed": {"type": "array", "items": {"type": "string"},
                            "description": "The fields the event changed; their values are in the file's timeline"},
                "details": {"type": "object"}, "hash": _NULLABLE_STRING}},
            "PersonPage": {"type": "object", "required": ["items", "total", "limit", "next_cursor"], "properties": {
                "items": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "label": {"type": "string"}, "nom": {"type": "string"},
                    "prenoms": {"type": "string"}, "sexe": {"type": "string"}, "region": {"type": "string"},
                    "date_naissance": _NULLABLE_STRING}}},
                "total": {"type": "integer", "description": "Persons matching the filters, on every page"},
                "limit": {"type": "integer"},
                "next_cursor": {"type": ["integer", "null"],
                                "description": "`cursor` of the next page; null on the last"}}},
            "Employer": _EMPLOYER,
            "EmployerPage": {"type": "object", "required": ["items", "total", "limit", "next_cursor"], "properties": {
                "items": {"type": "array", "items": _ref("Employer")},
                "total": {"type": "integer", "description": "Employers matching the filters, on every page"},
                "limit": {"type": "integer"},
                "next_cursor": {"type": ["integer", "null"], "description": "`cursor` of the next page; null on the last"}}},
            "EmployerHistory": {"type": "object", "required": ["employer", "offers", "findings", "outcomes",
                                                                "warnings", "changes", "accounts"], "properties": {
                "employer": _ref("Employer"),
                "offers": {"type": "array", "items": {"type": "object", "properties": {
                    "instance_id": {"type": "integer"}, "reference": {"type": "string"}, "status": {"type": "string"},
                    "occupation": _NULLABLE_STRING, "work_country": _NULLABLE_STRING,
                    "posts": {"type": ["integer", "null"]}, "posts_filled": {"type": "integer"},
                    "received_on": {"type": ["string", "null"], "format": "date"},
                    "credible": {"type": ["boolean", "null"]}, "reason": _NULLABLE_STRING}}},
                "findings": {"type": "array", "description": "Each verification (§7.3); its words, sources, author and "
                             "time only for DCIM, the managers and the administrator", "items": {"type": "object"}},
                "outcomes": {"type": "object", "properties": {name: {"type": "integer"} for name in (
                    "offers", "posts", "posts_filled", "departures", "departures_cancelled", "withdrawn",
                    "not_credible")}},
                "warnings": {"type": "array", "items": {"type": "object", "properties": {
                    "kind": {"type": "string", "enum": ["not_credible", "withdrawn", "departure_cancelled"]},
                    "reference": _NULLABLE_STRING, "on": _NULLABLE_STRING, "reason": _NULLABLE_STRING}}},
                "changes": {"type": "array", "items": {"type": "object"}},
                "accounts": {"type": "array", "items": {"type": "object"}}}},
            "AuditPage": {"type": "object", "required": ["events", "total", "more", "limit", "next_cursor"],
                          "properties": {
                "events": {"type": "array", "items": _ref("AuditEvent")},
                "total": {"type": "integer", "description": "Events matching the filters, on every page, counted up "
                                                            "to 10 000 (a count never reads the whole trail)"},
                "more": {"type": "boolean", "description": "More events than `total` match; the pages reach them all"},
                "limit": {"type": "integer"},
                "next_cursor": {"type": ["integer", "null"], "description": "`cursor` of the next page; null on the last"}}},
            "Step": {"type": "object", "properties": {
                "id": {"type": "string"}, "name": {"type": "string"}, "title": {"type": "string"},
                "role": _NULLABLE_STRING, "region": _NULLABLE_STRING, "state": {"type": "string"},
                "assignee": _NULLABLE_STRING, "completed_by": _NULLABLE_STRING, "created_at": {"type": "string"},
                "completed_at": _NULLABLE_STRING, "due_at": _NULLABLE_STRING,
                "seconds": {"type": ["integer", "null"], "description": "Time the step took (so far, while open)"},
                "late": {"type": "boolean"}, "late_seconds": {"type": "integer"}}},
            "Timeline": {"type": "object", "required": ["instance", "events", "steps"], "properties": {
                "instance": _ref("Instance"),
                "events": {"type": "array", "items": {"allOf": [_ref("Event"), {"type": "object", "properties": {
                    "details": {"type": "object"}, "step": {"anyOf": [_ref("Step"), {"type": "null"}]}}}]}},
                "steps": {"type": "array", "items": _ref("Step")}}},
            "Deployment": {"type": "object", "properties": {
                "process_key": {"type": "string"}, "version": {"type": "integer"}, "created": {"type": "boolean"}}},
            "Version": {"type": "object", "properties": {
                "process_key": {"type": "string"}, "version": {"type": "integer"}, "name": {"type": "string"},
                "checksum": {"type": "string"}, "deployed_by": {"type": "string"}, "deployed_at": {"type": "string"},
                "files": {"type": "array", "items": {"type": "string"}},
                "instances": {"type": "object", "additionalProperties": {"type": "integer"}}}},
            "Diff": {"type": "object", "properties": {
                "from": {"type": "integer"}, "to": {"type": "integer"}, "added": {"type": "array"},
                "removed": {"type": "array"}, "changed": {"type": "array"}, "forms": {"type": "object"}}},
            "Draft": {"type": "object", "properties": {
                "process_key": {"type": "string"}, "files": {"type": "object"}, "revision": {"type": "integer"},
                "base_version": {"type": ["integer", "null"]}, "saved_by": {"type": ["string", "null"]},
                "saved_at": {"type": ["string", "null"]}, "checked_at": {"type": ["string", "null"]},
                "problems": {"type": ["array", "null"]}, "saved": {"type": "boolean"}}},
            "Token": {"type": "object", "required": ["id", "created_at", "expires_at", "works"], "properties": {
                "id": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
                "expires_at": {"type": ["string", "null"], "format": "date-time"},
                "revoked_at": {"type": ["string", "null"], "format": "date-time"}, "revoked_by": _NULLABLE_STRING,
                "works": {"type": "boolean", "description": "Neither revoked nor expired"}},
                "description": "An API token as listed: never its secret, shown once when it is made"},
            "MigrationPlan": {"type": "object", "properties": {
                "instance_id": {"type": "integer"}, "from": {"type": "integer"}, "to": {"type": "integer"},
                "possible": {"type": "boolean"}, "reasons": {"type": "array", "items": {"type": "object"}}}},
        },
    },
    "security": [{"bearer": []}],
    "paths": {
        "/openapi.json": {"get": {"summary": "This description of the API (no token needed)", "security": [],
                                  "responses": {"200": _json({"type": "object"})}}},
        "/processes": {"get": _op("List deployed processes (latest versions)",
                                  {"200": _json({"type": "array", "items": _ref("Process")})})},
        "/processes/{key}/instances": {"post": _op(
            "Start an instance of the latest version; 409 with the existing file's `instance_id` when a file of "
            "this process, unfinished or finished but not cancelled, already has this business key",
            {"201": _json(_ref("Instance"), "Started")},
            403, 404, 409, 422, params=["key"],
            body={"application/json": {"schema": {"type": "object", "required": ["business_key"], "properties": {
                "business_key": {"type": "string", "minLength": 1, "maxLength": 120, "pattern": "\\S"},
                "data": {"type": "object"}}}}})},
        "/instances": {"get": _op(
            "List instances you may read, newest first; X-Total-Count: how many match on every page; X-Next-Cursor "
            "(when more remain): the `cursor` of the next ones",
            {"200": {**_json({"type": "array", "items": _ref("Instance")}), "headers": {
                "X-Total-Count": {"schema": {"type": "integer"}},
                "X-Next-Cursor": {"schema": {"type": "integer"}, "description": "Absent on the last page"}}}}, 422,
            params=["process", "status", "business_key", "files_q", "files_limit", "files_cursor"])},
        "/persons": {"get": _op(
            "Persons you may read (counsellors: their region's), by number, pages by cursor",
            {"200": _json(_ref("PersonPage"))}, 403, 422,
            params=["persons_q", "persons_text", "region", "occupation", "sex", "age_min", "age_max", "education",
                    "language", "disability", "experience_min", "availability", "ready_for_offers", "limit",
                    "persons_cursor"])},
        "/employers": {"get": _op(
            "The employer register (DCIM, managers, administrator, counsellors), by number, pages by cursor",
            {"200": _json(_ref("EmployerPage"))}, 403, 422,
            params=["employers_q", "country", "limit", "employers_cursor"])},
        "/employers/{employer_id}": {"get": _op(
            "One employer's record and history: offers, verifications, outcomes, warnings; the read is logged",
            {"200": _json(_ref("EmployerHistory"))}, 403, 404, params=["employer_id"])},
        "/instances/{instance_id}": {"get": _op("Read an instance with its open tasks",
                                                {"200": _json(_ref("Instance"))}, 403, 404,
                                                params=["instance_id"])},
        "/instances/{instance_id}/cancel": {"post": _op(
            "Cancel a file with a reason (admin, or the roles that own it: DCIM for central procedures, a "
            "counsellor of the file's region for regional ones): its open tasks, timers and unfinished child files "
            "are closed; 409 if already cancelled", {"200": _json(_ref("Instance"))}, 403, 404, 409, 422,
            params=["instance_id"],
            body={"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {
                "reason": {"type": "string", "minLength": 1, "maxLength": REASON_LIMIT}}}}})},
        "/instances/{instance_id}/history": {"get": _op(
            "An instance's history, oldest first", {"200": _json({"type": "array", "items": _ref("Event")})},
            403, 404, params=["instance_id"])},
        "/instances/{instance_id}/timeline": {"get": _op(
            "A file's audit timeline (direction, admin): every event, reads included, with old and new values, "
            "and each step's time against its deadline; the read is logged", {"200": _json(_ref("Timeline"))},
            403, 404, params=["instance_id"])},
        "/audit/events": {"get": _op(
            "Search the audit trail, newest first (direction, admin): the filters of the audit page, pages by cursor",
            {"200": _json(_ref("AuditPage"))}, 403, 422,
            params=["person", "date_from", "date_to", "process", "region", "kind", "business_key", "limit",
                    "cursor"])},
        "/tasks": {"get": _op("Open tasks you may work on (mine=1: claimed by you)",
                              {"200": _json({"type": "array", "items": _ref("Task")})}, params=["mine"])},
        "/tasks/{task_id}": {"get": _op("Read a task with its form schema and data",
                                        {"200": _json(_ref("TaskDetail"))}, 403, 404, params=["task_id"])},
        "/tasks/{task_id}/claim": {"post": _op("Claim a task", {"200": _json(_ref("Task"))}, 403, 404, 409,
                                               params=["task_id"])},
        "/tasks/{task_id}/unclaim": {"post": _op("Give a task back", {"200": _json(_ref("Task"))},
                                                 403, 404, 409, params=["task_id"])},
        "/tasks/{task_id}/complete": {"post": _op(
            "Complete a task with its form data: `data` must pass the task's form (`form.schema` of "
            "GET /tasks/{task_id}), else a 422 naming each field", {"200": _json(_ref("Instance"))}, 403, 404, 409, 422,
            params=["task_id"],
            body={"application/json": {"schema": {"type": "object", "required": ["data"], "properties": {
                "data": {"type": "object"},
                "employer": {"description": "When the form records an employer that looks registered already (a 422 "
                             "`possible_employer_duplicate` lists `employers`): the number of the one it is, or "
                             "{\"other_than\": [numbers]} to register another employer of the same name",
                             "oneOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID},
                                       {"type": "object", "required": ["other_than"], "properties": {
                                           "other_than": {"type": "array", "items": {"type": "integer"}}}}]}}}}})},
        "/deployments": {"post": _op(
            "Deploy .bpmn/.dmn files and their forms (process owners); ?dry_run=1 only checks them. Files that "
            "are not a deployable diagram, decision table or form are a 422 listing the problems",
            {"201": _json({"type": "array", "items": _ref("Deployment")}, "New version(s)"),
             "200": _json({"type": "array", "items": _ref("Deployment")}, "Unchanged")}, 403, 422,
            body={"multipart/form-data": {"schema": {"type": "object", "properties": {
                "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}},
            params=["dry_run"])},
        "/processes/{key}/versions": {"get": _op("Versions of a process with their instances by status (owners)",
                                                 {"200": _json({"type": "array", "items": _ref("Version")})},
                                                 403, 404, params=["key"])},
        "/processes/{key}/diff": {"get": _op("Elements added, removed and changed between two versions (owners)",
                                             {"200": _json(_ref("Diff"))}, 403, 404, 422,
                                             params=["key", "from", "to"])},
        "/instances/{instance_id}/retry": {"post": _op(
            "Run again the failed elements of a file in error (once the cause is fixed); 200 with the file, "
            "still in error if they fail again; 409 if it is not in error", {"200": _json(_ref("Instance"))},
            403, 404, 409, params=["instance_id"])},
        "/instances/{instance_id}/migration": {"get": _op(
            "Whether an instance can move to a version (default: the latest), and why not",
            {"200": _json(_ref("MigrationPlan"))}, 403, 404, 422, params=["instance_id", "to_version"])},
        "/instances/{instance_id}/migrate": {"post": _op(
            "Move an instance to a newer version when nothing it completed changed (owners); 409 with reasons",
            {"200": _json(_ref("Instance"))}, 403, 404, 409, 422, params=["instance_id"],
            body={"application/json": {"schema": {"type": "object", "properties": {
                "to_version": {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}}}}})},
        "/drafts/{key}": {
            "get": _op("The draft of a process (else its latest version's files)", {"200": _json(_ref("Draft"))},
                       403, 404, params=["key"]),
            "put": _op("Save files into the draft (owners); 409 if saved by someone since `revision`; 422 for files "
                       "whose names or contents a draft cannot hold (.bpmn, .dmn, .schema.json, .ui.json)",
                       {"200": _json(_ref("Draft"))}, 403, 404, 409, 422, params=["key"],
                       body={"application/json": {"schema": {"type": "object", "required": ["files"], "properties": {
                           "files": {"type": "object", "additionalProperties": {"type": "string"}},
                           "revision": {"type": "integer"},
                           "removed": {"type": "array", "items": {"type": "string"}}}}}})},
        "/drafts/{key}/check": {"post": _op("Check the draft; its problems are kept with it",
                                            {"200": _json(_ref("Draft"))}, 403, 404, params=["key"])},
        "/drafts/{key}/deploy": {"post": _op(
            "Deploy the draft if it passes the checks (422 with the problems otherwise)",
            {"201": _json({"type": "array", "items": _ref("Deployment")}, "New version"),
             "200": _json({"type": "array", "items": _ref("Deployment")}, "Unchanged")}, 403, 404, 422,
            params=["key"])},
        "/messages": {"post": _op(
            "Send a BPMN message to the files waiting on it for a business key (or whose correlation values match), "
            "and open the procedures whose start event listens to it. Who may: the roles named by the "
            "`allowedSenders` property of the elements waiting on it, and admin. 404: no deployed procedure waits "
            "on this name; 409: no file waits on it for this key (the message is kept, `message_unmatched`)",
            {"200": _json(_ref("Delivery"))}, 403, 404, 409, 422,
            body={"application/json": {"schema": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "minLength": 1}, "business_key": {"type": "string", "maxLength": 120},
                "correlation": {"type": "object", "description": "correlation property: value"},
                "payload": {"type": "object"}},
                "anyOf": [{"required": ["business_key"], "properties": {"business_key": {"minLength": 1}}},
                          {"required": ["correlation"], "properties": {"correlation": {"minProperties": 1}}}],
                "description": "A business key or correlation values say which files it is for"}}})},
        "/tokens": {"get": _op("Your API tokens, newest first (an administrator: anyone's, with `user`)",
                               {"200": _json({"type": "array", "items": _ref("Token")})}, 403, 404,
                               params=["user"])},
        "/tokens/{token_id}": {"delete": _op(
            "Revoke an API token: your own, or anyone's for an administrator (audited, `token_revoked`); it opens "
            "nothing from then on. 409: revoked already",
            {"204": {"description": "Revoked"}}, 404, 409, params=["token_id"])},
        "/signals": {"post": _op(
            "Broadcast a BPMN signal to every file waiting on it and open the procedures it starts (their files "
            "get `business_key`, by default the signal's name and time); same senders and answers as /messages",
            {"200": _json(_ref("Delivery"))}, 403, 404, 409, 422,
            body={"application/json": {"schema": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "minLength": 1}, "business_key": {"type": "string", "maxLength": 120},
                "payload": {"type": "object"}}}}})},
    },
}
SPEC["components"]["schemas"]["Delivery"] = {
    "type": "object", "required": ["delivered_to", "started"], "properties": {
        "delivered_to": {"type": "array", "items": {"type": "integer"}, "description": "files the letter reached"},
        "started": {"type": "array", "items": {"type": "integer"}, "description": "files it opened"}}}
