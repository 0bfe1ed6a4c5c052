"""The terms negotiated with the employer drive what follows (manual §7.4; issue 15, point 2): the number of candidates
to present limits the list (beyond it, DCIM says why), an offer agreed "sans affichage" goes to the directorates
for a targeted preselection without display tasks, and the presentation agreed shapes the final selection (CVs only:
on the files, without a meeting; interviews: a meeting in the modes agreed)."""
import offer_data
import preselection_data as data
import pytest
import selection_finale_data as selection_data
from conftest import BAMAKO, DCIM, KAYES
from offer_flow import complete, history, kinds, open_tasks, start_offer
from preselection_flow import candidatures, children, register_candidates, selection_of, the_child

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


def test_cvs_only_the_employer_selects_on_the_files_without_a_meeting(deployed):
    offer, _pre, selection, candidates = selection_of(deployed, "OFF-2025-0823", {"bamako": 3}, posts=1,
                                                      terms={"modalites_presentation": ["envoi_cv"]})
    chosen, waiting, other = candidates["bamako"]
    [record] = selection["tasks"]
    assert (record["name"], record["role"]) == ("enregistrer_selection_sur_dossiers", "dcim")
    assert open_tasks(deployed, BAMAKO, selection["id"]) == []  # nobody to convene

    done = complete(deployed, DCIM, selection["id"], "enregistrer_selection_sur_dossiers", {
        "date_reponse_employeur": "2025-03-10", "employeur_a_selectionne": True, "candidats_selectionnes": [chosen],
        "candidats_liste_attente": [waiting], "confirmation_ecrite_employeur": True})

    assert done["status"] == "completed"
    assert "planifier_rencontre" not in [e["element_id"] for e in history(deployed, selection["id"])]
    [departure] = children(deployed, selection["id"], "aide_au_depart")
    assert departure["data"]["candidat"] == chosen and departure["data"]["liste_attente"] == [waiting]
    assert candidatures(deployed, offer["id"])[other] == ("bamako", "non_retenu")


def test_interviews_by_videoconference_only_the_meeting_is_by_videoconference(deployed):
    _offer, _pre, selection, candidates = selection_of(
        deployed, "OFF-2025-0824", {"bamako": 1}, posts=1,
        terms={"modalites_presentation": ["envoi_cv", "entretien_visioconference"]})
    [plan] = selection["tasks"]
    assert plan["name"] == "planifier_rencontre"
    modes = tasks.get_task(deployed, DCIM, plan["id"])["form"]["schema"]["properties"]["modalite_rencontre"]["oneOf"]
    assert [m["const"] for m in modes] == ["visioconference"]
    with pytest.raises(ValidationFailed) as refused:
        complete(deployed, DCIM, selection["id"], "planifier_rencontre",
                 selection_data.planifier_rencontre(candidates["bamako"], modalite="presentiel"))
    assert [e.field for e in refused.value.errors] == ["modalite_rencontre"]
    complete(deployed, DCIM, selection["id"], "planifier_rencontre",
             selection_data.planifier_rencontre(candidates["bamako"], modalite="visioconference"))
    assert [t["name"] for t in open_tasks(deployed, BAMAKO, selection["id"])] == ["convoquer_candidats"]
