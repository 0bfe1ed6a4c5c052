"""The demo data of `djoliba init --demo`: work in every inbox, statistics that add up, an offer followed to a
departure, and nothing made twice."""
from collections import Counter
from datetime import datetime, timedelta, timezone

from conftest import DCIM, DIRECTION
from sqlalchemy import func, select

from engine import accounts, people
from engine.definitions import countries
from engine.demo.files import WORKERS, create_demo_data
from engine.people.sessions import sessions_attended
from engine.records import statistics
from engine.runtime import instances, tasks
from engine.store.tables import AuditEvent, Instance, Person, TaskRow, Timer, as_utc


def files(uow, process):
    return instances.list_instances(uow, DIRECTION, process=process, limit=1000)


def test_every_role_has_work_and_nothing_is_due_yet(demo):
    inboxes = {}
    for username in WORKERS:
        worker = accounts.get_actor(demo, username)
        inboxes[username] = tasks.list_open_tasks(demo, worker)
        assert inboxes[username], f"{username} has nothing to do"
        # A counsellor's inbox holds only their own region's tasks.
        assert all(t["region"] in (None, worker.region) for t in inboxes[username] if t["role"] == "conseiller")
    names = {username: {t["name"] for t in found} for username, found in inboxes.items()}
    assert {"evaluer_candidat", "evaluer_acquis"} <= names["evaluateur"]
    assert "former_entrepreneuriat" in names["cpr"]
    assert {"demander_contrat_corrige", "receptionner_rapport"} <= names["dcim"]
    assert any(t["assignee"] == "evaluateur" for t in inboxes["evaluateur"])  # one evaluation already taken

    with demo:
        session = demo.session
        assert session.scalars(select(Instance.business_key).where(Instance.status == "error")).all() == []
        # Started now, the scheduler finds nothing overdue to fire.
        due = select(Timer.element_id).where(Timer.status == "pending", Timer.due_at <= datetime.now(timezone.utc))
        assert session.scalars(due).all() == []


def test_persons_of_both_regions_with_their_consent(demo):
    persons = [people.get_person(demo, DCIM, p["id"]) for p in people.list_persons(demo, DCIM)]
    assert len(persons) >= 12
    assert {p["region"] for p in persons} == {"bamako", "kayes"}
    assert Counter(p["sexe"] for p in persons).keys() == {"F", "M"}
    assert sum(p["handicap"] for p in persons) == 1
    assert all(p["consentement"]["date"] and p["date_naissance"] for p in persons)
    ages = statistics.count(demo, "candidats_inscrits", by="age")
    assert len(ages) >= 2  # candidates of several age bands


def test_statistics_equal_the_counts_made_from_the_files(demo):
    offers = files(demo, "offre_internationale")
    selections = files(demo, "selection_finale")
    satisfied = {s["root_id"] for s in selections if s["data"].get("candidats_selectionnes")}
    assert statistics.count(demo, "offres_recues") == [("total", len(offers))]
    assert statistics.count(demo, "postes_offerts") == [("total", sum(o["data"]["nombre_postes"] for o in offers))]
    assert dict(statistics.count(demo, "offres_recues", by="pays")) == \
        Counter(o["data"]["lieu_travail_pays"] for o in offers)
    assert statistics.count(demo, "offres_diffusees") == \
        [("total", sum(o["data"].get("statut_offre") == "diffusee" for o in offers))]
    assert statistics.count(demo, "offres_satisfaites") == [("total", len(satisfied))]
    assert {o["data"].get("statut_offre") for o in offers} >= {"rejetee", "diffusee", None}  # None: under way

    # Each candidate counts once per offer, whichever procedure of the offer's chain holds them.
    applied = {(f["root_id"], int(person)) for key in ("preselection", "mise_en_relation", "selection_finale")
               for f in files(demo, key) for person in f["data"].get("etapes_candidats", {})}
    assert statistics.count(demo, "candidats_inscrits") == [("total", len(applied))]
    # The manual asks for disabled persons' employment: candidatures by disability, from the registry.
    with demo:
        disabled = dict(demo.session.execute(select(Person.id, Person.disability)).all())
    assert dict(statistics.count(demo, "candidats_inscrits", by="handicap")) == \
        Counter("oui" if disabled[person] else "non" for _offer, person in applied)
    served = [f["data"]["candidat"] for f in files(demo, "accompagnement_candidat")]
    assert dict(statistics.count(demo, "accompagnements", by="handicap")) == \
        Counter("oui" if disabled[person] else "non" for person in served) == {"oui": 1, "non": 2}
    assert statistics.count(demo, "candidats_retenus") == \
        [("total", sum(len(s["data"].get("candidats_selectionnes") or []) for s in selections))]
    departed = [f["data"] for f in files(demo, "aide_au_depart") if f["data"].get("statut_depart") == "parti"]
    assert dict(statistics.count(demo, "departs", by="pays")) == Counter(d["pays_destination"] for d in departed)
    assert statistics.count(demo, "candidats_partis") == [("total", len(departed))]

    returns = files(demo, "retour_migrant")
    assert dict(statistics.count(demo, "retours", by="categorie")) == \
        Counter(r["data"]["categorie_retour"] for r in returns)
    assert dict(statistics.count(demo, "retours", by="region")) == Counter(r["data"]["region"] for r in returns)
    assert dict(statistics.count(demo, "reinsertions", by="categorie")) == \
        Counter(r["data"].get("parcours_reintegration") for r in files(demo, "reintegration"))

    yearly = Counter()
    for agency in files(demo, "agences_privees"):
        closed = agency["data"].get("rapports_annuels") or {}
        yearly.update(report["statut"] for report in closed.values())
        if str(agency["data"]["annee_rapport"]) not in closed:
            yearly[agency["data"]["statut_rapport"]] += 1
    assert dict(statistics.count(demo, "rapports_agences", by="categorie")) == yearly

    # What the demo is meant to show.
    assert dict(statistics.count(demo, "departs", by="pays")) == {"ES": 1}
    assert dict(statistics.count(demo, "retours", by="categorie")) == {"volontaire": 2, "involontaire": 1}
    assert dict(statistics.count(demo, "reinsertions", by="categorie")) == {"auto_emploi": 1, "salarie": 1}
    assert yearly == {"en_attente": 2, "en_retard": 2}
    assert dict(statistics.count(demo, "placements_agences", by="sexe")) == {"F": 11, "M": 25}


def test_an_offer_is_followed_from_its_recording_to_a_departure(demo):
    [offer] = instances.list_instances(demo, DIRECTION, process="offre_internationale", business_key="OFF-2026-019")
    chain = instances.get_instance(demo, DIRECTION, offer["id"])["related"]
    assert [c["process_key"] for c in chain] == ["preselection", "mise_en_relation", "selection_finale",
                                                 "aide_au_depart", "aide_au_depart"]
    departures = [instances.get_instance(demo, DIRECTION, c["id"], with_history=True) for c in chain[3:]]
    assert all(d["root_id"] == offer["id"] for d in departures)
    left, staying = sorted(departures, key=lambda d: d["data"]["statut_depart"] != "parti")
    assert (left["status"], left["data"]["statut_depart"]) == ("completed", "parti")
    assert staying["status"] == "running" and staying["data"]["statut_depart"] == "contrat_a_corriger"
    done = [(e["element_id"], e["actor"]) for e in left["history"] if e["kind"] == "task_completed"]
    assert done[0] == ("planifier_depart", "dcim") and done[-2:] == [("enregistrer_depart", "dcim"),
                                                                    ("confirmer_arrivee", "dcim")]
    assert ("convoquer_candidat", "conseiller-bamako") in done
    assert people.get_person(demo, DCIM, left["data"]["candidat"])["region"] == "bamako"


def test_a_second_run_creates_nothing(demo):
    def counts():
        with demo:
            return [demo.session.scalar(select(func.count()).select_from(table))
                    for table in (Instance, Person, TaskRow, AuditEvent, Timer)]

    before = counts()
    again = create_demo_data(demo)
    assert again["created"] is False
    assert counts() == before
    assert all(again["inboxes"][username] for username in WORKERS)


def test_the_demo_work_is_spread_over_the_past_weeks(demo):
    """The files are replayed on the days their steps would have been done: times per step are days, not 0."""
    medians = {(s["process_key"], s["name"]): s["median_days"] for s in statistics.step_durations(demo)}
    # The Spanish offer's contract was checked four days after the convocation (days -37 → -33),
    # the departure recorded three days after the workshop (days -15 → -12).
    assert medians[("aide_au_depart", "verifier_contrat")] > 3
    assert medians[("aide_au_depart", "enregistrer_depart")] > 2
    assert sum(1 for days in medians.values() if days >= 1) >= len(medians) // 2
    with demo:
        session = demo.session
        stamps = session.scalars(select(AuditEvent.at).where(AuditEvent.kind == "task_completed")).all()
        now = datetime.now(timezone.utc)
        assert min(as_utc(at) for at in stamps) < now - timedelta(days=60)
        assert max(as_utc(at) for at in stamps) <= now


def test_the_demo_has_a_country_sheet_and_information_sessions(demo):
    spain = countries.get_country_sheet(demo, DCIM, "ES")
    assert (spain["version"], spain["modifie_par"], spain["regime"]) == (1, "dcim", "accord_bilateral")
    held, planned = (files(demo, "session_information")[i] for i in (1, 0))
    assert (held["business_key"], held["status"], held["data"]["statut_session"]) == ("SI-BKO-2026-03", "completed",
                                                                                     "tenue")
    assert planned["business_key"] == "SI-KYS-2026-04" and planned["status"] == "running"
    attended = sessions_attended(demo, DCIM, held["data"]["participants"][0])
    assert [s["dossier"]["reference"] for s in attended] == ["SI-BKO-2026-03"]


def test_an_offer_agreed_without_display_is_presented_on_cvs_only(demo):
    """OFF-2026-033 shows a newcomer the paths of a negotiation (§7.4): no display task, and an employer who chooses
    on the CVs: DCIM's inbox holds the record of that choice, with no meeting to plan."""
    [offer] = instances.list_instances(demo, DIRECTION, process="offre_internationale", business_key="OFF-2026-033")
    offer = instances.get_instance(demo, DIRECTION, offer["id"], with_history=True)
    assert (offer["data"]["diffusion"], offer["data"]["modalites_presentation"]) == ("sans_affichage", ["envoi_cv"])
    assert [e["details"]["to"] for e in offer["history"] if e["element_id"] == "gw_affichage"] == \
        [["marquer_offre_diffusee"]]
    assert "confirmer_affichage" not in {e["element_id"] for e in offer["history"]}
    assert [c["process_key"] for c in offer["related"]] == ["preselection", "mise_en_relation", "selection_finale"]
    selection = instances.get_instance(demo, DIRECTION, offer["related"][2]["id"])
    assert [(t["name"], t["role"]) for t in selection["tasks"]] == [("enregistrer_selection_sur_dossiers", "dcim")]
    dcim = accounts.get_actor(demo, "dcim")
    assert any(t["instance_id"] == selection["id"] for t in tasks.list_open_tasks(demo, dcim))
