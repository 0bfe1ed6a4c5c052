"""Every path of the private placement agencies procedure (manual §8.2.4): the yearly report awaited after the
activity year on the day the calendar table gives, the reminder before the deadline, the formal notice of a late
report, the report's placements by country, occupation and sex, its control (fees, non-discrimination, ILO C181
art. 5), reports on time and late over consecutive years, and the withdrawal of the licence, proposed by DCIM and
decided by the licensing ministry, that ends the follow-up.

Timers fire through `fire_due_timers(uow, now)` with `now` given; the years are taken after the current one so
that the real clock never fires them.
"""
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import agences_privees_data as data
import pytest
from conftest import BAMAKO, DCIM, deploy_bundled
from offer_flow import complete, history, kinds, task_rows, the_task
from sqlalchemy import select

from engine.authoring.deploy import deploy
from engine.errors import Forbidden, ValidationFailed
from engine.runtime import instances, tasks
from engine.runtime.timers import fire_due_timers
from engine.records import statistics
from engine.store.tables import AgencyPlacement, AgencyReport, Timer, as_utc

PROCESS = "agences_privees"
BUNDLED = Path(__file__).resolve().parents[3] / "bpmn"
FORMS = BUNDLED.parent / "forms"
YEAR = date.today().year + 1  # the first activity year reported on
AGENCY = "Sahel Emploi International SARL"


@pytest.fixture
def agencies(uow):
    deploy_bundled(uow, "agences_privees.bpmn", "agences_privees.dmn")
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


def placements(uow, instance_id):
    with uow:
        return sorted((p.year, p.country, p.occupation, p.sex, p.workers) for p in uow.session.scalars(
            select(AgencyPlacement).where(AgencyPlacement.instance_id == instance_id)))


def report(uow, instance_id, recu_le, lines=data.LIGNES, control=None):
    """DCIM records the report received on `recu_le`, its placement lines, then its control."""
    after = complete(uow, DCIM, instance_id, "receptionner_rapport", data.rapport(recu_le, placements=bool(lines)))
    for number, (country, occupation, women, men) in enumerate(lines, start=1):
        after = complete(uow, DCIM, instance_id, "detailler_placements",
                         data.ligne(country, occupation, women, men, autre=number < len(lines)))
    return complete(uow, DCIM, instance_id, "controler_rapport", control or data.controle())


def registered(uow, key="AGR-2024-017/MTFP"):
    instance_id = instances.start_instance(uow, DCIM, PROCESS, key)["id"]
    complete(uow, DCIM, instance_id, "enregistrer_agence", data.enregistrer_agence(YEAR))
    return instance_id


def only(after, name):
    [task] = after["tasks"]
    assert task["name"] == name, after["tasks"]
    return task


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

    lines = complete(agencies, DCIM, instance_id, "receptionner_rapport", data.rapport(f"{YEAR + 1}-01-28"))
    line_task = only(lines, "detailler_placements")
    assert (line_task["title"], line_task["manual_section"]) == (
        "Saisir les placements du rapport par pays, métier et sexe", "8.2.4, 5.3")
    complete(agencies, DCIM, instance_id, "detailler_placements", data.ligne("SA", "5321", 12, 0, True))
    again = the_task(agencies, DCIM, instance_id, "detailler_placements")
    assert tasks.get_task(agencies, DCIM, again["id"])["data"]["pays_placement"] is None  # a fresh line
    control = only(complete(agencies, DCIM, instance_id, "detailler_placements",
                            data.ligne("QA", "8332", 0, 30, False)), "controler_rapport")
    assert (control["title"], control["manual_section"]) == (
        "Contrôler le rapport : frais et non-discrimination", "8.2.4, 8.2.7")
    after = complete(agencies, DCIM, instance_id, "controler_rapport", data.controle())
    assert after["status"] == "waiting"
    assert after["data"]["rapports_annuels"][str(YEAR)] == {
        "annee": YEAR, "echeance": f"{YEAR + 1}-01-31", "recu_le": f"{YEAR + 1}-01-28", "placements": 42,
        "femmes": 12, "hommes": 30, "lignes": [
            {"pays": "SA", "metier": "5321", "femmes": 12, "hommes": 0},
            {"pays": "QA", "metier": "8332", "femmes": 0, "hommes": 30}],
        "frais_factures": False, "discrimination": False, "statut": "a_temps", "mises_en_demeure": 0}
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

    after = report(agencies, instance_id, f"{YEAR + 2}-02-15", lines=[("CI", "7112", 0, 8)])
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
        ["gw_vers_annee_suivante"], ["gw_vers_annee_suivante"]]
    assert [e["details"]["to"] for e in events if e["element_id"] == "gw_suite_retard"] == [["gw_attente_rapport"]]
    completed = [e for e in events if e["kind"] == "task_completed"]
    assert [e["element_id"] for e in completed] == [
        "enregistrer_agence", "relancer_agence", "receptionner_rapport", "detailler_placements",
        "detailler_placements", "controler_rapport", "relancer_agence", "mettre_en_demeure", "receptionner_rapport",
        "detailler_placements", "controler_rapport"]
    assert completed[4]["changes"]["hommes_places"] == {"old": None, "new": 30}
    assert completed[9]["changes"]["hommes_places"] == {"old": None, "new": 8}
    assert completed[10]["changes"]["suite_controle"] == {"old": None, "new": "maintien"}
    assert completed[7]["changes"]["suite_retard"] == {"old": None, "new": "mise_en_demeure"}
    # The placements of each closed year, by country, occupation and sex, and the statistics drawn from them.
    assert placements(agencies, instance_id) == [
        (YEAR, "QA", "8332", "M", 30), (YEAR, "SA", "5321", "F", 12),
        (YEAR + 1, "CI", "7112", "M", 8)]
    assert statistics.count(agencies, "placements_agences", by="sexe") == [("F", 12), ("M", 38)]
    assert statistics.count(agencies, "placements_agences", by="pays", start=date(YEAR, 1, 1),
                            end=date(YEAR, 12, 31)) == [("QA", 30), ("SA", 12)]
    assert statistics.count(agencies, "placements_agences", by="metier") == [  # by CITP-08 code
        ("5321", 12), ("7112", 8), ("8332", 30)]


def test_a_control_finding_discrimination_proposes_a_withdrawal_the_ministry_decides(agencies):
    instance_id = registered(agencies)
    open_report(agencies, instance_id, YEAR)
    complete(agencies, DCIM, instance_id, "receptionner_rapport", data.rapport(f"{YEAR + 1}-01-30", placements=False))
    control = the_task(agencies, DCIM, instance_id, "controler_rapport")  # no placement: no line to enter
    refused = data.controle(discrimination=True)
    del refused["motifs_discrimination"], refused["observations_controle"]
    with pytest.raises(ValidationFailed) as error:
        tasks.complete_task(agencies, DCIM, control["id"], refused)
    assert sorted(e.field for e in error.value.errors) == ["motifs_discrimination", "observations_controle"]
    proposed = tasks.complete_task(agencies, DCIM, control["id"],
                                   data.controle("proposition_retrait", frais=True, discrimination=True))

    # DCIM proposes; the licence is the ministry's to withdraw: the file waits for its decision.
    decide = only(proposed, "enregistrer_decision_ministere")
    assert (decide["title"], decide["role"], decide["manual_section"]) == (
        "Enregistrer la décision du ministère sur le retrait de l'agrément", "dcim", "8.2.4, 4")
    assert proposed["data"]["statut_agence"] == "agreee"
    assert tasks.get_task(agencies, DCIM, decide["id"])["data"]["ministere_agrement"] == data.MINISTERE
    done = complete(agencies, DCIM, instance_id, "enregistrer_decision_ministere", data.decision("retrait"))

    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["statut_agence"] == "agrement_retire"
    assert done["data"]["retrait_agrement"] == {"ministere": data.MINISTERE, "autorite": "Le Ministre, Mme Assétou "
                                                "Sangaré", "reference": "Arrêté n° 2026-0315/MEFP-SG",
                                                "date": "2026-03-02"}
    assert done["data"]["rapports_annuels"][str(YEAR)]["discrimination"] is True
    events = history(agencies, instance_id)
    assert kinds(events)[-3:] == [
        ("task_completed", "enregistrer_decision_ministere"), ("gateway_taken", "gw_decision_ministere"),
        ("instance_completed", "fin_agrement_retire")]
    decided = [e for e in events if e["element_id"] == "enregistrer_decision_ministere"][-1]
    assert decided["actor"] == "dcim"
    assert decided["changes"]["reference_decision"] == {"old": None, "new": "Arrêté n° 2026-0315/MEFP-SG"}
    assert [e["details"]["to"] for e in events if e["element_id"] == "gw_agrement"] == [["gw_retrait"]]
    assert reports(agencies, instance_id) == [
        (YEAR, AGENCY, date(YEAR + 1, 1, 31), date(YEAR + 1, 1, 30), 0, "a_temps")]
    assert placements(agencies, instance_id) == []
    assert waiting_on(agencies, instance_id) == []


def test_when_the_ministry_keeps_the_licence_the_follow_up_goes_on(agencies):
    instance_id = registered(agencies)
    open_report(agencies, instance_id, YEAR)
    report(agencies, instance_id, f"{YEAR + 1}-01-30", control=data.controle("proposition_retrait", frais=True))
    after = complete(agencies, DCIM, instance_id, "enregistrer_decision_ministere", data.decision("maintien"))

    assert after["status"] == "waiting" and after["data"]["statut_agence"] == "agreee"
    assert waiting_on(agencies, instance_id) == [("attendre_fin_annee", at(YEAR + 2, 1, 1, 0))]
    assert [e["details"]["to"] for e in history(agencies, instance_id) if e["element_id"] == "gw_suite_maintien"] == [
        ["gw_vers_annee_suivante"]]


def test_the_report_calendar_is_a_setting_of_the_decision_table(agencies):
    """A process owner moves the deadline to 31 March (reminder on the 15th) by editing the table and deploying."""
    table = (BUNDLED / "agences_privees.dmn").read_text(encoding="utf-8")
    edited = table.replace('"01-31"', '"03-31"').replace('"01-24"', '"03-15"')
    assert edited != table
    deploy(agencies, {"agences_privees.bpmn": (BUNDLED / "agences_privees.bpmn").read_bytes(),
                      "agences_privees.dmn": edited.encode()}, "proprietaire", forms_dir=FORMS)
    instance_id = registered(agencies)
    assert fire(agencies, at(YEAR + 1, 1, 1, 0, 30)) == ["attendre_fin_annee"]
    task = the_task(agencies, DCIM, instance_id, "receptionner_rapport")
    assert datetime.fromisoformat(task["due_at"]) == at(YEAR + 1, 3, 31, 23, 59, 59)
    assert waiting_on(agencies, instance_id) == [("rappel_avant_echeance", at(YEAR + 1, 3, 15, 0)),
                                                 ("retard_rapport", at(YEAR + 1, 3, 31, 23, 59, 59))]
    [decision] = [e for e in history(agencies, instance_id) if e["kind"] == "decision_taken"]
    assert decision["element_id"] == "calendrier_rapport"


def test_a_reminder_done_after_the_report_changes_nothing_recorded(agencies):
    instance_id = registered(agencies)
    open_report(agencies, instance_id, YEAR)
    assert fire(agencies, at(YEAR + 1, 1, 24, 9)) == ["rappel_avant_echeance"]
    report(agencies, instance_id, f"{YEAR + 1}-01-27")
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
    proposed = complete(agencies, DCIM, instance_id, "mettre_en_demeure",
                        data.proposition_retrait(f"{YEAR + 1}-02-21"))
    assert proposed["data"]["statut_agence"] == "agreee"
    # The ministry keeps the licence at first: a new formal notice, then a second proposal it accepts.
    kept = complete(agencies, DCIM, instance_id, "enregistrer_decision_ministere", data.decision("maintien"))
    only_names = sorted(t["name"] for t in kept["tasks"])
    assert only_names == ["mettre_en_demeure", "relancer_agence"]
    complete(agencies, DCIM, instance_id, "mettre_en_demeure", data.proposition_retrait(f"{YEAR + 1}-03-10"))
    done = complete(agencies, DCIM, instance_id, "enregistrer_decision_ministere", data.decision("retrait"))

    # Withdrawing the licence ends the follow-up, and the reminder nobody sent with it.
    assert done["status"] == "completed" and done["tasks"] == []
    assert done["data"]["mises_en_demeure"] == 1 and done["data"]["statut_agence"] == "agrement_retire"
    events = history(agencies, instance_id)
    assert [e["details"]["to"] for e in events if e["element_id"] == "gw_suite_retard"] == [
        ["gw_attente_rapport"], ["gw_retrait"], ["gw_retrait"]]
    assert [e["details"]["to"] for e in events if e["element_id"] == "gw_suite_maintien"] == [
        ["gw_vers_mise_en_demeure"]]
    assert kinds(events)[-1] == ("instance_completed", "fin_agrement_retire")
    assert reports(agencies, instance_id) == [(YEAR, AGENCY, date(YEAR + 1, 1, 31), None, None, "en_retard")]
    assert waiting_on(agencies, instance_id) == []
    assert [(r["name"], r["state"]) for r in task_rows(agencies, instance_id) if r["id"] == reminder["id"]] == [
        ("relancer_agence", "cancelled")]
    assert [r["name"] for r in task_rows(agencies, instance_id) if r["state"] == "ready"] == []
