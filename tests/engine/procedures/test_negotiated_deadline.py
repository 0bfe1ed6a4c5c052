"""The deadline negotiated with the employer (« délai de satisfaction », manual §7.4; issue 15, point 12) caps the
deadlines of the steps before the list is sent (`dueBy`), and the dates typed later in the file are compared with
the dates typed earlier (`x-date-order` reading the file's data): the applications close on or before the deadline,
the tests come after the last closing and on or before the deadline, so that no step is due before the date it
waits for."""
from datetime import date, timedelta

import mise_en_relation_data as presentation_data
import offer_data
import preselection_data as data
import pytest
from conftest import BAMAKO, DCIM, KAYES, actor
from offer_flow import complete, start_offer
from preselection_flow import preselection_of, presentation_of, register_candidates, the_child

from engine.errors import ValidationFailed

EVALUATOR = actor("evaluateur", "evaluateur")
SOON = (date.today() + timedelta(days=4)).isoformat()  # sooner than any step's own delay
DEADLINE_TITLE = "Délai de satisfaction de l'offre"


def end_of(day):
    return f"{day}T23:59:59+00:00"


def refused(uow, actor, instance_id, name, submission):
    with pytest.raises(ValidationFailed) as err:
        complete(uow, actor, instance_id, name, submission)
    return [(e.field, e.code, e.params) for e in err.value.errors]


def test_the_negotiated_deadline_caps_the_offer_and_preselection_steps_before_it(deployed):
    offer_id = start_offer(deployed, "OFF-2025-0901")["id"]
    complete(deployed, DCIM, offer_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    complete(deployed, DCIM, offer_id, "verifier_employeur", offer_data.verifier_credible())
    agreed = complete(deployed, DCIM, offer_id, "negocier_offre", {**offer_data.negocier_accord(), "delai_satisfaction": SOON})
    # The transmission (2 days) is due before the deadline: its own delay stands.
    [transmit] = agreed["tasks"]
    assert transmit["name"] == "transmettre_offre" and transmit["due_at"] < end_of(SOON)
    shown = complete(deployed, DCIM, offer_id, "transmettre_offre", offer_data.transmettre("bamako"))
    # Displaying (3 days) is due before the deadline too; collecting the applications (15 days) is not: capped.
    [display] = shown["tasks"]
    assert display["name"] == "confirmer_affichage" and display["due_at"] < end_of(SOON)
    complete(deployed, BAMAKO, offer_id, "confirmer_affichage", offer_data.confirmer_affichage())
    [preselection] = the_child(deployed, offer_id, "preselection")["tasks"]
    assert preselection["name"] == "recueillir_candidatures" and preselection["due_at"] == end_of(SOON)


def test_a_closing_date_after_the_deadline_is_refused_and_the_preselection_is_due_by_the_deadline(deployed):
    persons = register_candidates(deployed, "bamako", 2)
    deadline = "2025-02-18"
    _offer, preselection = preselection_of(deployed, "OFF-2025-0902", "bamako",
                                           negotiation={**offer_data.negocier_accord(), "delai_satisfaction": deadline})
    pid = preselection["id"]

    # Closing the applications after the negotiated deadline: refused on the closing date, naming the deadline.
    assert refused(deployed, BAMAKO, pid, "recueillir_candidatures", data.recueillir(persons, cloture="2025-02-19")) == [
        ("date_cloture_candidatures", "date_after_file", {"other": DEADLINE_TITLE, "date": deadline})]
    # On the deadline itself: accepted; the preselection (a week after the closing) is due by the deadline.
    after = complete(deployed, BAMAKO, pid, "recueillir_candidatures", data.recueillir(persons, cloture="2025-02-14"))
    [preselect] = after["tasks"]
    assert preselect["name"] == "preselectionner_candidats" and preselect["due_at"] == end_of(deadline)


def test_the_tests_come_after_the_last_closing_and_by_the_deadline(deployed):
    bamako, kayes = register_candidates(deployed, "bamako", 2), register_candidates(deployed, "kayes", 2)
    deadline = "2025-02-26"
    _offer, preselection = preselection_of(deployed, "OFF-2025-0903", "bamako", "kayes",
                                           negotiation={**offer_data.negocier_accord(), "delai_satisfaction": deadline})
    pid = preselection["id"]
    complete(deployed, BAMAKO, pid, "recueillir_candidatures", data.recueillir(bamako, cloture="2025-02-14"))
    complete(deployed, KAYES, pid, "recueillir_candidatures", data.recueillir(kayes, cloture="2025-02-20"))
    complete(deployed, BAMAKO, pid, "preselectionner_candidats", data.preselectionner(bamako))
    consolidated = complete(deployed, KAYES, pid, "preselectionner_candidats", data.preselectionner(kayes))
    assert consolidated["data"]["cloture_candidatures"] == "2025-02-20"  # the last region's

    # Before Kayes's closing: refused, naming the closing date; after the deadline: refused, naming the deadline.
    assert refused(deployed, EVALUATOR, pid, "preparer_tests", {**data.preparer_tests(), "date_tests": "2025-02-19"}) == [
        ("date_tests", "date_before_file",
         {"other": "Date de clôture du recueil des candidatures", "date": "2025-02-20"})]
    assert refused(deployed, EVALUATOR, pid, "preparer_tests", {**data.preparer_tests(), "date_tests": "2025-02-27"}) == [
        ("date_tests", "date_after_file", {"other": DEADLINE_TITLE, "date": deadline})]
    # Tests on 24 February: each evaluation would be due five days later, the deadline (26 February) comes first.
    evaluations = complete(deployed, EVALUATOR, pid, "preparer_tests", data.preparer_tests())
    assert {t["due_at"] for t in evaluations["tasks"]} == {end_of(deadline)}


def test_the_presentation_steps_are_due_by_the_deadline(deployed):
    _offer, _pid, presentation, candidates = presentation_of(deployed, "OFF-2025-0904", {"bamako": 1}, posts=1,
                                                             deadline=SOON)
    [check] = presentation["tasks"]
    # Checking the files (3 days) is due before the deadline; completing them (5 days) is capped by it.
    assert check["name"] == "verifier_dossiers" and check["due_at"] < end_of(SOON)
    returned = complete(deployed, DCIM, presentation["id"], "verifier_dossiers",
                        presentation_data.dossiers_incomplets(candidates["bamako"]))
    [complete_files] = returned["tasks"]
    assert complete_files["name"] == "completer_dossiers" and complete_files["due_at"] == end_of(SOON)
