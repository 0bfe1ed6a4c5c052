"""Dates a form says come in an order (`x-date-order`) are refused out of it, on the later field."""
from datetime import date, timedelta

import pytest

from engine.definitions import forms
from engine.errors import ValidationFailed

SCHEMA = {"type": "object", "x-date-order": [["concertation", "depart"], ["depart", "prise"], ["recu", "today"]],
          "properties": {name: {"type": "string", "format": "date", "title": title} for name, title in (
              ("concertation", "Date de la concertation"), ("depart", "Date de départ"), ("prise", "Prise de poste"),
              ("recu", "Reçue le"))}}


def problems(data):
    with pytest.raises(ValidationFailed) as refused:
        forms.validate(SCHEMA, data)
    return [(e.field, e.code, e.params) for e in refused.value.errors]


def test_dates_in_order_or_missing_pass_and_out_of_order_are_refused_on_the_later_field():
    today = date.today()
    forms.validate(SCHEMA, {"concertation": "2026-01-10", "depart": "2026-01-10", "prise": "2026-02-01",
                            "recu": today.isoformat()})
    forms.validate(SCHEMA, {"depart": "2026-01-10"})  # an order needs both dates
    assert problems({"concertation": "2026-12-07", "depart": "2026-11-01", "prise": "2026-10-01"}) == [
        ("depart", "date_order", {"other": "Date de la concertation"}),
        ("prise", "date_order", {"other": "Date de départ"})]
    assert problems({"recu": (today + timedelta(days=1)).isoformat()}) == [("recu", "date_future", {})]
