"""Statistics equal the same counts made independently from the records."""
from collections import Counter
from datetime import date, datetime, timezone

import accompagnement_candidat_data
import aide_au_depart_data
import offer_data
import retour_migrant_data
from conftest import BAMAKO, DCIM, KAYES
from offer_flow import complete, offer_sent_to, start_offer

from engine import people
from engine.records import statistics
from engine.runtime import instances
from engine.store.tables import Candidature, Departure, Offer, ReturnRecord, TaskRow

TODAY = date(2026, 11, 29)
PERSONS = [  # (name, sex, birth date, region)
    ("Keïta", "F", "1994-05-12", "bamako"), ("Traoré", "M", "1988-02-01", "bamako"),
    ("Diallo", "F", "2001-09-30", "kayes"), ("Sissoko", "M", "1970-07-07", "kayes"),
    ("Coulibaly", "M", None, "bamako")]
COUNSELLORS = {"bamako": BAMAKO, "kayes": KAYES}


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
        diffused = [(o.occupation, o.posts - (o.posts_filled or 0)) for o in offers if o.status == "diffusee"]
    assert statistics.count(deployed, "offres_recues") == [("total", len(offers))]
    assert statistics.count(deployed, "postes_offerts") == [("total", expected_posts)]
    assert dict(statistics.count(deployed, "offres_recues", by="pays")) == dict(expected_by_country)
    assert statistics.count(deployed, "offres_diffusees") == [("total", 1)]
    assert len(diffused) == 1 and statistics.count(deployed, "postes_non_pourvus", by="metier") == diffused
    assert statistics.count(deployed, "offres_recues", region="bamako") == []  # offers are national
    # Offers have no category: broken down by it, they are their total, not one "not given" row.
    assert statistics.count(deployed, "offres_recues", by="categorie") == [("total", len(offers))]
    # A breakdown leaves out the groups that count nothing; alone, a group of 0 is the answer.
    assert statistics.count(deployed, "postes_pourvus") == [("total", 0)]
    assert statistics.count(deployed, "postes_pourvus", by="mois") == []  # two months of 0 posts filled
    assert [value for _month, value in statistics.count(deployed, "postes_offerts", by="mois")] == [40, 12]


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


def test_the_time_per_step_reads_the_tasks_completed_in_its_period(uow, deployed):
    _offers(deployed)
    with deployed:
        rows = deployed.session.query(TaskRow).filter(TaskRow.state == "completed").all()
        old = [row for row in rows if row.name == "enregistrer_offre"]
        for row in old:  # recorded two years ago, a day after the file was opened
            row.created_at, row.completed_at = datetime(2024, 11, 1, tzinfo=timezone.utc), \
                datetime(2024, 11, 2, tzinfo=timezone.utc)
        deployed.session.commit()
    recent = {s["name"]: s for s in statistics.step_durations(deployed, "offre_internationale")}
    assert "enregistrer_offre" not in recent and recent  # the last year's tasks only, by default
    assert statistics.step_period(today=TODAY) == (date(2025, 11, 30), TODAY)
    then = statistics.step_durations(deployed, "offre_internationale", start=date(2024, 11, 2), end=date(2024, 11, 2))
    assert then == [{"process_key": "offre_internationale", "name": "enregistrer_offre", "title": old[0].title,
                     "count": len(old), "median_days": 1.0}]


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


# Services to candidates worked through the engine, one file per person of PERSONS (by index):
# (employability, kind of information session, diplomas to have recognised, outcome); None where the file stops.
SERVICES = [("elevee", "collective", True, "pret_pour_offre"), ("moyenne", "individuelle", False, "oriente_formation"),
            ("faible", "collective", False, "renonce_migration"), ("moyenne", None, False, None),
            (None, None, None, None)]
CONCLUSIONS = {"pret_pour_offre": accompagnement_candidat_data.conclure_pret,
               "oriente_formation": accompagnement_candidat_data.conclure_formation,
               "renonce_migration": accompagnement_candidat_data.conclure_renonce}


def _serve(uow, person_ids):
    """Run SERVICES through the candidate services procedure, by the counsellor of each person's region."""
    for index, (level, session, diplomas, outcome) in enumerate(SERVICES):
        counsellor = COUNSELLORS[PERSONS[index][3]]
        file_id = instances.start_instance(uow, counsellor, "accompagnement_candidat", f"ACC-S{index}")["id"]
        if level is None:
            continue
        complete(uow, counsellor, file_id, "analyser_demande",
                 {**accompagnement_candidat_data.analyser(person_ids[index], diplomes=diplomas),
                  "employabilite": level})
        if session is None:
            continue
        complete(uow, counsellor, file_id, "construire_projet", accompagnement_candidat_data.projet())
        complete(uow, counsellor, file_id, "informer_migration_legale",
                 accompagnement_candidat_data.informer(collective=session == "collective"))
        if diplomas:
            complete(uow, counsellor, file_id, "informer_equivalence", accompagnement_candidat_data.equivalence())
        complete(uow, counsellor, file_id, "conclure_accompagnement", CONCLUSIONS[outcome]())


def test_candidate_services_indicators(uow, deployed):
    person_ids = _register(deployed)
    _serve(deployed, person_ids)
    analysed = [(PERSONS[i], s) for i, s in enumerate(SERVICES) if s[0] is not None]

    assert statistics.count(deployed, "accompagnements") == [("total", len(SERVICES))]
    assert dict(statistics.count(deployed, "accompagnements", by="region")) == Counter(p[3] for p in PERSONS)
    # The file not analysed yet names nobody: its sex is not known.
    assert dict(statistics.count(deployed, "accompagnements", by="sexe")) == \
        Counter(p[1] for p, _s in analysed) + Counter({None: len(SERVICES) - len(analysed)})
    assert dict(statistics.count(deployed, "accompagnements", by="categorie")) == Counter(s[3] for s in SERVICES)
    assert dict(statistics.count(deployed, "accompagnements_employabilite", by="categorie")) == \
        Counter(s[0] for _p, s in analysed)
    assert dict(statistics.count(deployed, "accompagnements_employabilite", by="sexe")) == \
        Counter(p[1] for p, _s in analysed)
    assert statistics.count(deployed, "accompagnements", region="kayes") == [
        ("total", sum(p[3] == "kayes" for p in PERSONS))]
    informed = [s for s in SERVICES if s[1] is not None]
    assert dict(statistics.count(deployed, "sessions_information", by="categorie")) == Counter(s[1] for s in informed)
    assert dict(statistics.count(deployed, "sessions_information", by="mois")) == {"2025-03": len(informed)}
    assert statistics.count(deployed, "sessions_information", start=date(2025, 4, 1)) == []
    assert statistics.count(deployed, "equivalences_diplomes") == [("total", sum(bool(s[2]) for s in informed))]


# Departure files opened by hand for PERSONS[0] (Bamako) and PERSONS[2] (Kayes), worked to an end:
# (person index, how it ends, planned departure day).
DEPARTURES = [(0, "arrive", "2025-06-02"), (2, "desistement", "2025-07-01"), (0, "contrat_refuse", "2025-07-15")]


def _depart(uow, person_ids):
    for index, end, planned in DEPARTURES:
        counsellor = COUNSELLORS[PERSONS[index][3]]
        file_id = instances.start_instance(uow, DCIM, "aide_au_depart", f"DEP-S-{index}-{end}",
                                           aide_au_depart_data.donnees_selection(person_ids[index]))["id"]
        complete(uow, DCIM, file_id, "planifier_depart", aide_au_depart_data.planifier(atelier=False, depart=planned))
        complete(uow, counsellor, file_id, "convoquer_candidat",
                 aide_au_depart_data.convoquer(maintient=end != "desistement"))
        if end == "contrat_refuse":
            complete(uow, DCIM, file_id, "verifier_contrat", aide_au_depart_data.contrat(frais=True))
            complete(uow, DCIM, file_id, "demander_contrat_corrige",
                     aide_au_depart_data.demander_correction(["absence_frais"], recu=False))
        elif end == "arrive":
            complete(uow, DCIM, file_id, "verifier_contrat", aide_au_depart_data.contrat())
            complete(uow, counsellor, file_id, "verifier_documents", aide_au_depart_data.documents_complets())
            complete(uow, DCIM, file_id, "enregistrer_depart", aide_au_depart_data.depart(date=planned))
            complete(uow, DCIM, file_id, "confirmer_arrivee", aide_au_depart_data.arrivee())


def test_cancelled_departures_by_cause_and_arrivals(uow, deployed):
    person_ids = _register(deployed)
    _depart(deployed, person_ids)
    causes = {"desistement": "depart_abandonne", "contrat_refuse": "contrat_non_conforme"}
    cancelled = [d for d in DEPARTURES if d[1] in causes]

    assert dict(statistics.count(deployed, "departs_annules", by="categorie")) == \
        Counter(causes[d[1]] for d in cancelled)
    assert dict(statistics.count(deployed, "departs_annules", by="pays")) == {"ES": len(cancelled)}
    assert dict(statistics.count(deployed, "departs_annules", by="mois")) == Counter(d[2][:7] for d in cancelled)
    assert dict(statistics.count(deployed, "departs_annules", by="sexe")) == \
        Counter(PERSONS[d[0]][1] for d in cancelled)
    assert statistics.count(deployed, "departs_annules", region="kayes") == [
        ("total", sum(PERSONS[d[0]][3] == "kayes" for d in cancelled))]
    arrived = [d for d in DEPARTURES if d[1] == "arrive"]
    assert statistics.count(deployed, "departs") == [("total", len(arrived))]
    # Arrivals are dated by the day the arrival was confirmed to have happened.
    assert dict(statistics.count(deployed, "arrivees", by="mois")) == {"2025-06": len(arrived)}
    assert dict(statistics.count(deployed, "arrivees", by="pays")) == {"ES": len(arrived)}


# Returns recorded by the counsellor of each person's region: (person index, date of return, reason).
RETURNS = [(1, "2025-01-15", "contrat_termine"), (3, "2025-03-02", "tout_perdu"), (4, "2025-03-20", "emploi_local")]


def test_returns_by_month_of_return(uow, deployed):
    person_ids = _register(deployed)
    for index, returned, reason in RETURNS:
        counsellor = COUNSELLORS[PERSONS[index][3]]
        file_id = instances.start_instance(deployed, counsellor, "retour_migrant", f"RET-S{index}")["id"]
        complete(deployed, counsellor, file_id, "enregistrer_retour",
                 {**retour_migrant_data.enregistrer_retour(person_ids[index], reason), "date_retour": returned})

    assert dict(statistics.count(deployed, "retours_par_date", by="mois")) == Counter(r[1][:7] for r in RETURNS)
    assert dict(statistics.count(deployed, "retours_par_date", by="region")) == \
        Counter(PERSONS[r[0]][3] for r in RETURNS)
    assert statistics.count(deployed, "retours_par_date", start=date(2025, 3, 1), end=date(2025, 3, 31)) == [
        ("total", sum(r[1].startswith("2025-03") for r in RETURNS))]
    # Registered today: the registration month is not the month of return.
    this_month = datetime.now(timezone.utc).strftime("%Y-%m")
    assert dict(statistics.count(deployed, "retours", by="mois")) == {this_month: len(RETURNS)}


def test_offers_are_counted_by_their_occupation_code_else_by_the_word_typed(deployed):
    coded = start_offer(deployed, "OFF-CITP-1")["id"]
    complete(deployed, DCIM, coded, "enregistrer_offre",
             {**offer_data.enregistrer_chantier_cote_divoire(), "metier": "Maçon", "metier_citp": "7112"})
    worded = start_offer(deployed, "OFF-CITP-2")["id"]
    complete(deployed, DCIM, worded, "enregistrer_offre", {**offer_data.enregistrer_chantier_cote_divoire(),
                                                            "metier": "Maçon coffreur"})
    assert sorted(statistics.count(deployed, "offres_recues", by="metier")) == [("7112", 1), ("Maçon coffreur", 1)]
