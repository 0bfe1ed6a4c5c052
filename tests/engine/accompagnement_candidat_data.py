"""Realistic, valid submissions for the forms of the services to candidates (manual §8.1, §8.2.1–8.2.5).

Each function returns a fresh dict, so callers may change it freely.
"""


def personne(region="bamako", nom="Keïta", prenoms="Fatoumata", sexe="F"):
    """A candidate to migration registered at a regional directorate."""
    return {"nom": nom, "prenoms": prenoms, "sexe": sexe, "region": region, "date_naissance": "1998-02-20",
            "niveau_etudes": "superieur", "metier": "Infirmière", "langues": ["fra", "eng"], "consentement": True}


def analyser(candidat, diplomes=True):
    """The demand analysis of a nurse who wants to work abroad."""
    return {"candidat": candidat, "date_entretien_analyse": "2025-03-10",
            "caracteristiques_personnelles": "Célibataire, sans enfant, disponible immédiatement, mobile.",
            "formation_diplomes": "Diplôme d'État d'infirmière (INFSS de Bamako, 2020)",
            "experience_professionnelle": "Quatre ans au CHU du Point G, service de médecine interne.",
            "annees_experience": 4, "connaissance_marche_travail": "moyenne",
            "competences_evaluees": "Soins infirmiers, gestion des dossiers patients, anglais intermédiaire.",
            "motivation_migration": "forte", "motifs_migration": "Acquérir une expérience hospitalière à l'étranger.",
            "pays_envisages": ["CA", "FR"], "metiers_vises": "Infirmière en soins généraux",
            "employabilite": "elevee", "diplomes_a_faire_reconnaitre": diplomes}


def projet():
    return {"date_appui": "2025-03-17",
            "appuis_apportes": ["conditions_vie_travail", "curriculum_vitae", "lettre_motivation"],
            "cv_finalise": True, "competences_mises_en_valeur": "Soins d'urgence, travail en équipe de nuit.",
            "projet_migration": "Contrat de deux ans dans un hôpital public du Québec, puis retour au Mali.",
            "projet_realiste": True}


def informer(collective=True):
    data = {"type_session": "collective" if collective else "individuelle", "date_session": "2025-03-24",
            "voies_legales_presentees": ["agences_privees", "recrutement_direct", "services_publics"],
            "themes_sensibilisation": ["missions_diplomatiques", "migration_irreguliere", "arnaques", "gratuite"],
            "sources_communiquees": "EURES, portail de l'UE sur l'immigration, consulat du Canada."}
    if collective:
        data["nombre_participants"] = 18
    return data


def equivalence():
    return {"diplomes_concernes": "Diplôme d'État d'infirmière", "pays_equivalence": ["CA"],
            "sources_equivalence": ["sites_officiels", "missions_consulaires"], "demarche_equivalence_engagee": True}


def conclure_pret():
    return {"date_conclusion": "2025-04-02", "issue_accompagnement": "pret_pour_offre",
            "offres_ciblees": "Offres d'infirmiers au Canada et en France"}


def conclure_formation():
    return {"date_conclusion": "2025-04-02", "issue_accompagnement": "oriente_formation",
            "formation_orientee": "cours_langue", "formation_precisions": "Anglais professionnel, niveau B2."}


def conclure_renonce(motif="La candidate préfère un poste proposé à Sikasso."):
    return {"date_conclusion": "2025-04-02", "issue_accompagnement": "renonce_migration",
            "motif_renoncement": motif}
