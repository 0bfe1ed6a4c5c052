"""Forms sent after the session expired (a task's, a person's registration): held for the person who was
signed in, and given back on the form's page once they sign in again as the same person (engine.accounts.held). How long a session has left,
for the task pages' note and the warning of static/session.js."""
from datetime import datetime, timedelta, timezone

from flask import current_app, request, session
from flask_babel import format_time

from engine.accounts import held
from web.store import uow

EXPIRED = "expired_user"  # session key: who was signed in when the session expired, until the next sign-in


PERSON_FORM = "personnes/nouvelle"
# The forms held, by the endpoint they are sent to: how each names the form it holds.
FORMS = {"tasks.complete": lambda args: args["task_id"], "people.register": lambda args: PERSON_FORM}


def keep_if_form(username):
    """Hold for `username` the form this request sends: True if held, False if refused (too large),
    None when the request sends none of the FORMS."""
    if not username or request.method != "POST" or request.endpoint not in FORMS:
        return None
    fields = [(name, value) for name, value in request.form.items(multi=True) if name != "csrf_token"]
    return held.hold_submission(uow(), username, FORMS[request.endpoint](request.view_args or {}), fields)


def seconds_left(now=None):
    """Seconds before the session ends without activity (or at its longest life, if sooner); 0 when signed out."""
    if not session.get("username"):
        return 0
    now = now or datetime.now(timezone.utc).timestamp()
    config = current_app.config
    seen, since = session.get("seen", now), session.get("since", now)
    ends = min(seen + config["IDLE_TIMEOUT"].total_seconds(),
               since + config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    return max(0, int(ends - now))


def template_helpers():
    """`session_left()` (seconds) and `session_ends()` (the time, in the reader's format) for the pages."""
    def ends():
        return format_time(datetime.now(timezone.utc) + timedelta(seconds=seconds_left()), "short")
    return {"session_left": seconds_left, "session_ends": ends,
            "idle_seconds": int(current_app.config["IDLE_TIMEOUT"].total_seconds())}
