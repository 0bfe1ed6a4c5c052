"""The one CSV writer of every export: UTF-8 with a BOM and ';' between cells, as Excel in French reads it.

A text cell that a spreadsheet would take for a formula (starting with = + - @, a tab or a
carriage return) is prefixed with an apostrophe, so that a value typed into a form can never
run as a formula on a manager's computer. Numbers are written as they are.
"""
import csv
import io
from numbers import Number

from flask import Response, stream_with_context

from web import downloads

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """The text of one cell: empty for None, numbers as they are, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, Number) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def lines(header, rows):
    """The CSV text, line by line (BOM first), so that long exports stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([cell(value) for value in header])
    yield "\ufeff" + _flush(buffer)
    for row in rows:
        writer.writerow([cell(value) for value in row])
        yield _flush(buffer)


def response(filename, header, rows):
    """A streamed CSV download named `filename`."""
    headers = {"Content-Disposition": downloads.disposition(filename)}
    return Response(stream_with_context(lines(header, rows)), mimetype="text/csv", headers=headers)


def _flush(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
