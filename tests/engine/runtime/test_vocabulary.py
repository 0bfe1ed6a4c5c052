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


def test_data_that_scripts_and_decisions_set_have_titles_and_region_names(deployed):
    departure = instances.start_instance(deployed, DCIM, "aide_au_depart", "DEP-VOC-2")["id"]
    fields = vocabularies(deployed, DIRECTION, [departure])[departure]["fields"]
    assert fields["candidats_deja_traites"]["title"] == "Candidats déjà traités pour l'offre"
    assert fields["candidats_deja_traites"]["items"]["x-reference"] == "persons"
    assert fields["liste_attente"]["title"] == "Liste d'attente" and fields["remplace"]["x-reference"] == "persons"
    assert {"const": "bamako", "title": "District de Bamako"} in fields["region_initiateur"]["oneOf"]
    assert {"const": "kayes", "title": "Kayes"} in fields["region_des_candidats"]["additionalProperties"]["oneOf"]
    assert {"const": "volontaire", "title": "Retour volontaire ou assisté"} in fields["categorie_retour"]["oneOf"]
