"""The one way downloads are named: a Content-Disposition that no file name can break.

A name typed by a person (an uploaded diagram, a form file) may hold quotes, line breaks
or any script: the plain `filename` keeps printable ASCII without quotes or backslashes,
and, when that is not the name itself, `filename*` carries the exact name, percent-encoded in
UTF-8 (RFC 6266).
"""
import re
from urllib.parse import quote

_UNSAFE = re.compile(r'[^A-Za-z0-9 ._()-]')


def disposition(filename):
    """The Content-Disposition header value of an attachment named `filename`."""
    plain = _UNSAFE.sub("_", filename)[:150] or "fichier"
    if plain == filename:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
