"""Business records fed by the engine: each procedure's projector copies what managers
count (offers, candidatures, departures, returns...) from an instance's data into
indexed tables, after every step, in the same transaction.

A projector is `project(session, instance)`; it reads `instance.data` and must
tolerate fields that are not filled in yet.
"""
from engine.records import accompagnement_candidat, agences_privees, reintegration, retour_migrant
from engine.records import aide_au_depart, offers
from engine.records import candidatures, information_sessions, preselection, selection_finale

PROJECTORS = {
    "offre_internationale": offers.project,
    "preselection": preselection.project,
    "mise_en_relation": candidatures.record_stages,
    "selection_finale": selection_finale.project,
    "aide_au_depart": aide_au_depart.project,
    "retour_migrant": retour_migrant.project,
    "reintegration": reintegration.project,
    "agences_privees": agences_privees.project,
    "accompagnement_candidat": accompagnement_candidat.project,
    "session_information": information_sessions.project,
}


# The files of an offer's chain that the employer's withdrawal (message `retrait_offre`) may close.
OFFER_CHAIN = ("offre_internationale", "preselection", "mise_en_relation", "selection_finale", "aide_au_depart")


def project(session, instance):
    """Update the business records of `instance`'s procedure, if it has any."""
    projector = PROJECTORS.get(instance.process_key)
    if projector is not None:
        projector(session, instance)
    if instance.process_key in OFFER_CHAIN:
        offers.mark_withdrawn(session, instance)
