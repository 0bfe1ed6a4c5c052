"""What the demo's agents type into each form (see engine/demo/files.py), valid against forms/.

Dates are given relative to the day the demo is created (`d(-12)`: twelve days
before), so that the files look current and no open task is already late.
Person ids come from the registry once the demo has registered them (`ids`).
"""
from datetime import date

# key: (last name, first names, sex, age, birthday, region, education, occupation, languages, more fields)
PERSONS = {
    "aminata": ("Kanté", "Aminata", "F", 28, "03-14", "bamako", "secondaire", "Ouvrière maraîchère", ["fra", "bam"],
                {"telephone": "+223 76 41 18 02", "adresse": "Sébénikoro, rue 512, Bamako"}),
    "souleymane": ("Traoré", "Souleymane", "M", 33, "08-02", "bamako", "fondamental", "Ouvrier agricole",
                   ["bam", "fra"], {"telephone": "+223 66 20 57 91"}),
    "rokia": ("Coulibaly", "Rokia", "F", 24, "11-09", "bamako", "secondaire", "Aide maraîchère", ["bam", "fra"], {}),
    "ousmane": ("Diakité", "Ousmane", "M", 35, "01-25", "bamako", "secondaire", "Cuisinier", ["fra", "bam"],
                {"telephone": "+223 79 08 33 64", "email": "ousmane.diakite@example.ml"}),
    "fatoumata": ("Bagayoko", "Fatoumata", "F", 30, "06-30", "bamako", "secondaire", "Commis de cuisine",
                  ["fra", "bam"], {}),
    "ibrahima": ("Samaké", "Ibrahima", "M", 37, "09-17", "bamako", "superieur", "Comptable", ["fra", "eng", "bam"],
                 {"handicap": True, "telephone": "+223 76 90 12 48", "email": "i.samake@example.ml",
                  "adresse": "Hamdallaye ACI 2000, Bamako"}),
    "bakary": ("Doumbia", "Bakary", "M", 38, "07-03", "bamako", "secondaire", "Maçon carreleur", ["bam", "fra"],
               {"telephone": "+223 65 77 01 39"}),
    "nana": ("Konaré", "Nana", "F", 52, "02-11", "bamako", "fondamental", "Aide à domicile", ["bam", "fra"],
             {"adresse": "Magnambougou, chez sa sœur, Bamako"}),
    "mamadou": ("Sissoko", "Mamadou", "M", 31, "04-18", "kayes", "fondamental", "Ouvrier agricole", ["fra", "bam"],
                {"telephone": "+223 75 12 66 80", "adresse": "Quartier Khasso, Kayes"}),
    "kadidia": ("Diallo", "Kadidia", "F", 29, "12-05", "kayes", "fondamental", "Ouvrière agricole", ["ful", "fra"],
                {}),
    "demba": ("Camara", "Demba", "M", 34, "10-22", "kayes", "secondaire", "Cuisinier", ["fra", "bam"],
              {"telephone": "+223 74 55 03 17"}),
    "assitan": ("Tounkara", "Assitan", "F", 26, "05-13", "kayes", "secondaire", "Pâtissière", ["fra", "bam"], {}),
    "sekou": ("Kanouté", "Sékou", "M", 23, "01-08", "kayes", "secondaire", "Mécanicien automobile", ["fra", "bam"],
              {"telephone": "+223 70 31 92 05"}),
    "lassana": ("Soumaré", "Lassana", "M", 42, "08-29", "kayes", "aucun", "Soudeur", ["bam", "ara"],
                {"adresse": "Légal Ségou, Kayes"}),
    # Electricians of Bamako, targeted in the candidate pool for an offer agreed without display.
    "drissa": ("Dembélé", "Drissa", "M", 27, "02-21", "bamako", "secondaire", "Électricien du bâtiment",
               ["fra", "bam"], {"telephone": "+223 76 45 18 02"}),
    "mariam": ("Touré", "Mariam", "F", 25, "07-11", "bamako", "secondaire", "Électricienne du bâtiment",
               ["fra", "bam", "snk"], {}),
    # Masons of Kayes, registered and waiting for an offer (the candidate pool's).
    "moussa": ("Keïta", "Moussa", "M", 29, "03-02", "kayes", "fondamental", "Maçon", ["fra", "snk"],
               {"telephone": "+223 73 40 21 66"}),
    "boubacar": ("Sidibé", "Boubacar", "M", 36, "09-09", "kayes", "aucun", "Maçon coffreur", ["bam", "snk"], {}),
    "adama": ("Diarra", "Adama", "M", 27, "06-21", "kayes", "fondamental", "Maçon coffreur", ["fra", "bam"],
              {"telephone": "+223 78 02 14 93"}),
    "oumar": ("Konaté", "Oumar", "M", 20, "11-30", "kayes", "fondamental", "Maçon", ["fra", "snk"], {}),
}

# Years in the occupation, when the person can leave, and what they say they can do (the pool's search and
# ranking read them); persons not listed here left these fields empty.
EXPERIENCE = {
    "moussa": (6, "immediate", "Murs en parpaings, enduits, chapes ; chantiers de logements à Kayes et Bamako."),
    "adama": (4, "un_mois", "Coffrage bois, ferraillage et coulage de dalles ; CAP maçonnerie."),
    "oumar": (0, "immediate", "Sort d'apprentissage chez un maçon de Kayes."),
    "boubacar": (10, "trois_mois", "Coffrage et maçonnerie de fondations ; chef d'équipe sur des chantiers de Kayes."),
    "bakary": (12, "un_mois", "Carrelage, faïence et maçonnerie."),
    "demba": (8, "immediate", "Cuisine d'hôtel et de collectivité."),
    "ousmane": (10, "un_mois", "Cuisine d'hôtel, brigade de douze personnes."),
    "mamadou": (5, "immediate", "Cueillette, maraîchage, irrigation goutte à goutte."),
    "aminata": (4, "immediate", "Maraîchage et serres ; conditionnement des récoltes."),
}


# The ISCO-08 codes of the occupations above: the one exercised, then those sought.
OCCUPATION_CODES = {
    "Ouvrière maraîchère": ("6113", ["6113", "9211"]), "Ouvrier agricole": ("9211", ["9211"]),
    "Ouvrière agricole": ("9211", ["9211"]), "Aide maraîchère": ("9214", ["9214", "9211"]),
    "Cuisinier": ("5120", ["5120"]), "Commis de cuisine": ("9412", ["9412", "5120"]), "Comptable": ("2411", ["2411"]),
    "Maçon carreleur": ("7112", ["7112", "7122"]), "Aide à domicile": ("5322", ["5322"]),
    "Pâtissière": ("7512", ["7512"]), "Mécanicien automobile": ("7231", ["7231"]), "Soudeur": ("7212", ["7212"]),
    "Électricien du bâtiment": ("7411", ["7411"]), "Électricienne du bâtiment": ("7411", ["7411"]),
    "Maçon": ("7112", ["7112"]), "Maçon coffreur": ("7114", ["7114", "7112"]),
}


def person(key, today):
    """The registration form of a demo person, with consent; the age is the same whatever the year."""
    last, first, sex, age, birthday, region, education, occupation, languages, more = PERSONS[key]
    year = today.year - age - (1 if birthday > today.strftime("%m-%d") else 0)
    exercised, sought = OCCUPATION_CODES[occupation]
    pool = {}
    if key in EXPERIENCE:
        years, availability, skills = EXPERIENCE[key]
        pool = {"annees_experience": years, "disponibilite": availability, "competences": skills}
    return {"nom": last, "prenoms": first, "sexe": sex, "date_naissance": f"{year}-{birthday}", "region": region,
            "niveau_etudes": education, "metier": occupation, "profession": exercised,
            "metiers_recherches": list(sought), "langues": list(languages), "consentement": True, **pool, **more}


# --- Offer OFF-2026-019: greenhouse work in Spain, followed to the departures -------------------------------

def serres_espagne(d):
    return {
        "source_offre": "accord_bilateral",
        "source_offre_precisions": "Programme de migration circulaire Mali–Espagne (campagne de primeurs)",
        "date_reception_offre": d(-80),
        "employeur_raison_sociale": "Invernaderos Campo de Níjar S.C.A.", "employeur_pays": "ES",
        "employeur_adresse": "Paraje Los Grillos s/n, 04117 San Isidro de Níjar (Almería)",
        "employeur_contact_nom": "Javier Ruiz Moreno", "employeur_contact_fonction": "Chef du personnel",
        "employeur_email": "personal@camponijar.example.es", "employeur_telephone": "+34 950 61 22 40",
        "metier": "Ouvrier agricole", "metier_citp": "9211",
        "intitule_poste": "Ouvrier de serre (tomates et poivrons)",
        "qualification_requise": "Pas de diplôme exigé ; au moins une campagne agricole",
        "experience_minimale_annees": 1,
        "description_activites": "Plantation, palissage et récolte sous serre ; tri et mise en caisse ; "
                                 "entretien de l'irrigation au goutte-à-goutte.",
        "competences_attendues": "Soin dans la récolte, résistance à la chaleur, travail en équipe",
        "langues_requises": ["fra"], "niveau_langue_requis": "notions",
        "salaire": {"montant": 1381.0, "devise": "EUR"}, "periodicite_salaire": "mensuel",
        "avantages": ["billet_avion", "logement", "transport"],
        "lieu_travail_ville": "Níjar", "lieu_travail_pays": "ES",
        "nature_contrat": "saisonnier", "type_contrat": "temps_plein", "duree_contrat_mois": 6,
        "horaires_travail": "40 heures par semaine, du lundi au samedi matin", "nombre_postes": 2,
        "protection_sociale": "Affiliation au régime agricole de la sécurité sociale espagnole",
        "modalites_voyage_accueil": "Billet aller-retour payé par l'employeur ; accueil à l'aéroport d'Almería.",
        "penibilite": "Chaleur sous serre, station debout prolongée",
    }


def serres_verification(d):
    return {"sources_consultees": ["eures", "missions_diplomatiques_destination", "historique_anpe"],
            "constats_verification": "Coopérative inscrite au registre des sociétés coopératives d'Andalousie ; "
                                     "elle a déjà employé des travailleurs maliens par l'ANPE en 2024, sans incident.",
            "employeur_credible": True, "date_verification": d(-77)}


def serres_negociation(d):
    return {"delai_satisfaction": d(-40), "nombre_candidats": 4, "diffusion": "affichage",
            "analyse_besoins": "Deux ouvriers pour la campagne d'hiver, de la plantation à la fin de la récolte.",
            "criteres_complementaires": "Expérience d'une campagne agricole attestée par un employeur ou un chef de "
                                        "village.",
            "modalites_presentation": ["envoi_cv", "entretien_visioconference"],
            "services_employeur": ["salle_conference", "bureau_entretien"], "accord_employeur": True}


# --- Offer OFF-2026-027: kitchen staff in Morocco, candidates at the evaluator's tests ----------------------

def cuisine_maroc(d):
    return {
        "source_offre": "employeur_etranger", "date_reception_offre": d(-40),
        "source_offre_precisions": "Demande reçue par courriel après le salon de l'emploi de Bamako",
        "employeur_raison_sociale": "Palmeraie Atlas Hôtels SA", "employeur_pays": "MA",
        "employeur_adresse": "Circuit de la Palmeraie, 40060 Marrakech",
        "employeur_contact_nom": "Leïla Benjelloun", "employeur_contact_fonction": "Directrice des ressources humaines",
        "employeur_email": "rh@palmeraie-atlas.example.ma", "employeur_telephone": "+212 524 33 08 15",
        "metier": "Commis de cuisine", "metier_citp": "9412", "intitule_poste": "Commis de cuisine chaude",
        "qualification_requise": "CAP cuisine, ou deux ans d'expérience en restauration",
        "experience_minimale_annees": 2,
        "description_activites": "Mise en place, préparation des entrées et des garnitures, cuissons sous la "
                                 "conduite du chef de partie, respect des règles d'hygiène (HACCP).",
        "competences_attendues": "Gestes de base de la cuisine, hygiène, rapidité pendant le service",
        "langues_requises": ["fra"], "niveau_langue_requis": "intermediaire",
        "salaire": {"montant": 4800, "devise": "MAD"}, "periodicite_salaire": "mensuel",
        "avantages": ["logement", "restauration", "assurance_maladie"],
        "lieu_travail_ville": "Marrakech", "lieu_travail_pays": "MA",
        "nature_contrat": "cdd", "type_contrat": "temps_plein", "duree_contrat_mois": 24,
        "horaires_travail": "44 heures par semaine en horaires décalés, deux jours de repos", "nombre_postes": 6,
        "protection_sociale": "Affiliation à la Caisse nationale de sécurité sociale du Maroc",
    }


def cuisine_verification(d):
    return {"sources_consultees": ["missions_diplomatiques_mali", "missions_diplomatiques_destination", "kompass"],
            "constats_verification": "Groupe hôtelier de quatre établissements à Marrakech ; le consulat du Mali à "
                                     "Casablanca confirme son existence et l'absence de plainte.",
            "employeur_credible": True, "date_verification": d(-37)}


def cuisine_negociation(d):
    return {"delai_satisfaction": d(30), "nombre_candidats": 10, "diffusion": "affichage",
            "tests_requis": ["test_technique", "test_integration"],
            "contenu_tests": "Épreuve pratique en cuisine pédagogique (taillage, cuisson d'une garniture) ; "
                             "entretien sur la vie en équipe et en hôtellerie.",
            "modalites_presentation": ["envoi_cv", "tests_anpe", "entretien_presentiel"],
            "services_employeur": ["accueil_employeur", "bureau_entretien"], "accord_employeur": True}


def cuisine_tests(d):
    return {"epreuves": ["test_technique", "test_integration"], "note_minimale": 12,
            "criteres_tests": "Technique : hygiène, taillage, cuisson et dressage d'une garniture en 45 minutes. "
                              "Intégration : travail en brigade, horaires décalés, vie à l'étranger.",
            "date_tests": d(-3), "modalite_tests": "presentiel",
            "lieu_tests": "Centre de formation professionnelle de Bamako, cuisine pédagogique"}


def cuisine_evaluation(candidat):
    return {"candidat_evalue": candidat,
            "evaluation": {"present": True, "note_test_technique": 15.5, "note_test_integration": 14,
                           "observations_evaluation": "Bonne organisation du poste, gestes sûrs."}}


# --- Offer OFF-2026-033: electricians in Senegal, agreed without display and presented on CVs only ---------

def electriciens_senegal(d):
    return {
        "source_offre": "employeur_etranger", "date_reception_offre": d(-34),
        "source_offre_precisions": "Demande de l'entreprise, cliente de l'ANPE depuis un chantier à Bamako",
        "employeur_raison_sociale": "Teranga Bâtiment Électricité SARL", "employeur_pays": "SN",
        "employeur_adresse": "Zone industrielle, route de Rufisque, Dakar",
        "employeur_contact_nom": "Aïssatou Ndiaye", "employeur_contact_fonction": "Responsable du recrutement",
        "employeur_email": "recrutement@teranga-batelec.example.sn", "employeur_telephone": "+221 33 839 40 12",
        "metier": "Électricien du bâtiment", "metier_citp": "7411", "intitule_poste": "Électricien de chantier",
        "qualification_requise": "CAP ou BT électricité, ou trois ans d'expérience sur des chantiers",
        "experience_minimale_annees": 3,
        "description_activites": "Pose des gaines et des câbles, raccordement des tableaux, mise en service et "
                                 "contrôle des installations de logements collectifs.",
        "competences_attendues": "Lecture de plans, normes de sécurité électrique, travail en hauteur",
        "langues_requises": ["fra"], "niveau_langue_requis": "intermediaire",
        "salaire": {"montant": 350000, "devise": "XOF"}, "periodicite_salaire": "mensuel",
        "avantages": ["logement", "transport"],
        "lieu_travail_ville": "Dakar", "lieu_travail_pays": "SN",
        "nature_contrat": "cdd", "type_contrat": "temps_plein", "duree_contrat_mois": 12,
        "horaires_travail": "40 heures par semaine", "nombre_postes": 2,
        "protection_sociale": "Affiliation à la Caisse de sécurité sociale du Sénégal et à l'IPRES",
    }


def electriciens_verification(d):
    return {"sources_consultees": ["missions_diplomatiques_destination", "historique_anpe"],
            "constats_verification": "Entreprise connue de l'ANPE (chantier de logements à Bamako en 2025) ; "
                                     "l'ambassade du Sénégal confirme son immatriculation.",
            "employeur_credible": True, "date_verification": d(-32)}


def electriciens_negociation(d):
    """Agreed without display (the employer asks for candidates the ANPE already knows) and on CVs only."""
    return {"delai_satisfaction": d(20), "nombre_candidats": 3, "diffusion": "sans_affichage",
            "analyse_besoins": "Deux électriciens expérimentés pour la fin du chantier, sans appel public.",
            "criteres_complementaires": "Trois ans de chantier attestés par d'anciens employeurs.",
            "modalites_presentation": ["envoi_cv"], "services_employeur": ["accueil_employeur"],
            "accord_employeur": True,
            "observations_negociation": "L'employeur choisira sur les CV, sans entretien ; l'offre n'est pas "
                                        "affichée, la direction de Bamako cible son vivier."}


def candidatures_ciblees(day, persons):
    return {"modes_identification": ["ciblage_vivier", "ciblage_rode"], "date_cloture_candidatures": day,
            "candidatures_recues": True, "candidats_inscrits_region": list(persons),
            "observations_recueil": "Offre non affichée : candidats ciblés dans le vivier et la base du RODE."}


def envoi_cv(day):
    return {"date_envoi_liste": day, "moyen_envoi": "courrier_electronique",
            "reference_courrier": "ANPE/DCIM/2026/0519", "pieces_transmises": ["cv", "attestations"]}


# --- Steps shared by the offers ---------------------------------------------------------------------------

def transmission(message):
    return {"regions_concernees": ["bamako", "kayes"], "message_directions": message}


def affichage(day):
    return {"confirmation_affichage": {"affichage_effectue": True, "date_affichage": day,
                                       "lieux_affichage": ["panneaux_direction_regionale", "point_emploi", "radio"]}}


def candidatures(day, persons):
    return {"modes_identification": ["appel_candidature", "ciblage_vivier"], "date_cloture_candidatures": day,
            "candidatures_recues": True, "candidats_inscrits_region": list(persons),
            "observations_recueil": "Offre affichée à la direction régionale et annoncée à la radio de proximité."}


def preselection(persons, interviews=None, remark=None):
    data = {"methodes_preselection": ["selection_cv", "verification_criteres"], "preselection_fructueuse": True,
            "candidats_preselectionnes_region": list(persons)}
    if interviews:
        data["methodes_preselection"].append("selection_entretien")
        data["date_entretiens"] = interviews
    if remark:
        data["observations_preselection"] = remark
    return data


def liste(day, persons):
    return {"candidats_a_presenter": list(persons), "date_arret_liste": day,
            "observations_liste": "Quatre candidats, comme convenu avec l'employeur."}


def dossiers_incomplets(persons):
    return {"dossiers_complets": False, "candidats_dossier_incomplet": list(persons),
            "pieces_manquantes": ["copies_diplomes"],
            "observations_dossiers": "Copie du CAP agricole non certifiée conforme."}


def completion(day, persons):
    return {"completion": {"date_completion": day, "pieces_ajoutees": ["copies_diplomes"],
                           "candidats_completes": list(persons),
                           "observations_completion": "Copie certifiée conforme par la mairie de Kayes."}}


def dossiers_complets():
    return {"dossiers_complets": True}


def envoi_liste(d):
    return {"date_envoi_liste": d(-48), "moyen_envoi": "courrier_electronique",
            "reference_courrier": "ANPE/DCIM/2026/0412", "pieces_transmises": ["cv", "lettres_motivation",
                                                                                "attestations"]}


def rencontre(d, persons):
    return {"rencontre_prevue": True, "candidats_convoques": list(persons), "modalite_rencontre": "visioconference",
            "date_rencontre": d(-42),
            "lieu_rencontre": "Visioconférence depuis les directions régionales de Bamako et de Kayes",
            "services_rencontre": ["salle_conference", "bureau_entretien"]}


def convocation(day, persons):
    return {"convocation": {"date_convocation": day, "moyens_convocation": ["telephone", "sms"],
                            "candidats_confirmes": list(persons),
                            "informations_donnees": ["date_lieu", "deroulement", "gratuite"]}}


def choix_employeur(d, presents, selected, waiting):
    return {"date_rencontre_effective": d(-42), "modalite_rencontre_effective": "visioconference",
            "candidats_presents": list(presents), "employeur_a_selectionne": True,
            "candidats_selectionnes": list(selected), "candidats_liste_attente": list(waiting),
            "confirmation_ecrite_employeur": True,
            "observations_selection": "Choix confirmé par courriel du chef du personnel le lendemain."}


# --- Departure aid of the two candidates the Spanish employer chose --------------------------------------

def planning(d, leaves, documents_by):
    return {"date_concertation_employeur": d(-38), "date_depart_prevue": leaves,
            "lieu_depart": "Aéroport international Président Modibo Keïta, Bamako-Sénou", "moyen_transport": "avion",
            "date_limite_documents": documents_by,
            "organisation_voyage": "Billets achetés par l'employeur ; escale à Casablanca.",
            "accueil_arrivee": "Accueil à l'aéroport d'Almería par le chef d'équipe, logement sur l'exploitation.",
            "atelier_integration_prevu": True}


def rendez_vous(day):
    return {"date_convocation": day, "mode_convocation": "telephone",
            "informations_donnees": ["pieces_visa_travail", "visite_medicale", "documents_depart",
                                     "services_consulaires", "droits_devoirs", "protection_sociale", "aide_retour",
                                     "gratuite"],
            "organismes_orientation": "Consulat général d'Espagne à Bamako ; centre médical agréé pour la visite.",
            "candidat_maintient_depart": True}


def controle_contrat(day, missing=()):
    mentions = ("donnees_employeur", "donnees_employe", "duree_objet", "remuneration_avantages",
                "modalites_paiement", "regime_horaire", "conges_payes", "couverture_sociale", "billet_avion",
                "modalites_retour")
    data = {"date_reception_contrat": day, "mentions_contrat": {m: m not in missing for m in mentions},
            "remuneration_nette": {"montant": 1210.0, "devise": "EUR"}, "duree_contrat_mois": 6,
            "langues_contrat": ["spa", "fra"], "contrat_compris_par_candidat": True,
            "frais_a_charge_travailleur": False}
    if missing:
        data["observations_contrat"] = "Le contrat ne dit rien des congés payés de la campagne."
    return data


def documents_reunis(day):
    return {"date_point_documents": day, "etat_documents": "complet",
            "documents_obtenus": ["passeport_biometrique", "visa_travail", "permis_travail", "certificat_medical",
                                  "carnet_vaccination", "documents_qualifications", "itineraire_aller_retour"]}


def atelier(day):
    return {"date_atelier": day, "format_atelier": "collectif",
            "themes_atelier": ["legislation", "culture_coutumes", "droits_devoirs", "protection_sociale",
                               "aide_retour"],
            "candidat_present_atelier": True,
            "observations_atelier": "Atelier commun avec d'autres travailleurs saisonniers en partance."}


def depart(day):
    return {"depart_effectue": True, "date_depart_effective": day,
            "transport_depart": "Vol Bamako–Casablanca–Almería, billet fourni par l'employeur"}


def arrivee(day):
    return {"date_arrivee": day, "arrivee_confirmee_par": "employeur",
            "observations_arrivee": "Arrivée à l'exploitation de San Isidro confirmée par le chef du personnel."}


# --- Services to candidates -------------------------------------------------------------------------------

def analyse_comptable(d, candidat):
    return {"candidat": candidat, "date_entretien_analyse": d(-21),
            "caracteristiques_personnelles": "Marié, un enfant ; se déplace en fauteuil roulant, autonome ; "
                                             "cherche un poste de bureau accessible.",
            "formation_diplomes": "Licence professionnelle de comptabilité et gestion (Bamako, 2012)",
            "experience_professionnelle": "Dix ans de comptabilité dans une ONG de santé à Bamako.",
            "annees_experience": 10, "connaissance_marche_travail": "moyenne",
            "competences_evaluees": "Comptabilité générale, suivi budgétaire de projets, logiciel de gestion",
            "motivation_migration": "forte", "motifs_migration": "Évoluer vers le contrôle de gestion.",
            "pays_envisages": ["CA", "FR"], "metiers_vises": "Comptable, assistant de contrôle de gestion",
            "employabilite": "elevee", "diplomes_a_faire_reconnaitre": True}


def projet_comptable(d):
    return {"date_appui": d(-14),
            "appuis_apportes": ["exigences_employeurs", "curriculum_vitae", "lettre_motivation",
                                "projet_professionnel"],
            "cv_finalise": True, "competences_mises_en_valeur": "Clôtures annuelles, audits de bailleurs",
            "projet_migration": "Poste de comptable dans un organisme sans but lucratif au Québec, trouvé par les "
                                "services publics de l'emploi.",
            "projet_realiste": True}


def information_individuelle(d):
    return {"type_session": "individuelle", "date_session": d(-6),
            "voies_legales_presentees": ["services_publics", "offres_anpe", "recrutement_direct"],
            "themes_sensibilisation": ["arnaques", "verification_contrat", "documents_migration", "gratuite"],
            "sources_communiquees": "Portail d'immigration du Québec, Guichet-Emplois du Canada, ambassade du "
                                    "Canada à Bamako."}


def analyse_macon(d, candidat):
    """A Kayes mason's demand, analysed five weeks ago: his services concluded "ready for offers"."""
    return {"candidat": candidat, "date_entretien_analyse": d(-36),
            "caracteristiques_personnelles": "Marié, deux enfants, disponible pour un contrat de chantier.",
            "formation_diplomes": "Apprentissage chez un maçon de Kayes (quatre ans)",
            "experience_professionnelle": "Six ans sur des chantiers de logements à Kayes et Bamako.",
            "annees_experience": 6, "connaissance_marche_travail": "moyenne",
            "competences_evaluees": "Murs en parpaings, enduits, chapes, lecture d'un plan simple",
            "motivation_migration": "forte", "pays_envisages": ["CI", "SN"],
            "metiers_vises": "Maçon en bâtiment", "employabilite": "elevee",
            "diplomes_a_faire_reconnaitre": False}


def projet_macon(d):
    return {"date_appui": d(-33), "appuis_apportes": ["exigences_employeurs", "curriculum_vitae"],
            "cv_finalise": True, "competences_mises_en_valeur": "Six ans de chantiers, travail en équipe",
            "projet_migration": "Un contrat de chantier d'un an ou deux dans la sous-région, par les offres de l'ANPE.",
            "projet_realiste": True}


def information_macon(d):
    return {"type_session": "individuelle", "date_session": d(-30),
            "voies_legales_presentees": ["offres_anpe", "libre_circulation_aes"],
            "themes_sensibilisation": ["arnaques", "verification_contrat", "gratuite"]}


def conclusion_pret_macon(d):
    return {"date_conclusion": d(-28), "issue_accompagnement": "pret_pour_offre",
            "offres_ciblees": "Offres de maçons en Côte d'Ivoire et au Sénégal"}


def analyse_mecanicien(d, candidat):
    return {"candidat": candidat, "date_entretien_analyse": d(-3),
            "caracteristiques_personnelles": "Célibataire, disponible, permis de conduire B.",
            "formation_diplomes": "CAP mécanique automobile (centre de formation de Kayes, 2022)",
            "experience_professionnelle": "Trois ans dans un garage de poids lourds sur la route de Diboli.",
            "annees_experience": 3, "connaissance_marche_travail": "faible",
            "competences_evaluees": "Entretien et diagnostic de moteurs diesel, freinage",
            "motivation_migration": "moyenne", "pays_envisages": ["SN", "CI"],
            "metiers_vises": "Mécanicien de poids lourds", "employabilite": "moyenne",
            "diplomes_a_faire_reconnaitre": False}


# --- Returning migrants and their reintegration -----------------------------------------------------------

def retour_france_fin_contrat(d, migrant):
    return {"migrant": migrant, "date_retour": d(-70), "pays_provenance": "FR", "duree_sejour_mois": 72,
            "metier_exerce_etranger": "Maçon puis chef d'équipe sur des chantiers de rénovation",
            "motifs_retour": ["contrat_termine", "investissement_expertise"],
            "circonstances_retour": "Fin de son contrat en Île-de-France ; rentré avec ses économies pour "
                                    "s'installer à son compte."}


def programmes_auto_emploi(d):
    return {"date_information": d(-65), "programmes_presentes": ["accompagnement_anpe", "auto_emploi", "apej",
                                                                  "ofii"],
            "accompagnement_souhaite": True, "orientation_souhaitee": "auto_emploi"}


def profil_carreleur(d, migrant):
    return {"migrant": migrant, "date_inscription": d(-60),
            "diplomes_qualifications": "CAP de maçonnerie (Bamako)",
            "experiences_etranger": "Six ans sur des chantiers de rénovation, chef d'équipe les deux dernières "
                                    "années.",
            "competences_acquises": "Lecture de plans, carrelage et finitions, conduite d'une équipe",
            "personnes_a_charge": 4,
            "projet_professionnel": "Créer une entreprise de carrelage et de finitions à Bamako avec deux ouvriers.",
            "besoins_accompagnement": ["creation_entreprise", "formation"]}


def orientation(day, path, skills=None):
    data = {"date_orientation": day, "informations_donnees": ["marche_travail", "programmes_emploi"],
            "seance_tre": path == "salarie", "vae_orientee": bool(skills), "parcours_reintegration": path}
    data["informations_donnees"].append("auto_emploi" if path == "auto_emploi" else "validation_acquis")
    if skills:
        data["competences_a_valider"] = skills
    return data


def appui_carrelage(d):
    return {"date_presentation_appui": d(-48),
            "idee_projet": "Entreprise de carrelage et de finitions du bâtiment à Kalaban-Coura.",
            "secteur_activite": "Bâtiment", "programmes_appui": ["appui_creation_anpe", "ofii", "apej",
                                                                 "microfinance"],
            "aide_ofii_demandee": True, "modules_necessaires": True, "modules_entrepreneuriat": ["trie", "germe"]}


def apej(d):
    return {"date_orientation_apej": d(-52), "services_apej": ["financement_projet", "accompagnement_creation"],
            "observations_apej": "Dossier de financement déposé au guichet APEJ de Bamako."}


def retour_algerie(d, migrant):
    return {"migrant": migrant, "date_retour": d(-25), "pays_provenance": "DZ", "duree_sejour_mois": 30,
            "metier_exerce_etranger": "Soudeur sur des chantiers de construction métallique",
            "motifs_retour": ["expulsion_rapatriement", "tout_perdu"],
            "circonstances_retour": "Reconduit à la frontière puis rapatrié à Kayes en convoi, sans ressources.",
            "besoins_immediats": ["subsistance", "documents", "sante"]}


def programmes_prioritaires(d):
    return {"date_information": d(-18), "programmes_presentes": ["accompagnement_anpe", "validation_acquis",
                                                                  "emploi_salarie"],
            "accompagnement_souhaite": True, "orientation_souhaitee": "salarie"}


def profil_soudeur(d, migrant):
    return {"migrant": migrant, "date_inscription": d(-20),
            "experiences_etranger": "Deux ans et demi de soudure à l'arc sur des chantiers de charpente "
                                    "métallique.",
            "competences_acquises": "Soudure à l'arc et semi-automatique, lecture de plans simples",
            "personnes_a_charge": 5,
            "projet_professionnel": "Être embauché comme soudeur dans un atelier de construction métallique à "
                                    "Kayes.",
            "besoins_accompagnement": ["validation_acquis", "techniques_recherche_emploi", "appui_social"]}


def retour_france_titre_expire(d, migrant):
    return {"migrant": migrant, "date_retour": d(-4), "pays_provenance": "FR", "duree_sejour_mois": 180,
            "metier_exerce_etranger": "Aide à domicile auprès de personnes âgées",
            "motifs_retour": ["titre_sejour_expire"],
            "circonstances_retour": "Titre de séjour non renouvelé ; rentrée par ses propres moyens.",
            "besoins_immediats": ["hebergement"]}


# --- Private placement agencies ---------------------------------------------------------------------------

MINISTERE_EMPLOI = "Ministère de l'Entrepreneuriat national, de l'Emploi et de la Formation professionnelle"


def agence_horizon(year):
    return {"agence_nom": "Horizon Placement International SARL", "numero_agrement": "AGR-2023-041/MTFP",
            "date_agrement": "2023-06-15", "ministere_agrement": MINISTERE_EMPLOI,
            "agence_adresse": "Avenue de l'OUA, immeuble Kanaga, Faladié, Bamako",
            "agence_telephone": "+223 20 22 61 75", "agence_email": "direction@horizon-placement.example.ml",
            "responsable_agence": "Modibo Tangara", "membre_conabem": True, "premiere_annee_rapport": year}


def agence_kenedougou(year):
    return {"agence_nom": "Kénédougou Recrutement Conseil", "numero_agrement": f"AGR-{year}-006/MTFP",
            "date_agrement": date(year, 3, 4).isoformat(), "ministere_agrement": MINISTERE_EMPLOI,
            "agence_adresse": "Quartier Wayerma II, Sikasso",
            "agence_telephone": "+223 21 62 03 88", "responsable_agence": "Salif Berthé",
            "membre_conabem": False, "premiere_annee_rapport": year}


def agence_sahel_talents(year):
    return {"agence_nom": "Sahel Talents Placement", "numero_agrement": f"AGR-{year - 2}-019/MTFP",
            "date_agrement": date(year - 2, 11, 20).isoformat(), "ministere_agrement": MINISTERE_EMPLOI,
            "agence_adresse": "Badalabougou Est, avenue de l'Indépendance, Bamako",
            "agence_telephone": "+223 20 23 48 11", "responsable_agence": "Aïssata Maïga",
            "membre_conabem": True, "premiere_annee_rapport": year}


def rapport_sahel_talents(day):
    return {"date_reception_rapport": day, "placements_realises": True, "offres_prospectees": 14,
            "candidats_prepares": 85, "operations_selection": 6}


PLACEMENTS_SAHEL_TALENTS = [
    {"pays_placement": "SA", "metier_placement": "5321", "femmes_placees": 9, "hommes_places": 0,
     "autre_ligne_placements": True},
    {"pays_placement": "CI", "metier_placement": "7112", "femmes_placees": 0, "hommes_places": 14,
     "autre_ligne_placements": True},
    {"pays_placement": "QA", "metier_placement": "5414", "femmes_placees": 2, "hommes_places": 11,
     "autre_ligne_placements": False}]


def controle_sahel_talents():
    return {"frais_factures_travailleurs": False, "discrimination_constatee": False,
            "observations_controle": "Rapport complet ; contrats vérifiés par sondage à l'agence.",
            "suite_controle": "maintien"}


def relance_kenedougou(day):
    return {"date_relance": day, "moyen_relance": "telephone",
            "observations_relance": "Le gérant promet l'envoi du rapport avant la fin du mois."}


def mise_en_demeure_kenedougou(day, limit):
    return {"date_mise_en_demeure": day, "reference_mise_en_demeure": "Lettre n° 0187/ANPE-DCIM",
            "suite_retard": "mise_en_demeure", "date_limite_mise_en_demeure": limit,
            "observations_mise_en_demeure": "Copie adressée à la direction régionale de Sikasso."}


# --- DCIM's country sheet on Spain and the information sessions (§8.2.1, §6.7) ------------------------------

def fiche_espagne():
    return {"regime": "accord_bilateral", "visa": True, "permis_travail": True,
            "cadre_legal": "Accord-cadre de coopération en matière d'immigration entre le Mali et l'Espagne : "
                           "recrutement dans le pays d'origine (contrats saisonniers agricoles), visa de travail "
                           "délivré par le consulat d'Espagne à Bamako sur autorisation de séjour et de travail.",
            "conditions_vie_travail": "Logement fourni sur l'exploitation dans la plupart des contrats saisonniers ; "
                                      "salaire minimum fixé par la convention collective agricole de la province.",
            "adresses_utiles": "Consulat général d'Espagne à Bamako ; Ambassade du Mali à Madrid."}


def session_prevue(d, on, lieu="Bamako"):
    return {"date_session": d(on), "lieu_session": f"Agence régionale de l'ANPE, {lieu}",
            "type_session": "collective", "public_vise": "Demandeurs d'emploi intéressés par un travail à l'étranger",
            "themes_prevus": ["missions_diplomatiques", "risques_migration_irreguliere", "voies_migration_legale",
                              "cadre_legal_conditions_pays", "aide_au_retour"],
            "pays_presentes": ["ES", "SN"]}


def session_tenue(d, on, persons):
    return {"issue_session": "tenue", "date_tenue": d(on), "participants": persons, "nombre_participants": 17,
            "themes_traites": ["missions_diplomatiques", "risques_migration_irreguliere", "voies_migration_legale",
                               "cadre_legal_conditions_pays", "aide_au_retour"],
            "observations": "Beaucoup de questions sur les contrats saisonniers en Espagne ; fiches pays remises."}
