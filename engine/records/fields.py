"""Reading typed values out of instance data, tolerantly."""
from datetime import date


def as_date(value):
    """A date from an ISO string, or None."""
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def as_int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def file_status(instance):
    """Where a file stands, for the records: `annule` (cancelled by hand), `termine` or `en_cours`."""
    if instance.status == "cancelled":
        return "annule"
    return "termine" if instance.status == "completed" else "en_cours"


_READ = object()


def upsert(session, model, key, row=_READ, **values):
    """Create or update the row of `model` whose primary key is `key` (`row`: the caller already read it, or None)."""
    if row is _READ:
        row = session.get(model, key)
    if row is None:
        row = model(**values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    return row
