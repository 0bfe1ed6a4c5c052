"""E-mails the application sends (the portal's verification codes...), kept in one outbox table.

`queue` adds a message in the caller's transaction. The scheduler sends what waits (`send_pending`) when
an SMTP server is configured (DJOLIBA_SMTP_HOST, as for the reminders' e-mails); without one, messages
stay in the outbox for an administrator to read (`djoliba outbox`) and pass on.
"""
import smtplib

from sqlalchemy import select

from engine.store.tables import OutboxMessage, utcnow


def queue(session, recipient, subject, body):
    """Add an e-mail to send; the caller commits."""
    message = OutboxMessage(recipient=recipient, subject=subject[:200], body=body, attempts=0)
    session.add(message)
    return message


def messages(uow, pending_only=True, limit=50):
    """The latest outbox messages (newest first) as dicts; only those not sent yet by default."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if pending_only:
        query = query.where(OutboxMessage.sent_at.is_(None))
    with uow:
        return [{"id": m.id, "recipient": m.recipient, "subject": m.subject, "body": m.body,
                 "created_at": m.created_at, "sent_at": m.sent_at, "attempts": m.attempts,
                 "last_error": m.last_error} for m in uow.session.scalars(query)]


def send_pending(uow, mailer):
    """Send every waiting message with `mailer` (an SmtpMailer, or anything with its `send`); how many were sent.

    A message that fails keeps waiting, with its error and attempt count; the next call tries again.
    One transaction.
    """
    sent = 0
    with uow:
        waiting = list(uow.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                                           .order_by(OutboxMessage.id)))
        for row in waiting:
            row.attempts += 1
            try:
                mailer.send(row.recipient, row.body, subject=row.subject)
            except (OSError, smtplib.SMTPException) as err:
                row.last_error = str(err)[:500] or type(err).__name__
                continue
            row.sent_at, row.last_error = utcnow(), None
            sent += 1
        uow.commit()
    return sent
