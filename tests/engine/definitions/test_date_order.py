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


FILE_SCHEMA = {"type": "object", "properties": {"cloture": {"type": "string", "format": "date", "title": "Clôture"},
                                                "tests": {"type": "string", "format": "date", "title": "Tests"}},
               "x-date-order": [["cloture", {"from": "delai", "title": "Délai négocié"}],
                                [{"from": "derniere_cloture", "title": "Dernière clôture"}, "tests"]]}


def file_problems(data, file_data):
    with pytest.raises(ValidationFailed) as refused:
        forms.validate(forms.expand(FILE_SCHEMA, forms.Choices(data=file_data)), data)
    return [(e.field, e.code, e.params) for e in refused.value.errors]


def test_a_date_typed_earlier_in_the_file_is_compared_on_this_forms_field():
    file_data = {"delai": "2025-02-28", "derniere_cloture": "2025-02-20"}
    forms.validate(forms.expand(FILE_SCHEMA, forms.Choices(data=file_data)), {"cloture": "2025-02-28",
                                                                              "tests": "2025-02-20"})
    assert file_problems({"cloture": "2025-03-01", "tests": "2025-02-19"}, file_data) == [
        ("cloture", "date_after_file", {"other": "Délai négocié", "date": "2025-02-28"}),
        ("tests", "date_before_file", {"other": "Dernière clôture", "date": "2025-02-20"})]
    # A date the file does not hold (or not as a date) is not compared; nor without expanding the form.
    forms.validate(forms.expand(FILE_SCHEMA, forms.Choices(data={"delai": "28/02/2025"})), {"cloture": "2025-03-01"})
    forms.validate(FILE_SCHEMA, {"cloture": "2025-03-01", "tests": "2025-01-01"})
