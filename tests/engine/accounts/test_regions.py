"""Regional directorates are data: the manual's 11, or Mali's 2023 regions, loaded from a file."""
import json
from pathlib import Path

from sqlalchemy import select

import engine
from engine.definitions.reference import bundled_regions
from engine.setup import load_regions
from engine.store.tables import Region

REGIONS_2023 = Path(engine.__file__).parent / "definitions" / "data" / "regions-2023.json"


def _active(uow):
    with uow:
        return {r.code for r in uow.session.scalars(select(Region).where(Region.active))}


def test_the_manuals_eleven_directorates_by_default(uow):
    assert _active(uow) == {r["code"] for r in bundled_regions()}
    assert len(_active(uow)) == 11


def test_loading_the_2023_regions_keeps_old_codes_inactive(uow):
    regions = json.loads(REGIONS_2023.read_text(encoding="utf-8"))
    try:
        assert load_regions(uow, regions) == (9, 1, 0)  # nine new regions, Taoudéni renamed Taoudénit
        assert len(_active(uow)) == 20
        assert load_regions(uow, regions) == (0, 0, 0)
        smaller = [r for r in regions if r["code"] != "nara"]
        assert load_regions(uow, smaller) == (0, 0, 1)
        with uow:
            nara = uow.session.get(Region, "nara")
            assert (nara.name, nara.active) == ("Nara", False)  # kept: files may still name it
    finally:
        load_regions(uow, bundled_regions())
    assert _active(uow) == {r["code"] for r in bundled_regions()}


def test_regions_are_listed_as_a_reader_sorts_them(uow):
    """Accented names among the others, not after them (the lists of the registry, statistics and accounts)."""
    from engine.accounts.users import list_regions
    names = list(list_regions(uow).values())
    assert names.index("Ménaka") < names.index("Mopti") and names.index("Ségou") < names.index("Sikasso")
    assert names[0] == "District de Bamako" and names[-1] == "Tombouctou"
