"""The words of a file's history: its own forms first, then the other procedures' forms, for the data a
file was opened with by another procedure (a departure file holds the offer's country of work)."""
from conftest import DCIM, DIRECTION

from engine.runtime import instances
from engine.runtime.vocabulary import vocabularies


def test_a_file_reads_fields_of_other_procedures_forms_after_its_own(deployed):
    departure = instances.start_instance(deployed, DCIM, "aide_au_depart", "DEP-VOC-1")["id"]
    fields = vocabularies(deployed, DIRECTION, [departure])[departure]["fields"]
    assert fields["lieu_travail_pays"]["title"] == "Lieu de travail (pays)"  # from the offer's recording form
    assert fields["pays_destination"]["title"]  # its own form's
