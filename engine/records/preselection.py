"""Candidatures from the preselection procedure (manual §7.5, §6.6): registered, preselected or not."""
from engine.records.candidatures import record_stages


def project(session, instance):
    record_stages(session, instance)
