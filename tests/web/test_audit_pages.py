"""Audit pages: managers search every event, export it, read each file's timeline; nobody else may."""
import csv
import io
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update
from test_pages import DCIM, browser, csrf_token, page, shown_text

from engine import accounts, audit
from engine.audit import search as audit_search
from engine.accounts.access import Actor
from engine.runtime import instances, tasks
from engine.store.tables import AuditEvent, TaskRow
from tests.engine import offer_data
from web.store import uow

PROCESS = "offre_internationale"
NOT_MANAGERS = ["conseiller-bamako", "conseiller-kayes", "dcim", "evaluateur", "cpr", "proprietaire", "chef-dcim"]
BAMAKO = Actor("conseiller-bamako", frozenset({"conseiller"}), "bamako")
KAYES = Actor("conseiller-kayes", frozenset({"conseiller"}), "kayes")


def engine_call(app, call):
    with app.app_context():
        return call(uow())


def offer(app, key, *regions):
    """An offer recorded, checked and negotiated by DCIM, sent to `regions` if any; its id."""
    started = engine_call(app, lambda w: instances.start_instance(w, DCIM, PROCESS, key))
    steps = [("enregistrer_offre", offer_data.enregistrer_saisonnier_espagne()),
             ("verifier_employeur", offer_data.verifier_credible()),
             ("negocier_offre", offer_data.negocier_accord())]
    if regions:
        steps.append(("transmettre_offre", offer_data.transmettre(*regions)))
    for name, data in steps:
        open_task = next(t for t in engine_call(app, lambda w: tasks.list_open_tasks(w, DCIM))
                         if t["instance_id"] == started["id"] and t["name"] == name)
        engine_call(app, lambda w: tasks.complete_task(w, DCIM, open_task["id"], data))
    return started["id"]


def stored_events(app, **where):
    def read(work):
        with work:
            query = select(AuditEvent).order_by(AuditEvent.seq)
            for name, value in where.items():
                query = query.where(getattr(AuditEvent, name) == value)
            return [audit.event_dict(e) | {"instance_id": e.instance_id} for e in work.session.scalars(query)]
    return engine_call(app, read)


@pytest.fixture
def files(app):
    """Two offers, one sent to Bamako (confirmed there), one to Kayes (taken there, not yet confirmed)."""
    bamako = offer(app, "OFF-2026-0701", "bamako")
    kayes = offer(app, "OFF-2026-0702", "kayes")
    confirm = next(t for t in engine_call(app, lambda w: tasks.list_open_tasks(w, BAMAKO)) if t["instance_id"] == bamako)
    engine_call(app, lambda w: tasks.complete_task(w, BAMAKO, confirm["id"], offer_data.confirmer_affichage()))
    to_confirm = next(t for t in engine_call(app, lambda w: tasks.list_open_tasks(w, KAYES)) if t["instance_id"] == kayes)
    engine_call(app, lambda w: tasks.claim_task(w, KAYES, to_confirm["id"]))
    return {"bamako": bamako, "kayes": kayes}


def audit_urls(files):
    return ["/audit/", "/audit/?kind=login", "/audit/events.csv", "/audit/events.csv?region=kayes",
            f"/audit/instances/{files['bamako']}", f"/audit/instances/{files['kayes']}"]


# --- who may see the audit pages ------------------------------------------------------------

@pytest.mark.parametrize("username", NOT_MANAGERS)
def test_only_managers_open_the_audit_pages(app, files, username):
    client = browser(app, username)
    before = len(stored_events(app))
    for url in audit_urls(files):
        response = client.get(url)
        assert response.status_code == 403, (username, url)
        assert "journal-audit" not in response.headers.get("Content-Disposition", "")
    assert "/audit/" not in page(client, "/").links()
    written = stored_events(app)[before:]  # no export, no read logged: only each refusal
    assert [(e["kind"], e["actor"], e["details"]["page"]) for e in written] == \
        [("access_refused", username, url.split("?")[0]) for url in audit_urls(files)]
    assert [e["instance_id"] for e in written[-2:]] == [files["bamako"], files["kayes"]]


def test_managers_and_administrators_open_them(app, files):
    for username in ("direction", "admin"):
        client = browser(app, username)
        assert "/audit/" in page(client, "/").links()
        for url in audit_urls(files):
            assert client.get(url).status_code == 200, (username, url)


def test_the_audit_pages_ask_for_a_login(app, files):
    for url in audit_urls(files):
        response = app.test_client().get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_counsellor_reads_no_file_of_another_region(app, files):
    bamako = browser(app, "conseiller-bamako")
    assert bamako.get(f"/instances/{files['kayes']}").status_code == 404
    assert bamako.get(f"/instances/{files['bamako']}").status_code == 200
    reads = stored_events(app, kind="file_read", actor="conseiller-bamako")
    assert [e["instance_id"] for e in reads] == [files["bamako"]]  # the refused read showed nothing
    assert reads[0]["region"] == "bamako"


# --- reads of a file ------------------------------------------------------------------------

def test_every_read_of_a_file_is_logged_but_kept_out_of_its_history(app, files):
    direction = browser(app, "direction")
    shown = page(direction, f"/instances/{files['bamako']}")
    assert f"/audit/instances/{files['bamako']}" in shown.links()
    assert f"/audit/instances/{files['bamako']}" not in page(browser(app, "dcim"), f"/instances/{files['bamako']}").links()
    engine_call(app, lambda w: instances.get_instance(w, DCIM, files["bamako"]))

    reads = stored_events(app, kind="file_read", instance_id=files["bamako"])
    assert [(e["actor"], e["details"]["via"]) for e in reads] == [("direction", "history"), ("dcim", "history"),
                                                                  ("dcim", "file")]
    history = engine_call(app, lambda w: instances.get_instance(w, DCIM, files["bamako"], with_history=True))["history"]
    assert "file_read" not in {e["kind"] for e in history}


def test_the_api_read_of_a_file_is_logged(app, files):
    token = engine_call(app, lambda w: accounts.create_token(w, "direction"))
    response = app.test_client().get(f"/api/v1/instances/{files['kayes']}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [(e["actor"], e["details"]["via"]) for e in stored_events(app, kind="file_read")] == [("direction", "file")]


# --- the search -----------------------------------------------------------------------------

def search_rows(client, query=""):
    """(seq, actor, kind label, file, region) of each row of the results."""
    shown = page(client, f"/audit/?{query}")
    table = [e for e in shown.elements if e["tag"] == "table" and e["attrs"].get("class") == "audit"][0]
    rows = [cells for cells in shown.rows() if len(cells) == 9]
    assert table
    return [(int(c[0]), c[2], c[3], c[4].split(" ")[0], c[5]) for c in rows]


def test_a_search_finding_more_than_it_counts_says_so_and_how_to_see_older_events(app, files, monkeypatch):
    direction = browser(app, "direction")
    with app.app_context():
        with uow() as work:
            for number in range(70):
                audit.record(work.session, "login", "nombreux", n=number)
            work.commit()
    monkeypatch.setattr(audit_search, "COUNT_LIMIT", 60)  # more than one page of 50, fewer than the events
    first = shown_text(direction.get("/audit/?person=nombreux"))
    assert "Plus de 60 événements" in first and "Page 1 sur 2" in first and "précisez la recherche" not in first
    last = shown_text(direction.get("/audit/?person=nombreux&page=9"))  # past the pages: the last one
    assert "Page 2 sur 2" in last and "précisez la recherche (dates, personne, dossier)" in last
    assert len(search_rows(direction, "person=nombreux&page=2")) == 10
    monkeypatch.undo()
    assert "Plus de" not in shown_text(direction.get("/audit/?person=Coulibaly"))
    assert {row[1] for row in search_rows(direction, "person=Coulibaly")} == {"conseiller-bamako"}


def test_the_search_filters_by_person_process_region_kind_file_and_dates(app, files):
    browser(app, "conseiller-bamako")
    direction = browser(app, "direction")
    every = search_rows(direction)
    stored = stored_events(app)
    assert [row[0] for row in every] == [e["seq"] for e in reversed(stored)]  # newest first

    by_person = search_rows(direction, "person=conseiller-bamako")
    assert {row[1] for row in by_person} == {"conseiller-bamako"}
    assert {row[2] for row in by_person} >= {"connexion", "tâche terminée"}

    in_kayes = search_rows(direction, "region=kayes")
    assert in_kayes and {row[4] for row in in_kayes} == {"Kayes"}  # the region by its name
    in_bamako = search_rows(direction, "region=bamako")
    assert "tâche terminée" in {row[2] for row in in_bamako}

    completed = search_rows(direction, "kind=task_completed")
    assert {row[2] for row in completed} == {"tâche terminée"}
    assert len(completed) == len([e for e in stored if e["kind"] == "task_completed"])

    of_offers = search_rows(direction, f"process={PROCESS}")
    assert "connexion" not in {row[2] for row in of_offers}
    assert "déploiement" in {row[2] for row in of_offers}  # the process's own deployments belong to it
    one_file = search_rows(direction, "business_key=OFF-2026-0702")
    assert one_file and {row[3] for row in one_file} == {"OFF-2026-0702"}

    today = datetime.now(timezone.utc).date()
    assert search_rows(direction, f"date_from={today}&date_to={today}") == every  # searching writes nothing
    assert search_rows(direction, f"date_to={today - timedelta(days=1)}") == []
    assert search_rows(direction, f"date_from={today + timedelta(days=1)}") == []
    combined = search_rows(direction, f"person=dcim&kind=task_completed&business_key=OFF-2026-0701&date_from={today}")
    assert len(combined) == 4 and {(r[1], r[3]) for r in combined} == {("dcim", "OFF-2026-0701")}


def test_a_wrong_date_is_explained_and_ignored(app, files):
    response = browser(app, "direction").get("/audit/?date_from=31/12/2026")
    assert response.status_code == 200
    assert "Saisissez une date au format AAAA-MM-JJ." in shown_text(response)


def test_the_search_shows_which_fields_changed_not_their_values(app, files):
    text = shown_text(browser(app, "direction").get("/audit/?kind=task_completed&business_key=OFF-2026-0701"))
    assert "Nombre de postes à pourvoir" in text and "nombre_postes" not in text  # the field's label
    assert "Ouvrier agricole" not in text  # a value: it is read in the file's timeline, which is logged


def test_the_search_is_paginated_and_keeps_its_filters(app, files):
    with app.app_context():
        with uow() as work:
            for number in range(60):
                audit.record(work.session, "login", "pagination", region="kayes", n=number)
            work.commit()
    direction = browser(app, "direction")
    first = page(direction, "/audit/?person=pagination")
    assert len([r for r in first.rows() if len(r) == 9]) == 50
    following = [link for link in first.links() if "page=2" in link]
    assert following and "person=pagination" in following[0]
    second = page(direction, following[0])
    assert len([r for r in second.rows() if len(r) == 9]) == 10
    assert any("page=1" in link and "person=pagination" in link for link in second.links())


# --- the CSV export -------------------------------------------------------------------------

def test_the_csv_export_has_the_search_rows_in_utf8_with_bom_for_excel(app, files):
    direction = browser(app, "direction")
    response = direction.get("/audit/events.csv?region=bamako")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["N°", "Date (UTC)", "Personne", "Événement", "Code", "Dossier", "N° interne du dossier",
                       "Procédure", "Région", "Élément", "Champs modifiés", "Empreinte"]
    expected = [e for e in stored_events(app, region="bamako") if e["kind"] != "audit_export"]
    assert [int(r[0]) for r in rows[1:]] == [e["seq"] for e in expected]  # oldest first
    confirmed = next(r for r in rows[1:] if r[4] == "task_completed")
    assert confirmed[2:6] == ["conseiller-bamako", "tâche terminée", "task_completed", "OFF-2026-0701"]
    assert confirmed[8:10] == ["bamako", "Confirmer l'affichage de l'offre"]  # the element's name
    assert "Confirmation de la direction régionale" in confirmed[10]  # the fields by their labels
    assert len(confirmed[11]) == 64

    exports = stored_events(app, kind="audit_export")
    assert [(e["actor"], e["details"]["filters"]) for e in exports] == [("direction", {"region": "bamako"})]


def test_the_csv_export_is_in_the_readers_language(app, files):
    direction = browser(app, "direction")
    direction.post("/lang/en", data={"csrf_token": csrf_token(direction, "/audit/"), "next": "/audit/"})
    body = direction.get("/audit/events.csv?kind=login").get_data().decode("utf-8-sig")
    header, first = list(csv.reader(io.StringIO(body), delimiter=";"))[:2]
    assert header[:4] == ["No.", "Date (UTC)", "Person", "Event"]
    assert first[3:5] == ["login", "login"]


def test_the_csv_export_quotes_what_a_spreadsheet_would_run(app, files):
    engine_call(app, lambda w: instances.start_instance(w, DCIM, PROCESS, "=HYPERLINK(\"http://x\")"))
    body = browser(app, "direction").get("/audit/events.csv?kind=instance_started").get_data().decode("utf-8-sig")
    keys = [row[5] for row in csv.reader(io.StringIO(body), delimiter=";")][1:]
    assert "'=HYPERLINK(\"http://x\")" in keys


# --- one file's timeline --------------------------------------------------------------------

def set_times(app, instance_id, name, created, completed=None, due=None):
    """Give a step the times a slower week would have given it (the tasks table is a projection)."""
    def change(work):
        with work:
            work.session.execute(update(TaskRow).where(TaskRow.instance_id == instance_id, TaskRow.name == name)
                                 .values(created_at=created, completed_at=completed, due_at=due))
            work.commit()
    engine_call(app, change)


def slow_week(app, instance_id):
    """The offer's steps as a slow week leaves them: the recording late by 1 day 3 hours, the employer's check
    on time (2 hours 5 minutes), the confirmation still open and overdue."""
    start = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    set_times(app, instance_id, "enregistrer_offre", start, start + timedelta(days=2, hours=3), start + timedelta(days=1))
    set_times(app, instance_id, "verifier_employeur", start, start + timedelta(hours=2, minutes=5),
              start + timedelta(days=5))
    set_times(app, instance_id, "confirmer_affichage", start, None, start + timedelta(days=3))  # still open


def test_the_timeline_shows_each_step_against_its_deadline(app, files):
    instance_id = files["kayes"]
    slow_week(app, instance_id)
    shown = page(browser(app, "direction"), f"/audit/instances/{instance_id}")
    names = {"Enregistrer l'offre d'emploi": "enregistrer_offre", "Vérifier la crédibilité de l'employeur":
             "verifier_employeur", "Confirmer l'affichage de l'offre": "confirmer_affichage"}
    rows = {names.get(row[0], row[0]): row for row in shown.rows() if len(row) == 8}  # steps by their titles
    assert rows["enregistrer_offre"][5] == "2 j 3 h 00 min"
    assert rows["enregistrer_offre"][7] == "en retard de 1 j 3 h 00 min"
    assert rows["verifier_employeur"][5] == "0 j 2 h 05 min"
    assert rows["verifier_employeur"][7] == "dans les délais"
    assert rows["confirmer_affichage"][3] == "en cours"
    assert rows["confirmer_affichage"][7].startswith("en retard de")
    late = [e for e in shown.find("tr") if e["attrs"].get("class") == "late"]
    first_cells = [next(td for td in shown.elements if td["tag"] == "td" and td["parent"] is row) for row in late]
    assert sorted(names[" ".join(td["text"].split())] for td in first_cells) == \
        ["confirmer_affichage", "enregistrer_offre"]
    assert shown.by_id("instance-diagram")["tag"] == "aside"
    # Beside the timeline, the file's diagram shows the steps done and the one still open.
    html = browser(app, "direction").get(f"/audit/instances/{instance_id}").get_data(as_text=True)
    aside = html[html.index('id="instance-diagram"'):html.index("</aside>")]
    assert '<svg class="bpmn-diagram"' in aside
    assert re.search(r'<g class="[^"]*completed[^"]*" data-element-id="enregistrer_offre"', aside)
    assert re.search(r'<g class="[^"]*active[^"]*" data-element-id="confirmer_affichage"', aside)


def test_the_timeline_lists_every_event_with_old_and_new_values_and_logs_the_read(app, files):
    direction = browser(app, "direction")
    page(direction, f"/instances/{files['bamako']}")
    before = stored_events(app, instance_id=files["bamako"])
    text = shown_text(direction.get(f"/audit/instances/{files['bamako']}"))
    for event in before:
        assert f"n° {event['seq']}" in text
    assert "Ouvrier agricole" in text and "dossier consulté" in text
    assert "Durée de l'étape" in text
    reads = stored_events(app, kind="file_read", instance_id=files["bamako"])
    assert [(e["actor"], e["details"]["via"]) for e in reads] == [("direction", "history"), ("direction", "audit")]


def test_the_timeline_of_an_unknown_file_is_not_found(app, files):
    assert browser(app, "direction").get(f"/audit/instances/{10**9}").status_code == 404


# --- accounts: role changes are audited -----------------------------------------------------

def new_account(app, roles=("evaluateur",), region=None):
    username = f"agent-{uuid.uuid4().hex[:8]}"
    engine_call(app, lambda w: accounts.create_user(w, username, "demo-" + username, list(roles), region))
    return username


def post_form(client, path, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client, "/admin/users"), **fields})


def test_the_administrator_changes_roles_and_regions_and_each_change_is_audited(app, files):
    username = new_account(app)
    admin = browser(app, "admin")
    assert f"user-{username}" in {e["attrs"].get("id") for e in page(admin, "/admin/users").elements}

    refused = post_form(admin, f"/admin/users/{username}/roles", action="grant", role="conseiller")
    assert refused.status_code == 302
    assert "Un rôle régional demande une région" in shown_text(admin.get("/admin/users"))
    assert post_form(admin, f"/admin/users/{username}/region", region="kayes").status_code == 302
    post_form(admin, f"/admin/users/{username}/roles", action="grant", role="conseiller")
    post_form(admin, f"/admin/users/{username}/roles", action="revoke", role="evaluateur")
    post_form(admin, "/admin/users/admin/roles", action="revoke", role="admin")
    assert "votre propre rôle d'administrateur" in shown_text(admin.get("/admin/users"))

    changed = [(e["kind"], e["actor"], e["region"], e["changes"]) for e in stored_events(app)
               if e["details"].get("username") == username and e["kind"] != "user_created"]
    assert changed == [
        ("region_changed", "admin", "kayes", {"region": {"old": None, "new": "kayes"}}),
        ("role_granted", "admin", "kayes", {"roles": {"old": ["evaluateur"], "new": ["conseiller", "evaluateur"]}}),
        ("role_revoked", "admin", "kayes", {"roles": {"old": ["conseiller", "evaluateur"], "new": ["conseiller"]}}),
    ]
    agent = engine_call(app, lambda w: accounts.get_actor(w, username))
    assert agent.roles == {"conseiller"} and agent.region == "kayes"
    assert "admin" in engine_call(app, lambda w: accounts.get_actor(w, "admin")).roles
    found = search_rows(browser(app, "direction"), "kind=role_granted")
    assert [row[1] for row in found] == ["admin"]


@pytest.mark.parametrize("username", ["direction", "dcim", "conseiller-bamako"])
def test_only_the_administrator_manages_accounts(app, username):
    client = browser(app, username)
    assert client.get("/admin/users").status_code == 403
    token = csrf_token(client, "/")
    assert client.post("/admin/users/dcim/roles", data={"csrf_token": token, "action": "grant",
                                                         "role": "admin"}).status_code == 403
    assert client.post("/admin/users/dcim/region", data={"csrf_token": token, "region": "kayes"}).status_code == 403
    assert engine_call(app, lambda w: accounts.get_actor(w, "dcim")).roles == {"dcim"}
