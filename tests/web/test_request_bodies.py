"""Request bodies the API cannot use are refused with a 422, never a 500 and never an empty completion."""
import io

from test_api import answer, api, only_task, start  # noqa: F401 (api: fixture)

from tests.engine.tiny_diagrams import diagram, script_task


def test_a_null_body_does_not_complete_a_task(api):  # noqa: F811 (api: fixture)
    task_id = only_task(start(api, "OFF-CORPS-1"))["id"]
    refused = api("POST", f"/tasks/{task_id}/complete", "dcim", data="null", content_type="application/json")
    assert "data" in answer(refused, 422)["fields"]
    assert answer(api("GET", f"/tasks/{task_id}", "dcim"), 200)["id"] == task_id  # still open


def test_json_nested_too_deeply_is_a_422(api):  # noqa: F811 (api: fixture)
    deep = "[" * 100_000 + "]" * 100_000
    for path in ("/deployments?dry_run=1", "/processes/offre_internationale/instances"):
        refused = api("POST", path, "proprietaire" if "deploy" in path else "dcim", data=deep,
                      content_type="application/json")
        assert refused.status_code == 422, (path, refused.status_code)


def test_a_200000_term_expression_is_refused_at_deploy_naming_its_element(api):  # noqa: F811 (api: fixture)
    files = {"files": [(io.BytesIO(diagram(script_task("x = " + "+".join(["1"] * 200_000)))), "essai.bpmn")]}
    refused = answer(api("POST", "/deployments", "proprietaire", data=files), 422)
    assert [(p["element_id"], p["message"][:30]) for p in refused["problems"]] == \
        [("tache", "script refused: code too long:")]
