"""Realistic, valid submissions for the forms of the departure aid (manual §7.8, §8.2.3, §8.2.7, §8.2.8).

Each function returns a fresh dict, so callers may change it freely.
"""
from datetime import date, timedelta

MENTIONS = ("donnees_employeur", "donnees_employe", "duree_objet", "remuneration_avantages", "modalites_paiement",
            "regime_horaire", "conges_payes", "couverture_sociale", "billet_avion", "modalites_retour")
DOCUMENTS = ("passeport_biometrique", "visa_travail", "permis_travail", "certificat_medical", "carnet_vaccination",
             "documents_qualifications", "itineraire_aller_retour")


def personne_bamako():
    """A candidate registered at the Bamako directorate."""
    return {"nom": "Traoré", "prenoms": "Aminata", "sexe": "F", "region": "bamako", "date_naissance": "1996-04-12",
            "telephone": "+223 76 12 34 56", "niveau_etudes": "secondaire", "metier": "Ouvrière agricole",
            "langues": ["fra", "bam"], "consentement": True}


def personne_kayes():
    """A candidate registered at the Kayes directorate."""
    return {"nom": "Diallo", "prenoms": "Moussa", "sexe": "M", "region": "kayes", "date_naissance": "1991-11-02",
            "niveau_etudes": "fondamental", "metier": "Maçon", "langues": ["fra"], "consentement": True}


def donnees_selection(candidat, offre="OFF-2025-0100"):
    """The start data the final selection passes to each departure aid it opens."""
    return {"candidat": candidat, "pays_destination": "ES", "employeur": "Frutas del Condado S.L.",
            "metier": "Ouvrier agricole", "offre": offre}


def renseigner(candidat):
    """A DCIM agent who opened the file by hand names the candidate and the job (direct recruitment)."""
    return {"candidat": candidat, "pays_destination": "CI", "employeur": "Bâtir Lagunes SA",
            "metier": "Maçon coffreur"}


def planifier(atelier=True, depart="2025-06-02", limite="2025-05-20"):
    """The departure plan agreed with the employer."""
    return {"date_concertation_employeur": "2025-04-10", "date_depart_prevue": depart,
            "lieu_depart": "Aéroport international Modibo Keïta, Bamako-Sénou", "moyen_transport": "avion",
            "date_prise_poste": (date.fromisoformat(depart) + timedelta(days=2)).isoformat(),
            "date_limite_documents": limite,
            "organisation_voyage": "Départ groupé de 12 travailleurs ; billets achetés par l'employeur.",
            "accueil_arrivee": "Accueil à l'aéroport de Séville par le chef d'exploitation, logement sur place.",
            "atelier_integration_prevu": atelier}


def convoquer(maintient=True, motif="Le candidat a trouvé un emploi à Bamako et renonce au départ."):
    """The regional counsellor met the candidate; `maintient` False is a withdrawal."""
    data = {"date_convocation": "2025-04-15", "mode_convocation": "telephone",
            "informations_donnees": ["pieces_visa_travail", "visite_medicale", "documents_depart",
                                     "services_consulaires", "protection_sociale", "aide_retour", "gratuite"],
            "organismes_orientation": "Consulat d'Espagne à Bamako ; centre de visite médicale agréé.",
            "candidat_maintient_depart": maintient}
    if not maintient:
        data["motif_annulation"] = motif
    return data


def contrat(manquantes=(), frais=False, compris=True):
    """A contract check; the mentions in `manquantes` are missing, `frais` means fees charged to the worker."""
    data = {"date_reception_contrat": "2025-04-18",
            "mentions_contrat": {mention: mention not in manquantes for mention in MENTIONS},
            "duree_contrat_mois": 5, "langues_contrat": ["spa", "fra"], "contrat_compris_par_candidat": compris,
            "frais_a_charge_travailleur": frais}
    if "remuneration_avantages" not in manquantes:
        data["remuneration_nette"] = {"montant": 1250.0, "devise": "EUR"}
    if frais:
        data["frais_precisions"] = "Retenue de 300 EUR sur le premier salaire pour « frais de dossier »."
    return data


def demander_correction(points, recu=True, motif="L'employeur maintient la retenue pour frais de dossier."):
    """The DCIM asked the employer for a corrected contract; `recu` False is the employer's refusal."""
    data = {"contrat_elements_manquants": list(points), "date_demande_correction": "2025-04-20",
            "message_employeur": "Merci de compléter le contrat avant la demande de visa.",
            "contrat_corrige_recu": recu}
    if not recu:
        data["motif_annulation"] = motif
    return data


def documents_complets():
    return {"date_point_documents": "2025-05-12", "documents_obtenus": list(DOCUMENTS), "etat_documents": "complet"}


def documents_en_attente():
    return {"date_point_documents": "2025-05-05", "documents_obtenus": ["passeport_biometrique", "certificat_medical"],
            "etat_documents": "en_attente",
            "documents_en_attente_precisions": "Visa de travail déposé au consulat le 2 mai, réponse attendue."}


def documents_abandon(motif="Visa de travail refusé par le consulat."):
    return {"date_point_documents": "2025-05-14", "documents_obtenus": ["passeport_biometrique"],
            "etat_documents": "abandon", "motif_annulation": motif}


def atelier():
    return {"date_atelier": "2025-05-27", "format_atelier": "collectif",
            "themes_atelier": ["legislation", "culture_coutumes", "droits_devoirs", "aide_retour"],
            "candidat_present_atelier": True}


def depart(date="2025-06-02", transport="Air Sénégal HC 402 Bamako–Dakar–Madrid"):
    return {"depart_effectue": True, "date_depart_effective": date, "transport_depart": transport}


def depart_annule(motif="Le candidat ne s'est pas présenté à l'aéroport."):
    return {"depart_effectue": False, "motif_annulation": motif}


def arrivee():
    return {"date_arrivee": "2025-06-03", "arrivee_confirmee_par": "employeur",
            "observations_arrivee": "Accueilli à Séville, logé sur l'exploitation."}
