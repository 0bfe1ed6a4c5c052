"""Occupations as ISCO-08 codes (CITP-08 in French), the agency's own nomenclature mapped to them, and the
person's occupations coded."""
import offer_data
import offer_flow
import pytest
from conftest import BAMAKO, DCIM
from sqlalchemy import select

from engine import audit, people
from engine.definitions import occupations
from engine.errors import ValidationFailed
from engine.runtime import instances
from engine.store.tables import AuditEvent
from web import cli

ROAME = """code;title;isco_code
ROA-0412;Maçon coffreur;7112
ROA-0907;Aide ménagère;9111
"""


def test_isco_08_has_its_four_levels_each_group_under_its_parent():
    groups = occupations.isco()
    assert [sum(1 for g in groups if g["niveau"] == level) for level in (1, 2, 3, 4)] == [10, 43, 130, 436]
    codes = {g["code"] for g in groups}
    assert all(g["code"][:-1] in codes for g in groups if g["niveau"] > 1)
    assert (occupations.isco_title("7112"), occupations.isco_title("5120"), occupations.isco_title("7")) == \
        ("Maçons", "Cuisiniers", "Métiers qualifiés de l'industrie et de l'artisanat")
    assert occupations.groups_of("7112") == ["7", "71", "711"] and occupations.isco_title("7777") is None


def test_occupations_are_found_by_code_or_words_whatever_the_accents(uow):
    with uow:
        found = occupations.search(uow.session, "macons")
        assert found[0]["code"] == "7112" and found[0]["source"] == "CITP-08"
        assert [g["code"] for g in occupations.search(uow.session, "711")] == \
            ["7111", "7112", "7113", "7114", "7115", "7119", "711"]  # unit groups first
        assert [g["code"] for g in occupations.search(uow.session, "manoeuvres BATIMENT")] == ["9313", "931", "93"]
        assert [g["code"] for g in occupations.search(uow.session, "soignants domicile")] == ["5322"]
        assert occupations.search(uow.session, "  ") == []


def test_the_agency_nomenclature_is_checked_line_by_line_and_loaded_whole(uow, database_url, monkeypatch, capsys,
                                                                          tmp_path):
    with pytest.raises(ValidationFailed) as refused:
        occupations.read_agency_csv("code,title,isco_code\nR1,Maçon,7112\nR1,Autre,7112\nR2,Soudeur,7777\nR3,Seul\n")
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("line 3", "duplicate_code"), ("line 4", "unknown_isco"), ("line 5", "columns")]

    monkeypatch.setenv("DATABASE_URL", database_url)
    wrong = tmp_path / "roame-faux.csv"
    wrong.write_text("R1,Soudeur,7777\n", encoding="utf-8")
    assert cli.main(["occupations", "--load", str(wrong)]) == 1
    assert "7777 (métier R1) n'est pas un code CITP-08" in capsys.readouterr().err
    good = tmp_path / "roame.csv"
    good.write_text(ROAME, encoding="utf-8")
    assert cli.main(["occupations", "--load", str(good)]) == 0
    assert capsys.readouterr().out.startswith("2 métier(s) chargé(s)")
    assert cli.main(["occupations", "--search", "macon coffreur"]) == 0
    assert "ROAME    ROA-0412 Maçon coffreur  → CITP-08 7112" in capsys.readouterr().out

    with uow:
        assert occupations.choices(uow.session)[:2] == [("9111", "Aide ménagère (ROAME ROA-0907)"),
                                                        ("7112", "Maçon coffreur (ROAME ROA-0412)")]
        [event] = uow.session.scalars(select(AuditEvent).where(AuditEvent.kind == "occupations_loaded")).all()
        assert (event.actor, audit.details_of(event)) == ("cli", {"count": 2, "replaced": 0})
    assert occupations.load_agency_occupations(uow, [{"code": "X1", "title": "Cuisinier", "isco_code": "5120"}]) == 1
    with uow:
        assert occupations.choices(uow.session)[0] == ("5120", "Cuisinier (ROAME X1)")


def test_a_person_has_the_codes_of_the_occupation_exercised_and_those_sought(uow):
    person = {"nom": "Sissoko", "prenoms": "Bakary", "sexe": "M", "region": "bamako", "consentement": True,
              "metier": "Maçon coffreur", "profession": "7112", "metiers_recherches": ["7112", "7114"]}
    person_id = people.register_person(uow, BAMAKO, person)
    registered = people.get_person(uow, BAMAKO, person_id)
    assert (registered["profession"], registered["metiers_recherches"]) == ("7112", ["7112", "7114"])
    with pytest.raises(ValidationFailed) as refused:
        people.register_person(uow, BAMAKO, {**person, "nom": "Diarra", "profession": "Maçon",
                                             "metiers_recherches": ["7"]})
    assert {(e.field, e.code) for e in refused.value.errors} == {("profession", "enum"),
                                                                  ("metiers_recherches", "enum")}


def test_an_offer_records_the_code_of_its_occupation(deployed):
    instance_id = offer_flow.start_offer(deployed, "OFF-2026-71")["id"]
    with pytest.raises(ValidationFailed) as refused:
        offer_flow.complete(deployed, DCIM, instance_id, "enregistrer_offre",
                            {**offer_data.enregistrer_saisonnier_espagne(), "metier_citp": "Ouvrier agricole"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("metier_citp", "enum")]
    offer_flow.complete(deployed, DCIM, instance_id, "enregistrer_offre",
                        {**offer_data.enregistrer_saisonnier_espagne(), "metier_citp": "9211"})
    assert instances.get_instance(deployed, DCIM, instance_id)["data"]["metier_citp"] == "9211"
