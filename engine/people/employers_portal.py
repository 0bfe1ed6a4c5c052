"""Employers' accounts on the public portal: registration, e-mail verified by a code, login.

An employer account is no staff account: it has no roles, and its audit name (`employeur:ID`)
is no username. Passwords follow the staff policy (engine.accounts.passwords); failed logins and
wrong codes are throttled like staff logins (engine.accounts.throttle), per e-mail and per address.
"""
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from engine import audit
from engine.accounts import outbox, passwords, throttle
from engine.accounts.credentials import LoginLocked
from engine.definitions import reference
from engine.errors import FieldError, ValidationFailed
from engine.store.tables import EmployerAccount, EmployerSession, utcnow

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LIMITS = {"organisation": 200, "contact_name": 200, "email": 254}


@dataclass(frozen=True)
class Employer:
    """The signed-in employer, as the portal's pages see them."""

    id: int
    organisation: str
    country: str
    contact_name: str
    email: str
    verified: bool

    @property
    def audit_name(self):
        return audit_name(self.id)


def audit_name(employer_id):
    """The name an employer's actions carry in the audit trail (never a staff username: those have no colon)."""
    return f"employeur:{employer_id}"


def organisation_of(uow, actor):
    """The organisation's name behind an employer's audit name (`employeur:ID`), for the files' history;
    None for any other actor or an account that is gone. Nothing else of the account."""
    match = re.fullmatch(r"employeur:(\d+)", actor) if isinstance(actor, str) else None
    if not match:
        return None
    with uow:
        return uow.session.scalar(select(EmployerAccount.organisation).where(
            EmployerAccount.id == int(match.group(1))))


def register_employer(uow, organisation, country, contact_name, email, password, confirmation, address=None,
                      limits=throttle.LoginLimits()):
    """Create an unverified employer account and queue the e-mail with its verification code.

    Raises ValidationFailed (a field missing or too long, a country not in the list, an e-mail
    that is not one or already has an account, a password the staff policy refuses, or a
    confirmation that differs), or LoginLocked when the client `address` is blocked: each
    registration counts against it like a failed login, so one address cannot open accounts
    by the hundred. Returns the Employer. One transaction, audited.
    """
    organisation, contact_name, email = organisation.strip(), contact_name.strip(), email.strip().lower()
    _check_not_locked(uow, None, address)
    errors = []
    for name, value in (("organisation", organisation), ("contact_name", contact_name), ("email", email)):
        if len(value) < 2:
            errors.append(FieldError(name, "required"))
        elif len(value) > _LIMITS[name]:
            errors.append(FieldError(name, "maxLength", {"limit": _LIMITS[name]}))
    if email and len(email) <= _LIMITS["email"] and not _EMAIL.match(email):
        errors.append(FieldError("email", "format", {"format": "email"}))
    if country not in dict(reference.choices("countries", {})):
        errors.append(FieldError("country", "required" if not country else "enum"))
    errors += passwords.problems(password, email.split("@")[0])
    if password != confirmation:
        errors.append(FieldError("confirmation", "mismatch"))
    code = _code()
    with uow:
        session = uow.session
        if not errors and session.scalar(select(func.count()).where(EmployerAccount.email == email)):
            errors.append(FieldError("email", "taken"))
        if errors:
            raise ValidationFailed(errors)
        if address:
            throttle.note_failure(session, "portail:" + email, address, limits)
        row = EmployerAccount(organisation=organisation, country=country, contact_name=contact_name, email=email,
                              password_hash=passwords.hash_password(password), verification_hash=_digest(code))
        session.add(row)
        session.flush()
        _send_code(session, row, code)
        audit.record(session, "employer_registered", audit_name(row.id), name=organisation, country=country,
                     email=email)
        uow.commit()
        return _employer(row)


def verify_email(uow, email, code, address=None, limits=throttle.LoginLimits()):
    """Mark the account of `email` verified when `code` is the one sent; returns the Employer.

    Raises LoginLocked after too many wrong codes (counted like failed logins), ValidationFailed
    (field `code`, `wrong`) for a wrong code or an unknown e-mail (the same answer for both).
    """
    email = email.strip().lower()
    name = "portail:" + email
    _check_not_locked(uow, name, address)
    with uow:
        session = uow.session
        row = session.scalar(select(EmployerAccount).where(EmployerAccount.email == email))
        if row is not None and row.verified_at is not None:
            return _employer(row)
        given = _digest(code.strip())
        if row is None or row.verification_hash is None or not secrets.compare_digest(row.verification_hash, given):
            throttle.note_failure(session, name, address, limits)
            uow.commit()
            raise ValidationFailed([FieldError("code", "wrong")])
        row.verified_at, row.verification_hash = utcnow(), None
        throttle.forget_account(session, name)
        audit.record(session, "employer_verified", audit_name(row.id), email=email)
        uow.commit()
        return _employer(row)


def resend_code(uow, email):
    """Send a new verification code to an unverified account (nothing happens for any other e-mail)."""
    with uow:
        row = uow.session.scalar(select(EmployerAccount).where(EmployerAccount.email == email.strip().lower()))
        if row is None or row.verified_at is not None:
            return
        code = _code()
        row.verification_hash = _digest(code)
        _send_code(uow.session, row, code)
        uow.commit()


def authenticate_employer(uow, email, password, address=None, limits=throttle.LoginLimits()):
    """The Employer for an e-mail and password, or None (audited either way, throttled like staff logins).

    Raises LoginLocked while the e-mail or the address is locked. An unverified account is returned
    with `verified` False: the portal asks for its code before anything else.
    """
    email = email.strip().lower()[:_LIMITS["email"]]
    name = "portail:" + email
    _check_not_locked(uow, name, address)
    with uow:
        session = uow.session
        row = session.scalar(select(EmployerAccount).where(EmployerAccount.email == email))
        ok = passwords.verify(row.password_hash if row else None, password[:passwords.MAX_LENGTH])
        audit.record(session, "login" if ok else "login_failed", audit_name(row.id) if ok else name[:80])
        if ok:
            throttle.forget_account(session, name)
        else:
            throttle.note_failure(session, name, address, limits)
        uow.commit()
        return _employer(row) if ok else None


def open_employer_session(uow, employer_id, max_age=None):
    """Start a browser session for a verified employer; returns the token its cookie keeps (only its hash is
    stored). The employer's sessions opened more than `max_age` (a timedelta) ago are dropped."""
    token = secrets.token_urlsafe(32)
    with uow:
        if max_age:
            uow.session.execute(delete(EmployerSession).where(EmployerSession.employer_id == employer_id,
                                                              EmployerSession.created_at < utcnow() - max_age))
        uow.session.add(EmployerSession(token_hash=_digest(token), employer_id=employer_id))
        uow.commit()
    return token


def signed_in_employer(uow, token):
    """The Employer of a live session token, or None (session ended, account gone or not verified)."""
    if not token:
        return None
    with uow:
        row = uow.session.scalar(select(EmployerAccount).join(EmployerSession).where(
            EmployerSession.token_hash == _digest(token), EmployerAccount.verified_at.is_not(None)))
        return _employer(row) if row else None


def end_employer_session(uow, employer_id, kind="logout", token=None, **details):
    """End the session of `token` and record why: `logout`, or `session_expired` with why (`details`)."""
    with uow:
        if token:
            uow.session.execute(delete(EmployerSession).where(EmployerSession.token_hash == _digest(token)))
        audit.record(uow.session, kind, audit_name(employer_id), **details)
        uow.commit()


def _check_not_locked(uow, name, address):
    keys = [throttle.account_key(name) if name else None, throttle.address_key(address)]
    with uow:
        until = throttle.locked_until(uow.session, keys)
    if until:
        raise LoginLocked("too many failed attempts", until=until)


def _send_code(session, row, code):
    outbox.queue(session, row.email, "ANPE Mali — code de vérification / verification code",
                 f"Bonjour {row.contact_name},\n\nVotre code de vérification pour le portail de l'ANPE : {code}\n"
                 f"Saisissez-le sur la page « Vérifier mon adresse ».\n\n"
                 f"Your verification code for the ANPE portal: {code}\n")


def _code():
    return f"{secrets.randbelow(1_000_000):06d}"


def _digest(code):
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def _employer(row):
    return Employer(row.id, row.organisation, row.country, row.contact_name, row.email, row.verified_at is not None)
