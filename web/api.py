"""The JSON API under /api/v1: the same engine calls as the pages, with bearer tokens."""
import functools

from flask import Blueprint, current_app, g, jsonify, request

from engine import accounts, people
from engine.audit.search import MAX_PAGE_SIZE, PAGE_SIZE, events_before, require_audit
from engine.audit.timeline import timeline
from engine.authoring import deploy, drafts, migration, versions
from engine.errors import DeployRejected, FieldError, Forbidden, ValidationFailed
from engine.people import employer_history, employers
from engine.runtime import inbound, instances, tasks
from web.audit import event_filters
from web.auth import csrf
from web.errors import json_object
from web.openapi import SPEC
from web.store import MAX_ROW_ID, uow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
INSTANCES_LIMIT, MAX_INSTANCES_LIMIT = 200, 1000  # files a list answers unless told, and at most
csrf.exempt(bp)


def token_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        g.actor = accounts.actor_for_token(uow(), token) if token else None
        if g.actor is None:
            return jsonify(error="unauthorized", message="Jeton d'API manquant ou invalide / "
                                                         "missing or invalid API token"), 401
        return view(**kwargs)
    return wrapped


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)


@bp.get("/processes")
@token_required
def list_processes():
    return jsonify(instances.list_processes(uow()))


@bp.post("/processes/<key>/instances")
@token_required
def start_instance(key):
    body = json_object()
    business_key, data = body.get("business_key"), body.get("data")
    wrong = [FieldError(name, "type", {"expected": expected}) for name, value, kind, expected
             in (("business_key", business_key, str, "string"), ("data", data, dict, "object"))
             if value is not None and not isinstance(value, kind)]
    if wrong:  # a 422 naming the field rather than a crash in the engine
        raise ValidationFailed(wrong)
    instance = instances.start_instance(uow(), g.actor, key, business_key, data or {})
    return jsonify(instance), 201


@bp.get("/instances")
@token_required
def list_instances():
    """A plain array, newest first, at most `limit` (200 unless said, 1000 at most); the response's
    X-Total-Count says how many match on every page and X-Next-Cursor, when more remain, the `cursor`
    that reads the next files."""
    args = request.args
    errors = [FieldError(name, "maxLength", {"limit": limit}) for name, limit
              in (("process", 100), ("status", 20), ("business_key", 120), ("q", 120))
              if len(args.get(name, "")) > limit]
    limit = _integer_arg("limit", errors, default=INSTANCES_LIMIT, maximum=MAX_INSTANCES_LIMIT)
    cursor = _integer_arg("cursor", errors)
    if errors:  # longer than any stored value: a mistake, said as such
        raise ValidationFailed(errors)
    filters = {key: args.get(key) for key in ("process", "status", "business_key", "q")}
    found = instances.list_instances(uow(), g.actor, **filters, limit=limit + 1, cursor=cursor)
    answer = jsonify(found[:limit])
    answer.headers["X-Total-Count"] = str(instances.count_instances(uow(), g.actor, **filters))
    if len(found) > limit:
        answer.headers["X-Next-Cursor"] = str(found[limit - 1]["id"])
    return answer


_EDUCATION = tuple(option["const"] for option in people.SCHEMA["properties"]["niveau_etudes"]["oneOf"])


@bp.get("/persons")
@token_required
def list_persons():
    """Persons the token's account may read, by number, searched by `q` (names), `text` (words of the free
    fields), `occupation` and the filters of the registry's page (sex, age_min, age_max, education, language,
    disability, region, experience_min, availability, ready_for_offers), pages by cursor."""
    args = request.args
    errors = [FieldError(name, "maxLength", {"limit": limit})
              for name, limit in (("q", 200), ("region", 40), ("occupation", 4), ("sex", 1), ("education", 20),
                                  ("language", 3), ("disability", 5), ("text", 200), ("availability", 20))
              if len(args.get(name, "")) > limit]
    limit = _integer_arg("limit", errors, default=people.PAGE, maximum=MAX_PAGE_SIZE)
    cursor = _integer_arg("cursor", errors)
    ages = {name: _integer_arg(name, errors, minimum=0, maximum=150) for name in ("age_min", "age_max")}
    experience = _integer_arg("experience_min", errors, minimum=0, maximum=60)
    for name in ("disability", "ready_for_offers"):
        if args.get(name, "") not in ("", "true", "false"):
            errors.append(FieldError(name, "type", {"expected": "boolean"}))
    # A value outside a filter's codes is refused, not answered with nobody (as a typo would be).
    for name, allowed in (("availability", people.AVAILABILITY), ("sex", ("F", "M")), ("education", _EDUCATION)):
        if args.get(name) and args[name] not in allowed:
            errors.append(FieldError(name, "enum", {"allowed": ", ".join(allowed)}))
    if errors:
        raise ValidationFailed(errors)
    filters = {"sexe": args.get("sex") or None, "niveau_etudes": args.get("education") or None,
               "langue": args.get("language") or None,
               "handicap": {"true": True, "false": False}.get(args.get("disability", "")), **ages,
               "experience_min": experience, "disponibilite": args.get("availability") or None,
               "pret_pour_offres": args.get("ready_for_offers") == "true", "texte": args.get("text") or None}
    return jsonify(people.persons_after(uow(), g.actor, args.get("q"), args.get("region"), cursor=cursor,
                                        limit=limit, occupation=args.get("occupation"), filters=filters))


@bp.get("/instances/<int:instance_id>")
@token_required
def get_instance(instance_id):
    return jsonify(instances.get_instance(uow(), g.actor, instance_id))


@bp.post("/instances/<int:instance_id>/cancel")
@token_required
def cancel_instance(instance_id):
    return jsonify(instances.cancel_instance(uow(), g.actor, instance_id, json_object().get("reason")))


@bp.get("/instances/<int:instance_id>/history")
@token_required
def get_history(instance_id):
    return jsonify(instances.get_instance(uow(), g.actor, instance_id, with_history=True)["history"])


@bp.get("/instances/<int:instance_id>/timeline")
@token_required
def instance_timeline(instance_id):
    return jsonify(timeline(uow(), g.actor, instance_id))


@bp.get("/audit/events")
@token_required
def audit_events():
    require_audit(g.actor)  # a refusal comes before any complaint about the filters
    filters, errors = event_filters(request.args)
    limit = _integer_arg("limit", errors, default=PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    cursor = _integer_arg("cursor", errors)
    if errors:
        raise ValidationFailed(errors)
    return jsonify(events_before(uow(), g.actor, filters, cursor=cursor, limit=limit))


def _integer_arg(name, errors, default=None, minimum=1, maximum=MAX_ROW_ID):
    """A whole number from the query string, or `default`; a FieldError added to `errors` when invalid.

    Never past what a database column holds (`MAX_ROW_ID`): a query with a larger number fails in the database.
    """
    text = request.args.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        errors.append(FieldError(name, "type", {"expected": "integer"}))
        return default
    if value < minimum:
        errors.append(FieldError(name, "minimum", {"limit": minimum}))
    elif maximum is not None and value > maximum:
        errors.append(FieldError(name, "maximum", {"limit": maximum}))
    return value


@bp.get("/tasks")
@token_required
def list_tasks():
    return jsonify(tasks.list_open_tasks(uow(), g.actor, mine=request.args.get("mine") == "1"))


@bp.get("/tasks/<task_id>")
@token_required
def get_task(task_id):
    return jsonify(tasks.get_task(uow(), g.actor, task_id))


@bp.post("/tasks/<task_id>/claim")
@token_required
def claim_task(task_id):
    return jsonify(tasks.claim_task(uow(), g.actor, task_id))


@bp.post("/tasks/<task_id>/unclaim")
@token_required
def unclaim_task(task_id):
    return jsonify(tasks.unclaim_task(uow(), g.actor, task_id))


@bp.post("/tasks/<task_id>/complete")
@token_required
def complete_task(task_id):
    body = json_object()
    data = body.get("data")
    if not isinstance(data, dict):  # a missing or null body completes nothing (it completed the task empty)
        raise ValidationFailed([FieldError("data", "required")])
    return jsonify(tasks.complete_task(uow(), g.actor, task_id, data, employer=_employer_choice(body.get("employer"))))


def _employer_choice(said):
    """`employer` of a completion: the number of the registered employer it is, or {"other_than": [numbers]}."""
    if said is None:
        return None
    if isinstance(said, int) and not isinstance(said, bool) and 0 < said <= MAX_ROW_ID:
        return employers.Choice(employer_id=said)
    others = said.get("other_than") if isinstance(said, dict) else None
    if isinstance(others, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in others):
        return employers.Choice(other_than=frozenset(others))
    raise ValidationFailed([FieldError("employer", "type", {"expected": "integer"})])


@bp.get("/employers")
@token_required
def list_employers():
    """The employer register by number, searched by `q` (words of the name) and `country`, pages by cursor."""
    args = request.args
    errors = [FieldError(name, "maxLength", {"limit": limit}) for name, limit in (("q", 200), ("country", 2))
              if len(args.get(name, "")) > limit]
    limit = _integer_arg("limit", errors, default=employer_history.PAGE, maximum=MAX_PAGE_SIZE)
    cursor = _integer_arg("cursor", errors)
    if errors:
        raise ValidationFailed(errors)
    return jsonify(employer_history.employers_after(uow(), g.actor, args.get("q"), args.get("country", "").upper()
                                                    or None, cursor=cursor, limit=limit))


@bp.get("/employers/<int:employer_id>")
@token_required
def get_employer(employer_id):
    """One employer's record and history (the read is logged)."""
    return jsonify(employer_history.get_employer_history(uow(), g.actor, employer_id))


@bp.post("/deployments")
@token_required
def create_deployment():
    if "proprietaire" not in g.actor.roles:
        raise Forbidden("only process owners deploy diagrams")
    files = {f.filename: f.read() for f in request.files.getlist("files") if f.filename}
    if request.args.get("dry_run") == "1":  # check only: 200 when deployable, else 422 with the problems
        problems = deploy.check(files, forms_dir=current_app.config.get("FORMS_DIR"))
        if problems:
            raise DeployRejected(problems)
        return jsonify(problems=[]), 200
    outcomes = deploy.deploy(uow(), files, g.actor.username, forms_dir=current_app.config.get("FORMS_DIR"))
    return jsonify(outcomes), 201 if any(o["created"] for o in outcomes) else 200


@bp.get("/processes/<key>/versions")
@token_required
def list_versions(key):
    drafts.require_owner(g.actor)
    return jsonify(versions.list_versions(uow(), key))


@bp.get("/processes/<key>/diff")
@token_required
def diff_versions(key):
    drafts.require_owner(g.actor)
    errors = []
    old, new = _integer_arg("from", errors), _integer_arg("to", errors)
    errors += [FieldError(name, "required") for name, value in (("from", old), ("to", new))
               if value is None and not any(error.field == name for error in errors)]
    if errors:
        raise ValidationFailed(errors)
    return jsonify(versions.diff_versions(uow(), key, old, new))


@bp.post("/instances/<int:instance_id>/retry")
@token_required
def retry_instance(instance_id):
    return jsonify(instances.retry_instance(uow(), g.actor, instance_id))


@bp.get("/instances/<int:instance_id>/migration")
@token_required
def check_migration(instance_id):
    errors = []
    to_version = _integer_arg("to_version", errors)
    if errors:
        raise ValidationFailed(errors)
    return jsonify(migration.check_migration(uow(), g.actor, instance_id, to_version))


@bp.post("/instances/<int:instance_id>/migrate")
@token_required
def migrate_instance(instance_id):
    to_version = json_object().get("to_version")
    if to_version is not None and (not isinstance(to_version, int) or isinstance(to_version, bool)):
        raise ValidationFailed([FieldError("to_version", "type", {"expected": "integer"})])
    if to_version is not None and not 1 <= to_version <= MAX_ROW_ID:
        raise ValidationFailed([FieldError("to_version", "minimum" if to_version < 1 else "maximum",
                                           {"limit": 1 if to_version < 1 else MAX_ROW_ID})])
    return jsonify(migration.migrate_instance(uow(), g.actor, instance_id, to_version))


@bp.get("/drafts/<key>")
@token_required
def get_draft(key):
    return jsonify(drafts.open_draft(uow(), g.actor, key))


@bp.put("/drafts/<key>")
@token_required
def save_draft(key):
    body = json_object()
    files, revision = body.get("files"), body.get("revision")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise ValidationFailed([FieldError("files", "type", {"expected": "object"})])
    return jsonify(drafts.save_draft(uow(), g.actor, key, files, revision=revision,
                                     removed=body.get("removed") or ()))


@bp.post("/drafts/<key>/check")
@token_required
def check_draft(key):
    return jsonify(drafts.check_draft(uow(), g.actor, key, forms_dir=current_app.config.get("FORMS_DIR")))


@bp.post("/drafts/<key>/deploy")
@token_required
def deploy_draft(key):
    outcomes = drafts.deploy_draft(uow(), g.actor, key, forms_dir=current_app.config.get("FORMS_DIR"))
    return jsonify(outcomes), 201 if any(o["created"] for o in outcomes) else 200


@bp.post("/messages")
@token_required
def send_message():
    body = json_object()
    return jsonify(inbound.send_message(uow(), g.actor, body.get("name"), business_key=body.get("business_key"),
                                        correlation=body.get("correlation"), payload=body.get("payload")))


@bp.get("/tokens")
@token_required
def list_tokens():
    return jsonify(accounts.tokens_of(uow(), g.actor, request.args.get("user")))


@bp.delete("/tokens/<int:token_id>")
@token_required
def revoke_token(token_id):
    accounts.revoke_token(uow(), g.actor, token_id)
    return "", 204


@bp.post("/signals")
@token_required
def send_signal():
    body = json_object()
    return jsonify(inbound.send_signal(uow(), g.actor, body.get("name"), payload=body.get("payload"),
                                       business_key=body.get("business_key")))
