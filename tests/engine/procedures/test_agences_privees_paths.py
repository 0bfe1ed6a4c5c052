"""Every path of the private placement agencies procedure (manual §8.2.4): the yearly report awaited after the
activity year, the reminder a week before the deadline, the formal notice of a late report, reports on time and
late over consecutive years, and the withdrawal of the licence that ends the follow-up.

Timers fire through `fire_due_timers(uow, now)` with `now` given; the years are taken after the current one so
that the real clock never fires them.
"""
from datetime import date, datetime, timedelta, timezone

import agences_privees_data as data
import pytest
from conftest import BAMAKO, DCIM, deploy_bundled
from offer_flow import complete, history, kinds, task_rows, the_task
from sqlalchemy import select

from engine.errors import Forbidden
from engine.runtime import instances, tasks
from engine.runtime.timers import fire_due_timers
from engine.store.tables import AgencyReport, Timer, as_utc

PROCESS = "agences_privees"
YEAR = date.today().year + 1  # the first activity year reported on
AGENCY = "Sahel Emploi International SARL"


@pytest.fixture
def agencies(uow):
    deploy_bundled(uow, "agences_privees.bpmn")
    return uow


def at(year, month, day, hour=8, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


def fire(uow, moment):
    """Fire what is due at `moment`; the elements of the BPMN timers that fired."""
    with uow:
        due = {t.id: t.element_id for t in uow.session.scalars(
            select(Timer).where(Timer.status == "pending", Timer.kind == "bpmn", Timer.due_at <= moment))}
    return sorted(due[timer_id] for timer_id, outcome in fire_due_timers(uow, moment)
                  if outcome == "fired" and timer_id in due)


def waiting_on(uow, instance_id):
    """The BPMN timers the file waits on: (element, due time)."""
    with uow:
        return sorted((t.element_id, as_utc(t.due_at)) for t in uow.session.scalars(
            select(Timer).where(Timer.instance_id == instance_id, Timer.kind == "bpmn", Timer.status == "pending")))


def reports(uow, instance_id):
    with uow:
        return [(r.year, r.agency, r.due_on, r.received_on, r.placements, r.status) for r in uow.session.scalars(
            select(AgencyReport).where(AgencyReport.instance_id == instance_id).order_by(AgencyReport.year))]


def registered(uow, key="AGR-2024-017/MTFP"):
    instance_id = instances.start_instance(uow, DCIM, PROCESS, key)["id"]
    complete(uow, DCIM, instance_id, "enregistrer_agence", data.enregistrer_agence(YEAR))
    return instance_id


def open_report(uow, instance_id, year):
    """Let the activity year `year` end: the report is then awaited."""
    assert fire(uow, at(year + 1, 1, 1, 0, 30)) == ["attendre_fin_annee"]
    return the_task(uow, DCIM, instance_id, "receptionner_rapport")


def test_an_agency_is_recorded_then_awaits_the_end_of_its_activity_year(agencies):
    with pytest.raises(Forbidden):
        instances.start_instance(agencies, BAMAKO, PROCESS, "AGR-2024-017/MTFP")
    started = instances.start_instance(agencies, DCIM, PROCESS, "AGR-2024-017/MTFP")
    [first] = started["tasks"]
    assert (first["name"], first["title"], first["role"], first["region"], first["manual_section"]) == (
        "enregistrer_agence", "Enregistrer l'agence privée de placement", "dcim", None, "8.2.4, 5.3")
    assert first["due_at"] is None
    assert reports(agencies, started["id"]) == []  # no agency name yet

    waiting = complete(agencies, DCIM, started["id"], "enregistrer_agence", data.enregistrer_agence(YEAR))
    assert waiting["status"] == "waiting" and waiting["tasks"] == []
    assert waiting["data"]["statut_agence"] == "agreee" and waiting["data"]["annee_rapport"] == YEAR
    assert waiting_on(agencies, started["id"]) == [("attendre_fin_annee", at(YEAR + 1, 1, 1, 0))]
    assert reports(agencies, started["id"]) == [(YEAR, AGENCY, date(YEAR + 1, 1, 31), None, None, "en_attente")]

    assert fire(agencies, at(YEAR, 12, 31, 23, 59)) == []
    task = open_report(agencies, started["id"], YEAR)
    assert (task["title"], task["role"], task["region"], task["manual_section"]) == (
        "Réceptionner le rapport annuel d'activité", "dcim", None, "8.2.4, 5.3")
    assert datetime.fromisoformat(task["due_at"]) == at(YEAR + 1, 1, 31, 23, 59, 59)
    assert waiting_on(agencies, started["id"]) == [("rappel_avant_echeance", at(YEAR + 1, 1, 24, 0)),
                                                   ("retard_rapport", at(YEAR + 1, 1, 31, 23, 59, 59))]
    assert instances.get_instance(agencies, DCIM, started["id"])["status"] == "running"


def test_two_years_one_report_on_time_after_a_reminder_then_one_late_after_a_formal_notice(agencies):
    instance_id = registered(agencies)

    # Year one: a reminder a week before the deadline, then the report on time.
    report_task = open_report(agencies, instance_id, YEAR)
    assert fire(agencies, at(YEAR + 1, 1, 23, 23)) == []
    assert fire(agencies, at(YEAR + 1, 1, 24, 9)) == ["rappel_avant_echeance"]
    remind = the_task(agencies, DCIM, instance_id, "relancer_agence")
    assert (remind["title"], remind["manual_section"]) == ("Rappeler à l'agence l'envoi de son rapport", "8.2.4")
    assert datetime.fromisoformat(remind["due_at"]) - datetime.fromisoformat(remind["created_at"]) == \
        timedelta(days=2)
    assert the_task(agencies, DCIM, instance_id, "receptionner_rapport")["id"] == report_task["id"]  # still open
    reminded = complete(agencies, DCIM, instance_id, "relancer_agence", data.relance(f"{YEAR + 1}-01-24"))
    assert reminded["status"] == "running" and [t["id"] for t in reminded["tasks"]] == [report_task["id"]]

    after = tasks.complete_task(agencies, DCIM, report_task["id"], data.rapport(f"{YEAR + 1}-01-28"))
    assert after["status"] == "waiting"
    assert after["data"]["rapports_annuels"][str(YEAR)] == {
        "annee": YEAR, "echeance": f"{YEAR + 1}-01-31", "recu_le": f"{YEAR + 1}-01-28", "placements": 42,
        "femmes": 12, "hommes": 30, "statut": "a_temps", "mises_en_demeure": 0}
    assert after["data"]["date_reception_rapport"] is None  # the next year's form starts empty
    assert reports(agencies, instance_id) == [
        (YEAR, AGENCY, date(YEAR + 1, 1, 31), date(YEAR + 1, 1, 28), 42, "a_temps"),
        (YEAR + 1, AGENCY, date(YEAR + 2, 1, 31), None, None, "en_attente")]
    assert waiting_on(agencies, instance_id) == [("attendre_fin_annee", at(YEAR + 2, 1, 1, 0))]

    # Year two: nothing by the deadline, a formal notice, then the report late.
    report_task = open_report(agencies, instance_id, YEAR + 1)
    assert tasks.get_task(agencies, DCIM, report_task["id"])["data"]["date_reception_rapport"] is None
    assert fire(agencies, at(YEAR + 2, 1, 24, 9)) == ["rappel_avant_echeance"]
    complete(agencies, DCIM, instance_id, "relancer_agence", data.relance(f"{YEAR + 2}-01-24"))
    assert fire(agencies, at(YEAR + 2, 2, 1, 8)) == ["retard_rapport"]

    notice = the_task(agencies, DCIM, instance_id, "mettre_en_demeure")
    assert (notice["title"], notice["manual_section"]) == ("Mettre l'agence en demeure", "8.2.4")
    assert datetime.fromisoformat(notice["due_at"]) - datetime.fromisoformat(notice["created_at"]) == \
        timedelta(days=5)
    assert [r["state"] for r in task_rows(agencies, instance_id) if r["id"] == report_task["id"]] == ["cancelled"]
    assert reports(agencies, instance_id)[1] == (YEAR + 1, AGENCY, date(YEAR + 2, 1, 31), None, None, "en_retard")

    again = complete(agencies, DCIM, instance_id, "mettre_en_demeure",
                     data.mise_en_demeure(f"{YEAR + 2}-02-02", f"{YEAR + 2}-02-20"))
    [late_task] = again["tasks"]
    assert late_task["name"] == "receptionner_rapport" and late_task["id"] != report_task["id"]
    assert datetime.fromisoformat(late_task["due_at"]) == at(YEAR + 2, 2, 20, 23, 59, 59)
    assert waiting_on(agencies, instance_id) == [("rappel_avant_echeance", at(YEAR + 2, 2, 20, 0)),
                                                 ("retard_rapport", at(YEAR + 2, 2, 20, 23, 59, 59))]

    after = complete(agencies, DCIM, instance_id, "receptionner_rapport",
                     data.rapport(f"{YEAR + 2}-02-15", femmes=0, hommes=8))
    assert after["status"] == "waiting"
    assert after["data"]["rapports_annuels"][str(YEAR + 1)]["statut"] == "en_retard"
    assert after["data"]["rapports_annuels"][str(YEAR + 1)]["mises_en_demeure"] == 1
    assert reports(agencies, instance_id) == [
        (YEAR, AGENCY, date(YEAR + 1, 1, 31), date(YEAR + 1, 1, 28), 42, "a_temps"),
        (YEAR + 1, AGENCY, date(YEAR + 2, 1, 31), date(YEAR + 2, 2, 15), 8, "en_retard"),
        (YEAR + 2, AGENCY, date(YEAR + 3, 1, 31), None, None, "en_attente")]

    events = history(agencies, instance_id)
    assert [e["element_id"] for e in events if e["kind"] == "timer_fired"] == [
        "attendre_fin_annee", "rappel_avant_echeance", "attendre_fin_annee", "rappel_avant_echeance",
        "retard_rapport"]
    assert [e["details"]["to"] for e in events if e["element_id"] == "gw_agrement"] == [
        ["passer_annee_suivante"], ["passer_annee_suivante"]]
    assert [e["details"]["to"] for e in events if e["element_id"] == "gw_suite_retard"] == [["gw_attente_rapport"]]
    completed = [e for e in events if e["kind"] == "task_completed"]
    assert [e["element_id"] for e in completed] == [
        "enregistrer_agence", "relancer_agence", "receptionner_rapport", "relancer_agence", "mettre_en_demeure",
        "receptionner_rapport"]
    assert completed[2]["changes"]["placements_hommes"] == {"old": None, "new": 30}
    assert completed[5]["changes"]["placements_hommes"] == {"old": None, "new": 8}
    assert completed[4]["changes"]["suite_retard"] == {"old": None, "new": "mise_en_demeure"}


def test_withdrawing_the_licence_after_the_report_ends_the_follow_up(agencies):
    instance_id = registered(agencies)
    open_report(agencies, instance_id, YEAR)
    done = complete(agencies, DCIM, instance_id, "receptionner_rapport",
                    data.rapport(f"{YEAR + 1}-01-30", suite="retrait_agrement"))

    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_agence"] == "agrement_retire"
    assert kinds(history(agencies, instance_id))[-4:] == [
        ("task_completed", "receptionner_rapport"), ("gateway_taken", "gw_agrement"),
        ("gateway_taken", "gw_retrait"), ("instance_completed", "fin_agrement_retire")]
    assert history(agencies, instance_id)[-3]["details"]["to"] == ["gw_retrait"]
    assert reports(agencies, instance_id) == [
        (YEAR, AGENCY, date(YEAR + 1, 1, 31), date(YEAR + 1, 1, 30), 42, "a_temps")]
    assert waiting_on(agencies, instance_id) == []


def test_a_reminder_done_after_the_report_changes_nothing_recorded(agencies):
    instance_id = registered(agencies)
    open_report(agencies, instance_id, YEAR)
    assert fire(agencies, at(YEAR + 1, 1, 24, 9)) == ["rappel_avant_echeance"]
    complete(agencies, DCIM, instance_id, "receptionner_rapport", data.rapport(f"{YEAR + 1}-01-27"))
    expected = [(YEAR, AGENCY, date(YEAR + 1, 1, 31), date(YEAR + 1, 1, 27), 42, "a_temps"),
                (YEAR + 1, AGENCY, date(YEAR + 2, 1, 31), None, None, "en_attente")]
    assert reports(agencies, instance_id) == expected

    # The reminder, still open, is done the day after: its branch's data predates the report.
    after = complete(agencies, DCIM, instance_id, "relancer_agence", data.relance(f"{YEAR + 1}-01-28"))
    assert after["status"] == "waiting"
    assert after["data"]["statut_rapport"] == "en_attente" and after["data"]["annee_rapport"] == YEAR  # older
    assert reports(agencies, instance_id) == expected
    assert waiting_on(agencies, instance_id) == [("attendre_fin_annee", at(YEAR + 2, 1, 1, 0))]
    assert open_report(agencies, instance_id, YEAR + 1)["name"] == "receptionner_rapport"
    assert reports(agencies, instance_id) == expected


def test_an_agency_ignoring_the_notice_is_reminded_escalated_again_and_loses_its_licence(agencies):
    instance_id = registered(agencies)
    open_report(agencies, instance_id, YEAR)
    assert fire(agencies, at(YEAR + 1, 2, 1, 8)) == ["rappel_avant_echeance", "retard_rapport"]
    assert reports(agencies, instance_id) == [(YEAR, AGENCY, date(YEAR + 1, 1, 31), None, None, "en_retard")]
    # The reminder that fell due with the deadline is still to be sent; the notice comes first.
    complete(agencies, DCIM, instance_id, "mettre_en_demeure",
             data.mise_en_demeure(f"{YEAR + 1}-02-02", f"{YEAR + 1}-02-20"))
    complete(agencies, DCIM, instance_id, "relancer_agence", data.relance(f"{YEAR + 1}-02-02"))
    assert reports(agencies, instance_id) == [(YEAR, AGENCY, date(YEAR + 1, 1, 31), None, None, "en_retard")]

    # On the new deadline's day the agency is reminded; the day after, the delay is noted again.
    assert fire(agencies, at(YEAR + 1, 2, 20, 7)) == ["rappel_avant_echeance"]
    reminder = the_task(agencies, DCIM, instance_id, "relancer_agence")
    assert fire(agencies, at(YEAR + 1, 2, 21, 8)) == ["retard_rapport"]
    done = complete(agencies, DCIM, instance_id, "mettre_en_demeure", data.retrait(f"{YEAR + 1}-02-21"))

    # Withdrawing the licence ends the follow-up, and the reminder nobody sent with it.
    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["mises_en_demeure"] == 2 and done["data"]["statut_agence"] == "agrement_retire"
    events = history(agencies, instance_id)
    assert [e["details"]["to"] for e in events if e["element_id"] == "gw_suite_retard"] == [
        ["gw_attente_rapport"], ["gw_retrait"]]
    assert kinds(events)[-1] == ("instance_completed", "fin_agrement_retire")
    assert reports(agencies, instance_id) == [(YEAR, AGENCY, date(YEAR + 1, 1, 31), None, None, "en_retard")]
    assert waiting_on(agencies, instance_id) == []
    assert [(r["name"], r["state"]) for r in task_rows(agencies, instance_id) if r["id"] == reminder["id"]] == [
        ("relancer_agence", "cancelled")]
    assert [r["name"] for r in task_rows(agencies, instance_id) if r["state"] == "ready"] == []
