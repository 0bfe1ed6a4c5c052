"""Candidatures and offer status from the final selection procedure (manual §7.6, §7.7).

Candidates presented to the employer, then selected or not; an offer whose
employer selected at least one candidate is `satisfaite`.
"""
from engine.records.candidatures import mark_offer_satisfied, record_stages


def project(session, instance):
    record_stages(session, instance)
    selected = instance.data.get("candidats_selectionnes")
    if isinstance(selected, list) and selected:
        mark_offer_satisfied(session, instance)
