"""Realistic, valid submissions for the forms of the final selection procedure (manual §7.7)."""


def planifier_rencontre(persons, date="2025-03-12", modalite="visioconference"):
    """The employer wants to meet `persons`."""
    return {"rencontre_prevue": True, "candidats_convoques": list(persons), "modalite_rencontre": modalite,
            "date_rencontre": date, "lieu_rencontre": "Salle de conférence de l'ANPE, Bamako (liaison vidéo)",
            "services_rencontre": ["salle_conference", "bureau_entretien"]}


def aucune_rencontre(motif="Les profils ne correspondent pas : l'employeur ne retient aucun dossier."):
    return {"rencontre_prevue": False, "motif_aucune_rencontre": motif}


def convoquer(confirmes=(), date="2025-03-05"):
    """A regional directorate convenes its candidates; `confirmes` confirmed they will attend."""
    convocation = {"date_convocation": date, "moyens_convocation": ["telephone", "sms"],
                   "informations_donnees": ["date_lieu", "pieces_a_apporter", "gratuite"]}
    if confirmes:
        convocation["candidats_confirmes"] = list(confirmes)
    return {"convocation": convocation}


def enregistrer_selection(selectionnes, presents=None, attente=(), date="2025-03-12"):
    """The employer selected `selectionnes` at the meeting."""
    data = {"date_rencontre_effective": date, "modalite_rencontre_effective": "visioconference",
            "employeur_a_selectionne": bool(selectionnes), "confirmation_ecrite_employeur": True,
            "observations_selection": "Sélection confirmée par courriel de l'employeur le lendemain."}
    if selectionnes:
        data["candidats_selectionnes"] = list(selectionnes)
    if presents is not None:
        data["candidats_presents"] = list(presents)
    if attente:
        data["candidats_liste_attente"] = list(attente)
    return data


def relancer_preselection(*regions, nombre=4, delai="2025-05-30"):
    return {"suite_selection": "relancer", "regions_relance_selection": list(regions),
            "nombre_candidats_relance": nombre, "nouveau_delai_satisfaction": delai}


def clore(motif="L'employeur renonce à pourvoir les postes restants cette saison."):
    return {"suite_selection": "clore", "motif_cloture_selection": motif}
