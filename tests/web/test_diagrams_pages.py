"""Process owners' pages and API: modeler, drafts, uploads, form editor, versions, migrations, diagrams."""
import io
import json
import re

import pytest

from engine.accounts.access import Actor
from engine.accounts.credentials import create_token
from engine.runtime import instances, tasks
from tests.engine import offer_data
from tests.web.test_pages import browser, csrf_token
from web.store import uow

PROCESS = "offre_internationale"
MAIN = "offre_internationale.bpmn"
DCIM = Actor(username="dcim", roles=frozenset({"dcim"}))
META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def owner(app):
    return browser(app, "proprietaire")


def page_data(client, key=PROCESS):
    """The modeler page's embedded data and its CSRF token."""
    page = client.get(f"/diagrams/{key}/edit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="modeler-data">(.*?)</script>', text, re.S)
                      .group(1))
    return data, META_CSRF.search(text).group(1)


def post_json(client, path, token, body=None):
    return client.post(path, json=body or {}, headers={"X-CSRFToken": token})


def started_offer(app, business_key="OFF-2026-0500"):
    """An offer recorded by DCIM, now waiting at 'verifier_employeur'."""
    with app.app_context():
        started = instances.start_instance(uow(), DCIM, PROCESS, business_key)
        tasks.complete_task(uow(), DCIM, started["tasks"][0]["id"], offer_data.enregistrer_saisonnier_espagne())
    return started["id"]


def test_the_modeler_page_loads_the_deployed_diagram_and_bpmn_js(owner):
    data, _token = page_data(owner)
    assert data["main"] == MAIN and 'id="verifier_employeur"' in data["xml"]
    assert data["revision"] == 0 and "offre_enregistrer.schema.json" in data["forms"]
    page = owner.get(f"/diagrams/{PROCESS}/edit").get_data(as_text=True)
    assert "/vendor/bpmn-js/bpmn-modeler.production.min.js" in page
    script = owner.get("/vendor/bpmn-js/bpmn-modeler.production.min.js")
    assert script.status_code == 200 and b"BpmnJS" in script.data


def test_other_roles_cannot_open_the_modeler(app):
    assert browser(app, "dcim").get(f"/diagrams/{PROCESS}/edit").status_code == 403
    assert browser(app, "direction").get(f"/diagrams/{PROCESS}/versions").status_code == 403


def test_save_check_fix_and_deploy_a_draft(owner):
    data, token = page_data(owner)
    broken = data["xml"].replace("employeur_credible == True", "employeur_credible ==")
    saved = post_json(owner, f"/diagrams/{PROCESS}/draft", token, {"files": {MAIN: broken}, "revision": 0})
    assert saved.status_code == 200 and saved.get_json()["revision"] == 1

    checked = post_json(owner, f"/diagrams/{PROCESS}/check", token).get_json()
    [problem] = checked["problems"]
    assert problem["element_id"] == "gw_employeur_credible"
    assert problem["text"].startswith("condition refusée")

    refused = post_json(owner, f"/diagrams/{PROCESS}/deploy", token)
    assert refused.status_code == 422
    assert [p["element_id"] for p in refused.get_json()["problems"]] == ["gw_employeur_credible"]

    stale = post_json(owner, f"/diagrams/{PROCESS}/draft", token, {"files": {MAIN: data["xml"]}, "revision": 0})
    assert stale.status_code == 409
    post_json(owner, f"/diagrams/{PROCESS}/draft", token, {"files": {MAIN: data["xml"].replace(
        'value="P5D"', 'value="P4D"')}, "revision": 1})
    deployed = post_json(owner, f"/diagrams/{PROCESS}/deploy", token)
    assert deployed.get_json() == {"deployed": [{"process_key": PROCESS, "version": 2, "created": True}]}
    versions_page = owner.get(f"/diagrams/{PROCESS}/versions").get_data(as_text=True)
    assert 'id="version-2"' in versions_page and "proprietaire" in versions_page


@pytest.mark.parametrize("name, content, shown", [
    (MAIN, b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>", "XML invalide"),
    (MAIN, "<?xml version='1.0'?><offre><poste>Maçon</poste></offre>".encode(), "pas un fichier BPMN"),
    ("offre.pdf", b"%PDF-1.4", "seuls les fichiers .bpmn"),
    ("image.bpmn", b"\x89PNG\r\n\x1a\n\x00\x00", "pas un fichier texte"),
])
def test_a_broken_or_foreign_upload_is_refused_clearly_and_changes_nothing(owner, name, content, shown):
    before, _token = page_data(owner)
    response = owner.post(f"/diagrams/{PROCESS}/upload", content_type="multipart/form-data",
                          data={"csrf_token": csrf_token(owner, f"/diagrams/{PROCESS}/edit"),
                                "files": (io.BytesIO(content), name)})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Fichiers refusés : rien n'a été modifié." in text and shown in text
    assert page_data(owner)[0] == before


def test_an_uploaded_diagram_replaces_the_draft_file(owner):
    data, _token = page_data(owner)
    renamed = data["xml"].replace("Vérifier la crédibilité de l'employeur", "Vérifier l'employeur").encode()
    response = owner.post(f"/diagrams/{PROCESS}/upload", content_type="multipart/form-data",
                          data={"csrf_token": csrf_token(owner, f"/diagrams/{PROCESS}/edit"),
                                "files": (io.BytesIO(renamed), MAIN)})
    assert response.status_code == 302
    after, _token = page_data(owner)
    assert "Vérifier l'employeur" in after["xml"] and after["revision"] == 1
    download = owner.get(f"/diagrams/{PROCESS}/draft/files/{MAIN}")
    assert download.headers["Content-Disposition"] == f'attachment; filename="{MAIN}"'
    assert download.data == renamed


def test_the_form_editor_previews_the_counsellors_page_and_checks_the_schema(owner):
    name = "offre_verifier_employeur.schema.json"
    page = owner.get(f"/diagrams/{PROCESS}/forms/{name}").get_data(as_text=True)
    assert 'class="task-form preview-form"' in page and 'name="employeur_credible"' in page

    token = csrf_token(owner, f"/diagrams/{PROCESS}/forms/{name}")
    bad = owner.post(f"/diagrams/{PROCESS}/forms/{name}", data={
        "csrf_token": token, "schema": '{"type": "object", "properties": {"x": {"type": "texte"}}}', "ui": "",
        "action": "save"})
    assert bad.status_code == 422 and "JSON Schema invalide" in bad.get_data(as_text=True)

    schema = {"type": "object", "properties": {"motif": {"type": "string", "title": "Motif du refus"}}}
    live = post_json(owner, f"/diagrams/{PROCESS}/forms/{name}/preview", token, {"schema": json.dumps(schema)})
    assert "Motif du refus" in live.get_json()["html"] and live.get_json()["problems"] == []

    saved = owner.post(f"/diagrams/{PROCESS}/forms/{name}", data={
        "csrf_token": token, "schema": json.dumps(schema), "ui": "", "action": "save"})
    assert saved.status_code == 302
    assert json.loads(owner.get(f"/diagrams/{PROCESS}/draft/files/{name}").data) == schema


def test_a_new_procedure_starts_from_a_starter_diagram(owner):
    token = csrf_token(owner, "/diagrams")
    taken = owner.post("/diagrams/new", data={"csrf_token": token, "key": PROCESS, "name": "x"})
    assert taken.status_code == 422
    created = owner.post("/diagrams/new", data={"csrf_token": token, "key": "retour_migrants",
                                                "name": "Accompagnement des retournés"})
    assert created.status_code == 302 and created.headers["Location"].endswith("/diagrams/retour_migrants/edit")
    data, _token = page_data(owner, "retour_migrants")
    assert 'name="Accompagnement des retournés"' in data["xml"]
    assert "retour_migrants" in owner.get("/diagrams").get_data(as_text=True)


def test_the_instance_page_marks_completed_and_active_elements(app):
    instance_id = started_offer(app)
    page = browser(app, "dcim").get(f"/instances/{instance_id}").get_data(as_text=True)
    assert '<svg class="bpmn-diagram"' in page
    assert re.search(r'<g class="el userTask completed" data-element-id="enregistrer_offre">', page)
    assert re.search(r'<g class="el userTask active" data-element-id="verifier_employeur">', page)


def test_a_failed_script_is_marked_on_the_diagram(app):
    from engine.authoring.deploy import deploy
    from tests.conftest import BPMN_DIR, FORMS_DIR
    text = (BPMN_DIR / MAIN).read_text(encoding="utf-8").replace(
        'statut_offre = "rejetee"', 'statut_offre = "rejetee" if 1 / 0 else ""')
    with app.app_context():
        deploy(uow(), {MAIN: text.encode()}, "proprietaire", forms_dir=FORMS_DIR)
    instance_id = started_offer(app, "OFF-2026-0501")
    with app.app_context():
        verify = instances.get_instance(uow(), DCIM, instance_id)["tasks"][0]["id"]
        failed = tasks.complete_task(uow(), DCIM, verify, offer_data.verifier_non_credible())
    assert failed["status"] == "error"
    page = browser(app, "direction").get(f"/instances/{instance_id}").get_data(as_text=True)
    assert re.search(r'class="el scriptTask error" data-element-id="clore_employeur_non_credible"', page)
    assert re.search(r'class="el userTask completed" data-element-id="verifier_employeur"', page)


def test_the_heat_map_counts_files_per_element(app):
    started_offer(app, "OFF-2026-0502")
    started_offer(app, "OFF-2026-0503")
    page = browser(app, "direction").get(f"/processes/{PROCESS}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'data-element-id="verifier_employeur">.*?<g class="badge">.*?>2</text>', text, re.S)
    assert browser(app, "conseiller-bamako").get(f"/processes/{PROCESS}").status_code == 403


def deploy_change(owner, old, new):
    """Through the modeler's endpoints: save the diagram with `old` replaced by `new`, and deploy it."""
    data, token = page_data(owner)
    post_json(owner, f"/diagrams/{PROCESS}/draft", token, {"files": {MAIN: data["xml"].replace(old, new)},
                                                           "revision": data["revision"]})
    assert post_json(owner, f"/diagrams/{PROCESS}/deploy", token).status_code == 200


def test_migrating_from_the_versions_page_and_refusal_on_the_instance_page(app, owner):
    moved_id = started_offer(app, "OFF-2026-0510")
    deploy_change(owner, 'value="P10D"', 'value="P7D"')  # version 2: a step the file has not reached
    page = owner.post(f"/diagrams/{PROCESS}/migrate", data={
        "csrf_token": csrf_token(owner, f"/diagrams/{PROCESS}/versions"), "from_version": 1, "to_version": 2})
    assert page.status_code == 200 and "1 dossier(s) migré(s) sur 1" in page.get_data(as_text=True)
    with app.app_context():
        assert instances.get_instance(uow(), DCIM, moved_id)["version"] == 2
    # The migration reads in the file's history, its audit timeline and the audit search (they answered 500).
    direction = browser(app, "direction")
    for reader, path in ((owner, f"/instances/{moved_id}"), (direction, f"/audit/instances/{moved_id}"),
                         (direction, "/audit/")):
        shown = reader.get(path)
        assert shown.status_code == 200, path
        assert "de la version 1 à la version 2" in shown.get_data(as_text=True)
    assert "depuis : 1" not in direction.get("/audit/").get_data(as_text=True)

    # Version 3 renames the recording step, which the instance already completed: refused.
    stuck_id = started_offer(app, "OFF-2026-0511")
    deploy_change(owner, "Enregistrer l'offre d'emploi", "Enregistrer l'offre")
    refused = owner.post(f"/instances/{stuck_id}/migrate", data={
        "csrf_token": csrf_token(owner, f"/instances/{stuck_id}")}, follow_redirects=True)
    text = refused.get_data(as_text=True)
    # The step named by its label in the file's diagram, not by its id.
    assert "Migration refusée" in text and "« Enregistrer l&#39;offre d&#39;emploi » a changé" in text
    page = owner.post(f"/diagrams/{PROCESS}/migrate", data={
        "csrf_token": csrf_token(owner, f"/diagrams/{PROCESS}/versions"), "from_version": 2, "to_version": 3})
    text = page.get_data(as_text=True)
    assert "refusé : l&#39;étape déjà faite « Enregistrer l&#39;offre d&#39;emploi » a changé" in text
    assert "« enregistrer_offre »" not in text
    diff = owner.get(f"/diagrams/{PROCESS}/versions?from=2&to=3").get_data(as_text=True)
    assert re.search(r'<ul class="diff-changed"><li><code>enregistrer_offre</code>.*libellé', diff)


# --- the same over the JSON API ------------------------------------------------------------------

@pytest.fixture
def owner_api(app, client):
    with app.app_context():
        token = create_token(uow(), "proprietaire")

    def call(method, path, **kwargs):
        return client.open("/api/v1" + path, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)
    return call


def test_api_drafts_versions_diff_and_migration(app, owner_api):
    instance_id = started_offer(app, "OFF-2026-0520")
    draft = owner_api("GET", f"/drafts/{PROCESS}").get_json()
    broken = draft["files"][MAIN].replace("accord_employeur == True", "accord_employeur = True")
    saved = owner_api("PUT", f"/drafts/{PROCESS}", json={"files": {MAIN: broken}, "revision": 0})
    assert saved.status_code == 200
    assert [p["element_id"] for p in owner_api("POST", f"/drafts/{PROCESS}/check").get_json()["problems"]] == \
        ["gw_accord_employeur"]
    refused = owner_api("POST", f"/drafts/{PROCESS}/deploy")
    assert refused.status_code == 422 and refused.get_json()["problems"][0]["element_id"] == "gw_accord_employeur"

    owner_api("PUT", f"/drafts/{PROCESS}", json={"files": {MAIN: draft["files"][MAIN].replace(
        'value="P2D"', 'value="P3D"')}})
    assert owner_api("POST", f"/drafts/{PROCESS}/deploy").status_code == 201
    assert [v["version"] for v in owner_api("GET", f"/processes/{PROCESS}/versions").get_json()] == [2, 1]
    diff = owner_api("GET", f"/processes/{PROCESS}/diff?from=1&to=2").get_json()
    assert [(c["id"], c["fields"]) for c in diff["changed"]] == [("transmettre_offre", ["property:dueIn"])]
    assert owner_api("GET", f"/processes/{PROCESS}/diff?from=1").status_code == 422

    plan = owner_api("GET", f"/instances/{instance_id}/migration").get_json()
    assert (plan["possible"], plan["to"]) == (True, 2)
    moved = owner_api("POST", f"/instances/{instance_id}/migrate", json={})
    assert moved.status_code == 200 and moved.get_json()["version"] == 2
    again = owner_api("POST", f"/instances/{instance_id}/migrate", json={"to_version": 1})
    assert again.status_code == 409 and again.get_json()["reasons"] == [{"code": "not_newer", "element_id": None}]


def test_api_deployment_answers_201_200_and_422_with_element_ids(app, owner_api):
    from tests.conftest import BPMN_DIR
    text = (BPMN_DIR / MAIN).read_text(encoding="utf-8")
    bundled = {p.name: p.read_bytes() for p in BPMN_DIR.iterdir() if p.suffix in (".bpmn", ".dmn")}

    def send(body, query=""):
        """All the bundled files (as deployed by the fixture), with `body` as the offer diagram."""
        files = [(io.BytesIO(content), name) for name, content in {**bundled, MAIN: body.encode()}.items()]
        return owner_api("POST", "/deployments" + query, content_type="multipart/form-data", data={"files": files})
    assert send(text).status_code == 200  # the bundled version, unchanged
    unreachable = text.replace('<bpmn:endEvent id="fin_sans_accord"',
                               '<bpmn:task id="oubliee" /><bpmn:endEvent id="fin_sans_accord"')
    checked = send(unreachable, "?dry_run=1")
    assert checked.status_code == 422 and [p["element_id"] for p in checked.get_json()["problems"]] == ["oubliee"]
    assert send(text, "?dry_run=1").get_json() == {"problems": []}
    assert send(text.replace('value="P5D"', 'value="P6D"')).status_code == 201
