"""The terms negotiated with the employer drive what follows (manual §7.4; issue 15, point 2): the number of candidates
to present limits the list (beyond it, DCIM says why), and an offer agreed "sans affichage" goes to the directorates
for a targeted preselection without display tasks."""
import offer_data
import preselection_data as data
import pytest
from conftest import BAMAKO, DCIM, KAYES
from offer_flow import complete, history, kinds, open_tasks, start_offer
from preselection_flow import register_candidates, the_child

from engine.errors import ValidationFailed
from engine.runtime import tasks

MORE = "L'employeur accepte un candidat de plus, deux désistements sont à craindre."


def test_an_offer_agreed_without_display_opens_the_preselection_without_display_tasks(deployed):
    offer_id = start_offer(deployed, "OFF-2025-0821")["id"]
    complete(deployed, DCIM, offer_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    complete(deployed, DCIM, offer_id, "verifier_employeur", offer_data.verifier_credible())
    complete(deployed, DCIM, offer_id, "negocier_offre", {**offer_data.negocier_accord(), "diffusion": "sans_affichage"})

    done = complete(deployed, DCIM, offer_id, "transmettre_offre", offer_data.transmettre("bamako", "kayes"))

    assert done["status"] == "completed" and done["data"]["statut_offre"] == "diffusee"
    assert ("gateway_taken", "gw_affichage") in kinds(history(deployed, offer_id))
    assert "confirmer_affichage" not in [e["element_id"] for e in history(deployed, offer_id)]
    preselection = the_child(deployed, offer_id, "preselection")
    for counsellor in (BAMAKO, KAYES):
        assert [t["name"] for t in open_tasks(deployed, counsellor, preselection["id"])] == ["recueillir_candidatures"]


def test_the_list_holds_the_number_of_candidates_agreed_or_says_why_more(deployed):
    persons = register_candidates(deployed, "bamako", 3)
    offer_id = start_offer(deployed, "OFF-2025-0822")["id"]
    complete(deployed, DCIM, offer_id, "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
    complete(deployed, DCIM, offer_id, "verifier_employeur", offer_data.verifier_credible())
    complete(deployed, DCIM, offer_id, "negocier_offre", {**data.negocier_sans_tests(), "nombre_candidats": 2})
    complete(deployed, DCIM, offer_id, "transmettre_offre", offer_data.transmettre("bamako"))
    complete(deployed, BAMAKO, offer_id, "confirmer_affichage", offer_data.confirmer_affichage())
    pid = the_child(deployed, offer_id, "preselection")["id"]
    complete(deployed, BAMAKO, pid, "recueillir_candidatures", data.recueillir(persons))
    complete(deployed, BAMAKO, pid, "preselectionner_candidats", data.preselectionner(persons))

    [arrest] = open_tasks(deployed, DCIM, pid)
    schema = tasks.get_task(deployed, DCIM, arrest["id"])["form"]["schema"]
    assert "motif_depassement_nombre" in schema["properties"]
    with pytest.raises(ValidationFailed) as refused:  # three candidates for the two agreed, and no reason
        complete(deployed, DCIM, pid, "arreter_liste", data.arreter_liste(persons))
    assert [(e.field, e.code) for e in refused.value.errors] == [("motif_depassement_nombre", "required")]

    done = complete(deployed, DCIM, pid, "arreter_liste", {**data.arreter_liste(persons), "motif_depassement_nombre": MORE})

    assert done["status"] == "completed"
    assert the_child(deployed, pid, "mise_en_relation")["data"]["candidats_a_presenter"] == persons
