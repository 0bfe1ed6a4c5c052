"""In-app notifications (reminders, escalations), and e-mail when an SMTP server is configured."""
import smtplib
from email.message import EmailMessage

from sqlalchemy import func, select, update

from engine.accounts.roles import REGIONAL_ROLES
from engine.store.tables import Notification, User, UserRole, as_utc, utcnow


def holders(session, role, region=None, also_role=None):
    """Active users holding `role` (and `also_role`), limited to `region` for regional roles."""
    query = select(User).join(UserRole).where(User.active, UserRole.role == role)
    if also_role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == also_role)))
    if region and (role in REGIONAL_ROLES or also_role in REGIONAL_ROLES):
        query = query.where(User.region == region)
    return list(session.scalars(query))


def notify(session, users, kind, message, task=None, mailer=None):
    """Add one notification per user; send each an e-mail too when a mailer is given."""
    for user in users:
        session.add(Notification(username=user.username, kind=kind, message=message,
                                 instance_id=task.instance_id if task else None,
                                 task_id=task.id if task else None))
        if mailer and user.email:
            mailer.send(user.email, message)


def unread(uow, username, limit=50):
    """A person's notifications, unread first, newest first, as dicts."""
    query = (select(Notification).where(Notification.username == username)
             .order_by(Notification.read_at.is_not(None), Notification.id.desc()).limit(limit))
    with uow:
        return [{"id": n.id, "kind": n.kind, "message": n.message, "task_id": n.task_id,
                 "instance_id": n.instance_id, "created_at": as_utc(n.created_at).isoformat(),
                 "read": n.read_at is not None} for n in uow.session.scalars(query)]


def unread_count(uow, username):
    """How many notifications a person has not read."""
    with uow:
        return uow.session.scalar(select(func.count(Notification.id)).where(
            Notification.username == username, Notification.read_at.is_(None)))


def mark_read(uow, username):
    """Mark all of a person's notifications read."""
    with uow:
        uow.session.execute(update(Notification).where(Notification.username == username,
                                                       Notification.read_at.is_(None)).values(read_at=utcnow()))
        uow.commit()


class SmtpMailer:
    """Sends plain-text e-mails through an SMTP server."""

    def __init__(self, host, port=25, sender="djoliba@localhost", username=None, password=None, starttls=False):
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls = username, password, starttls

    def send(self, to, text, subject="Djoliba"):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(text)
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)
