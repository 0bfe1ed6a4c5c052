"""Health data (the medical certificate's conclusion, vaccinations) is seen only by the roles whose tasks need it."""
import aide_au_depart_data as data
import pytest
from conftest import BAMAKO, DCIM, DIRECTION, deploy_bundled
from offer_flow import complete

from engine import people
from engine.people.sensitive import hidden_fields
from engine.runtime import instances, tasks
from engine.store.tables import ProcessVersion

HEALTH = {"aptitude_medicale", "vaccinations_a_jour"}


@pytest.fixture
def file_at_documents(uow):
    deploy_bundled(uow, "aide_au_depart.bpmn")
    candidate = people.register_person(uow, DCIM, data.personne_bamako())
    file_id = instances.start_instance(uow, DCIM, "aide_au_depart", "DEP-SANTE", data.donnees_selection(candidate))["id"]
    complete(uow, DCIM, file_id, "planifier_depart", data.planifier(atelier=False))
    complete(uow, BAMAKO, file_id, "convoquer_candidat", data.convoquer())
    complete(uow, DCIM, file_id, "verifier_contrat", data.contrat())
    documents = {**data.documents_complets(), "aptitude_medicale": "apte_avec_reserves", "vaccinations_a_jour": True}
    complete(uow, BAMAKO, file_id, "verifier_documents", documents)
    return file_id


def test_only_the_counsellors_who_check_documents_see_health_data(uow, file_at_documents):
    with uow:
        version = uow.session.query(ProcessVersion).filter_by(process_key="aide_au_depart").one()
        assert hidden_fields(version, BAMAKO) == frozenset()
        assert hidden_fields(version, DCIM) == HEALTH == hidden_fields(version, DIRECTION)

    seen_by_counsellor = instances.get_instance(uow, BAMAKO, file_at_documents, with_history=True)
    assert seen_by_counsellor["data"]["aptitude_medicale"] == "apte_avec_reserves"
    assert any("aptitude_medicale" in e["changes"] for e in seen_by_counsellor["history"])

    for outsider in (DCIM, DIRECTION):
        seen = instances.get_instance(uow, outsider, file_at_documents, with_history=True)
        assert not HEALTH & set(seen["data"])
        assert all(not HEALTH & set(e["changes"]) for e in seen["history"])
        assert all(not HEALTH & set(e["details"].get("changes", {})) for e in seen["history"])
        listed = [i for i in instances.list_instances(uow, outsider, process="aide_au_depart")]
        assert listed and all(not HEALTH & set(i["data"]) for i in listed)

    # Without a workshop, DCIM records the departure next: its task page shows no health data.
    [record] = instances.get_instance(uow, DCIM, file_at_documents)["tasks"]
    assert record["role"] == "dcim"
    page = tasks.get_task(uow, DCIM, record["id"])
    assert not HEALTH & set(page["data"])
    shown = {label for section in page["file"] for label, _text in section["fields"]}
    assert "Date du point sur les documents" in shown and "Conclusion du certificat médical" not in shown
