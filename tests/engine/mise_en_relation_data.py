"""Realistic, valid submissions for the forms of the presentation procedure (manual §7.6)."""


def dossiers_complets():
    return {"dossiers_complets": True, "observations_dossiers": "CV, lettres, diplômes certifiés et attestations reçus."}


def dossiers_incomplets(persons, pieces=("copies_diplomes",)):
    """The files of `persons` lack `pieces`."""
    return {"dossiers_complets": False, "candidats_dossier_incomplet": list(persons), "pieces_manquantes": list(pieces),
            "observations_dossiers": "Copies de diplômes non certifiées conformes."}


def completer(persons=(), date="2025-02-20", pieces=("copies_diplomes",)):
    """A regional directorate completes the files; `persons` are now complete."""
    completion = {"date_completion": date, "pieces_ajoutees": list(pieces),
                  "observations_completion": "Copies certifiées par la mairie."}
    if persons:
        completion["candidats_completes"] = list(persons)
    return {"completion": completion}


def envoyer_liste(date="2025-02-28"):
    return {"date_envoi_liste": date, "moyen_envoi": "courrier_electronique", "reference_courrier": "ANPE/DCIM/2025/117",
            "pieces_transmises": ["cv", "lettres_motivation", "copies_diplomes", "resultats_tests"]}
