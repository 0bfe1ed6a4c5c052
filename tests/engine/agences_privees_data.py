"""Realistic, valid submissions for the forms of the private placement agencies procedure (manual §8.2.4).

Each function returns a fresh dict, so callers may change it freely.
"""


def enregistrer_agence(premiere_annee):
    """A DCIM agent records a licensed agency that reports first on the activity of `premiere_annee`."""
    return {
        "agence_nom": "Sahel Emploi International SARL",
        "numero_agrement": "AGR-2024-017/MTFP",
        "date_agrement": "2024-09-12",
        "agence_adresse": "Hamdallaye ACI 2000, rue 390, porte 112, Bamako",
        "agence_telephone": "+223 20 29 44 10",
        "agence_email": "contact@sahel-emploi.ml",
        "responsable_agence": "Fatoumata Coulibaly",
        "membre_conabem": True,
        "premiere_annee_rapport": premiere_annee,
    }


def rapport(recu_le, femmes=12, hommes=30, suite="maintien"):
    """The yearly activity report, received on `recu_le` (ISO date)."""
    data = {
        "date_reception_rapport": recu_le,
        "placements_femmes": femmes,
        "placements_hommes": hommes,
        "offres_prospectees": 9,
        "candidats_prepares": 60,
        "operations_selection": 4,
        "frais_factures_travailleurs": False,
        "suite_controle": suite,
    }
    if femmes or hommes:
        data["pays_destination"] = ["SA", "QA"]
        data["metiers_places"] = "Aides-soignantes (12, Arabie saoudite)\nChauffeurs poids lourds (30, Qatar)"
    if suite == "retrait_agrement":
        data["motif_retrait_agrement"] = "Frais de placement réclamés aux travailleurs placés au Qatar."
    return data


def relance(date):
    return {"date_relance": date, "moyen_relance": "courriel",
            "observations_relance": "L'agence annonce un envoi avant la fin du mois."}


def mise_en_demeure(date, nouvelle_limite):
    return {"date_mise_en_demeure": date, "reference_mise_en_demeure": "Lettre n° 0042/ANPE-DCIM",
            "suite_retard": "mise_en_demeure", "date_limite_mise_en_demeure": nouvelle_limite}


def retrait(date):
    return {"date_mise_en_demeure": date, "reference_mise_en_demeure": "Lettre n° 0051/ANPE-DCIM",
            "suite_retard": "retrait_agrement",
            "motif_retrait_agrement": "Aucun rapport d'activités depuis deux ans malgré les relances."}
