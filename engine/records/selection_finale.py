"""Candidatures and offer status from the final selection procedure (manual §7.7).

Candidates selected by the employer or not; the offer is satisfied, in full or in
part, by the posts its selected candidates hold (`offers.refresh_satisfaction`).
(The presentation procedure, §7.6, records the candidates it presents with
`candidatures.record_stages` alone.)
"""
from engine.records.candidatures import record_stages
from engine.records.offers import refresh_satisfaction


def project(session, instance):
    record_stages(session, instance)
    refresh_satisfaction(session, instance)
