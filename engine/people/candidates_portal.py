"""Candidates' accounts on the public portal: they register themselves in the persons registry, with the
same consent and purpose as when a counsellor registers them (law 2013-015), verify their e-mail by a code,
sign in, and read their profile.

A self-registered person is marked `awaiting_confirmation`: a counsellor of their region checks their
identity at the directorate and confirms the file, or merges it into the file already held for the same
person (engine.runtime.online_applications), before the person can be preselected. A candidate's actions
are audited as `candidat:ID` (the account's id). Accounts, codes, throttling and sessions are the portal's
(engine.people.portal_accounts), as for employers.
"""
import re
from dataclasses import dataclass

from sqlalchemy import select

from engine import audit
from engine.accounts import outbox, passwords, throttle
from engine.definitions.forms import N_, validate
from engine.errors import FieldError, ValidationFailed
from engine.people import portal_accounts as accounts
from engine.people import registry
from engine.store.tables import CandidateAccount, Person

# What a candidate says of themself: the registry's form less what only the agency writes (the region is
# theirs to choose: the directorate where they will show their identity papers).
PROFILE_FIELDS = ("nom", "prenoms", "sexe", "date_naissance", "region", "telephone", "adresse", "niveau_etudes",
                  "diplome", "profession", "metier", "metiers_recherches", "annees_experience", "competences",
                  "disponibilite", "langues", "handicap", "consentement")
_CONSENT = {"title": N_("J'accepte que l'ANPE traite mes données personnelles"),
            "description": N_("Obligatoire (loi n°2013-015) : vos données servent à votre placement à "
                              "l'international et à votre accompagnement par l'ANPE, et à rien d'autre. Vous "
                              "pouvez demander à les lire, les corriger ou les effacer auprès de votre direction "
                              "régionale.")}
_WORDS = {"nom": N_("Votre nom"), "prenoms": N_("Vos prénoms"), "date_naissance": N_("Votre date de naissance"),
          "region": N_("Direction régionale où vous présenterez vos papiers d'identité"),
          "telephone": N_("Votre téléphone"), "adresse": N_("Votre adresse"),
          "metier": N_("Votre métier, en vos mots"), "profession": N_("Votre métier (CITP-08)"),
          "handicap": N_("Je suis en situation de handicap")}


@dataclass(frozen=True)
class Candidate:
    """The signed-in candidate, as the portal's pages see them."""

    id: int
    person_id: int
    email: str
    verified: bool
    name: str = ""
    region: str = ""
    confirmed: bool = False

    @property
    def audit_name(self):
        return audit_name(self.id)


def audit_name(account_id):
    """The name a candidate's actions carry in the audit trail."""
    return f"candidat:{account_id}"


def profile_form(uow, fields=PROFILE_FIELDS):
    """The registration (or profile) form: the registry's form cut to `fields`, worded for the candidate,
    choices filled in."""
    schema = registry.person_form(uow)
    properties = {name: _worded(name, schema["properties"][name]) for name in fields}
    return {**schema, "properties": properties, "required": [n for n in schema["required"] if n in fields]}


def _worded(name, prop):
    if name == "consentement":
        return {**prop, **_CONSENT}
    return {**prop, "title": _WORDS[name]} if name in _WORDS else prop


def register_candidate(uow, data, email, password, confirmation, address=None, limits=throttle.LoginLimits()):
    """Register the person of `data` (PROFILE_FIELDS, validated by the registry's form) awaiting confirmation,
    with an unverified account for `email`, and queue the e-mail with its code.

    Raises ValidationFailed (the form's problems, the e-mail's, the password policy's, `mismatch`), or
    LoginLocked when the client `address` is blocked (each registration counts against it like a failed
    login). A person who looks already registered is registered all the same, awaiting confirmation: the
    counsellor sees the likeness and merges (a candidate is told nothing of other files). One transaction,
    audited (`person_registered` by the account). Returns the Candidate; for an e-mail that already has an
    account, None, and nothing changes but an e-mail to its owner (`candidate_registration_repeated`): the
    caller answers as for a new account, so that registering tells no one which addresses have accounts.
    """
    email = email.strip().lower()
    accounts.check_not_locked(uow, None, address)
    errors = []
    try:
        validate(_plain_form(uow), data)
    except ValidationFailed as failed:
        errors += failed.errors
    phone = born = None
    try:
        phone, born = registry.checked_identity(data)
    except ValidationFailed as failed:
        errors += failed.errors
    errors += accounts.email_problems(email)
    errors += passwords.problems(password, email.split("@")[0])
    if password != confirmation:
        errors.append(FieldError("confirmation", "mismatch"))
    if errors:
        raise ValidationFailed(errors)
    code, password_hash = accounts.new_code(), passwords.hash_password(password)  # hashed either way: same time
    with uow:
        session = uow.session
        if address:
            throttle.note_failure(session, accounts.throttle_name(email), address, limits)
        existing = session.scalar(select(CandidateAccount).where(CandidateAccount.email == email))
        if existing is not None:
            _tell_owner(session, existing)
            audit.record(session, "candidate_registration_repeated", "portail", account_id=existing.id)
            uow.commit()
            return None
        person = registry.new_person(session, {**data, "email": email}, phone, born, "portail",
                                     awaiting_confirmation=True)
        row = CandidateAccount(person_id=person.id, email=email, password_hash=password_hash,
                               verification_hash=accounts.digest(code))
        session.add(row)
        session.flush()
        person.created_by = audit_name(row.id)
        accounts.send_code(session, email, f"{person.first_names} {person.last_name}", code)
        audit.record(session, "person_registered", audit_name(row.id), person_id=person.id, region=person.region,
                     consent_purpose=person.consent_purpose, self_registered=True)
        uow.commit()
        return _candidate(row, person)


def _tell_owner(session, row):
    """Tell an account's owner that someone registered again with their address (and how to get in)."""
    code_line = accounts.fresh_code_line(row)
    outbox.queue(session, row.email, "ANPE Mali — votre compte candidat / your candidate account",
                 f"Bonjour,\n\nQuelqu'un, peut-être vous, a voulu s'inscrire sur le portail des candidats de l'ANPE "
                 f"avec cette adresse. Elle a déjà un compte : connectez-vous. Si ce n'est pas vous, ignorez ce "
                 f"message : rien n'a changé.\n{code_line}\nSomeone, perhaps you, tried to register on the ANPE "
                 f"candidates' portal with this address. It already has an account: sign in. If it was not you, "
                 f"ignore this message: nothing changed.\n")


def _plain_form(uow):
    """The registration form as the engine validates it (choices by their codes)."""
    schema = registry.person_form(uow, labelled=False)
    return {**schema, "properties": {n: schema["properties"][n] for n in PROFILE_FIELDS},
            "required": [n for n in schema["required"] if n in PROFILE_FIELDS]}


def verify_email(uow, email, code, address=None, limits=throttle.LoginLimits()):
    """Mark the account of `email` verified when `code` is the one sent (see portal_accounts.verify_code)."""
    row = accounts.verify_code(uow, CandidateAccount, email, code, audit_name, "candidate_verified", address, limits)
    return _candidate(row)


def resend_code(uow, email):
    """Send a new code to an unverified candidate account (nothing happens for any other e-mail)."""
    accounts.resend_code(uow, CandidateAccount, email, _first_names)


def _first_names(session, row):
    return session.get(Person, row.person_id).first_names


def request_password_reset(uow, email, address=None, limits=throttle.LoginLimits()):
    """Queue a password reset code to the candidate account of `email`, if there is one (see
    portal_accounts.request_reset); audited as `candidate_reset_requested`."""
    accounts.request_reset(uow, CandidateAccount, email, _first_names, audit_name, "candidate_reset_requested",
                           address, limits)


def reset_candidate_password(uow, email, code, password, confirmation, address=None, limits=throttle.LoginLimits()):
    """Set a new password with the code sent by `request_password_reset`; returns the Candidate (see
    portal_accounts.reset_password). Audited as `candidate_password_reset`, and its owner is told by e-mail."""
    return _candidate(accounts.reset_password(uow, CandidateAccount, "candidate_id", email, code, password,
                                              confirmation, _first_names, audit_name, "candidate_password_reset",
                                              address, limits))


def authenticate_candidate(uow, email, password, address=None, limits=throttle.LoginLimits()):
    """The Candidate of an e-mail and password, or None; see portal_accounts.authenticate."""
    row = accounts.authenticate(uow, CandidateAccount, email, password, audit_name, address, limits)
    return _candidate(row) if row else None


def open_candidate_session(uow, account_id, max_age=None):
    return accounts.open_session(uow, "candidate_id", account_id, max_age)


def signed_in_candidate(uow, token):
    """The Candidate of a live session token (with their name, region and whether confirmed), or None."""
    with uow:
        row = accounts.session_account(uow.session, CandidateAccount, "candidate_id", token)
        return _candidate(row, uow.session.get(Person, row.person_id)) if row else None


def end_candidate_session(uow, account_id, kind="logout", token=None, **details):
    accounts.end_session(uow, audit_name(account_id), kind, token, **details)


def my_profile(uow, candidate):
    """The candidate's own file, as the registry's dict (their own read is not a read of another's file)."""
    with uow:
        return registry.person_dict(uow.session.get(Person, candidate.person_id))


def _candidate(row, person=None):
    name = f"{person.first_names} {person.last_name}" if person else ""
    return Candidate(row.id, row.person_id, row.email, row.verified_at is not None, name,
                     person.region if person else "", bool(person and not person.awaiting_confirmation))


def account_of_audit_name(actor):
    """The account id behind a candidate's audit name (`candidat:ID`), or None."""
    match = re.fullmatch(r"candidat:(\d+)", actor) if isinstance(actor, str) else None
    return int(match.group(1)) if match else None
