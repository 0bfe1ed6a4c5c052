"""The audit trail over the JSON API: the search with its filters and cursor, a file's timeline; managers only."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from test_api import answer, api, conforms, spec  # noqa: F401 (api, spec: fixtures)
from test_audit_pages import BAMAKO, engine_call, files, slow_week, stored_events  # noqa: F401 (files: fixture)
from test_pages import DCIM

from engine import accounts, audit, people
from engine.audit import search as audit_search
from engine.runtime import instances, tasks
from engine.store.tables import User
from tests.engine import aide_au_depart_data as departure
from web.store import uow

NOT_MANAGERS = ["conseiller-bamako", "dcim", "proprietaire", "evaluateur"]
HEALTH = {"aptitude_medicale", "vaccinations_a_jour"}


def search(api, query="", user="direction", status=200, **headers):
    return answer(api("GET", f"/audit/events?{query}", user, headers=headers), status)


def seqs(page):
    return [event["seq"] for event in page["events"]]


# --- the search -----------------------------------------------------------------------------

def test_the_search_lists_every_event_newest_first_in_the_documented_shape(app, api, spec, files):
    api("GET", "/processes", "direction")  # the token first: creating it is an event
    found = conforms(spec, "AuditPage", search(api, "limit=500"))
    stored = stored_events(app)
    assert seqs(found) == [e["seq"] for e in reversed(stored)] and found["total"] == len(stored)
    assert found["next_cursor"] is None and found["limit"] == 500
    for event in found["events"]:
        conforms(spec, "AuditEvent", event)
    completed = next(e for e in found["events"] if e["kind"] == "task_completed"
                     and e["element_id"] == "confirmer_affichage")
    assert completed["business_key"] == "OFF-2026-0701" and "confirmation_affichage" in completed["changed"]
    assert "changes" not in completed["details"]  # the values are in the file's timeline, which is logged
    assert len(completed["hash"]) == 64
    assert len(stored_events(app)) == len(stored)  # searching writes nothing


def test_the_person_and_the_file_are_found_from_part_of_them_whatever_the_case_and_accents(app, api, files):
    bamako = {e["seq"] for e in search(api, "person=conseiller-bamako&limit=500")["events"]}
    assert bamako and {e["seq"] for e in search(api, "person=CONSEILLER-Bamakó&limit=500")["events"]} == bamako
    both = {e["actor"] for e in search(api, "person=Conseiller&limit=500")["events"]}
    assert {"conseiller-bamako", "conseiller-kayes"} <= both and "dcim" not in both
    # A person's full name finds their account: "coulibaly" is Ibrahim Coulibaly, conseiller-bamako.
    assert {e["actor"] for e in search(api, "person=coulibaly&limit=500")["events"]} == {"conseiller-bamako"}
    assert search(api, "person=personne-inconnue")["total"] == 0
    files_found = {e["business_key"] for e in search(api, "business_key=off-2026-070&limit=500")["events"]}
    assert files_found == {"OFF-2026-0701", "OFF-2026-0702"}


def test_a_search_counts_up_to_a_limit_and_says_there_are_more(app, api, files, monkeypatch):
    everything = search(api, "limit=500")
    assert everything["more"] is False and everything["total"] > 3
    monkeypatch.setattr(audit_search, "COUNT_LIMIT", 3)
    capped = search(api, "limit=2")
    assert (capped["total"], capped["more"], len(capped["events"])) == (3, True, 2)
    assert seqs(search(api, f"limit=500&cursor={capped['next_cursor']}")) == seqs(everything)[2:]  # all reached


def test_the_search_filters_like_the_audit_page(app, api, files):
    by_person = search(api, "person=conseiller-bamako&limit=500")["events"]
    assert by_person and {e["actor"] for e in by_person} == {"conseiller-bamako"}
    completed = search(api, "kind=task_completed&limit=500")
    assert seqs(completed) == [e["seq"] for e in reversed(stored_events(app, kind="task_completed"))]
    assert completed["total"] == len(completed["events"])
    in_kayes = search(api, "region=kayes&limit=500")["events"]
    assert in_kayes and {e["region"] for e in in_kayes} == {"kayes"}
    of_offers = search(api, "process=offre_internationale&limit=500")["events"]
    assert {e["process_key"] for e in of_offers} == {"offre_internationale"} and "login" not in {e["kind"] for e in of_offers}
    one_file = search(api, "business_key=OFF-2026-0702&limit=500")["events"]
    assert one_file and {e["business_key"] for e in one_file} == {"OFF-2026-0702"}

    today = datetime.now(timezone.utc).date()
    assert search(api, f"date_from={today}&date_to={today}&limit=500")["total"] == len(stored_events(app))
    assert search(api, f"date_to={today - timedelta(days=1)}") == {"events": [], "total": 0, "more": False,
                                                                    "limit": 50, "next_cursor": None}
    assert search(api, f"date_from={today + timedelta(days=1)}")["events"] == []
    combined = search(api, f"person=dcim&kind=task_completed&business_key=OFF-2026-0701&date_from={today}")
    assert combined["total"] == 4 and {(e["actor"], e["business_key"]) for e in combined["events"]} == \
        {("dcim", "OFF-2026-0701")}


def test_the_search_pages_by_cursor_and_new_events_do_not_shift_the_pages(app, api, files):
    def write(count):
        with app.app_context():
            with uow() as work:
                for number in range(count):
                    audit.record(work.session, "login", "pagination", region="kayes", n=number)
                work.commit()
    write(60)
    first = search(api, "person=pagination&limit=25")
    assert len(first["events"]) == 25 and first["total"] == 60 and first["next_cursor"] == first["events"][-1]["seq"]
    write(1)  # someone logs in meanwhile: the next page still follows on from the first
    second = search(api, f"person=pagination&limit=25&cursor={first['next_cursor']}")
    third = search(api, f"person=pagination&limit=25&cursor={second['next_cursor']}")
    assert [len(p["events"]) for p in (second, third)] == [25, 10] and third["next_cursor"] is None
    assert second["total"] == 61
    every = seqs(first) + seqs(second) + seqs(third)
    assert every == sorted(every, reverse=True) and len(set(every)) == 60
    assert every == [e["seq"] for e in reversed(stored_events(app, actor="pagination"))][1:]
    assert len(search(api, "person=pagination")["events"]) == 50  # the default page size


@pytest.mark.parametrize("query, fields", [
    ("date_from=31/12/2026", {"date_from": ["Saisissez une date au format AAAA-MM-JJ."]}),
    ("date_to=hier&limit=0", {"date_to": ["Saisissez une date au format AAAA-MM-JJ."],
                              "limit": ["Saisissez une valeur supérieure ou égale à 1."]}),
    ("limit=501", {"limit": ["Saisissez une valeur inférieure ou égale à 500."]}),
    ("limit=dix&cursor=x", {"limit": ["Saisissez un nombre entier."], "cursor": ["Saisissez un nombre entier."]}),
    ("person=" + "x" * 81 + "&kind=" + "k" * 41, {"person": ["Saisissez au plus 80 caractères."],
                                                  "kind": ["Saisissez au plus 40 caractères."]}),
])
def test_wrong_filters_are_a_422_naming_each_field(api, spec, files, query, fields):
    error = conforms(spec, "Error", search(api, query, status=422))
    assert error["error"] == "validation_failed" and error["fields"] == fields
    assert error["message"] == "Le formulaire contient des erreurs : corrigez les champs signalés."


def test_the_errors_are_in_english_for_an_english_reader(api, files):
    error = search(api, "date_from=31/12/2026", status=422, **{"Accept-Language": "en"})
    assert error["fields"] == {"date_from": ["Enter a date in the format YYYY-MM-DD."]}
    refused = search(api, "", user="dcim", status=403, **{"Accept-Language": "en"})
    assert refused["message"] == "The audit log is reserved for management and administrators."


@pytest.mark.parametrize("username", NOT_MANAGERS)
def test_only_managers_search_and_each_refusal_is_recorded(app, api, spec, files, username):
    api("GET", "/processes", username)  # the token first
    before = stored_events(app)
    for query in ("", "kind=login", "date_from=31/12/2026"):  # refused before the filters are looked at
        error = conforms(spec, "Error", search(api, query, user=username, status=403))
        assert error == {"error": "forbidden",
                         "message": "Le journal d'audit est réservé à la direction et aux administrateurs."}
    written = stored_events(app)[len(before):]
    assert [(e["kind"], e["actor"], e["details"]["page"], e["details"]["reason"]) for e in written] == \
        [("access_refused", username, "/api/v1/audit/events", "audit_only")] * 3


def test_the_administrator_searches_too(api, files):
    assert search(api, "kind=task_completed", user="admin")["total"] > 0


# --- one file's timeline --------------------------------------------------------------------

def test_the_timeline_gives_every_event_and_each_step_against_its_deadline(app, api, spec, files):
    instance_id = files["kayes"]
    slow_week(app, instance_id)
    before = stored_events(app, instance_id=instance_id)

    found = conforms(spec, "Timeline", answer(api("GET", f"/instances/{instance_id}/timeline", "direction"), 200))
    assert found["instance"]["id"] == instance_id and found["instance"]["business_key"] == "OFF-2026-0702"
    assert [e["seq"] for e in found["events"]] == [e["seq"] for e in before]
    steps = {step["name"]: step for step in found["steps"]}
    assert (steps["enregistrer_offre"]["seconds"], steps["enregistrer_offre"]["late"],
            steps["enregistrer_offre"]["late_seconds"]) == (2 * 86400 + 3 * 3600, True, 86400 + 3 * 3600)
    assert (steps["verifier_employeur"]["seconds"], steps["verifier_employeur"]["late"]) == (2 * 3600 + 300, False)
    assert steps["confirmer_affichage"]["state"] == "ready" and steps["confirmer_affichage"]["late"]
    assert steps["confirmer_affichage"]["assignee"] == "conseiller-kayes"
    recorded = next(e for e in found["events"] if e["element_id"] == "enregistrer_offre")
    assert recorded["actor"] == "dcim" and recorded["step"]["name"] == "enregistrer_offre"
    assert recorded["changes"]["metier"] == {"old": None, "new": "Ouvrier agricole"}
    claimed = next(e for e in found["events"] if e["kind"] == "task_claimed")
    assert claimed["changes"] == {"assignee": {"old": None, "new": "conseiller-kayes"}} and claimed["step"] is None

    reads = stored_events(app, kind="file_read", instance_id=instance_id)
    assert [(e["actor"], e["details"]["via"]) for e in reads] == [("direction", "audit")]
    again = answer(api("GET", f"/instances/{instance_id}/timeline", "direction"), 200)
    assert again["events"][-1]["kind"] == "file_read"  # the timeline shows the reads, its own first one included


@pytest.mark.parametrize("username", NOT_MANAGERS)
def test_only_managers_read_a_timeline_and_each_refusal_is_recorded(app, api, files, username):
    api("GET", "/processes", username)
    before = stored_events(app)
    error = answer(api("GET", f"/instances/{files['bamako']}/timeline", username), 403)
    assert error["error"] == "forbidden"
    [event] = stored_events(app)[len(before):]
    assert (event["kind"], event["actor"], event["instance_id"], event["region"]) == \
        ("access_refused", username, files["bamako"], "bamako")
    assert event["details"]["page"] == f"/api/v1/instances/{files['bamako']}/timeline"


def test_the_timeline_of_an_unknown_file_is_a_404(api, files):
    assert answer(api("GET", f"/instances/{10**9}/timeline", "direction"), 404)["error"] == "not_found"


# --- health data ----------------------------------------------------------------------------

def complete(app, actor, instance_id, name, data):
    task = next(t for t in engine_call(app, lambda w: tasks.list_open_tasks(w, actor))
                if t["instance_id"] == instance_id and t["name"] == name)
    engine_call(app, lambda w: tasks.complete_task(w, actor, task["id"], data))


@pytest.fixture
def departure_with_health_data(app):
    """A departure aid file whose documents check recorded the medical certificate and vaccinations."""
    candidate = engine_call(app, lambda w: people.register_person(w, DCIM, departure.personne_bamako()))
    file_id = engine_call(app, lambda w: instances.start_instance(w, DCIM, "aide_au_depart", "DEP-API-SANTE",
                                                                  departure.donnees_selection(candidate)))["id"]
    complete(app, DCIM, file_id, "planifier_depart", departure.planifier(atelier=False))
    complete(app, BAMAKO, file_id, "convoquer_candidat", departure.convoquer())
    complete(app, DCIM, file_id, "verifier_contrat", departure.contrat())
    complete(app, BAMAKO, file_id, "verifier_documents", {**departure.documents_complets(),
                                                          "aptitude_medicale": "apte", "vaccinations_a_jour": True})
    return file_id


def health_seen(timeline):
    shown = set(timeline["instance"]["data"])
    for event in timeline["events"]:
        shown |= set(event["changes"]) | set(event["details"].get("changes", {}))
    return shown & HEALTH


@pytest.fixture
def counsellor_manager(app):
    """A manager who is also a Bamako counsellor, "direction-bamako"; removed after the test."""
    engine_call(app, lambda w: accounts.create_user(w, "direction-bamako", "demo-direction-bamako",
                                                    ["direction", "conseiller"], "bamako"))
    yield "direction-bamako"
    with app.app_context():
        with uow() as work:
            work.session.delete(work.session.scalar(select(User).where(User.username == "direction-bamako")))
            work.commit()


def test_the_timeline_hides_health_data_from_managers_as_the_pages_do(api, departure_with_health_data,
                                                                       counsellor_manager):
    file_id = departure_with_health_data
    for manager in ("direction", "admin"):
        assert health_seen(answer(api("GET", f"/instances/{file_id}/timeline", manager), 200)) == set()
    # The same rule as the pages: a manager who also checks departure documents sees them.
    assert health_seen(answer(api("GET", f"/instances/{file_id}/timeline", "direction-bamako"), 200)) == HEALTH
    page = answer(api("GET", "/audit/events?kind=task_completed&business_key=DEP-API-SANTE", "direction"), 200)
    assert all("changes" not in e["details"] for e in page["events"])  # the search gives field names only


def test_an_export_with_a_filter_too_long_is_refused_and_records_nothing(app, files):
    from test_pages import browser
    direction = browser(app, "direction")
    before = stored_events(app)
    refused = direction.get("/audit/events.csv?business_key=" + "x" * 121)
    assert refused.status_code == 422 and "Saisissez au plus 120 caractères." in refused.get_data(as_text=True)
    assert stored_events(app)[len(before):] == []  # no export, so no audit_export with 121 characters in it
