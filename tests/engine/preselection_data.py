"""Realistic, valid submissions for the forms of the preselection procedure (manual §7.5, §6.6).

Each function returns a fresh dict. Person ids come from the persons registry.
"""
import offer_data

CANDIDATES = {  # regional directorate → (last name, first names, sex, birth date, occupation)
    "bamako": [("Traoré", "Moussa", "M", "1996-04-02", "Ouvrier agricole"),
               ("Diarra", "Aminata", "F", "1999-11-20", "Ouvrière maraîchère"),
               ("Coulibaly", "Seydou", "M", "1992-07-15", "Manœuvre agricole"),
               ("Keïta", "Fanta", "F", "2000-01-30", "Cueilleuse")],
    "kayes": [("Sissoko", "Mamadou", "M", "1994-03-08", "Ouvrier agricole"),
              ("Diallo", "Kadiatou", "F", "1997-09-12", "Ouvrière agricole"),
              ("Camara", "Bakary", "M", "1990-12-01", "Jardinier")],
}


def person(region, index):
    """The registration form of the `index`-th candidate of `region`, with consent."""
    last, first, sex, born, occupation = CANDIDATES[region][index]
    return {"nom": last, "prenoms": first, "sexe": sex, "date_naissance": born, "region": region,
            "metier": occupation, "niveau_etudes": "fondamental", "langues": ["fra", "bam"], "consentement": True}


def negocier_sans_tests():
    """The offer's negotiation, agreed without any evaluation test."""
    return {
        "delai_satisfaction": offer_data.DELAI_SATISFACTION,
        "nombre_candidats": 6,
        "diffusion": "affichage",
        "modalites_presentation": ["envoi_cv", "entretien_presentiel", "entretien_visioconference"],
        "accord_employeur": True,
    }


def recueillir(persons, modes=("appel_candidature", "ciblage_rode"), cloture="2025-02-14"):
    """Applications collected and registered by a regional directorate."""
    return {"modes_identification": list(modes), "date_cloture_candidatures": cloture, "candidatures_recues": True,
            "candidats_inscrits_region": list(persons),
            "observations_recueil": "Appel à candidatures affiché au Point Emploi et diffusé à la radio locale."}


def recueillir_aucune(cloture="2025-02-14"):
    """No application at all in the region."""
    return {"modes_identification": ["appel_candidature"], "date_cloture_candidatures": cloture,
            "candidatures_recues": False,
            "observations_recueil": "Aucun candidat ne s'est présenté pour ce profil."}


def preselectionner(persons, entretien=True):
    """The counsellor preselects `persons` on CV (and interview)."""
    data = {"methodes_preselection": ["selection_cv"], "preselection_fructueuse": True,
            "candidats_preselectionnes_region": list(persons)}
    if entretien:
        data["methodes_preselection"].append("selection_entretien")
        data["date_entretiens"] = "2025-02-18"
    return data


def preselectionner_aucun(motif="Aucun candidat n'a l'expérience agricole demandée"):
    return {"methodes_preselection": ["selection_cv", "verification_criteres"], "preselection_fructueuse": False,
            "motif_aucune_preselection": motif}


def preparer_tests(epreuves=("test_linguistique", "test_technique"), note_minimale=10):
    """The evaluator sets the tests agreed with the employer."""
    data = {"epreuves": list(epreuves), "note_minimale": note_minimale,
            "criteres_tests": "Compréhension de consignes en espagnol ; gestes de cueillette et de tri sur banc d'essai.",
            "date_tests": "2025-02-24", "modalite_tests": "presentiel",
            "lieu_tests": "Centre de formation professionnelle de Bamako"}
    if "test_linguistique" in epreuves:
        data["langues_testees"] = ["spa"]
    return data


def evaluer(candidat, present=True, **notes):
    """The evaluator's results for one candidate: `notes` as test_linguistique=14, test_technique=12..."""
    evaluation = {"present": present, **{f"note_{test}": note for test, note in notes.items()}}
    if not present:
        evaluation["observations_evaluation"] = "Candidat absent, non excusé."
    return {"candidat_evalue": candidat, "evaluation": evaluation}


def arreter_liste(persons, date="2025-02-27"):
    return {"candidats_a_presenter": list(persons), "date_arret_liste": date,
            "observations_liste": "Liste conforme au nombre convenu avec l'employeur."}


def relancer(*regions, consignes="Élargir le ciblage au vivier de candidatures de la campagne précédente."):
    return {"suite_preselection": "relancer", "regions_relance": list(regions), "consignes_relance": consignes}


def clore(motif="Profil introuvable dans les régions ; l'employeur en est informé."):
    return {"suite_preselection": "clore", "motif_cloture_preselection": motif}
