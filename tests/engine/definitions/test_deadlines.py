"""Deadlines from the dates people type (issue 15, point 12): `echeance` as a `dueDate` expression uses it."""
from datetime import date

from engine.definitions.deadlines import echeance


def test_a_deadline_follows_the_date_it_depends_on():
    assert echeance("2025-02-14", 7) == "2025-02-21"
    assert echeance("2025-02-24T09:00:00", 5) == "2025-03-01"
    assert echeance(date(2024, 12, 30), 3) == "2025-01-02"


def test_without_a_usable_date_the_task_keeps_its_default_delay():
    # None makes the task fall back on its dueIn delay.
    for depuis, jours in ((None, 7), ("", 7), ("14/02/2025", 7), ("2025-02-14", "7"), ("2025-02-14", True),
                          ("2025-02-14", 10**6), ("9999-12-31", 1)):
        assert echeance(depuis, jours) is None
