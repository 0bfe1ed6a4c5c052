"""Employers' accounts on the public portal: registration, e-mail verified by a code, login, password reset.

An employer account is no staff account: it has no roles, and its audit name (`employeur:ID`)
is no username. Passwords follow the staff policy (engine.accounts.passwords); failed logins and
wrong codes are throttled like staff logins (engine.accounts.throttle), per e-mail and per address;
codes, logins and sessions work as for every portal account (engine.people.portal_accounts).
No answer tells whether an address has an account: registering with one that has tells its owner by
e-mail instead, a verification code never "works" for an account already verified, and a reset is
asked for any address alike (only an account's owner gets a code).
"""
import re
from dataclasses import dataclass

from sqlalchemy import select

from engine import audit
from engine.accounts import outbox, passwords, throttle
from engine.definitions import reference
from engine.errors import FieldError, ValidationFailed
from engine.people import portal_accounts as accounts
from engine.store.tables import EmployerAccount

_LIMITS = {"organisation": 200, "contact_name": 200, "email": accounts.EMAIL_LENGTH}
RESET_MINUTES = accounts.RESET_MINUTES


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
    that is not one, a password the staff policy refuses, or a confirmation that differs), or
    LoginLocked when the client `address` is blocked: each registration counts against it like a
    failed login, so one address cannot open accounts by the hundred. Returns the Employer; for an
    e-mail that already has an account, None, and nothing changes but an e-mail to its owner (and
    `employer_registration_repeated` in the audit trail): the caller answers as for a new account, so
    that registering tells no one which addresses have accounts. One transaction, audited.
    """
    organisation, contact_name, email = organisation.strip(), contact_name.strip(), email.strip().lower()
    accounts.check_not_locked(uow, None, address)
    errors = []
    for name, value in (("organisation", organisation), ("contact_name", contact_name), ("email", email)):
        if len(value) < 2:
            errors.append(FieldError(name, "required"))
        elif len(value) > _LIMITS[name]:
            errors.append(FieldError(name, "maxLength", {"limit": _LIMITS[name]}))
    if email and len(email) <= _LIMITS["email"] and not accounts.EMAIL.match(email):
        errors.append(FieldError("email", "format", {"format": "email"}))
    if country not in dict(reference.choices("countries", {})):
        errors.append(FieldError("country", "required" if not country else "enum"))
    errors += passwords.problems(password, email.split("@")[0])
    if password != confirmation:
        errors.append(FieldError("confirmation", "mismatch"))
    if errors:
        raise ValidationFailed(errors)
    code, password_hash = accounts.new_code(), passwords.hash_password(password)  # hashed either way: the same time
    with uow:
        session = uow.session
        if address:
            throttle.note_failure(session, accounts.throttle_name(email), address, limits)
        existing = session.scalar(select(EmployerAccount).where(EmployerAccount.email == email))
        if existing is not None:
            _tell_owner(session, existing)
            audit.record(session, "employer_registration_repeated", "portail", employer_id=existing.id)
            uow.commit()
            return None
        row = EmployerAccount(organisation=organisation, country=country, contact_name=contact_name, email=email,
                              password_hash=password_hash, verification_hash=accounts.digest(code))
        session.add(row)
        session.flush()
        accounts.send_code(session, row.email, row.contact_name, code)
        audit.record(session, "employer_registered", audit_name(row.id), name=organisation, country=country,
                     email=email)
        uow.commit()
        return _employer(row)


def verify_email(uow, email, code, address=None, limits=throttle.LoginLimits()):
    """Mark the account of `email` verified when `code` is the one sent; returns the Employer.

    Raises LoginLocked after too many wrong codes (counted like failed logins), ValidationFailed
    (field `code`, `wrong`) for a wrong code, an unknown e-mail or an account already verified (the
    same answer for all three).
    """
    return _employer(accounts.verify_code(uow, EmployerAccount, email, code, audit_name, "employer_verified",
                                          address, limits))


def resend_code(uow, email):
    """Send a new verification code to an unverified account (nothing happens for any other e-mail)."""
    accounts.resend_code(uow, EmployerAccount, email, lambda _session, row: row.contact_name)


def request_password_reset(uow, email, address=None, limits=throttle.LoginLimits()):
    """Queue a password reset code to the account of `email`, if there is one (see
    portal_accounts.request_reset); audited as `employer_reset_requested`."""
    accounts.request_reset(uow, EmployerAccount, email, lambda _session, row: row.contact_name, audit_name,
                           "employer_reset_requested", address, limits)


def reset_employer_password(uow, email, code, password, confirmation, address=None, limits=throttle.LoginLimits()):
    """Set a new password with the code sent by `request_password_reset`; returns the Employer (see
    portal_accounts.reset_password). Audited as `employer_password_reset`, and its owner is told by e-mail."""
    return _employer(accounts.reset_password(
        uow, EmployerAccount, "employer_id", email, code, password, confirmation,
        lambda _session, row: row.contact_name, audit_name, "employer_password_reset", address, limits))


def authenticate_employer(uow, email, password, address=None, limits=throttle.LoginLimits()):
    """The Employer for an e-mail and password, or None (audited either way, throttled like staff logins).

    Raises LoginLocked while the e-mail or the address is locked. An unverified account is returned
    with `verified` False: the portal asks for its code before anything else.
    """
    row = accounts.authenticate(uow, EmployerAccount, email, password, audit_name, address, limits)
    return _employer(row) if row else None


def open_employer_session(uow, employer_id, max_age=None):
    """Start a browser session for a verified employer; returns the token its cookie keeps (only its hash is
    stored). The employer's sessions opened more than `max_age` (a timedelta) ago are dropped."""
    return accounts.open_session(uow, "employer_id", employer_id, max_age)


def signed_in_employer(uow, token):
    """The Employer of a live session token, or None (session ended, account gone or not verified)."""
    with uow:
        row = accounts.session_account(uow.session, EmployerAccount, "employer_id", token)
        return _employer(row) if row else None


def end_employer_session(uow, employer_id, kind="logout", token=None, **details):
    """End the session of `token` and record why: `logout`, or `session_expired` with why (`details`)."""
    accounts.end_session(uow, audit_name(employer_id), kind, token, **details)


def _tell_owner(session, row):
    """Tell an account's owner that someone registered again with their address (and how to get in)."""
    code_line = accounts.fresh_code_line(row)
    outbox.queue(session, row.email, "ANPE Mali — votre compte employeur / your employer account",
                 f"Bonjour {row.contact_name},\n\nQuelqu'un, peut-être vous, a voulu créer un compte sur le portail de "
                 f"l'ANPE avec cette adresse. Elle a déjà un compte : connectez-vous, ou choisissez un nouveau mot de "
                 f"passe avec « Mot de passe oublié ». Si ce n'est pas vous, ignorez ce message : rien n'a changé.\n"
                 f"{code_line}\nSomeone, perhaps you, tried to register on the ANPE portal with this address. It "
                 f"already has an account: log in, or choose a new password with \"Mot de passe oublié\". If it was "
                 f"not you, ignore this message: nothing changed.\n")


def _employer(row):
    return Employer(row.id, row.organisation, row.country, row.contact_name, row.email, row.verified_at is not None)
