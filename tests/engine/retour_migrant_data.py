"""Realistic, valid submissions for the forms of the return and reintegration procedures (manual §9.1, §9.2),
and the persons they are about.

Each function returns a fresh dict, so callers may change it freely.
"""

import zlib

VOLUNTARY_REASONS = ("titre_sejour_expire", "contrat_termine", "situation_instable", "investissement_expertise",
                     "emploi_local")
INVOLUNTARY_REASONS = ("tout_perdu", "force_majeure", "expulsion_rapatriement", "programme_retour_assiste")


def _telephone(nom, prenoms):
    """A number of each person's own: one number registered twice is a possible duplicate."""
    if (nom, prenoms) == ("Diarra", "Moussa"):
        return "+223 76 12 34 56"
    return f"+223 76 {zlib.crc32((nom + prenoms).encode()) % 10**6:06d}"


def personne(nom="Diarra", prenoms="Moussa", sexe="M", region="bamako", date_naissance="1990-04-12"):
    """A returning migrant's registry file, as a counsellor registers it (with consent)."""
    data = {"nom": nom, "prenoms": prenoms, "sexe": sexe, "region": region, "consentement": True,
            "telephone": _telephone(nom, prenoms), "metier": "Maçon"}
    if date_naissance:
        data["date_naissance"] = date_naissance
    return data


def enregistrer_retour(migrant, motif="contrat_termine"):
    """A counsellor records the return of `migrant` (a person id) for `motif` (one reason, or a tuple of them)."""
    motifs = [motif] if isinstance(motif, str) else list(motif)
    data = {
        "migrant": migrant,
        "date_retour": "2025-03-02",
        "pays_provenance": "ES",
        "duree_sejour_mois": 30,
        "metier_exerce_etranger": "Ouvrier agricole sous serre",
        "motifs_retour": motifs,
        "circonstances_retour": "Retour par avion à Bamako à la fin de la campagne agricole, hébergé par sa famille.",
        "besoins_immediats": ["subsistance"],
    }
    if "programme_retour_assiste" in motifs:
        data["programme_retour"] = "Aide au retour volontaire de l'OFII"
    return data


def proposer_accompagnement(orientation="auto_emploi"):
    """The migrant, informed of the programmes, asks to be accompanied."""
    return {"date_information": "2025-03-05", "programmes_presentes": ["accompagnement_anpe", "auto_emploi", "ofii"],
            "accompagnement_souhaite": True, "orientation_souhaitee": orientation}


def refuser_accompagnement(motif="Il reprend l'atelier de couture de son père à Kati."):
    return {"date_information": "2025-03-05", "programmes_presentes": ["accompagnement_anpe"],
            "accompagnement_souhaite": False, "motif_refus": motif}


def inscrire(migrant):
    """Registration and profile at the start of the reintegration file."""
    return {
        "migrant": migrant,
        "date_inscription": "2025-03-10",
        "diplomes_qualifications": "CAP de maçonnerie (Bamako, 2010)",
        "experiences_etranger": "Ouvrier agricole à Huelva (Espagne) pendant trois campagnes, chef d'équipe la dernière.",
        "competences_acquises": "Conduite d'équipe, irrigation goutte à goutte, conduite de tracteur",
        "personnes_a_charge": 3,
        "projet_professionnel": "Créer une exploitation maraîchère irriguée près de Koulikoro.",
        "besoins_accompagnement": ["validation_acquis", "creation_entreprise"],
    }


def orienter(parcours="auto_emploi", vae=False, date="2025-03-14"):
    data = {"date_orientation": date, "informations_donnees": ["marche_travail", "auto_emploi"],
            "seance_tre": True, "vae_orientee": vae, "parcours_reintegration": parcours}
    if vae:
        data["competences_a_valider"] = "Irrigation goutte à goutte, encadrement d'une équipe de cueilleurs"
    return data


def evaluer_acquis(resultat="confirmees"):
    data = {"date_evaluation": "2025-03-25", "methodes_evaluation": ["entretien_technique", "mise_en_situation"],
            "resultat_evaluation_acquis": resultat, "organisme_certification": "Direction nationale de la "
                                                                                "formation professionnelle"}
    if resultat != "non_confirmees":
        data["competences_confirmees"] = "Installation et conduite d'un système d'irrigation goutte à goutte"
    return data


def accompagner_salarie(formation="aucune"):
    data = {"date_accompagnement": "2025-04-02", "offres_presentees": "Chef d'équipe agricole, Office du Niger",
            "employeurs_presentes": "Société sucrière de Markala", "programmes_emploi": ["aide_emploi"],
            "formation_necessaire": formation}
    if formation != "aucune":
        data["domaine_formation"] = "Électricité du bâtiment"
    return data


def former_adaptation(achevee=True):
    data = {"intitule_formation": "Électricité du bâtiment", "date_debut_formation": "2025-04-14",
            "date_fin_formation": "2025-06-27", "formation_achevee": achevee, "attestation_delivree": achevee}
    if not achevee:
        data["motif_interruption_formation"] = "Départ pour un emploi saisonnier"
    return data


def presenter_appui(modules=("trie", "cree")):
    data = {"date_presentation_appui": "2025-04-03",
            "idee_projet": "Maraîchage irrigué (oignon, tomate) sur deux hectares près de Koulikoro.",
            "secteur_activite": "Agriculture", "programmes_appui": ["appui_creation_anpe", "ofii", "microfinance"],
            "aide_ofii_demandee": True, "modules_necessaires": bool(modules)}
    if modules:
        data["modules_entrepreneuriat"] = list(modules)
    return data


def orienter_apej(service="financement_projet"):
    return {"date_orientation_apej": "2025-04-05", "services_apej": [service]}


def former_entrepreneuriat():
    return {"modules_suivis": ["trie", "cree"], "date_debut_modules": "2025-04-21",
            "date_fin_modules": "2025-05-16", "modules_acheves": True, "plan_affaires_elabore": True}


def suivre(resultat="entreprise_creee", date="2025-07-01"):
    data = {"date_suivi": date, "resultat_reintegration": resultat}
    if resultat in ("place_emploi", "entreprise_creee"):
        data["employeur_ou_entreprise"] = "Jardins de Koulikoro" if resultat == "entreprise_creee" \
            else "Société sucrière de Markala"
        data["date_debut_activite"] = "2025-06-15"
    if resultat == "abandon":
        data["motif_abandon"] = "Le migrant est reparti à l'étranger."
    return data
