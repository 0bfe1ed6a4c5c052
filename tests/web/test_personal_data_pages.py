"""A person's data export page, and the retention command."""
import json
import re

from conftest import BAMAKO, DCIM

from engine import people
from engine.runtime import instances, tasks
from tests.engine import retour_migrant_data
from web import cli


def _login(client, username):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": username, "password": f"demo-{username}", "csrf_token": token})


def _complete(uow, instance_id, name, data):
    [task] = [t for t in tasks.list_open_tasks(uow, BAMAKO) if t["instance_id"] == instance_id and t["name"] == name]
    return tasks.complete_task(uow, BAMAKO, task["id"], data)


def _oumou(uow, region="bamako"):
    return people.register_person(uow, DCIM, {"nom": "Sidibé", "prenoms": "Oumou", "sexe": "F", "region": region,
                                              "date_naissance": "1996-08-14", "telephone": "+223 66 01 02 03",
                                              "consentement": True})


def test_the_person_page_links_a_download_of_everything_stored(client, deployed):
    person_id = _oumou(deployed)
    _login(client, "conseiller-bamako")
    page = client.get(f"/personnes/{person_id}").get_data(as_text=True)
    assert f'href="/personnes/{person_id}/export.json"' in page

    answer = client.get(f"/personnes/{person_id}/export.json")

    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="personne-{person_id}.json"'
    export = json.loads(answer.get_data(as_text=True))
    assert export["personne"]["telephone"] == "+22366010203"  # as registered, in its international form
    assert [e["type"] for e in export["historique"]] == ["person_registered", "person_read"]


def test_the_export_has_the_access_of_the_file(client, deployed):
    person_id = _oumou(deployed, region="kayes")
    _login(client, "conseiller-bamako")
    assert client.get(f"/personnes/{person_id}/export.json").status_code == 404  # like one that does not exist
    assert client.get(f"/personnes/{person_id + 1}/export.json").status_code == 404


def test_the_retention_command_pseudonymises_once(deployed, database_url, monkeypatch, capsys):
    kept = _oumou(deployed)
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli.main(["retention"]) == 0
    assert capsys.readouterr().out.startswith("0 personne(s)")
    assert cli.main(["retention", "--candidate-years", "0"]) == 0
    assert f": {kept}" in capsys.readouterr().out
    assert people.list_persons(deployed, BAMAKO) == []
    assert people.get_person(deployed, BAMAKO, kept)["label"] == f"Personne n° {kept}"
    assert cli.main(["retention", "--candidate-years", "0"]) == 0
    assert capsys.readouterr().out.startswith("0 personne(s)")


def test_after_retention_a_finished_file_and_its_audit_timeline_show_erased_values(client, deployed, database_url,
                                                                                   monkeypatch, capsys):
    """The pages of a return file whose migrant was erased: the values typed about her read [effacé]."""
    migrant = _oumou(deployed)
    returned = instances.start_instance(deployed, BAMAKO, "retour_migrant", "RET-RGPD-7")["id"]
    record = retour_migrant_data.enregistrer_retour(migrant, "emploi_local")
    record["circonstances_retour"] = "Oumou SIDIBÉ, joignable au +223 66 01 02 03."
    _complete(deployed, returned, "enregistrer_retour", record)
    _complete(deployed, returned, "proposer_accompagnement", retour_migrant_data.refuser_accompagnement())
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli.main(["retention", "--migrant-years", "0"]) == 0
    assert f": {migrant}" in capsys.readouterr().out

    _login(client, "direction")
    for url in (f"/instances/{returned}", f"/audit/instances/{returned}"):
        answer = client.get(url)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200, url
        assert "[effacé]" in page and "SIDIBÉ" not in page and "66 01 02 03" not in page, url
