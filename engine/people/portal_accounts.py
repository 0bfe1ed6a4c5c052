"""What the public portal's accounts share, an employer's or a candidate's: e-mail codes, throttled
attempts and server-side sessions.

An account's e-mail is verified by a six-digit code sent through the outbox (only its hash is kept);
failed logins, wrong codes and registrations count against the e-mail and the client address like
staff logins (engine.accounts.throttle, under the name `portail:EMAIL`); a signed-in browser keeps a
token whose hash is a `portal_sessions` row, so deleting the row ends the session whatever the cookie says.
A forgotten password is changed with a code sent by e-mail (`request_reset`, `reset_password`).
"""
import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from engine import audit
from engine.accounts import outbox, passwords, throttle
from engine.accounts.credentials import LoginLocked
from engine.errors import FieldError, ValidationFailed
from engine.store.tables import PortalSession, as_utc, utcnow

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_LENGTH = 254
RESET_MINUTES = 30  # how long a password reset code works


def throttle_name(email):
    """The name a portal account's attempts are counted under (never a staff username: those have no colon)."""
    return "portail:" + email


def check_not_locked(uow, name, address):
    """Raise LoginLocked while the account name (if any) or the client address is locked."""
    keys = [throttle.account_key(name) if name else None, throttle.address_key(address)]
    with uow:
        until = throttle.locked_until(uow.session, keys)
    if until:
        raise LoginLocked("too many failed attempts", until=until)


def email_problems(email):
    """FieldErrors of a typed e-mail (already stripped and in lower case)."""
    if len(email) < 2:
        return [FieldError("email", "required")]
    if len(email) > EMAIL_LENGTH:
        return [FieldError("email", "maxLength", {"limit": EMAIL_LENGTH})]
    return [] if EMAIL.match(email) else [FieldError("email", "format", {"format": "email"})]


def new_code():
    return f"{secrets.randbelow(1_000_000):06d}"


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fresh_code_line(row):
    """For an account whose address is not verified yet, a new verification code (its digest stored on `row`)
    as a line of the e-mail that tells the owner; "" for a verified account."""
    if row.verified_at is not None:
        return ""
    code = new_code()
    row.verification_hash = digest(code)
    return f"Votre adresse n'est pas encore vérifiée ; votre code de vérification : {code}\n"


def send_code(session, email, name, code):
    """Queue the e-mail carrying a verification code (in the caller's transaction)."""
    outbox.queue(session, email, "ANPE Mali — code de vérification / verification code",
                 f"Bonjour {name},\n\nVotre code de vérification pour le portail de l'ANPE : {code}\n"
                 f"Saisissez-le sur la page « Vérifier mon adresse ».\n\n"
                 f"Your verification code for the ANPE portal: {code}\n")


def verify_code(uow, model, email, code, audit_name, kind, address=None, limits=throttle.LoginLimits()):
    """Mark the `model` account (EmployerAccount, CandidateAccount) of `email` verified when `code` is the one
    sent; returns its row (detached after the commit: read its columns only).

    Raises LoginLocked after too many wrong codes (counted like failed logins), ValidationFailed
    (field `code`, `wrong`) for a wrong code, an unknown e-mail or an account already verified (the same
    answer for all three: a code tells nothing of which addresses have accounts). Audited as `kind` by
    `audit_name(row.id)`.
    """
    email = email.strip().lower()[:EMAIL_LENGTH]
    name = throttle_name(email)
    check_not_locked(uow, name, address)
    with uow:
        session = uow.session
        row = session.scalar(select(model).where(model.email == email))
        given = digest(code.strip())
        if row is None or row.verified_at is not None or row.verification_hash is None or \
                not secrets.compare_digest(row.verification_hash, given):
            throttle.note_failure(session, name, address, limits)
            uow.commit()
            raise ValidationFailed([FieldError("code", "wrong")])
        row.verified_at, row.verification_hash = utcnow(), None
        throttle.forget_account(session, name)
        audit.record(session, kind, audit_name(row.id), email=email)
        uow.commit()
        return row


def resend_code(uow, model, email, name_of):
    """Send a new code to an unverified `model` account of `email` (nothing happens for any other e-mail);
    `name_of(session, row)` is the name the e-mail greets."""
    with uow:
        row = uow.session.scalar(select(model).where(model.email == email.strip().lower()[:EMAIL_LENGTH]))
        if row is None or row.verified_at is not None:
            return
        code = new_code()
        row.verification_hash = digest(code)
        send_code(uow.session, row.email, name_of(uow.session, row), code)
        uow.commit()


def authenticate(uow, model, email, password, audit_name, address=None, limits=throttle.LoginLimits()):
    """The `model` account row of an e-mail and password, or None (audited either way, throttled like staff
    logins). Raises LoginLocked while the e-mail or the address is locked."""
    email = email.strip().lower()[:EMAIL_LENGTH]
    name = throttle_name(email)
    check_not_locked(uow, name, address)
    with uow:
        session = uow.session
        row = session.scalar(select(model).where(model.email == email))
        ok = passwords.verify(row.password_hash if row else None, password[:passwords.MAX_LENGTH])
        audit.record(session, "login" if ok else "login_failed", audit_name(row.id) if ok else name[:80])
        if ok:
            throttle.forget_account(session, name)
        else:
            throttle.note_failure(session, name, address, limits)
        uow.commit()
        return row if ok else None


def open_session(uow, owner, owner_id, max_age=None):
    """Start a browser session for the account `owner_id` (`owner`: "employer_id" or "candidate_id");
    returns the token its cookie keeps (only its hash is stored). The account's sessions opened more
    than `max_age` (a timedelta) ago are dropped."""
    token = secrets.token_urlsafe(32)
    column = getattr(PortalSession, owner)
    with uow:
        if max_age:
            uow.session.execute(delete(PortalSession).where(column == owner_id,
                                                            PortalSession.created_at < utcnow() - max_age))
        uow.session.add(PortalSession(token_hash=digest(token), **{owner: owner_id}))
        uow.commit()
    return token


def session_account(session, model, owner, token):
    """The verified `model` account row a live session token belongs to, or None."""
    if not token:
        return None
    return session.scalar(select(model).join(PortalSession, getattr(PortalSession, owner) == model.id).where(
        PortalSession.token_hash == digest(token), model.verified_at.is_not(None)))


def end_all_sessions(session, owner, owner_id):
    """End every session of the account `owner_id` (`owner`: "employer_id" or "candidate_id"); the caller
    commits (a password changed)."""
    session.execute(delete(PortalSession).where(getattr(PortalSession, owner) == owner_id))


def end_session(uow, actor, kind="logout", token=None, **details):
    """End the session of `token` and record why (as `actor`): `logout`, or `session_expired` with why."""
    with uow:
        if token:
            uow.session.execute(delete(PortalSession).where(PortalSession.token_hash == digest(token)))
        audit.record(uow.session, kind, actor, **details)
        uow.commit()


def request_reset(uow, model, email, name_of, audit_name, kind, address=None, limits=throttle.LoginLimits()):
    """Queue a password reset code (valid RESET_MINUTES) to the `model` account of `email`, if there is one; the
    same for any address, so the answer tells nothing. Counted per address and per e-mail (`portail-reset:`, not
    the login's count: asking cannot lock the owner out); LoginLocked beyond. `name_of(session, row)` is the name
    the e-mail greets; audited as `kind` by `audit_name(row.id)` when an account gets a code."""
    email = email.strip().lower()[:EMAIL_LENGTH]
    name = "portail-reset:" + email
    check_not_locked(uow, name, address)
    with uow:
        session = uow.session
        throttle.note_failure(session, name, address, limits)
        row = session.scalar(select(model).where(model.email == email))
        if row is not None:
            code = new_code()
            row.reset_hash, row.reset_expires_at = digest(code), utcnow() + timedelta(minutes=RESET_MINUTES)
            outbox.queue(session, row.email, "ANPE Mali — nouveau mot de passe / password reset",
                         f"Bonjour {name_of(session, row)},\n\nVotre code pour choisir un nouveau mot de passe sur le "
                         f"portail de l'ANPE : {code}\nIl est valable {RESET_MINUTES} minutes. Saisissez-le sur la page "
                         f"« Nouveau mot de passe ». Si vous n'avez rien demandé, ignorez ce message : votre mot de "
                         f"passe reste le même.\n\nYour code to choose a new password on the ANPE portal: {code} "
                         f"(valid {RESET_MINUTES} minutes). If you did not ask for it, ignore this message.\n")
            audit.record(session, kind, audit_name(row.id))
        uow.commit()


def reset_password(uow, model, owner, email, code, password, confirmation, name_of, audit_name, kind, address=None,
                   limits=throttle.LoginLimits()):
    """Set a new password on the `model` account of `email` with the code sent by `request_reset`; returns its
    row (detached after the commit: read its columns only).

    Raises ValidationFailed (`password`, `confirmation` as at registration; `code` `wrong` for a wrong or expired
    code or an unknown e-mail, one answer for all) or LoginLocked after too many wrong codes. The account's
    sessions (`owner`: "employer_id" or "candidate_id") end; an unverified account becomes verified (the code
    proves the address). Audited as `kind`, and its owner (greeted by `name_of(session, row)`) told by e-mail.
    """
    email = email.strip().lower()[:EMAIL_LENGTH]
    name = throttle_name(email)
    check_not_locked(uow, name, address)
    errors = passwords.problems(password, email.split("@")[0])
    if password != confirmation:
        errors.append(FieldError("confirmation", "mismatch"))
    if errors:
        raise ValidationFailed(errors)
    with uow:
        session = uow.session
        row = session.scalar(select(model).where(model.email == email))
        fresh = row is not None and row.reset_hash is not None and row.reset_expires_at is not None \
            and as_utc(row.reset_expires_at) > utcnow()
        if not fresh or not secrets.compare_digest(row.reset_hash, digest(code.strip())):
            throttle.note_failure(session, name, address, limits)
            uow.commit()
            raise ValidationFailed([FieldError("code", "wrong")])
        row.password_hash, row.reset_hash, row.reset_expires_at = passwords.hash_password(password), None, None
        if row.verified_at is None:
            row.verified_at, row.verification_hash = utcnow(), None
        end_all_sessions(session, owner, row.id)
        throttle.forget_account(session, name)
        outbox.queue(session, row.email, "ANPE Mali — mot de passe changé / password changed",
                     f"Bonjour {name_of(session, row)},\n\nLe mot de passe de votre compte sur le portail de l'ANPE "
                     f"vient d'être changé. Si ce n'est pas vous, écrivez à l'ANPE sans attendre.\n\nThe password of "
                     f"your ANPE portal account was just changed. If it was not you, write to ANPE at once.\n")
        audit.record(session, kind, audit_name(row.id))
        uow.commit()
        return row
