"""The departure documents depend on the destination (manual §8.2.8, issue 15 point 1) and a medical finding
"inapte" stops the departure (point 4): the documents the task asks for come from DCIM's country sheets
(visa and work permit per country, with the free-movement regime that applies to Malians), the counsellor may
add others, and DCIM's edits of a sheet are versioned and audited."""
from datetime import timedelta

import aide_au_depart_data as data
import pytest
from conftest import BAMAKO, DCIM, deploy_bundled
from offer_flow import complete, history, kinds, open_tasks
from sqlalchemy import select

from engine import people
from engine.definitions import countries
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.runtime import instances, tasks
from engine.runtime.timers import fire_due_timers
from engine.store.tables import AuditEvent, Departure, utcnow

ALL = list(data.DOCUMENTS)
WITHOUT_VISA_OR_PERMIT = [d for d in ALL if d not in ("visa_travail", "permis_travail")]


@pytest.fixture
def depart(uow):
    deploy_bundled(uow, "aide_au_depart.bpmn")
    return uow


def at_documents(uow, country):
    """A departure file to `country`, its contract checked: its first documents follow-up is open."""
    person = people.register_person(uow, DCIM, data.personne_bamako())
    file_id = instances.start_instance(uow, DCIM, "aide_au_depart", f"DEP-{country}",
                                       {**data.donnees_selection(person), "pays_destination": country})["id"]
    complete(uow, DCIM, file_id, "planifier_depart", data.planifier(atelier=False))
    complete(uow, BAMAKO, file_id, "convoquer_candidat", data.convoquer())
    complete(uow, DCIM, file_id, "verifier_contrat", data.contrat())
    return file_id


def sheet_data(**changes):
    return {"regime": "cedeao_transitoire", "visa": False, "permis_travail": False,
            "cadre_legal": "Libre circulation maintenue à titre transitoire ; contrat visé par l'inspection du travail.",
            "conditions_vie_travail": "Coût du logement élevé à Dakar.",
            "adresses_utiles": "Ambassade du Mali à Dakar, avenue Pompidou.", **changes}


def test_the_bundled_country_data_says_what_each_destination_requires(uow):
    with uow:
        session = uow.session
        assert countries.required_documents(session, "SN") == WITHOUT_VISA_OR_PERMIT  # ECOWAS, transitional
        assert countries.required_documents(session, "BF") == WITHOUT_VISA_OR_PERMIT  # AES
        assert countries.required_documents(session, "ES") == ALL  # bilateral agreement, visa and permit
        assert countries.required_documents(session, "MA") == [d for d in ALL if d != "visa_travail"]
        assert countries.required_documents(session, "US") == ALL  # not in the data: the general rules
        assert countries.required_documents(session, "XX") == ALL  # no country
        assert countries.sheet_of(session, "NE")["regime"] == "aes" and countries.sheet_of(session, "NE")["par_defaut"]
    assert "29 janvier 2025" in countries.regimes()["cedeao_transitoire"]["fr"]


def test_a_departure_to_an_ecowas_country_needs_neither_visa_nor_work_permit(depart):
    file_id = at_documents(depart, "SN")
    [point] = open_tasks(depart, BAMAKO, file_id, "verifier_documents")
    task = tasks.get_task(depart, BAMAKO, point["id"])
    assert task["data"]["documents_requis"] == WITHOUT_VISA_OR_PERMIT
    titles = {c["const"]: c["title"] for c in task["form"]["schema"]["properties"]["documents_obtenus"]["items"]["oneOf"]}
    assert titles["passeport_biometrique"].endswith("— exigé") and not titles["visa_travail"].endswith("— exigé")
    with pytest.raises(ValidationFailed) as refused:  # the medical certificate is still required
        complete(depart, BAMAKO, file_id, "verifier_documents",
                 {**data.documents_complets(), "documents_obtenus": [d for d in WITHOUT_VISA_OR_PERMIT
                                                                     if d != "certificat_medical"]})
    assert [(e.field, e.code) for e in refused.value.errors] == [("documents_obtenus", "contains")]

    ready = complete(depart, BAMAKO, file_id, "verifier_documents",
                     {**data.documents_complets(), "documents_obtenus": WITHOUT_VISA_OR_PERMIT})
    assert [t["name"] for t in ready["tasks"]] == ["enregistrer_depart"]


def test_other_documents_the_counsellor_adds_must_be_gathered_too(depart):
    file_id = at_documents(depart, "BF")
    asked = {**data.documents_complets(), "documents_obtenus": WITHOUT_VISA_OR_PERMIT,
             "autres_documents": "Attestation d'hébergement demandée par l'employeur"}
    with pytest.raises(ValidationFailed) as refused:
        complete(depart, BAMAKO, file_id, "verifier_documents", asked)
    assert [(e.field, e.code) for e in refused.value.errors] == [("autres_documents_reunis", "required")]
    ready = complete(depart, BAMAKO, file_id, "verifier_documents", {**asked, "autres_documents_reunis": True})
    assert [t["name"] for t in ready["tasks"]] == ["enregistrer_depart"]


def test_dcim_edits_a_sheet_and_the_next_follow_up_asks_for_what_it_says(depart):
    file_id = at_documents(depart, "SN")
    complete(depart, BAMAKO, file_id, "verifier_documents", data.documents_en_attente())
    with pytest.raises(Forbidden):
        countries.update_country_sheet(depart, BAMAKO, "SN", sheet_data(), 0)
    with pytest.raises(NotFound):
        countries.update_country_sheet(depart, DCIM, "XX", sheet_data(), 0)
    with pytest.raises(ValidationFailed) as refused:
        countries.update_country_sheet(depart, DCIM, "SN", sheet_data(regime="cedeao", visa="non"), 0)
    assert [(e.field, e.code) for e in refused.value.errors] == [("regime", "enum"), ("visa", "type")]

    saved = countries.update_country_sheet(depart, DCIM, "SN", sheet_data(permis_travail=True), 0)

    assert (saved["version"], saved["modifie_par"], saved["par_defaut"], saved["permis_travail"]) == (
        1, "dcim", False, True)
    with pytest.raises(Conflict):  # read before that save
        countries.update_country_sheet(depart, DCIM, "SN", sheet_data(), 0)
    with depart:
        [event] = depart.session.scalars(select(AuditEvent).where(AuditEvent.kind == "country_sheet_updated")).all()
        assert (event.actor, event.details["pays"], event.details["version"]) == ("dcim", "SN", 1)
        assert event.details["changes"]["permis_travail"] == [False, True]
        assert event.details["changes"]["adresses_utiles"] == ["", "Ambassade du Mali à Dakar, avenue Pompidou."]
    assert countries.get_country_sheet(depart, BAMAKO, "SN")["cadre_legal"].startswith("Libre circulation")
    assert [s["pays"] for s in countries.list_country_sheets(depart, BAMAKO)][:3] == ["DE", "SA", "BE"]
    # The follow-up a week later asks for the work permit too.
    fire_due_timers(depart, utcnow() + timedelta(days=7, minutes=1))
    [point] = open_tasks(depart, BAMAKO, file_id, "verifier_documents")
    assert tasks.get_task(depart, BAMAKO, point["id"])["data"]["documents_requis"] == [
        d for d in ALL if d != "visa_travail"]


def test_a_candidate_found_unfit_does_not_leave(depart):
    file_id = at_documents(depart, "SN")
    unfit = {"date_point_documents": "2025-05-12", "documents_obtenus": ["passeport_biometrique"],
             "aptitude_medicale": "inapte"}
    with pytest.raises(ValidationFailed) as refused:
        complete(depart, BAMAKO, file_id, "verifier_documents",
                 {**data.documents_complets(), **unfit, "documents_obtenus": WITHOUT_VISA_OR_PERMIT})
    assert [e.field for e in refused.value.errors] == ["etat_documents"]
    with pytest.raises(ValidationFailed) as refused:  # unfit, says the certificate: not "en attente"
        complete(depart, BAMAKO, file_id, "verifier_documents", {**data.documents_en_attente(), **unfit})
    assert [e.field for e in refused.value.errors] == ["etat_documents"]
    with pytest.raises(ValidationFailed) as refused:  # the cause needs the finding
        complete(depart, BAMAKO, file_id, "verifier_documents",
                 {"date_point_documents": "2025-05-12", "etat_documents": "inapte_medical"})
    assert [e.field for e in refused.value.errors] == ["aptitude_medicale"]

    done = complete(depart, BAMAKO, file_id, "verifier_documents", {**unfit, "etat_documents": "inapte_medical"})

    assert done["status"] == "completed" and done["data"]["cause_annulation"] == "inapte_medical"
    with depart:
        row = depart.session.get(Departure, file_id)
        assert (row.status, row.cancellation_cause) == ("annule", "inapte_medical")
    steps = [e["element_id"] for e in history(depart, file_id) if e["kind"] == "gateway_taken"]
    assert steps[-1] == "gw_remplacant" and ("instance_completed", "fin_depart_abandonne") in kinds(
        history(depart, file_id))


def test_the_departing_candidate_must_be_told_the_steps_the_destination_requires(depart):
    person = people.register_person(depart, DCIM, data.personne_bamako())
    for country, visa_steps in (("SN", False), ("ES", True)):
        file_id = instances.start_instance(depart, DCIM, "aide_au_depart", f"DEP-CONV-{country}",
                                           {**data.donnees_selection(person), "pays_destination": country})["id"]
        complete(depart, DCIM, file_id, "planifier_depart", data.planifier(atelier=False))
        [convene] = open_tasks(depart, BAMAKO, file_id, "convoquer_candidat")
        task = tasks.get_task(depart, BAMAKO, convene["id"])
        assert task["data"]["informations_requises"] == ["pieces_visa_travail"] * visa_steps + [
            "visite_medicale", "documents_depart", "protection_sociale", "aide_retour"]
        titles = {c["const"]: c["title"] for c in
                  task["form"]["schema"]["properties"]["informations_donnees"]["items"]["oneOf"]}
        assert titles["aide_retour"].endswith("— exigé") and not titles["gratuite"].endswith("— exigé")
        told = data.convoquer()
        told["informations_donnees"] = [i for i in told["informations_donnees"]
                                        if i not in ("protection_sociale", "aide_retour", "pieces_visa_travail")]
        with pytest.raises(ValidationFailed) as refused:
            complete(depart, BAMAKO, file_id, "convoquer_candidat", told)
        assert {(e.field, e.code) for e in refused.value.errors} == {("informations_donnees", "contains")}
        told["informations_donnees"] += ["protection_sociale", "aide_retour"]
        if visa_steps:  # Spain: the visa and work permit steps too
            with pytest.raises(ValidationFailed):
                complete(depart, BAMAKO, file_id, "convoquer_candidat", told)
            told["informations_donnees"].append("pieces_visa_travail")
        after = complete(depart, BAMAKO, file_id, "convoquer_candidat", told)
        assert [t["name"] for t in after["tasks"]] == ["verifier_contrat"]
    # A candidate who gives up at the convocation need not have been told everything.
    file_id = instances.start_instance(depart, DCIM, "aide_au_depart", "DEP-CONV-RENONCE",
                                       {**data.donnees_selection(person), "pays_destination": "ES"})["id"]
    complete(depart, DCIM, file_id, "planifier_depart", data.planifier(atelier=False))
    given_up = {**data.convoquer(maintient=False), "informations_donnees": ["planning_depart"]}
    assert complete(depart, BAMAKO, file_id, "convoquer_candidat", given_up)["data"]["cause_annulation"] == \
        "depart_abandonne"
