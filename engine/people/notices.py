"""Telling a registered person or a portal employer something — a convocation, news of their file, a reminder —
by SMS and e-mail, through the outbox.

`notify_person` queues one SMS (to the person's telephone, unless they refused SMS) and one e-mail (to their
address) in the caller's transaction, and records it in the file's history: it never sends anything itself,
so the step that calls it neither waits for nor fails with a gateway. The portal's candidate side and the
diagrams' convocations (`runtime.convocations`) both call it. A person refuses SMS with `set_sms_refused`
(staff, for the persons they may read) or `set_own_sms_refused` (the person, from the portal); both audited.
"""
from sqlalchemy import select

from engine import audit
from engine.accounts import outbox
from engine.errors import Forbidden
from engine.people.registry import readable_person
from engine.store.tables import EmployerAccount, OfferDeposit, Person

SMS_REFUSED = "sms_refuse"  # the person's record (`details`) says they want no SMS


def sms_refused(person):
    return bool((person.details or {}).get(SMS_REFUSED))


def notify_person(session, person_id, kind, subject, sms_text, email_text, actor, instance=None, not_before=None,
                  step=None):
    """Queue the SMS and the e-mail telling person `person_id` something; returns the channels used.

    `kind` names what it is (`convocation_tests`, `rappel_convocation_tests`...); `actor` is who caused it (the
    history's actor); `instance`, the file it is about, whose history records `person_notified` (or
    `person_not_notified` with the reason: no telephone nor e-mail, SMS refused and no e-mail, person erased).
    `not_before` delays the sending (a reminder); `step` (task id, element id) is the step that decided it, which
    the history names. The caller commits.
    """
    person = session.get(Person, person_id)
    channels, reason = [], None
    if person is None or person.erased_at is not None:
        reason = "no_person"
    else:
        common = {"kind": kind, "instance_id": instance.id if instance else None, "person_id": person.id,
                  "not_before": not_before}
        if person.phone and not sms_refused(person):
            outbox.queue(session, person.phone, subject, sms_text, channel="sms", **common)
            channels.append("sms")
        if person.email:
            outbox.queue(session, person.email, subject, email_text, channel="email", **common)
            channels.append("email")
        if not channels:
            reason = "sms_refused" if person.phone else "no_contact"
    region = person.region if person else None
    where = {"task_id": step[0], "element_id": step[1]} if step else {}
    if channels:
        audit.record(session, "person_notified", actor, instance, region=region, **where, person_id=person_id,
                     notification=kind, channels=channels, delayed_until=not_before.isoformat() if not_before else None)
    else:
        audit.record(session, "person_not_notified", actor, instance, region=region, **where, person_id=person_id,
                     notification=kind, reason=reason)
    return channels


def employer_of_file(session, instance):
    """The portal account that deposited the offer a file belongs to (the file itself or its chain's first), or None."""
    ids = {instance.id, instance.root_id or instance.id}
    return session.scalar(select(EmployerAccount).join(OfferDeposit, OfferDeposit.employer_id == EmployerAccount.id)
                          .where(OfferDeposit.instance_id.in_(ids), EmployerAccount.verified_at.is_not(None)))


def notify_employer(session, employer, kind, subject, text, actor, instance=None, not_before=None, step=None):
    """Queue an e-mail to a portal employer's address and record it in the file's history (`employer_notified`)."""
    outbox.queue(session, employer.email, subject, text, channel="email", kind=kind,
                 instance_id=instance.id if instance else None, not_before=not_before)
    where = {"task_id": step[0], "element_id": step[1]} if step else {}
    audit.record(session, "employer_notified", actor, instance, **where, employer_id=employer.id, notification=kind,
                 channels=["email"])


def set_sms_refused(uow, actor, person_id, refused):
    """A staff member records that the person refuses SMS (or accepts them again). Same access as reading the
    person (NotFound, Hidden); audited as `sms_preference_changed` when it changes. Returns the new value."""
    with uow:
        person = readable_person(uow.session, actor, person_id)
        _set(uow.session, person, bool(refused), actor.username)
        uow.commit()
        return sms_refused(person)


def set_own_sms_refused(uow, person_id, refused, actor_name):
    """The person themself (signed in on the portal as `actor_name`) refuses SMS or accepts them again."""
    with uow:
        person = uow.session.get(Person, person_id)
        if person is None or person.erased_at is not None:
            raise Forbidden("no such person")
        _set(uow.session, person, bool(refused), actor_name)
        uow.commit()
        return sms_refused(person)


def _set(session, person, refused, actor_name):
    if sms_refused(person) == refused:
        return
    person.details = {**(person.details or {}), SMS_REFUSED: refused}
    audit.record(session, "sms_preference_changed", actor_name, person_id=person.id, region=person.region,
                 sms_refused=refused)
