"""Statistics equal the same counts made independently from the records."""
from collections import Counter
from datetime import date

from conftest import BAMAKO, DCIM, KAYES
from engine import people, statistics
from engine.tables import Candidature, Departure, Offer, ReturnRecord, TaskRow
from offer_flow import complete, offer_sent_to, start_offer
import offer_data

TODAY = date(2026, 11, 29)
PERSONS = [  # (name, sex, birth date, region)
    ("Keïta", "F", "1994-05-12", "bamako"), ("Traoré", "M", "1988-02-01", "bamako"),
    ("Diallo", "F", "2001-09-30", "kayes"), ("Sissoko", "M", "1970-07-07", "kayes"),
    ("Coulibaly", "M", None, "bamako")]


def _register(uow):
    return [people.register_person(uow, DCIM, {"nom": n, "prenoms": "X", "sexe": s, "region": r,
                                               "consentement": True, **({"date_naissance": b} if b else {})})
            for n, s, b, r in PERSONS]


def _offers(uow):
    rejected = start_offer(uow, "OFF-S1")["id"]
    complete(uow, DCIM, rejected, "enregistrer_offre", offer_data.enregistrer_chantier_cote_divoire())
    complete(uow, DCIM, rejected, "verifier_employeur", offer_data.verifier_non_credible())
    sent = offer_sent_to(uow, "OFF-S2", "bamako", "kayes")
    for counsellor in (BAMAKO, KAYES):
        complete(uow, counsellor, sent, "confirmer_affichage", offer_data.confirmer_affichage())
    return rejected, sent


def test_offer_indicators(uow, deployed):
    _offers(deployed)
    with deployed:
        offers = deployed.session.query(Offer).all()
        expected_posts = sum(o.posts or 0 for o in offers)
        expected_by_country = Counter(o.work_country for o in offers)
    assert statistics.count(deployed, "offres_recues") == [("total", len(offers))]
    assert statistics.count(deployed, "postes_offerts") == [("total", expected_posts)]
    assert dict(statistics.count(deployed, "offres_recues", by="pays")) == dict(expected_by_country)
    assert statistics.count(deployed, "offres_diffusees") == [("total", 1)]
    assert statistics.count(deployed, "offres_recues", region="bamako") == []  # offers are national


def test_candidate_indicators_by_sex_age_and_region(uow, deployed):
    person_ids = _register(deployed)
    _rejected, offer_id = _offers(deployed)
    stages = ["parti", "retenu", "presente", "preselectionne", "inscrit"]
    with deployed:
        for person_id, stage, (_n, _s, _b, region) in zip(person_ids, stages, PERSONS):
            deployed.session.add(Candidature(offer_id=offer_id, person_id=person_id, region=region, stage=stage))
        deployed.session.add(Departure(instance_id=offer_id, person_id=person_ids[0], destination_country="ES",
                                       departed_on=date(2026, 3, 1), status="parti"))
        deployed.session.add(ReturnRecord(instance_id=offer_id, person_id=person_ids[3], region="kayes",
                                          category="involontaire", registered_on=date(2026, 5, 2)))
        deployed.session.commit()

    assert statistics.count(deployed, "candidats_inscrits") == [("total", 5)]
    assert statistics.count(deployed, "candidats_preselectionnes") == [("total", 4)]
    assert statistics.count(deployed, "candidats_presentes") == [("total", 3)]
    assert statistics.count(deployed, "candidats_retenus") == [("total", 2)]
    assert statistics.count(deployed, "candidats_partis") == [("total", 1)]
    assert dict(statistics.count(deployed, "candidats_inscrits", by="sexe")) == {"F": 2, "M": 3}
    assert dict(statistics.count(deployed, "candidats_inscrits", by="age", today=TODAY)) == {
        "25-34": 2, "35-44": 1, "55+": 1, None: 1}
    assert dict(statistics.count(deployed, "candidats_inscrits", by="region")) == {"bamako": 3, "kayes": 2}
    assert statistics.count(deployed, "candidats_inscrits", region="kayes") == [("total", 2)]
    assert dict(statistics.count(deployed, "departs", by="pays")) == {"ES": 1}
    assert statistics.count(deployed, "departs", region="kayes") == []
    assert dict(statistics.count(deployed, "retours", by="categorie")) == {"involontaire": 1}
    assert dict(statistics.count(deployed, "retours", by="mois")) == {"2026-05": 1}
    assert statistics.count(deployed, "retours", start=date(2026, 6, 1)) == []


def test_age_bands():
    assert statistics.age_band(date(2000, 11, 30), TODAY) == "25-34"  # 26 this year
    assert statistics.age_band(date(2008, 11, 29), TODAY) == "18-24"
    assert statistics.age_band(date(2010, 1, 1), TODAY) == "<18"
    assert statistics.age_band(None, TODAY) is None


def test_median_time_per_step(uow, deployed):
    _offers(deployed)
    with deployed:
        rows = deployed.session.query(TaskRow).filter(TaskRow.state == "completed").all()
        per_step = Counter(row.name for row in rows)
    steps = statistics.step_durations(deployed, "offre_internationale")
    assert {s["name"]: s["count"] for s in steps} == dict(per_step)
    assert all(s["median_days"] >= 0 for s in steps)
