"""Deadlines computed from the dates people type, for a user task's `dueDate` expression.

`echeance(date_tests, 5)` is five days after the test date: a step that depends on a date
(the applications' closing date, the tests, the meeting) is due after it, never before.
When the date is missing or is not a date the function gives None, and the task falls back
on its `dueIn` delay.
"""
from datetime import date, datetime, timedelta

MAX_DAYS = 3660  # ten years: a bigger delay is a typing error, not a deadline


def echeance(depuis, jours):
    """The day `jours` days after the day `depuis` (ISO text or date), as ISO text; None when either is not usable."""
    if isinstance(depuis, datetime):
        depuis = depuis.date()
    elif isinstance(depuis, str):
        try:
            depuis = date.fromisoformat(depuis[:10])
        except ValueError:
            return None
    if not isinstance(depuis, date) or isinstance(jours, bool) or not isinstance(jours, int):
        return None
    if not -MAX_DAYS <= jours <= MAX_DAYS:
        return None
    try:
        return (depuis + timedelta(days=jours)).isoformat()
    except OverflowError:
        return None
