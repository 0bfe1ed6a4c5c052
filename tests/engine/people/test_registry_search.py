"""Finding persons and files: part of a name or reference, any case or accents, in pages with counts."""
import pytest
from conftest import BAMAKO, DCIM, KAYES
from sqlalchemy import select, text

from engine import people
from engine.runtime import instances
from engine.store.folding import folded
from engine.store.tables import Person, utcnow

PERSONS = [("Koné", "Fanta", "bamako", "76 45 12 09"), ("KEÏTA", "Aminata", "bamako", None),
           ("Keita", "Sékou", "bamako", "+33 6 12 34 56 78"), ("Traoré", "Moussa", "bamako", None),
           ("Keïta", "Issa", "kayes", None)]


def _registered(uow):
    return [people.register_person(uow, DCIM, {"nom": last, "prenoms": first, "sexe": "F", "region": region,
                                               "consentement": True, **({"telephone": phone} if phone else {})})
            for last, first, region, phone in PERSONS]


def _names(found):
    return [f"{p['nom']} {p['prenoms']}" for p in found]


def test_persons_are_found_by_part_of_their_names_number_or_telephone(uow):
    ids = _registered(uow)
    assert _names(people.list_persons(uow, BAMAKO, "keita")) == ["KEÏTA Aminata", "Keita Sékou"]
    assert _names(people.list_persons(uow, DCIM, "KEÏ")) == ["KEÏTA Aminata", "Keïta Issa", "Keita Sékou"]
    assert _names(people.list_persons(uow, BAMAKO, "sekou KEITA")) == ["Keita Sékou"]  # any order
    assert _names(people.list_persons(uow, BAMAKO, "fanta kone")) == ["Koné Fanta"]
    assert _names(people.list_persons(uow, BAMAKO, "45 12 09")) == ["Koné Fanta"]  # digits of the telephone
    assert _names(people.list_persons(uow, BAMAKO, "+33 6 12 34")) == ["Keita Sékou"]
    assert _names(people.list_persons(uow, BAMAKO, str(ids[3]))) == ["Traoré Moussa"]  # the person's number
    assert people.list_persons(uow, KAYES, "fanta") == [] and people.list_persons(uow, BAMAKO, "%") == []


def test_the_registry_comes_in_pages_with_the_count_of_all(uow):
    _registered(uow)
    first = people.persons_page(uow, BAMAKO, per_page=3)
    assert (first["total"], first["pages"], _names(first["persons"])) == \
        (4, 2, ["KEÏTA Aminata", "Keita Sékou", "Koné Fanta"])
    last = people.persons_page(uow, BAMAKO, page=9, per_page=3)  # past the last: the last
    assert (last["page"], _names(last["persons"])) == (2, ["Traoré Moussa"])
    assert people.persons_page(uow, DCIM, "kei", per_page=3)["total"] == 3

    # By cursor (the API): by number, registrations made meanwhile do not shift the pages.
    page = people.persons_after(uow, DCIM, limit=2)
    seen = _names(page["items"])
    while page["next_cursor"]:
        page = people.persons_after(uow, DCIM, cursor=page["next_cursor"], limit=2)
        seen += _names(page["items"])
    assert seen == [f"{last} {first}" for last, first, _region, _phone in PERSONS] and page["total"] == 5
    assert people.persons_after(uow, DCIM, "keita", region="kayes")["items"][0]["prenoms"] == "Issa"


def test_files_are_found_by_part_of_their_reference_and_come_in_pages(deployed):
    for reference in ("OFF-2026-104", "OFF-2026-1040", "OFF-2026-7", "off-2025-104"):
        instances.start_instance(deployed, DCIM, "offre_internationale", reference)

    def found(q, **kwargs):
        return [i["business_key"] for i in instances.list_instances(deployed, DCIM, q=q, **kwargs)]
    assert found("off-2026-104") == ["OFF-2026-1040", "OFF-2026-104"]
    assert found("104") == ["off-2025-104", "OFF-2026-1040", "OFF-2026-104"]
    assert found("2026 7") == ["OFF-2026-7"]  # every word, anywhere
    assert len(found("traitement des offres")) == 4  # the procedure's name
    assert found("off-2026-104_") == [] and found("%") == []

    page = instances.instances_page(deployed, DCIM, q="off", per_page=3)
    assert (page["total"], page["pages"], len(page["instances"])) == (4, 2, 3)
    assert [i["business_key"] for i in instances.instances_page(deployed, DCIM, q="off", page=2,
                                                                per_page=3)["instances"]] == ["OFF-2026-104"]
    newest = instances.list_instances(deployed, DCIM, limit=2)
    assert found(None, cursor=newest[-1]["id"]) == ["OFF-2026-1040", "OFF-2026-104"]
    assert instances.count_instances(deployed, DCIM, q="104") == 3
    assert instances.count_instances(deployed, BAMAKO) == 0  # no task of theirs in these files


def test_persons_are_found_by_the_occupation_they_exercise_or_seek_and_by_its_group(uow):
    coded = [("Dembélé", "7112", []), ("Coulibaly", None, ["9313", "7115"]), ("Sangaré", "5120", ["7111"]),
             ("Touré", None, [])]
    for last, exercised, sought in coded:
        people.register_person(uow, BAMAKO, {"nom": last, "prenoms": "Ali", "sexe": "M", "region": "bamako",
                                             "consentement": True, **({"profession": exercised} if exercised else {}),
                                             **({"metiers_recherches": sought} if sought else {})})

    def found(code, **kwargs):
        return [p["nom"] for p in people.list_persons(uow, BAMAKO, occupation=code, **kwargs)]
    assert found("7112") == ["Dembélé"]
    assert found("711") == ["Coulibaly", "Dembélé", "Sangaré"]  # the group: builders, masons, carpenters
    assert found("9") == ["Coulibaly"] and found("7116") == [] and found("71%") == []
    assert found("711", search="sang") == ["Sangaré"]
    # Words of a group's title, whatever the case and accents: the groups whose titles hold them.
    assert found("maçon") == found("MACONS") == ["Dembélé"]
    assert found("ce métier n'existe pas") == []
    assert people.persons_page(uow, BAMAKO, occupation="7")["total"] == 3
    assert [p["nom"] for p in people.persons_after(uow, BAMAKO, occupation="5120")["items"]] == ["Sangaré"]


def test_persons_are_narrowed_by_sex_age_education_languages_disability_and_region(uow):
    today = utcnow().date()
    for last, sex, age, education, languages, disability, region in (
            ("Diarra", "F", 25, "secondaire", ["fra", "bam"], False, "bamako"),
            ("Fofana", "M", 40, "aucun", ["bam"], True, "bamako"),
            ("Guindo", "M", 18, "fondamental", ["dts", "fra"], False, "kayes"),
            ("Haïdara", "F", None, "superieur", ["fra"], False, "kayes")):
        born = {"date_naissance": today.replace(year=today.year - age, day=1).isoformat()} if age else {}
        people.register_person(uow, DCIM, {"nom": last, "prenoms": "A", "sexe": sex, "region": region,
                                           "niveau_etudes": education, "langues": languages, "handicap": disability,
                                           "consentement": True, **born})

    def found(actor=DCIM, **filters):
        return [p["nom"] for p in people.list_persons(uow, actor, filters=filters)]
    assert found(sexe="F") == ["Diarra", "Haïdara"] and found(handicap=True) == ["Fofana"]
    assert found(langue="fra") == ["Diarra", "Guindo", "Haïdara"] and found(langue="fr", sexe="M") == ["Guindo"]
    assert found(age_min=18, age_max=30) == ["Diarra", "Guindo"]  # no birth date: no age
    assert found(age_min=26) == ["Fofana"] and found(niveau_etudes="aucun") == ["Fofana"]
    assert found(region="kayes", langue="fra") == ["Guindo", "Haïdara"]
    assert found(BAMAKO, region="kayes") == [] and found(langue="%") == []
    assert people.persons_page(uow, DCIM, filters={"langue": "bam"})["total"] == 2


def test_postgresql_reads_the_registry_in_name_order_through_its_index(uow):
    with uow:
        if uow.session.bind.dialect.name != "postgresql":
            pytest.skip("the index on folded names is PostgreSQL's")
        uow.session.execute(text("SET LOCAL enable_seqscan = off"))  # a few rows: make the planner show its choice
        query = select(Person.id).order_by(folded(Person.last_name), folded(Person.first_names), Person.id).limit(50)
        sql = str(query.compile(uow.session.bind, compile_kwargs={"literal_binds": True}))
        plan = "\n".join(row[0] for row in uow.session.execute(text("EXPLAIN " + sql)))
        assert "ix_persons_folded_name" in plan
