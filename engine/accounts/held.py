"""Forms held through a sign-in: what a person sent after their session had expired is kept for
them alone, and given back once they have signed in again, instead of being lost at the login page.

A form is named by its key: a task's id, or the page of another form ("personnes/nouvelle").
Nothing is completed with it: the task page (or the form's page) shows it again, to be checked and sent
by the person signed in (it came from a browser whose session had ended, and time has passed since).
A held form is bounded in size, one per account and form, and dropped when the person sends or
discards it, when its account is deleted, or once expired (at the next sign-in of anyone, or the next
form held): typed personal data does not stay.
"""
import json
from datetime import timedelta

from sqlalchemy import delete, select

from engine import audit
from engine.store.tables import HeldSubmission, User, as_utc, utcnow

MAX_BYTES = 256 * 1024  # a form's fields as JSON: the longest task form typed in full is far below
KEEP = timedelta(hours=24)  # long enough to come back the next morning
PER_ACCOUNT = 20  # the newest ones kept for one account


def hold_submission(uow, username, form_key, fields, keep=KEEP):
    """Keep the form `fields` ([name, value] pairs) that `username` sent to the form `form_key` after their
    session expired, replacing one held before for the same form. Audited (`submission_held`).

    Returns False, keeping nothing, when they are larger than MAX_BYTES or the account is unknown
    or disabled. Expired held forms of every account are dropped on the way.
    """
    fields = [[str(name), str(value)] for name, value in fields]
    size = len(json.dumps(fields, ensure_ascii=False).encode())
    if size > MAX_BYTES or len(str(form_key)) > 80:
        return False
    with uow:
        session = uow.session
        user = session.scalar(select(User).where(User.username == username, User.active))
        if user is None:
            return False
        now = utcnow()
        session.execute(delete(HeldSubmission).where(HeldSubmission.expires_at < now))
        session.execute(delete(HeldSubmission).where(HeldSubmission.user_id == user.id,
                                                     HeldSubmission.form_key == str(form_key)))
        older = session.scalars(select(HeldSubmission.id).where(HeldSubmission.user_id == user.id)
                                .order_by(HeldSubmission.created_at.desc(), HeldSubmission.id.desc())
                                .offset(PER_ACCOUNT - 1)).all()
        if older:
            session.execute(delete(HeldSubmission).where(HeldSubmission.id.in_(older)))
        session.add(HeldSubmission(user_id=user.id, form_key=str(form_key), fields=fields, created_at=now,
                                   expires_at=now + keep))
        audit.record(session, "submission_held", username, region=user.region, form=str(form_key),
                     fields=len(fields), size=size)
        uow.commit()
    return True


def add_to_held(session, username, form_key, added, replaced):
    """In the form held for `username` on `form_key`, if one is, tick the values `added` ({name: [values]})
    besides those held, and set the fields `replaced` ({name: value}): what the person did on the task since
    signing in again (the persons they invited from the pool) shows in the form given back instead of being
    lost when they send it. Part of the caller's transaction; returns whether a form was held."""
    row = session.scalar(select(HeldSubmission).join(User).where(
        User.username == username, HeldSubmission.form_key == str(form_key)))
    if row is None:
        return False
    fields = [[name, value] for name, value in row.fields if name not in replaced]
    fields += [[name, str(value)] for name, value in replaced.items()]
    for name, values in added.items():
        held_values = {value for field, value in fields if field == name}
        fields += [[name, str(value)] for value in values if str(value) not in held_values]
    row.fields = fields
    return True


def drop_expired(uow):
    """Forget every held form whose time has passed (called at each sign-in, and when a form is held)."""
    with uow:
        uow.session.execute(delete(HeldSubmission).where(HeldSubmission.expires_at < utcnow()))
        uow.commit()


def held_submission(uow, username, form_key):
    """The [name, value] pairs `username` sent to the form `form_key` and that are held for them, or None."""
    with uow:
        row = uow.session.scalar(select(HeldSubmission).join(User).where(
            User.username == username, HeldSubmission.form_key == str(form_key)))
        return row.fields if row is not None and as_utc(row.expires_at) > utcnow() else None


def drop_held_submission(uow, username, form_key, discarded=False):
    """Forget what was held for `username` on the form `form_key`: sent at last, or `discarded` by them (audited,
    `submission_discarded`). Returns whether something was held."""
    with uow:
        session = uow.session
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            return False
        dropped = session.execute(delete(HeldSubmission).where(HeldSubmission.user_id == user.id,
                                                               HeldSubmission.form_key == str(form_key))).rowcount
        if dropped and discarded:
            audit.record(session, "submission_discarded", username, region=user.region, form=str(form_key))
        uow.commit()
        return bool(dropped)
