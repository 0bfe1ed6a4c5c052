"""Realistic, valid submissions for the forms of the information session procedure (manual §8.2.1, §6.7).

Each function returns a fresh dict, so callers may change it freely.
"""


def personne(nom, prenoms, sexe="F", region="bamako", telephone="+223 66 40 11 01"):
    """A candidate to migration in the registry, as a counsellor registers them (with consent)."""
    return {"nom": nom, "prenoms": prenoms, "sexe": sexe, "region": region, "consentement": True,
            "telephone": telephone, "metier": "Aide-soignante", "date_naissance": "1996-02-03"}


def planifier(date_session="2025-06-12"):
    """A collective session at the regional agency on legal pathways, documents and the countries' sheets."""
    return {"date_session": date_session, "lieu_session": "Agence régionale de Bamako, salle de réunion",
            "type_session": "collective", "public_vise": "Demandeurs d'emploi intéressés par un travail à l'étranger",
            "themes_prevus": ["missions_diplomatiques", "risques_migration_irreguliere", "voies_migration_legale",
                              "cadre_legal_conditions_pays", "aide_au_retour"],
            "pays_presentes": ["ES", "SN"]}


def tenir(participants, nombre=14):
    """The session took place; `participants` are the registered persons present among `nombre` people."""
    return {"issue_session": "tenue", "date_tenue": "2025-06-12", "participants": list(participants),
            "nombre_participants": nombre,
            "themes_traites": ["missions_diplomatiques", "risques_migration_irreguliere", "voies_migration_legale",
                               "cadre_legal_conditions_pays"],
            "observations": "Questions sur le visa pour l'Espagne ; fiches pays remises aux participants."}


def reporter(nouvelle_date="2025-06-19"):
    return {"issue_session": "reportee", "nouvelle_date_session": nouvelle_date}


def annuler(motif="Salle indisponible et conseiller en mission à Koulikoro."):
    return {"issue_session": "annulee", "motif_annulation_session": motif}
