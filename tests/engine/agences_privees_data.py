"""Realistic, valid submissions for the forms of the private placement agencies procedure (manual §8.2.4).

Each function returns a fresh dict, so callers may change it freely.
"""


def enregistrer_agence(premiere_annee):
    """A DCIM agent records a licensed agency that reports first on the activity of `premiere_annee`."""
    return {
        "agence_nom": "Sahel Emploi International SARL",
        "numero_agrement": "AGR-2024-017/MTFP",
        "date_agrement": "2024-09-12",
        "ministere_agrement": MINISTERE,
        "agence_adresse": "Hamdallaye ACI 2000, rue 390, porte 112, Bamako",
        "agence_telephone": "+223 20 29 44 10",
        "agence_email": "contact@sahel-emploi.ml",
        "responsable_agence": "Fatoumata Coulibaly",
        "membre_conabem": True,
        "premiere_annee_rapport": premiere_annee,
    }


def rapport(recu_le, placements=True):
    """The yearly activity report, received on `recu_le` (ISO date)."""
    return {"date_reception_rapport": recu_le, "placements_realises": placements, "offres_prospectees": 9,
            "candidats_prepares": 60, "operations_selection": 4}


# Two lines of placements: 12 care assistants (women) in Saudi Arabia, 30 lorry drivers (men) in Qatar.
LIGNES = (("SA", "5321", 12, 0), ("QA", "8332", 0, 30))


def ligne(pays, metier, femmes, hommes, autre):
    return {"pays_placement": pays, "metier_placement": metier, "femmes_placees": femmes, "hommes_places": hommes,
            "autre_ligne_placements": autre}


def controle(suite="maintien", frais=False, discrimination=False):
    """The DCIM's control of the report: fees charged to workers, discrimination (ILO C181 art. 5)."""
    data = {"frais_factures_travailleurs": frais, "discrimination_constatee": discrimination, "suite_controle": suite}
    if discrimination:
        data["motifs_discrimination"] = ["sexe", "age"]
    if frais or discrimination:
        data["observations_controle"] = "Annonces réservées aux hommes de moins de 30 ans ; frais de dossier de " \
                                        "50 000 FCFA demandés aux candidats."
    if suite == "proposition_retrait":
        data["motif_proposition_retrait"] = "Frais de placement réclamés aux travailleurs placés au Qatar."
    return data


def decision(choix="retrait"):
    """The licensing ministry's decision on the DCIM's proposal, as the DCIM records it."""
    return {"date_transmission_proposition": "2026-02-10", "ministere_agrement": MINISTERE,
            "autorite_decision": "Le Ministre, Mme Assétou Sangaré", "decision_ministere": choix,
            "reference_decision": "Arrêté n° 2026-0315/MEFP-SG", "date_decision": "2026-03-02"}


MINISTERE = "Ministère de l'Entrepreneuriat national, de l'Emploi et de la Formation professionnelle"


def relance(date):
    return {"date_relance": date, "moyen_relance": "courriel",
            "observations_relance": "L'agence annonce un envoi avant la fin du mois."}


def mise_en_demeure(date, nouvelle_limite):
    return {"date_mise_en_demeure": date, "reference_mise_en_demeure": "Lettre n° 0042/ANPE-DCIM",
            "suite_retard": "mise_en_demeure", "date_limite_mise_en_demeure": nouvelle_limite}


def proposition_retrait(date):
    return {"date_mise_en_demeure": date, "reference_mise_en_demeure": "Lettre n° 0051/ANPE-DCIM",
            "suite_retard": "proposition_retrait",
            "motif_proposition_retrait": "Aucun rapport d'activités depuis deux ans malgré les relances."}
