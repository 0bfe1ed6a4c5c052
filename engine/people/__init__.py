"""Personal data: the persons registry with consent and logged reads (`registry`, re-exported
here), what forms mark as personal or health data (`sensitive`), retention's erasure, and
transfers abroad.
"""
from engine.people.activity import person_activity  # noqa: F401
from engine.people.identity import MIN_AGE, PossibleDuplicate, normalised_phone  # noqa: F401
from engine.people.registry import (  # noqa: F401 (the package's public surface)
    AVAILABILITY,
    PERSON_FIELDS,
    RETENTION_YEARS,
    SCHEMA,
    apply_retention,
    birth_date_of,
    can_read_person,
    export_person,
    get_person,
    label,
    labels,
    person_choices,
    person_dict,
    person_form,
    region_of,
    register_person,
)
from engine.people.search import FILTERS, PAGE, list_persons, persons_after, persons_page  # noqa: F401
