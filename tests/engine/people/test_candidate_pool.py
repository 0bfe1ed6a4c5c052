"""The candidate pool (manual §7.5, §8.1): several hundred persons searched by combined filters and free
words, ranked against an offer with reasons, and invited into a preselection with mode "ciblage_vivier"."""
import accompagnement_candidat_data as services
import offer_data
import pool_data
import pytest
from conftest import BAMAKO, DCIM, KAYES
from offer_flow import complete, history, open_tasks
from preselection_flow import candidatures, preselection_of
from sqlalchemy import func, select

from engine import people
from engine.errors import Hidden, ValidationFailed
from engine.runtime import instances, pool, tasks
from engine.store.tables import AuditEvent, Candidature, Person


@pytest.fixture
def pooled(deployed):
    """The pool registered: {person id: spec}."""
    return {people.register_person(deployed, DCIM, pool_data.registration(i)): pool_data.spec(i)
            for i in range(pool_data.SIZE)}


def _ids(page):
    return {p["id"] for p in page["items"]}


def _all(uow, actor, **kwargs):
    found, page = set(), people.persons_after(uow, actor, limit=500, **kwargs)
    found |= _ids(page)
    assert page["next_cursor"] is None
    return found


def test_the_pool_is_searched_by_combined_filters_in_the_readers_region(deployed, pooled):
    def expected(region=None, **rule):
        return {pid for pid, s in pooled.items() if (region is None or s["region"] == region)
                and all(check(s) for check in rule.values())}

    masons_fr_3y = dict(group=lambda s: s["code"].startswith("711"), fra=lambda s: "fra" in s["langues"],
                        years=lambda s: s["experience"] >= 3)
    filters = {"langue": "fra", "experience_min": 3}
    assert _all(deployed, KAYES, occupation="711", filters=filters) == expected("kayes", **masons_fr_3y)
    assert _all(deployed, DCIM, occupation="711", filters=filters) == expected(**masons_fr_3y)
    assert _all(deployed, BAMAKO, occupation="711", filters=filters) == expected("bamako", **masons_fr_3y)
    # A counsellor asking for another region's persons gets none of them.
    assert _all(deployed, KAYES, filters={"region": "bamako"}) == set()

    soon = {"immediate", "un_mois"}
    assert _all(deployed, KAYES, filters={"disponibilite": "un_mois", "niveau_etudes": "secondaire",
                                          "texte": "COFFRAGE ferr"}) == \
        expected("kayes", soon=lambda s: s["disponibilite"] in soon, level=lambda s: s["niveau"] == "secondaire",
                 words=lambda s: s["competences"].startswith("Coffrage"))
    assert _all(deployed, DCIM, filters={"texte": "chantier", "experience_min": 8}) == \
        expected(words=lambda s: "chantiers" in s["competences"], years=lambda s: s["experience"] >= 8)
    assert _all(deployed, DCIM, filters={"texte": "offrage"}) == set()  # the start of words, not their middle
    # A free word typed in the plural finds the singular written in a file.
    assert _all(deployed, DCIM, filters={"texte": "chantiers"}) == _all(deployed, DCIM, filters={"texte": "chantier"})
    formwork = expected(words=lambda s: any(w.startswith("coffrage") for w in s["competences"].lower().split()))
    assert formwork and _all(deployed, DCIM, filters={"texte": "coffrages"}) == formwork
    assert _all(deployed, DCIM, filters={"disponibilite": "jamais"}) == set()

    # The names' words, without case or accents, in pages with the count of all.
    keita = expected(name=lambda s: s["nom"] == "Keïta")
    page = people.persons_page(deployed, DCIM, "KEI", per_page=10)
    assert page["total"] == len(keita) and page["pages"] == -(-len(keita) // 10)
    assert {p["id"] for p in people.list_persons(deployed, DCIM, "keita", limit=500)} == keita
    one = next(iter(keita))
    assert [p["id"] for p in people.list_persons(deployed, DCIM, f"kei {pooled[one]['prenoms'].split()[1][:3]}")] \
        == [one]


def _conclude_services(uow, person_id, outcome, key):
    started = instances.start_instance(uow, KAYES, "accompagnement_candidat", key)["id"]
    complete(uow, KAYES, started, "analyser_demande", services.analyser(person_id, diplomes=False))
    complete(uow, KAYES, started, "construire_projet", services.projet())
    complete(uow, KAYES, started, "informer_migration_legale", services.informer())
    complete(uow, KAYES, started, "conclure_accompagnement", outcome)


def test_ready_for_offers_is_the_last_concluded_outcome_of_the_candidate_services(deployed):
    ready, renounced = (people.register_person(deployed, KAYES, pool_data.registration(i)) for i in (1, 3))
    _conclude_services(deployed, ready, services.conclure_pret(), "ACC-1")
    _conclude_services(deployed, renounced, services.conclure_pret(), "ACC-2")
    _conclude_services(deployed, renounced, services.conclure_renonce(), "ACC-3")
    assert _all(deployed, KAYES, filters={"pret_pour_offres": True}) == {ready}
    assert _all(deployed, KAYES) == {ready, renounced}


def _preselection_task(uow):
    _offer, preselection = preselection_of(uow, "OFF-POOL-1", "kayes",
                                           record=pool_data.mason_offer(offer_data.enregistrer_saisonnier_espagne()))
    [task] = open_tasks(uow, KAYES, preselection["id"], "recueillir_candidatures")
    return preselection, task


def test_the_pool_is_ranked_against_the_offer_with_reasons_and_lacks(deployed, pooled):
    _preselection, task = _preselection_task(deployed)
    found = pool.proposals(deployed, KAYES, task["id"], per_page=500)
    kayes_group = {pid for pid, s in pooled.items() if s["region"] == "kayes" and s["code"].startswith("711")}
    assert found["total"] == len(kayes_group) and {c["person"]["id"] for c in found["candidates"]} == kayes_group
    keys = [(-c["occupation"], -c["met"], -c["languages"], -(pooled[c["person"]["id"]]["experience"]))
            for c in found["candidates"]]
    assert keys == sorted(keys)

    def expected_met(s):
        return ("fra" in s["langues"]) + (s["experience"] >= 3) + (s["niveau"] in ("secondaire", "superieur")) + 1
    for candidate in found["candidates"]:
        s = pooled[candidate["person"]["id"]]
        assert candidate["occupation"] == (2 if s["code"] == "7114" else 1)
        assert candidate["met"] == expected_met(s)
    first = found["candidates"][0]
    s = pooled[first["person"]["id"]]
    assert s["code"] == "7114" and "fra" in s["langues"] and s["experience"] >= 3
    assert ("metier_exerce", {"code": "7114"}) in first["reasons"] and ("langue", {"code": "fra"}) in first["reasons"]
    assert ("experience", {"annees": s["experience"], "demande": 3}) in first["reasons"]
    assert ("region", {"region": "kayes"}) in first["reasons"]
    # A builder (7111) of the same group, without French: what matches and what lacks.
    builder = next(c for c in found["candidates"] if pooled[c["person"]["id"]]["code"] == "7111"
                   and "fra" not in pooled[c["person"]["id"]]["langues"])
    assert ("metier_voisin", {"code": "7111", "groupe": "711"}) in builder["reasons"]
    assert ("pas_le_metier", {"code": "7114"}) in builder["lacks"]
    assert ("langue_manquante", {"code": "fra"}) in builder["lacks"]

    everyone = pool.proposals(deployed, KAYES, task["id"], per_page=500, everyone=True)
    assert everyone["total"] == sum(1 for s in pooled.values() if s["region"] == "kayes")
    assert everyone["candidates"][-1]["occupation"] == 0
    assert ("autre_metier", {"code": pooled[everyone["candidates"][-1]["person"]["id"]]["code"], "demande": "7114"}) \
        in everyone["candidates"][-1]["lacks"]
    paged = pool.proposals(deployed, KAYES, task["id"], page=2, per_page=10)
    assert [c["person"]["id"] for c in paged["candidates"]] == \
        [c["person"]["id"] for c in found["candidates"][10:20]]
    with pytest.raises(Hidden):  # Bamako's counsellor does not work on Kayes' task
        pool.proposals(deployed, BAMAKO, task["id"])


def test_invited_persons_join_the_candidatures_with_mode_ciblage_vivier(deployed, pooled):
    preselection, task = _preselection_task(deployed)
    ranked = pool.proposals(deployed, KAYES, task["id"], per_page=500)["candidates"]
    chosen = [c["person"]["id"] for c in ranked[:3]]
    assert pool.invite(deployed, KAYES, task["id"], chosen) == {"invited": sorted(chosen), "already": []}
    offer_id = preselection["root_id"]
    assert {pid: stage for pid, (_region, stage) in candidatures(deployed, offer_id).items()} == \
        {pid: "inscrit" for pid in chosen}
    with deployed:
        modes = {row.person_id: row.mode for row in deployed.session.scalars(
            select(Candidature).where(Candidature.offer_id == offer_id))}
    assert modes == {pid: "ciblage_vivier" for pid in chosen}
    # The task's form has them ticked, with the pool among the ways candidates were found.
    data = tasks.get_task(deployed, KAYES, task["id"])["data"]
    assert sorted(data["candidats_inscrits_region"]) == sorted(chosen)
    assert "ciblage_vivier" in data["modes_identification"] and data["candidatures_recues"] is True
    [event] = [e for e in history(deployed, preselection["id"]) if e["kind"] == "pool_candidates_invited"]
    assert (event["actor"], event["details"]["persons"], event["region"]) == ("conseiller-kayes", sorted(chosen), "kayes")
    # Shown as invited in the proposals; inviting them again changes nothing.
    again = pool.proposals(deployed, KAYES, task["id"], per_page=500)["candidates"]
    assert {c["person"]["id"] for c in again if c["invited"]} == set(chosen)
    assert pool.invite(deployed, KAYES, task["id"], chosen[:1]) == {"invited": [], "already": chosen[:1]}

    bamako_person = next(pid for pid, s in pooled.items() if s["region"] == "bamako")
    with pytest.raises(Hidden):
        pool.invite(deployed, KAYES, task["id"], [bamako_person])
    with pytest.raises(ValidationFailed):
        pool.invite(deployed, KAYES, task["id"], [])

    # The counsellor unticks one before completing: their candidature goes, audited.
    kept = chosen[:2]
    complete(deployed, KAYES, preselection["id"], "recueillir_candidatures",
             {**{k: data[k] for k in ("modes_identification", "candidatures_recues")},
              "date_cloture_candidatures": "2026-03-01", "candidats_inscrits_region": kept})
    assert set(candidatures(deployed, offer_id)) == set(kept)
    [dropped] = [e for e in history(deployed, preselection["id"]) if e["kind"] == "pool_invitations_dropped"]
    assert dropped["details"]["persons"] == [chosen[2]]
    with deployed:
        kinds = set(deployed.session.scalars(select(AuditEvent.kind).where(AuditEvent.kind.like("pool_%"))))
    assert kinds == {"pool_proposed", "pool_candidates_invited", "pool_invitations_dropped"}



def test_with_as_many_requirements_met_who_speaks_more_of_the_languages_asked_comes_first():
    from engine.people import matching
    from engine.store.tables import Person

    def person(number, languages, years):
        return Person(id=number, last_name=f"Nom{number}", first_names="X", region="kayes", experience_years=years,
                      details={"langues": languages})
    wanted = matching.requirements({"langues_requises": ["spa", "fra"], "experience_minimale_annees": 1}, "kayes")
    ranked = matching.rank([person(1, [], 10), person(2, ["fra"], 8), person(3, ["spa", "fra"], 2)], wanted)
    assert [p.id for p, _assessment in ranked] == [3, 2, 1]
    assert [a["met"] for _p, a in ranked] == [3, 2, 2] and [a["languages"] for _p, a in ranked] == [2, 1, 0]
    assert ("langue_manquante", {"code": "spa"}) in ranked[1][1]["lacks"]


def test_a_pseudonymised_person_leaves_no_word_in_the_index(deployed):
    from datetime import timedelta

    from engine.store.tables import PersonWord, utcnow
    kept, erased = (people.register_person(deployed, KAYES, pool_data.registration(i)) for i in (1, 3))
    with deployed:
        before = {pid: deployed.session.scalar(select(func.count()).select_from(PersonWord)
                                                .where(PersonWord.person_id == pid)) for pid in (kept, erased)}
    assert before[kept] > 0 and before[erased] > 0
    name = pool_data.spec(3)["prenoms"].split()[1]
    assert [p["id"] for p in people.list_persons(deployed, KAYES, name)] == [erased]
    with deployed:  # only the second person's file is old enough to be pseudonymised
        deployed.session.get(Person, kept).created_at = utcnow() + timedelta(days=3650)
        deployed.commit()
    assert people.apply_retention(deployed, utcnow() + timedelta(days=6 * 366)) == [erased]
    assert people.list_persons(deployed, KAYES, name) == []
    assert _all(deployed, KAYES, filters={"texte": "travaux"}) == set()  # the erased person's skills
    assert _all(deployed, KAYES, filters={"texte": "coffrage"}) == {kept}
    with deployed:
        assert deployed.session.scalar(select(func.count()).select_from(PersonWord)
                                       .where(PersonWord.person_id == erased)) == 0
