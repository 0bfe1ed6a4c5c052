"""E-mails the application sends (the portal's verification codes...), kept in one outbox table.

`queue` adds a message in the caller's transaction. `send_pending` sends what waits by SMTP when a
server is configured (DJOLIBA_SMTP_URL, e.g. smtp://user:password@mail.example:587, STARTTLS on);
without one, messages stay in the outbox for an administrator to read (`djoliba outbox`) and pass on.
"""
import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from engine.store.tables import OutboxMessage, utcnow

SENDER = "ne-pas-repondre@anpe.ml"


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


def send_pending(uow, smtp_url, connect=smtplib.SMTP):
    """Send every waiting message through the SMTP server of `smtp_url`; returns how many were sent.

    A message that fails keeps waiting, with its error and attempt count; the next call tries again.
    `connect` opens the connection (a fake in tests: nothing leaves the machine there).
    """
    parts = urlsplit(smtp_url)
    sent = 0
    with uow:
        waiting = list(uow.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                                           .order_by(OutboxMessage.id)))
        for row in waiting:
            row.attempts += 1
            try:
                with connect(parts.hostname, parts.port or 587, timeout=30) as server:
                    if parts.scheme != "smtp+plain":
                        server.starttls()
                    if parts.username:
                        server.login(unquote(parts.username), unquote(parts.password or ""))
                    server.send_message(_email(row))
            except (OSError, smtplib.SMTPException) as err:
                row.last_error = str(err)[:500]
                continue
            row.sent_at, row.last_error = utcnow(), None
            sent += 1
        uow.commit()
    return sent


def _email(row):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = SENDER, row.recipient, row.subject
    message.set_content(row.body)
    return message
