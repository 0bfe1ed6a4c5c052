"""A counsellor reads a file shared between regions with their region's candidates only; DCIM reads all."""
import json

from conftest import BAMAKO, DCIM, DIRECTION, KAYES
from preselection_flow import presentation_of, register_candidates

from engine.people.regional import history_view, person_regions, regional_view
from engine.runtime import instances


def persons_named(value, ids):
    """The ids among `ids` that `value` (data or history) names: as keys of a map of persons, members of a
    list of numbers, or the candidate a step is about."""
    found = set()
    if isinstance(value, dict):
        if value and all(str(key).isdigit() for key in value):
            found |= {int(key) for key in value}
        found |= {item for key, item in value.items() if key in ("candidat", "candidat_evalue")}
        for item in value.values():
            found |= persons_named(item, ids)
    elif isinstance(value, list):
        if value and all(isinstance(item, int) for item in value):
            found |= set(value)
        for item in value:
            found |= persons_named(item, ids)
    return found & set(ids)


def test_a_counsellor_reads_only_their_regions_candidates_in_a_shared_file(deployed):
    _offer, preselection_id, _presentation, candidates = presentation_of(deployed, "OFF-REG-1",
                                                                          {"bamako": 1, "kayes": 2})
    kayes = set(candidates["kayes"])
    seen = instances.get_instance(deployed, BAMAKO, preselection_id, with_history=True)
    assert seen["other_regions_persons"] == 2
    assert persons_named(seen["data"], kayes) == set() and persons_named(seen["history"], kayes) == set()
    assert persons_named(seen["data"], candidates["bamako"]) == set(candidates["bamako"])
    assert "kayes" not in json.dumps(seen["data"].get("preselections_regionales", {}))
    for reader in (DCIM, DIRECTION):  # the whole file
        whole = instances.get_instance(deployed, reader, preselection_id, with_history=True)
        assert whole["other_regions_persons"] == 0 and persons_named(whole["data"], kayes) == kayes


def test_the_candidate_a_step_is_about_is_left_out_with_their_evaluation():
    data = {"region_des_candidats": {"4": "bamako", "11": "kayes"}, "candidat_evalue": 11, "nombre_postes": 11,
            "evaluation": {"note": 9}, "resultat_candidat": {"resultat": "admis"}, "candidats_retenus": [4, 11],
            "convocations": {"bamako": {"candidats_confirmes": [4]}, "kayes": {"candidats_confirmes": [11]}}}
    view, others = regional_view(data, BAMAKO)
    assert others == 1 and view == {"region_des_candidats": {"4": "bamako"}, "nombre_postes": 11,
                                    "candidats_retenus": [4], "convocations": {"bamako": {"candidats_confirmes": [4]}}}
    assert regional_view(data, DCIM) == (data, 0)


def test_persons_a_file_lists_without_their_region_are_placed_by_their_personal_file(deployed):
    # A second preselection round: the offer's candidates already handled are listed without their region, and
    # only Kayes registered candidates this time.
    bamako, kayes = register_candidates(deployed, "bamako", 1), register_candidates(deployed, "kayes", 1)
    data = {"region_des_candidats": {str(kayes[0]): "kayes"}, "candidats_deja_traites": bamako + kayes}
    with deployed:
        known = person_regions(deployed.session, data, KAYES)
        assert person_regions(deployed.session, data, DCIM) == {}  # who reads every region's persons: no query
    assert regional_view(data, KAYES, known) == ({**data, "candidats_deja_traites": kayes}, 1)
    event = {"region": None, "changes": {"candidats_deja_traites": {"old": [], "new": bamako + kayes}},
             "details": {}}
    [seen] = history_view([event], data, KAYES, known)
    assert seen["changes"] == {"candidats_deja_traites": {"old": [], "new": kayes}}
    assert regional_view(data, DCIM) == (data, 0)
