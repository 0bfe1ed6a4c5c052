"""A person's notifications: reminders before a deadline, escalations after it."""
from flask import Blueprint, g, redirect, render_template, url_for

from engine.accounts import notifications
from web.auth import login_required
from web.store import uow

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications.html", notifications=notifications.unread(uow(), g.actor.username))


@bp.post("/notifications/read")
@login_required
def mark_read():
    notifications.mark_read(uow(), g.actor.username)
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def unread_count():
    """The unread count shown beside the menu entry on every page."""
    actor = g.get("actor")
    return {"unread_count": notifications.unread_count(uow(), actor.username) if actor else 0}
