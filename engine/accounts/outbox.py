"""Messages the application sends — e-mails and SMS — kept in one outbox table and sent by the scheduler.

`queue` adds a message in the caller's transaction: a step that convenes a candidate only writes a row, so
no gateway can slow it down or make it fail. The scheduler sends what is due (`send_pending`) through the
configured gateways (`gateways.from_settings`: SMTP, the HTTP SMS gateway, or the simulation); a channel
without a gateway keeps its messages here for an administrator to read (`djoliba outbox`). A failed message
is tried again later, waiting longer each time (`RETRY_MINUTES`), up to `MAX_ATTEMPTS` tries; its error stays
on the row. A message about a file (`instance_id`) writes its sending and its failures in the file's history.
"""
import smtplib
from datetime import timedelta

from sqlalchemy import or_, select, update

from engine import audit
from engine.accounts.gateways import GatewayError
from engine.store.tables import Instance, OutboxMessage, Person, as_utc, utcnow

MAX_ATTEMPTS = 8
# Minutes to wait before the next try, after the 1st, 2nd... failure (the last value for the later ones).
RETRY_MINUTES = (1, 5, 15, 60, 180, 360)
CLAIM = timedelta(minutes=5)  # a message being sent is not taken by another scheduler for this long
ACTOR = "notifications"  # who the history says sent it


def queue(session, recipient, subject, body, channel="email", kind=None, instance_id=None, person_id=None,
          not_before=None):
    """Add a message to send (`channel` "email" or "sms"), not before `not_before` if given; the caller commits."""
    message = OutboxMessage(recipient=recipient, subject=subject[:200], body=body, attempts=0, channel=channel,
                            kind=kind, instance_id=instance_id, person_id=person_id, not_before=not_before)
    session.add(message)
    return message


def messages(uow, pending_only=True, limit=50, instance_id=None):
    """The latest outbox messages (newest first) as dicts; only those not sent yet by default; only those about
    the file `instance_id` if given."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if pending_only:
        query = query.where(OutboxMessage.sent_at.is_(None))
    if instance_id is not None:
        query = query.where(OutboxMessage.instance_id == instance_id)
    with uow:
        return [message_dict(m) for m in uow.session.scalars(query)]


def message_dict(m):
    return {"id": m.id, "channel": m.channel, "kind": m.kind, "recipient": m.recipient, "subject": m.subject,
            "body": m.body, "instance_id": m.instance_id, "person_id": m.person_id, "created_at": m.created_at,
            "not_before": as_utc(m.not_before) if m.not_before else None, "sent_at": m.sent_at,
            "delivered_by": m.delivered_by, "attempts": m.attempts, "last_error": m.last_error,
            "given_up": m.sent_at is None and m.attempts >= MAX_ATTEMPTS}


def send_pending(uow, gateways, now=None):
    """Send every message that is due through `gateways` ({"email": ..., "sms": ...}; a single mailer stands for
    {"email": mailer}); how many were sent.

    Each message is claimed in a short transaction of its own (so that two schedulers never send it twice), sent
    outside any transaction (a slow gateway holds no lock), and its outcome written in another: sent, or its
    error, attempt count and the moment of the next try.
    """
    if not isinstance(gateways, dict):
        gateways = {"email": gateways}
    now = now or utcnow()
    sent = 0
    with uow:
        due = list(uow.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.channel.in_(sorted(gateways)),
            OutboxMessage.attempts < MAX_ATTEMPTS, _due(now)).order_by(OutboxMessage.id).limit(500)))
    for message_id in due:
        row = _claim(uow, message_id, now)
        if row is None:
            continue
        gateway = gateways[row["channel"]]
        if row["dropped"]:
            _write_outcome(uow, message_id, now, None, error="dossier annulé : rappel non envoyé", give_up=True)
            continue
        try:
            gateway.send(row["recipient"], row["body"], subject=row["subject"])
        except (GatewayError, OSError, smtplib.SMTPException) as err:
            _write_outcome(uow, message_id, now, None, error=str(err)[:500] or type(err).__name__)
            continue
        _write_outcome(uow, message_id, now, getattr(gateway, "name", "smtp"))
        sent += 1
    return sent


def _due(now):
    return or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now)


def _claim(uow, message_id, now):
    """Take the message for this sender (None if another one took or sent it); what is needed to send it."""
    with uow:
        session = uow.session
        taken = session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None), _due(now))
            .values(not_before=now + CLAIM, attempts=OutboxMessage.attempts + 1)).rowcount
        if not taken:
            return None  # leaving the block rolls back
        row = session.get(OutboxMessage, message_id)
        status = session.scalar(select(Instance.status).where(Instance.id == row.instance_id)) \
            if row.instance_id and (row.kind or "").startswith("rappel") else None
        found = {"channel": row.channel, "recipient": row.recipient, "subject": row.subject, "body": row.body,
                 "dropped": status == "cancelled"}
        uow.commit()
        return found


def _write_outcome(uow, message_id, now, delivered_by, error=None, give_up=False):
    with uow:
        session = uow.session
        row = session.get(OutboxMessage, message_id)
        instance = session.get(Instance, row.instance_id) if row.instance_id else None
        about = {"outbox_id": row.id, "channel": row.channel, "notification": row.kind, "person_id": row.person_id,
                 "region": session.scalar(select(Person.region).where(Person.id == row.person_id))
                 if row.person_id else None}
        if delivered_by:
            row.sent_at, row.delivered_by, row.last_error, row.not_before = now, delivered_by, None, None
            if instance:
                audit.record(session, "notification_sent", ACTOR, instance, delivered_by=delivered_by, **about)
        else:
            if give_up:
                row.attempts = MAX_ATTEMPTS
            row.last_error = error
            last = row.attempts >= MAX_ATTEMPTS
            row.not_before = None if last else now + timedelta(
                minutes=RETRY_MINUTES[min(row.attempts, len(RETRY_MINUTES)) - 1])
            # The first failure and the last one are the file's news; the tries between stay on the row.
            if instance and (row.attempts == 1 or last):
                audit.record(session, "notification_failed", ACTOR, instance, error=error, attempts=row.attempts,
                             given_up=last, **about)
        uow.commit()
