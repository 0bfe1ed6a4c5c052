"""Realistic, valid submissions for the forms of the offer procedure (manual §7.1–7.4).

Each function returns a fresh dict, so callers may change it freely. They are
shared by the engine tests, the web tests and the benchmark.
"""
from datetime import date, timedelta

# The deadline agreed with the employer caps the deadlines of the steps before it (dueBy): a few months
# ahead, so that the steps keep their own delays in the tests that do not look at the cap.
DELAI_SATISFACTION = (date.today() + timedelta(days=120)).isoformat()


def enregistrer_saisonnier_espagne():
    """A DCIM agent records a seasonal strawberry-picking offer in Huelva, Spain (bilateral agreement)."""
    return {
        "source_offre": "accord_bilateral",
        "source_offre_precisions": "Accord Mali–Espagne sur la migration circulaire (campagne 2025)",
        "date_reception_offre": "2025-01-14",
        "employeur_raison_sociale": "Frutas del Condado S.L.",
        "employeur_pays": "ES",
        "employeur_adresse": "Carretera A-494 km 12, 21800 Moguer (Huelva)",
        "employeur_contact_nom": "María López García",
        "employeur_contact_fonction": "Responsable des ressources humaines",
        "employeur_email": "rrhh@frutasdelcondado.es",
        "employeur_telephone": "+34 959 37 12 80",
        "metier": "Ouvrier agricole",
        "intitule_poste": "Cueillette de fraises et de fruits rouges",
        "qualification_requise": "Aucun diplôme exigé ; expérience des travaux agricoles",
        "experience_minimale_annees": 1,
        "description_activites": "Cueillette, tri et conditionnement des fraises sous serre, "
                                 "entretien des plants et chargement des caisses.",
        "competences_attendues": "Endurance physique, rapidité, respect des consignes d'hygiène",
        "langues_requises": ["spa", "fra"],
        "niveau_langue_requis": "notions",
        "salaire": {"montant": 1323.0, "devise": "EUR"},
        "periodicite_salaire": "mensuel",
        "avantages": ["billet_avion", "logement"],
        "lieu_travail_ville": "Moguer",
        "lieu_travail_pays": "ES",
        "nature_contrat": "saisonnier",
        "type_contrat": "temps_plein",
        "duree_contrat_mois": 5,
        "horaires_travail": "39 heures par semaine, du lundi au samedi",
        "nombre_postes": 40,
        "protection_sociale": "Affiliation à la sécurité sociale espagnole (régime agricole)",
        "penibilite": "Travail courbé sous serre, chaleur",
    }


def enregistrer_chantier_cote_divoire():
    """A DCIM agent records a construction-site offer in Abidjan, Côte d'Ivoire, found by prospection."""
    return {
        "source_offre": "prospection_anpe",
        "date_reception_offre": "2025-03-03",
        "employeur_raison_sociale": "Bâtir Lagunes SA",
        "employeur_pays": "CI",
        "employeur_contact_nom": "Koffi N'Guessan",
        "employeur_email": "recrutement@batir-lagunes.ci",
        "employeur_telephone": "+225 27 22 44 10 10",
        "metier": "Maçon coffreur",
        "intitule_poste": "Maçon coffreur qualifié",
        "qualification_requise": "CAP maçonnerie ou expérience équivalente",
        "experience_minimale_annees": 3,
        "description_activites": "Coffrage, ferraillage et coulage de dalles sur un chantier "
                                 "d'immeubles d'habitation à Cocody.",
        "competences_attendues": "Lecture de plans, maîtrise du coffrage bois et métallique",
        "langues_requises": ["fra"],
        "niveau_langue_requis": "intermediaire",
        "salaire": {"montant": 250000, "devise": "XOF"},
        "periodicite_salaire": "mensuel",
        "avantages": ["logement", "transport", "autre"],
        "avantages_precisions": "Repas de midi fourni sur le chantier",
        "lieu_travail_ville": "Abidjan",
        "lieu_travail_pays": "CI",
        "nature_contrat": "chantier",
        "type_contrat": "temps_plein",
        "duree_contrat_mois": 18,
        "nombre_postes": 12,
    }


def verifier_credible():
    """The employer was checked and found credible."""
    return {
        "sources_consultees": ["eures", "missions_diplomatiques_mali", "historique_anpe"],
        "constats_verification": "Entreprise inscrite au registre du commerce de Huelva depuis 2004, "
                                 "déjà cliente de l'ANPE en 2023 sans incident.",
        "employeur_credible": True,
        "date_verification": "2025-01-17",
    }


def verifier_non_credible(motif="Entreprise introuvable au registre du commerce et adresse fictive"):
    """The employer could not be found anywhere: the offer is to be closed."""
    return {
        "sources_consultees": ["kompass", "missions_diplomatiques_destination", "autre"],
        "sources_autres_precisions": "Chambre de commerce d'Abidjan",
        "constats_verification": "Aucune trace de l'entreprise ; le numéro de téléphone ne répond pas.",
        "employeur_credible": False,
        "motif_non_credible": motif,
        "date_verification": "2025-03-06",
    }


def negocier_accord():
    """The employer agreed on the terms: public posting, CV then interviews, language test."""
    return {
        "delai_satisfaction": DELAI_SATISFACTION,
        "nombre_candidats": 60,
        "diffusion": "affichage",
        "analyse_besoins": "Besoin réel de 40 cueilleurs pour la campagne de mars à juillet.",
        "tests_requis": ["test_linguistique", "test_technique"],
        "langues_a_tester": ["spa"],
        "modalites_presentation": ["envoi_cv", "entretien_visioconference"],
        "services_employeur": ["salle_conference", "bureau_entretien"],
        "accord_employeur": True,
    }


def negocier_sans_accord(motif="L'employeur refuse de prendre en charge le billet d'avion"):
    """The negotiation failed: the offer is to be abandoned."""
    return {
        "delai_satisfaction": "2025-04-15",
        "nombre_candidats": 24,
        "diffusion": "sans_affichage",
        "modalites_presentation": ["envoi_cv"],
        "accord_employeur": False,
        "motif_desaccord": motif,
    }


def transmettre(*regions, message="Afficher l'offre dès réception ; entretiens prévus fin février."):
    """Send the offer to the regional directorates of `regions` (codes such as 'bamako')."""
    return {"regions_concernees": list(regions or ("bamako",)), "message_directions": message}


def confirmer_affichage(date="2025-02-03", lieux=("panneaux_direction_regionale", "point_emploi")):
    """A regional counsellor confirms the offer is posted."""
    return {"confirmation_affichage": {"affichage_effectue": True, "date_affichage": date,
                                       "lieux_affichage": list(lieux)}}


def confirmer_sans_affichage(observations="Offre reçue pour une présélection ciblée, sans affichage."):
    """A regional counsellor confirms receipt of an offer agreed without public posting."""
    return {"confirmation_affichage": {"affichage_effectue": False, "observations_affichage": observations}}
