"""Choices from the persons registry go only to those who may work on the task (red-team finding):
readers see the persons the file names, never the region's whole list."""
import accompagnement_candidat_data as data
import pytest
from conftest import BAMAKO, DIRECTION, KAYES, actor, deploy_bundled
from offer_flow import complete

from engine import people
from engine.runtime import instances, tasks

PROCESS = "accompagnement_candidat"
READERS = [DIRECTION, actor("admin", "admin"), actor("proprietaire", "proprietaire")]


@pytest.fixture
def registered(uow):
    deploy_bundled(uow, "accompagnement_candidat.bpmn")
    return (people.register_person(uow, BAMAKO, data.personne()),
            people.register_person(uow, BAMAKO, data.personne(nom="Coulibaly", prenoms="Ibrahim", sexe="M")),
            people.register_person(uow, KAYES, data.personne(region="kayes", nom="Sissoko", prenoms="Mariam")))


def offered(task, field="candidat"):
    """The (id, title) pairs a task's form offers for a field choosing a person."""
    schema = task["form"]["schema"]["properties"][field]
    return [(option["const"], option["title"]) for option in schema.get("oneOf", [])]


def test_the_worker_chooses_among_the_region_and_readers_see_nobody_before_a_choice(uow, registered):
    bamako_1, bamako_2, _kayes = registered
    started = instances.start_instance(uow, BAMAKO, PROCESS, "ACC-1")
    task_id = started["tasks"][0]["id"]
    assert {pid for pid, _title in offered(tasks.get_task(uow, BAMAKO, task_id))} == {bamako_1, bamako_2}
    for reader in READERS:
        assert offered(tasks.get_task(uow, reader, task_id)) == []


def test_after_the_choice_readers_see_the_chosen_person_only(uow, registered):
    bamako_1, _bamako_2, _kayes = registered
    started = instances.start_instance(uow, BAMAKO, PROCESS, "ACC-2")
    done = started["tasks"][0]["id"]
    complete(uow, BAMAKO, started["id"], "analyser_demande", data.analyser(bamako_1))
    for reader in READERS:
        page = tasks.get_task(uow, reader, done)
        assert [pid for pid, _title in offered(page)] == [bamako_1]


def test_a_counsellor_reading_a_shared_file_is_shown_only_their_region_s_persons(uow, registered):
    """The lookup a counsellor reading another's task gets: the persons the data names, of their region only."""
    bamako_1, bamako_2, kayes = registered
    with uow:
        lookup = people.person_choices(uow.session, only={bamako_1, kayes}, region="kayes")
        assert [pid for pid, _label in lookup([bamako_1, bamako_2, kayes], None)] == [kayes]
        assert [pid for pid, _label in lookup(None, "bamako")] == []
        everyone = people.person_choices(uow.session)
        assert {pid for pid, _label in everyone(None, "bamako")} == {bamako_1, bamako_2}
