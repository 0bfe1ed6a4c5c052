"""A person's CV and documents, uploaded on the portal by the candidate: kept outside the web root, read by
the candidate and by the staff who may read the person's file (their region's counsellors, DCIM), each read
recorded in the history.

A file is taken only as a PDF, JPEG or PNG, known by its first bytes whatever its name says, and up to a
size the deployment sets; it is stored in the documents folder under a random name (`stored_name`),
never under the name it came with, which is kept only to offer it back.
"""
import hashlib
import os
import re
import secrets
from pathlib import Path

from sqlalchemy import select

from engine import audit
from engine.accounts import throttle
from engine.errors import FieldError, NotFound, ValidationFailed
from engine.people.registry import readable_person
from engine.store.tables import CandidateDocument, Person

KINDS = ("cv", "diplome", "identite", "attestation", "autre")
MAX_BYTES = 2 * 1024 * 1024  # the default size limit; the deployment sets its own (DJOLIBA_UPLOAD_MAX_MB)
UPLOADS_PER_DAY = 10  # per account and per client address: more is refused
PER_PERSON = 20  # documents a person may keep
# The first bytes of each accepted kind of file, and its media type and extension.
_SIGNATURES = ((b"%PDF-", "application/pdf", "pdf"), (b"\xff\xd8\xff", "image/jpeg", "jpg"),
               (b"\x89PNG\r\n\x1a\n", "image/png", "png"))


def media_type(content):
    """(media type, extension) of `content` by its first bytes, or None when it is no PDF, JPEG or PNG."""
    for signature, kind, extension in _SIGNATURES:
        if content.startswith(signature):
            return kind, extension
    return None


def add_document(uow, directory, person_id, actor_name, kind, filename, content, max_bytes=MAX_BYTES,
                 address=None, per_day=UPLOADS_PER_DAY):
    """Keep `content` (bytes) as a document of kind `kind` of the person `person_id`, uploaded by `actor_name`
    (a candidate's audit name) from `address`; returns the document's id.

    Raises ValidationFailed on field `document`: `required` (empty), `too_large` (over `max_bytes`),
    `file_type` (not a PDF, JPEG or PNG by its content), `too_many` (the person keeps PER_PERSON),
    `too_many_uploads` (`per_day` uploads in 24 hours for this account or address); on field `kind`:
    `enum`. Audited as `document_added`.
    """
    errors = []
    if kind not in KINDS:
        errors.append(FieldError("kind", "enum"))
    if not content:
        errors.append(FieldError("document", "required"))
    elif len(content) > max_bytes:
        errors.append(FieldError("document", "too_large", {"limit": max_bytes}))
    elif media_type(content) is None:
        errors.append(FieldError("document", "file_type"))
    if errors:
        raise ValidationFailed(errors)
    media, extension = media_type(content)
    stored_name = f"{secrets.token_hex(16)}.{extension}"
    folder = Path(directory)
    with uow:
        session = uow.session
        count = len(session.scalars(select(CandidateDocument.id).where(CandidateDocument.person_id == person_id)).all())
        if count >= PER_PERSON:
            raise ValidationFailed([FieldError("document", "too_many", {"limit": PER_PERSON})])
        if not throttle.note_action(session, ["upload:" + actor_name, f"upload:address:{address}" if address else None],
                                    per_day, 24 * 60):
            uow.commit()
            raise ValidationFailed([FieldError("document", "too_many_uploads", {"limit": per_day})])
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / stored_name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(content)
        try:
            row = CandidateDocument(person_id=person_id, kind=kind, filename=_safe_name(filename, extension),
                                    media_type=media, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                                    stored_name=stored_name, uploaded_by=actor_name)
            session.add(row)
            session.flush()
            person = session.get(Person, person_id)
            audit.record(session, "document_added", actor_name, person_id=person_id, region=person.region,
                         document_id=row.id, document_kind=kind, size=len(content), media_type=media)
            uow.commit()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return row.id


def documents_of(uow, person_id):
    """The person's documents, newest first, as dicts (what they are, not their content)."""
    with uow:
        rows = uow.session.scalars(select(CandidateDocument).where(CandidateDocument.person_id == person_id)
                                   .order_by(CandidateDocument.id.desc()))
        return [_dict(row) for row in rows]


def read_own_document(uow, directory, candidate, document_id):
    """(document dict, bytes) of one of the signed-in candidate's own documents; NotFound for any other
    (another person's document answers like one that does not exist). The read is recorded."""
    with uow:
        row = uow.session.get(CandidateDocument, document_id)
        if row is None or row.person_id != candidate.person_id:
            raise NotFound(f"no document {document_id}")
        return _read(uow, directory, row, candidate.audit_name)


def read_document(uow, directory, actor, person_id, document_id):
    """(document dict, bytes) of a document of the person `person_id`, for staff who may read the person's
    file (NotFound, or Hidden for another region's person, as the file itself). The read is recorded."""
    with uow:
        session = uow.session
        readable_person(session, actor, person_id)
        row = session.get(CandidateDocument, document_id)
        if row is None or row.person_id != person_id:
            raise NotFound(f"no document {document_id} for person {person_id}")
        return _read(uow, directory, row, actor.username)


def _read(uow, directory, row, reader):
    path = Path(directory) / row.stored_name
    if not path.is_file():
        raise NotFound(f"document {row.id} is missing from the documents folder")
    content = path.read_bytes()
    person = uow.session.get(Person, row.person_id)
    audit.record(uow.session, "document_read", reader, person_id=row.person_id, region=person.region,
                 document_id=row.id, document_kind=row.kind)
    uow.commit()
    return _dict(row), content


def _safe_name(filename, extension):
    """The name the file is offered back under: its stem's letters, digits, dots, dashes and underscores, with
    the extension of what it really is."""
    stem = re.sub(r"[^\w.-]+", "_", Path(filename or "").stem, flags=re.ASCII).strip("._")[:80] or "document"
    return f"{stem}.{extension}"


def _dict(row):
    return {"id": row.id, "person_id": row.person_id, "kind": row.kind, "filename": row.filename,
            "media_type": row.media_type, "size": row.size, "uploaded_at": row.uploaded_at,
            "uploaded_by": row.uploaded_by}
