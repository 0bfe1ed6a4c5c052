"""The JSON API under /api/v1: bearer tokens, the offer procedure end to end, errors, deployments."""
import io
import re
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import select

from engine.accounts.credentials import create_token, create_user
from engine.errors import Conflict
from engine.store.tables import User
from tests.engine import offer_data
from web.store import uow

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "bpmn" / "offre_internationale.bpmn"
PROCESS = "offre_internationale"
INSTANCE_FIELDS = {"id", "process_key", "version", "business_key", "status", "started_at", "ended_at", "data",
                   "tasks"}
EVENT_FIELDS = {"seq", "at", "actor", "kind", "task_id", "changes"}


@pytest.fixture
def api(app, client):
    """call(method, path, user=None, **kwargs): a request to /api/v1 with `user`'s bearer token."""
    tokens = {}

    def call(method, path, user=None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if user is not None:
            if user not in tokens:
                with app.app_context():
                    tokens[user] = create_token(uow(), user)
            headers["Authorization"] = f"Bearer {tokens[user]}"
        return client.open("/api/v1" + path, method=method, headers=headers, **kwargs)
    return call


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def conforms(spec, schema_name, value):
    """Check `value` against a schema of the OpenAPI document's components."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(value)]
    assert errors == [], (schema_name, errors)
    return value


def answer(response, status):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.is_json, response.get_data(as_text=True)[:200]
    return response.get_json()


def start(api, business_key, data=None, user="dcim"):
    return answer(api("POST", f"/processes/{PROCESS}/instances", user,
                      json={"business_key": business_key, "data": data or {}}), 201)


def complete(api, user, task_id, data):
    return answer(api("POST", f"/tasks/{task_id}/complete", user, json={"data": data}), 200)


def only_task(instance):
    assert len(instance["tasks"]) == 1, instance["tasks"]
    return instance["tasks"][0]


def history(api, instance_id, user="direction"):
    return answer(api("GET", f"/instances/{instance_id}/history", user), 200)


@pytest.fixture
def second_dcim(app):
    """Another DCIM agent, "dcim-2", removed after the test."""
    with app.app_context():
        try:
            create_user(uow(), "dcim-2", "demo-dcim-2", ["dcim"], full_name="Kadiatou Sangaré")
        except Conflict:
            pass
    yield "dcim-2"
    with app.app_context():
        with uow() as work:
            work.session.delete(work.session.scalar(select(User).where(User.username == "dcim-2")))
            work.commit()


# --- the OpenAPI document ----------------------------------------------------------------------

def api_routes(app):
    """(path as OpenAPI writes it, method, {parameter: "integer"|"string"}) of each API route."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
        types = tuple(sorted((name, "integer" if converter == "int" else "string")
                             for converter, name in re.findall(r"<(?:([^:<>]+):)?([^<>]+)>", rule.rule)))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower(), types))
    return routes


def test_openapi_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")  # no token needed
    document = answer(response, 200)
    assert document["openapi"].startswith("3.1")
    validate_openapi(document)
    assert document["servers"] == [{"url": "/api/v1"}]


def test_openapi_document_lists_every_api_route_and_no_other(app, spec):
    routes = api_routes(app)
    assert len(routes) >= 12
    documented = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            types = tuple(sorted((p["name"], p["schema"]["type"]) for p in operation.get("parameters", [])
                                 if p["in"] == "path"))
            documented.add((path, method, types))
    assert documented == routes


def test_openapi_document_says_which_operations_need_a_token(app, client, spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            public = operation.get("security") == []
            response = client.open("/api/v1" + path.replace("{instance_id}", "1").replace("{task_id}", "t")
                                   .replace("{token_id}", "1").replace("{employer_id}", "1").replace("{key}", PROCESS), method=method.upper())
            assert (response.status_code != 401) == public, (path, method)
            if not public:
                assert "401" in operation["responses"], (path, method)


# --- processes and instances ---------------------------------------------------------------------

def test_list_processes(api, spec):
    processes = answer(api("GET", "/processes", "conseiller-kayes"), 200)
    assert [p["key"] for p in processes] == sorted(p["key"] for p in processes) and len(processes) >= 1
    [offer] = [p for p in processes if p["key"] == PROCESS]
    assert (offer["version"], offer["start_role"]) == (1, "dcim")
    assert offer["name"].startswith("Identification, recueil et traitement")
    for process in processes:
        conforms(spec, "Process", process)


def test_start_instance_answers_with_the_design_fields(api, spec):
    instance = start(api, "OFF-API-1")
    assert INSTANCE_FIELDS <= set(instance)
    conforms(spec, "Instance", instance)
    assert isinstance(instance["id"], int)
    assert (instance["process_key"], instance["version"], instance["business_key"]) == (PROCESS, 1, "OFF-API-1")
    assert instance["status"] == "running"
    assert datetime.fromisoformat(instance["started_at"]).utcoffset() is not None
    assert instance["ended_at"] is None
    assert instance["data"] == {"reference_dossier": instance["business_key"]}
    task = only_task(instance)
    assert (task["name"], task["role"], task["state"], task["assignee"]) == ("enregistrer_offre", "dcim", "ready", None)
    assert task["instance_id"] == instance["id"] and task["business_key"] == "OFF-API-1"
    read = answer(api("GET", f"/instances/{instance['id']}", "dcim"), 200)
    assert {k: read[k] for k in INSTANCE_FIELDS} == {k: instance[k] for k in INSTANCE_FIELDS}


def test_start_instance_with_data_prefills_the_first_task(api):
    instance = start(api, "OFF-API-2", {"nombre_postes": 12, "metier": "Soudeur"})
    task = answer(api("GET", f"/tasks/{only_task(instance)['id']}", "dcim"), 200)
    assert task["data"]["nombre_postes"] == 12 and task["data"]["metier"] == "Soudeur"
    started = history(api, instance["id"])[0]
    assert started["kind"] == "instance_started"
    assert started["changes"] == {"metier": {"old": None, "new": "Soudeur"},
                                  "nombre_postes": {"old": None, "new": 12}}


def test_list_and_read_instances_with_filters(api, spec):
    first = start(api, "OFF-API-3")
    second = start(api, "OFF-API-4")
    closed = start(api, "OFF-API-5")
    closed = complete(api, "dcim", only_task(closed)["id"], offer_data.enregistrer_chantier_cote_divoire())
    closed = complete(api, "dcim", only_task(closed)["id"], offer_data.verifier_non_credible())
    assert closed["status"] == "completed" and closed["ended_at"] and closed["tasks"] == []

    def keys(query="", user="dcim"):
        listed = answer(api("GET", "/instances" + query, user), 200)
        for item in listed:
            conforms(spec, "Instance", item)
        return [item["business_key"] for item in listed]

    assert keys() == ["OFF-API-5", "OFF-API-4", "OFF-API-3"]  # newest first
    assert keys("?status=completed") == ["OFF-API-5"]
    assert keys("?status=running") == ["OFF-API-4", "OFF-API-3"]
    assert keys("?business_key=OFF-API-3") == ["OFF-API-3"]
    assert keys(f"?process={PROCESS}&status=running&business_key=OFF-API-4") == ["OFF-API-4"]
    assert keys(f"?process={PROCESS}") == ["OFF-API-5", "OFF-API-4", "OFF-API-3"]
    assert keys("?process=inconnu") == []
    assert keys("?status=cancelled") == []
    assert keys(user="direction") == ["OFF-API-5", "OFF-API-4", "OFF-API-3"]
    assert keys(user="conseiller-bamako") == []

    read = answer(api("GET", f"/instances/{first['id']}", "direction"), 200)
    assert read["business_key"] == "OFF-API-3" and only_task(read)["name"] == "enregistrer_offre"
    read = answer(api("GET", f"/instances/{closed['id']}", "dcim"), 200)
    assert read["data"]["statut_offre"] == "rejetee" and read["tasks"] == []
    assert second["id"] != first["id"]


def test_history_lists_every_event_with_old_and_new_values(api, spec):
    instance = start(api, "OFF-API-6", {"nombre_postes": 10})
    task_id = only_task(instance)["id"]
    answer(api("POST", f"/tasks/{task_id}/claim", "dcim"), 200)
    instance = complete(api, "dcim", task_id, offer_data.enregistrer_saisonnier_espagne())
    events = history(api, instance["id"])
    for event in events:
        assert EVENT_FIELDS <= set(event)
        conforms(spec, "Event", event)
    assert [e["kind"] for e in events] == ["instance_started", "task_claimed", "task_completed"]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert all(e["actor"] == "dcim" for e in events)
    assert all(datetime.fromisoformat(e["at"]).utcoffset() is not None for e in events)
    completed = events[-1]
    assert completed["task_id"] == task_id and completed["element_id"] == "enregistrer_offre"
    assert completed["changes"]["nombre_postes"] == {"old": 10, "new": 40}
    assert completed["changes"]["metier"] == {"old": None, "new": "Ouvrier agricole"}
    assert completed["changes"]["salaire"] == {"old": None, "new": {"montant": 1323.0, "devise": "EUR"}}
    assert events[1]["task_id"] == task_id and events[1]["changes"] == {"assignee": {"old": None, "new": "dcim"}}


# --- tasks ----------------------------------------------------------------------------------------

def test_list_and_read_tasks_with_their_form_and_data(api, spec):
    instance = start(api, "OFF-API-7")
    task_id = only_task(instance)["id"]
    listed = answer(api("GET", "/tasks", "dcim"), 200)
    assert [t["id"] for t in listed] == [task_id]
    conforms(spec, "Task", listed[0])
    assert answer(api("GET", "/tasks", "conseiller-bamako"), 200) == []
    assert answer(api("GET", "/tasks?mine=1", "dcim"), 200) == []

    task = answer(api("GET", f"/tasks/{task_id}", "dcim"), 200)
    conforms(spec, "TaskDetail", task)
    assert set(task["form"]) == {"schema", "ui"}
    assert task["form"]["schema"]["type"] == "object"
    assert {"metier", "salaire", "nombre_postes"} <= set(task["form"]["schema"]["properties"])
    assert "nombre_postes" in task["form"]["schema"]["required"]
    assert task["form"]["ui"]["ui:order"][0] == "source_offre"
    # Reference lists are filled in: countries for the employer's country.
    countries = {c["const"] for c in task["form"]["schema"]["properties"]["employeur_pays"]["oneOf"]}
    assert {"ES", "CI", "FR"} <= countries
    assert task["data"] == {"reference_dossier": task["business_key"]}

    instance = complete(api, "dcim", task_id, offer_data.enregistrer_saisonnier_espagne())
    next_task = answer(api("GET", f"/tasks/{only_task(instance)['id']}", "dcim"), 200)
    assert next_task["name"] == "verifier_employeur" and next_task["due_at"]
    assert next_task["data"]["intitule_poste"] == "Cueillette de fraises et de fruits rouges"
    assert "employeur_credible" in next_task["form"]["schema"]["properties"]
    done = answer(api("GET", f"/tasks/{task_id}", "dcim"), 200)
    assert done["state"] == "completed"


def test_claim_and_unclaim(api, spec):
    task_id = only_task(start(api, "OFF-API-8"))["id"]
    claimed = answer(api("POST", f"/tasks/{task_id}/claim", "dcim"), 200)
    conforms(spec, "Task", claimed)
    assert claimed["assignee"] == "dcim"
    assert answer(api("POST", f"/tasks/{task_id}/claim", "dcim"), 200)["assignee"] == "dcim"  # idempotent
    assert [t["id"] for t in answer(api("GET", "/tasks?mine=1", "dcim"), 200)] == [task_id]
    unclaimed = answer(api("POST", f"/tasks/{task_id}/unclaim", "dcim"), 200)
    assert unclaimed["assignee"] is None
    assert answer(api("GET", "/tasks?mine=1", "dcim"), 200) == []
    kinds = [e["kind"] for e in history(api, claimed["instance_id"])]
    assert kinds == ["instance_started", "task_claimed", "task_unclaimed"]


# --- every path of the diagram --------------------------------------------------------------------

def test_path_non_credible_employer(api):
    instance = start(api, "OFF-API-9")
    instance = complete(api, "dcim", only_task(instance)["id"], offer_data.enregistrer_chantier_cote_divoire())
    assert only_task(instance)["name"] == "verifier_employeur"
    instance = complete(api, "dcim", only_task(instance)["id"], offer_data.verifier_non_credible("Adresse fictive"))
    assert instance["status"] == "completed" and instance["tasks"] == []
    assert instance["data"]["statut_offre"] == "rejetee" and instance["data"]["motif_cloture"] == "Adresse fictive"
    gateways = [(e["element_id"], e["details"]["to"]) for e in history(api, instance["id"])
                if e["kind"] == "gateway_taken"]
    assert gateways == [("gw_employeur_credible", ["clore_employeur_non_credible"])]
    assert history(api, instance["id"])[-1]["kind"] == "instance_completed"


def test_path_no_agreement(api):
    instance = start(api, "OFF-API-10")
    instance = complete(api, "dcim", only_task(instance)["id"], offer_data.enregistrer_saisonnier_espagne())
    instance = complete(api, "dcim", only_task(instance)["id"], offer_data.verifier_credible())
    assert only_task(instance)["name"] == "negocier_offre"
    instance = complete(api, "dcim", only_task(instance)["id"], offer_data.negocier_sans_accord("Refus du billet"))
    assert instance["status"] == "completed" and instance["tasks"] == []
    assert instance["data"]["statut_offre"] == "abandonnee" and instance["data"]["motif_cloture"] == "Refus du billet"


def test_path_agreement_with_two_regions(api):
    instance = start(api, "OFF-API-11")
    for data in (offer_data.enregistrer_saisonnier_espagne(), offer_data.verifier_credible(),
                 offer_data.negocier_accord()):
        task_id = only_task(instance)["id"]
        answer(api("POST", f"/tasks/{task_id}/claim", "dcim"), 200)
        instance = complete(api, "dcim", task_id, data)
    transmission = answer(api("GET", f"/tasks/{only_task(instance)['id']}", "dcim"), 200)
    regions = {r["const"] for r in transmission["form"]["schema"]["properties"]["regions_concernees"]["items"]["oneOf"]}
    assert {"bamako", "kayes"} <= regions
    instance = complete(api, "dcim", transmission["id"], offer_data.transmettre("bamako", "kayes"))
    assert instance["status"] == "running"
    by_region = {t["region"]: t for t in instance["tasks"]}
    assert set(by_region) == {"bamako", "kayes"}
    assert {t["name"] for t in instance["tasks"]} == {"confirmer_affichage"}

    assert [t["id"] for t in answer(api("GET", "/tasks", "conseiller-bamako"), 200)] == [by_region["bamako"]["id"]]
    assert [t["id"] for t in answer(api("GET", "/tasks", "conseiller-kayes"), 200)] == [by_region["kayes"]["id"]]
    assert answer(api("GET", "/tasks", "dcim"), 200) == []
    bamako_task = answer(api("GET", f"/tasks/{by_region['bamako']['id']}", "conseiller-bamako"), 200)
    assert bamako_task["data"]["region"] == "bamako"

    answer(api("POST", f"/tasks/{by_region['bamako']['id']}/claim", "conseiller-bamako"), 200)
    instance = complete(api, "conseiller-bamako", by_region["bamako"]["id"], offer_data.confirmer_affichage())
    assert [t["region"] for t in instance["tasks"]] == ["kayes"] and instance["status"] == "running"
    instance = complete(api, "conseiller-kayes", by_region["kayes"]["id"], offer_data.confirmer_sans_affichage())
    assert instance["status"] == "completed" and instance["tasks"] == []
    assert instance["data"]["statut_offre"] == "diffusee"
    assert len(instance["data"]["confirmations_affichage"]) == 2
    assert answer(api("GET", f"/instances/{instance['id']}", "conseiller-kayes"), 200)["status"] == "completed"


# --- errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer "}, {"Authorization": "Bearer not-a-token"},
                                     {"Authorization": "Basic ZGNpbTpkZW1vLWRjaW0="}, {"Authorization": "dcim"}])
def test_without_a_valid_token_the_answer_is_401(api, headers):
    for method, path in [("GET", "/processes"), ("GET", "/instances"), ("GET", "/tasks"),
                         ("POST", f"/processes/{PROCESS}/instances"), ("POST", "/deployments")]:
        body = answer(api(method, path, headers=headers, json={"business_key": "OFF-API-401"}), 401)
        assert body["error"] == "unauthorized" and body["message"]
    assert answer(api("GET", "/instances", "direction"), 200) == []  # nothing was started


def test_a_token_of_an_inactive_account_is_refused(app, api):
    assert api("GET", "/processes", "evaluateur").status_code == 200
    with app.app_context():
        with uow() as work:
            work.session.scalar(select(User).where(User.username == "evaluateur")).active = False
            work.commit()
    try:
        assert answer(api("GET", "/processes", "evaluateur"), 401)["error"] == "unauthorized"
    finally:
        with app.app_context():
            with uow() as work:
                work.session.scalar(select(User).where(User.username == "evaluateur")).active = True
                work.commit()


def test_what_one_may_not_see_answers_as_what_does_not_exist_and_other_refusals_are_403(api):
    instance = start(api, "OFF-API-12")
    for data in (offer_data.enregistrer_saisonnier_espagne(), offer_data.verifier_credible(),
                 offer_data.negocier_accord(), offer_data.transmettre("bamako")):
        instance = complete(api, "dcim", only_task(instance)["id"], data)
    bamako_task = only_task(instance)
    before = history(api, instance["id"])

    confirmation = {"data": offer_data.confirmer_affichage()}
    for method, path, body in [("GET", f"/tasks/{bamako_task['id']}", None),
                               ("POST", f"/tasks/{bamako_task['id']}/claim", None),
                               ("POST", f"/tasks/{bamako_task['id']}/complete", confirmation),
                               ("GET", f"/instances/{instance['id']}", None),
                               ("GET", f"/instances/{instance['id']}/history", None)]:
        error = answer(api(method, path, "conseiller-kayes", json=body), 404)  # Bamako's: Kayes may not know of it
        missing = api(method, path.replace(str(bamako_task["id"]), "absente").replace(str(instance["id"]), "999999"),
                      "conseiller-kayes", json=body)
        assert error == answer(missing, 404) == {"error": "not_found", "message": "Introuvable."}
    assert answer(api("POST", f"/processes/{PROCESS}/instances", "conseiller-kayes",
                      json={"business_key": "OFF-API-13"}), 403)["error"] == "forbidden"
    deployment = api("POST", "/deployments", "dcim", data={"files": [(BUNDLED.open("rb"), BUNDLED.name)]})
    assert answer(deployment, 403)["error"] == "forbidden"
    assert history(api, instance["id"]) == before
    assert only_task(answer(api("GET", f"/instances/{instance['id']}", "dcim"), 200))["assignee"] is None


def test_unknown_things_are_404(api):
    for method, path in [("GET", f"/tasks/{uuid.uuid4()}"), ("POST", f"/tasks/{uuid.uuid4()}/claim"),
                         ("POST", f"/tasks/{uuid.uuid4()}/unclaim"), ("POST", "/tasks/inconnue/complete"),
                         ("GET", f"/instances/{10**9}"), ("GET", f"/instances/{10**9}/history"),
                         ("POST", "/processes/inconnu/instances")]:
        error = answer(api(method, path, "dcim", json={"business_key": "X", "data": {}}), 404)
        assert error["error"] == "not_found" and error["message"] == "Introuvable.", (method, path)


def test_a_task_claimed_by_someone_else_is_a_409(api, second_dcim):
    instance = start(api, "OFF-API-14")
    task_id = only_task(instance)["id"]
    answer(api("POST", f"/tasks/{task_id}/claim", second_dcim), 200)
    before = history(api, instance["id"])
    for path, body in [(f"/tasks/{task_id}/complete", {"data": offer_data.enregistrer_saisonnier_espagne()}),
                       (f"/tasks/{task_id}/claim", None)]:
        error = answer(api("POST", path, "dcim", json=body), 409)
        assert error["error"] == "conflict"
        assert error["message"] == "Cette tâche est déjà prise en charge par une autre personne."
    error = answer(api("POST", f"/tasks/{task_id}/unclaim", "dcim"), 409)
    assert error["message"] == "Vous ne détenez pas cette tâche."
    assert history(api, instance["id"]) == before
    assert answer(api("GET", f"/tasks/{task_id}", "dcim"), 200)["assignee"] == second_dcim
    complete(api, second_dcim, task_id, offer_data.enregistrer_saisonnier_espagne())


def test_completing_a_completed_task_is_a_409(api):
    task_id = only_task(start(api, "OFF-API-15"))["id"]
    instance = complete(api, "dcim", task_id, offer_data.enregistrer_saisonnier_espagne())
    before = history(api, instance["id"])
    for path in (f"/tasks/{task_id}/complete", f"/tasks/{task_id}/claim", f"/tasks/{task_id}/unclaim"):
        error = answer(api("POST", path, "dcim", json={"data": offer_data.enregistrer_saisonnier_espagne()}), 409)
        assert error["error"] == "conflict"
        assert error["message"] == "Cette tâche n'est plus ouverte : elle a déjà été traitée."
    assert history(api, instance["id"]) == before


def test_duplicate_business_key_is_a_409_naming_the_file_until_it_is_cancelled(api, spec):
    first = start(api, "OFF-API-16")
    error = answer(api("POST", f"/processes/{PROCESS}/instances", "dcim", json={"business_key": " OFF-API-16 "}), 409)
    assert error["error"] == "conflict" and error["instance_id"] == first["id"]
    assert error["message"].startswith("Un dossier de cette procédure porte déjà cette référence")
    conforms(spec, "Error", error)
    assert len(answer(api("GET", "/instances?business_key=OFF-API-16", "dcim"), 200)) == 1
    closed = complete(api, "dcim", only_task(first)["id"], offer_data.enregistrer_chantier_cote_divoire())
    complete(api, "dcim", only_task(closed)["id"], offer_data.verifier_non_credible())
    error = answer(api("POST", f"/processes/{PROCESS}/instances", "dcim", json={"business_key": "OFF-API-16"}), 409)
    assert error["instance_id"] == first["id"]  # a finished file keeps its reference
    finished = answer(api("POST", f"/instances/{first['id']}/cancel", "dcim", json={"reason": "Doublon."}), 409)
    assert finished["message"].startswith("Ce dossier est terminé : il ne peut plus être annulé")
    second = start(api, "OFF-API-16B")
    answer(api("POST", f"/instances/{second['id']}/cancel", "dcim", json={"reason": "Doublon."}), 200)
    start(api, "OFF-API-16B")  # the reference is free again once the unfinished file is cancelled
    assert len(answer(api("GET", "/instances?business_key=OFF-API-16B", "dcim"), 200)) == 2


@pytest.mark.parametrize("body", [{}, {"business_key": ""}, {"business_key": "   "}, {"business_key": None}])
def test_a_business_key_is_required(api, body):
    error = answer(api("POST", f"/processes/{PROCESS}/instances", "dcim", json=body), 422)
    assert error["error"] == "validation_failed"
    assert error["fields"] == {"business_key": ["Ce champ est obligatoire."]}
    assert answer(api("GET", "/instances", "dcim"), 200) == []


def test_a_too_long_business_key_is_a_422(api):
    error = answer(api("POST", f"/processes/{PROCESS}/instances", "dcim", json={"business_key": "K" * 121}), 422)
    assert error["fields"] == {"business_key": ["Saisissez au plus 120 caractères."]}
    start(api, "K" * 120)


@pytest.mark.parametrize("body", [{"business_key": 12}, {"business_key": ["OFF"]},
                                  {"business_key": "OFF-API-17", "data": ["nombre_postes", 3]},
                                  {"business_key": "OFF-API-17", "data": "nombre_postes=3"}])
def test_a_malformed_start_request_is_a_422_not_a_crash(api, body):
    error = answer(api("POST", f"/processes/{PROCESS}/instances", "dcim", json=body), 422)
    assert error["error"] == "validation_failed"
    assert set(error["fields"]) <= {"business_key", "data"} and error["fields"]
    assert answer(api("GET", "/instances", "dcim"), 200) == []


def test_invalid_data_is_a_422_with_messages_per_field(api, spec):
    instance = start(api, "OFF-API-18")
    task_id = only_task(instance)["id"]
    before = history(api, instance["id"])
    data = offer_data.enregistrer_saisonnier_espagne()
    data.update(nombre_postes="abc", date_reception_offre="2025-13-45", employeur_email="pas-une-adresse",
                salaire={"montant": -5, "devise": "EUR"}, inconnu="?")
    del data["metier"]
    error = conforms(spec, "Error", answer(api("POST", f"/tasks/{task_id}/complete", "dcim", json={"data": data}), 422))
    assert error["error"] == "validation_failed"
    assert error["message"] == "Le formulaire contient des erreurs : corrigez les champs signalés."
    assert error["fields"] == {
        "nombre_postes": ["Saisissez un nombre entier."],
        "date_reception_offre": ["Saisissez une date au format AAAA-MM-JJ."],
        "employeur_email": ["Saisissez une adresse électronique valide."],
        "salaire.montant": ["Saisissez une valeur supérieure ou égale à 0."],
        "metier": ["Ce champ est obligatoire."],
        "": ["Champ inconnu : inconnu"],
    }
    assert history(api, instance["id"]) == before
    task = answer(api("GET", f"/tasks/{task_id}", "dcim"), 200)
    assert task["state"] == "ready" and task["data"] == {"reference_dossier": task["business_key"]}

    english = answer(api("POST", f"/tasks/{task_id}/complete", "dcim", json={"data": {"nombre_postes": "abc"}},
                         headers={"Accept-Language": "en"}), 422)
    assert english["fields"]["nombre_postes"] == ["Enter a whole number."]
    assert english["fields"]["metier"] == ["This field is required."]


@pytest.mark.parametrize("body", [{}, {"data": None}, {"data": []}, {"data": "x"}])
def test_completing_without_data_is_a_422(api, body):
    task_id = only_task(start(api, "OFF-API-19"))["id"]
    error = answer(api("POST", f"/tasks/{task_id}/complete", "dcim", json=body), 422)
    assert error["fields"]["data"] == ["Ce champ est obligatoire."]  # the form's own fields are not checked


def test_conditional_requirements_are_reported_on_their_field(api):
    instance = start(api, "OFF-API-20")
    instance = complete(api, "dcim", only_task(instance)["id"], offer_data.enregistrer_saisonnier_espagne())
    data = offer_data.verifier_non_credible()
    del data["motif_non_credible"]
    error = answer(api("POST", f"/tasks/{only_task(instance)['id']}/complete", "dcim", json={"data": data}), 422)
    assert error["fields"] == {"motif_non_credible": ["Ce champ est obligatoire."]}


def test_api_errors_outside_the_engine_are_json_too(api, client):
    assert answer(api("GET", "/instances/abc", "dcim"), 404)["error"] == "not_found"
    assert answer(api("GET", "/nowhere", "dcim"), 404)["error"] == "not_found"
    wrong_method = api("DELETE", "/processes", "dcim")
    assert answer(wrong_method, 405)["error"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["Allow"]
    page = client.get("/nowhere")  # the pages keep their HTML error pages
    assert page.status_code == 404 and not page.is_json


# --- deployments ----------------------------------------------------------------------------------

def deploy(api, files, user="proprietaire"):
    return api("POST", "/deployments", user,
               data={"files": [(io.BytesIO(content), name) for name, content in files.items()]})


def deployed_versions(api):
    return {p["key"]: p["version"] for p in answer(api("GET", "/processes", "proprietaire"), 200)}


def test_deploying_the_unchanged_bundled_diagram_creates_no_version(api, spec):
    bundled = deployed_versions(api)
    outcomes = answer(deploy(api, {BUNDLED.name: BUNDLED.read_bytes()}), 200)
    assert outcomes == [{"process_key": PROCESS, "version": 1, "created": False}]
    conforms(spec, "Deployment", outcomes[0])
    with_forms = {BUNDLED.name: BUNDLED.read_bytes(),
                  **{p.name: p.read_bytes() for p in (ROOT / "forms").glob("offre_*.json")}}
    assert answer(deploy(api, with_forms), 200) == [{"process_key": PROCESS, "version": 1, "created": False}]
    assert deployed_versions(api) == bundled and bundled[PROCESS] == 1


def test_deploying_a_changed_diagram_creates_a_version_and_running_files_keep_theirs(api):
    bundled = deployed_versions(api)
    running = start(api, "OFF-API-21")
    changed = BUNDLED.read_bytes().replace(b'name="Enregistrer l\'offre d\'emploi"',
                                           b'name="Enregistrer l\'offre d\'emploi recueillie"')
    assert changed != BUNDLED.read_bytes()
    assert answer(deploy(api, {BUNDLED.name: changed}), 201) == [{"process_key": PROCESS, "version": 2,
                                                                   "created": True}]
    assert deployed_versions(api) == {**bundled, PROCESS: 2}
    fresh = start(api, "OFF-API-22")
    assert fresh["version"] == 2 and only_task(fresh)["title"] == "Enregistrer l'offre d'emploi recueillie"
    assert answer(api("GET", f"/instances/{running['id']}", "dcim"), 200)["version"] == 1
    complete(api, "dcim", only_task(running)["id"], offer_data.enregistrer_saisonnier_espagne())


@pytest.mark.parametrize("files, named", [
    ({"casse.bpmn": b'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="x"><bpmn:process'}, ["casse.bpmn"]),
    ({"notes.txt": b"Penser a deployer"}, ["notes.txt"]),
    ({"offre_internationale.bpmn": BUNDLED.read_bytes()[:-40]}, ["offre_internationale.bpmn"]),
    ({BUNDLED.name: BUNDLED.read_bytes(), "notes.txt": b"?", "casse.bpmn": b"<a>"}, ["casse.bpmn", "notes.txt"]),
])
def test_broken_or_foreign_files_are_refused_and_nothing_changes(api, files, named):
    bundled = deployed_versions(api)
    error = answer(deploy(api, files), 422)
    assert error["error"] == "deploy_rejected"
    assert error["message"] == "Le diagramme n'a pas été déployé : corrigez les problèmes signalés."
    assert sorted({p["file"] for p in error["problems"]}) == named
    assert all(p["message"] for p in error["problems"])
    assert deployed_versions(api) == bundled


SCRIPTED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="definitions_essai"
                  targetNamespace="http://anpe.ml/djoliba/test">
  <bpmn:process id="essai_script" name="Essai de script" isExecutable="true">
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="{element}" name="Lister les fichiers" scriptFormat="python">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="{element}" />
    <bpmn:sequenceFlow id="f2" sourceRef="{element}" targetRef="fin" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.mark.parametrize("script", ["fichiers = __import__('os').listdir('/')", "import os",
                                    "from os import path", "chemin = fichiers.__class__"])
def test_a_diagram_whose_script_imports_a_module_is_refused_naming_the_element(api, script):
    bundled = deployed_versions(api)
    diagram = SCRIPTED.format(element="script_interdit", script=script).encode()
    error = answer(deploy(api, {"essai.bpmn": diagram}), 422)
    assert [(p["file"], p["element_id"]) for p in error["problems"]] == [("essai.bpmn", "script_interdit")]
    assert deployed_versions(api) == bundled


def test_a_diagram_with_a_harmless_script_is_deployed(api):
    bundled = deployed_versions(api)
    diagram = SCRIPTED.format(element="calculer", script="total = 2 + 3").encode()
    assert answer(deploy(api, {"essai.bpmn": diagram}), 201) == [{"process_key": "essai_script", "version": 1,
                                                                  "created": True}]
    assert deployed_versions(api) == {**bundled, "essai_script": 1}


def test_deploying_without_files_is_refused(api):
    bundled = deployed_versions(api)
    error = answer(api("POST", "/deployments", "proprietaire", data={}), 422)
    assert error["error"] == "deploy_rejected"
    assert deployed_versions(api) == bundled
