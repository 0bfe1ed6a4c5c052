"""Candidatures and offer status from the final selection procedure (manual §7.7).

Candidates selected by the employer or not; an offer whose employer selected
at least one candidate is `satisfaite`. (The presentation procedure, §7.6,
records the candidates it presents with `candidatures.record_stages` alone.)
"""
from engine.records.candidatures import mark_offer_satisfied, record_stages


def project(session, instance):
    record_stages(session, instance)
    selected = instance.data.get("candidats_selectionnes")
    if isinstance(selected, list) and selected:
        mark_offer_satisfied(session, instance)
