"""The demo offers that `djoliba init --demo` creates: real histories a manager can audit."""
from conftest import DIRECTION

from engine.audit.search import EventFilter, search_events
from engine.audit.timeline import timeline
from engine.audit.verify import verify
from engine.demo.files import create_demo_files
from engine.runtime import instances


def test_demo_offers_are_worked_by_the_demo_accounts_and_audited(deployed):
    keys = create_demo_files(deployed)
    assert keys == ["OFF-2026-001", "OFF-2026-002", "OFF-2026-003", "OFF-2026-004", "OFF-2026-005", "OFF-2026-006"]
    assert create_demo_files(deployed) == []  # a second `init --demo` adds nothing

    offers = {i["business_key"]: i for i in instances.list_instances(deployed, DIRECTION, process="offre_internationale")}
    assert {key: offers[key]["status"] for key in keys} == {
        "OFF-2026-001": "completed", "OFF-2026-002": "running", "OFF-2026-003": "completed",
        "OFF-2026-004": "running", "OFF-2026-005": "completed", "OFF-2026-006": "running"}
    trail = timeline(deployed, DIRECTION, offers["OFF-2026-001"]["id"])
    actors = {e["actor"] for e in trail["events"] if e["kind"] == "task_completed"}
    assert actors == {"dcim", "conseiller-bamako", "conseiller-kayes"}
    assert all(step["seconds"] is not None for step in trail["steps"])
    found = search_events(deployed, DIRECTION, EventFilter(business_key="OFF-2026-002", kind="task_claimed"))
    assert [(e["actor"], e["region"]) for e in found["events"]] == [("conseiller-kayes", "kayes")]
    assert verify(deployed).ok


def test_demo_offers_dates_follow_the_order_of_the_work(deployed):
    """Each demo offer was received before it was recorded, and its employer checked after it was received
    (a manager auditing the demo reads those dates against the steps' own days)."""
    create_demo_files(deployed)
    offers = instances.list_instances(deployed, DIRECTION, process="offre_internationale")
    for offer in offers:
        read = instances.get_instance(deployed, DIRECTION, offer["id"], with_history=True)
        data = read["data"]
        recorded = next(e["at"][:10] for e in read["history"]
                        if e["kind"] == "task_completed" and e["element_id"] == "enregistrer_offre")
        assert data["date_reception_offre"] <= recorded, offer["business_key"]
        if data.get("date_verification"):
            assert data["date_reception_offre"] <= data["date_verification"], offer["business_key"]
