"""Inbox and task pages: claim, give back, fill the form, complete."""
from types import SimpleNamespace

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine.accounts import held
from engine.accounts.access import can_work
from engine.errors import Conflict, ValidationFailed
from engine.people.employers import MARK
from engine.runtime import online_applications, tasks
from web.auth import login_required
from web.display import data_rows, value_text
from web.employers import employer_choice
from web.errors import message
from web.form_text import text as form_text
from web.formfields import data_from_form, error_summary, errors_by_field, fields_for
from web.store import uow

bp = Blueprint("tasks", __name__)


@bp.get("/")
@login_required
def inbox():
    mine = request.args.get("mine") == "1"
    page = request.args.get("page", "1")
    inbox = tasks.inbox_page(uow(), g.actor, mine=mine, page=int(page) if page.isdigit() and len(page) < 7 else 1)
    return render_template("inbox.html", inbox=inbox, tasks=inbox["tasks"], mine=mine,
                           awaiting=online_applications.awaiting_count(uow(), g.actor))


@bp.get("/tasks/<task_id>")
@login_required
def show(task_id):
    task = tasks.get_task(uow(), g.actor, task_id, value_text=value_text, title_text=form_text)
    # A form this person sent after their session expired is given back, to be checked and sent again.
    kept = held.held_submission(uow(), g.actor.username, task_id)
    sent = data_from_form(task["form"]["schema"], MultiDict(kept)) if kept else None
    fields = fields_for(task["form"]["schema"], task["form"]["ui"], values=task["data"] if sent is None else sent)
    typed = data_rows(task["form"]["schema"], sent) if kept and task["state"] != "ready" else []
    _link_employer_history(task, fields)
    return render_template("task.html", task=task, fields=fields, held=kept is not None, typed=typed)


def _link_employer_history(task, fields):
    """The choice a form marks `x-employer-history` ("Historique des relations avec l'ANPE", §7.3) links to
    the history of the file's employer in the register, for whoever may read it."""
    found = (task.get("employer") or {}).get("employer")
    if not found or not found["readable"]:
        return
    url = url_for("employers.show", employer_id=found["id"])
    properties = task["form"]["schema"].get("properties", {})
    for field in fields:
        options = properties.get(field.name, {}).get("items", {}).get("oneOf", [])
        field.links = {o["const"]: url for o in options if o.get(MARK + "-history")}


@bp.post("/tasks/<task_id>/held")
@login_required
def discard_held(task_id):
    """Forget the form held for this person on this task."""
    if held.drop_held_submission(uow(), g.actor.username, task_id, discarded=True):
        flash(_("Votre saisie gardée est abandonnée."), "success")
    return redirect(url_for("tasks.show", task_id=task_id))


@bp.post("/tasks/<task_id>")
@login_required
def complete(task_id):
    # Reading the submission needs only the form's types; the full task page is built again
    # only when the data is refused.
    submitted = tasks.submission_form(uow(), g.actor, task_id)
    data = data_from_form(submitted["schema"], request.form)
    try:
        instance = tasks.complete_task(uow(), g.actor, task_id, data, employer=employer_choice(request.form))
    except (ValidationFailed, Conflict) as error:
        refused = isinstance(error, ValidationFailed)
        errors = errors_by_field([e.as_dict() for e in error.errors]) if refused else {}
        if not refused:  # a refused form says what to fix in its summary, at the top of the form
            flash(message(error), "error")
        task = tasks.get_task(uow(), g.actor, task_id, value_text=value_text, title_text=form_text)
        fields = fields_for(task["form"]["schema"], task["form"]["ui"], values=data, errors=errors)
        # Someone else completed it meanwhile: no form any more, what was typed is shown to copy.
        typed = data_rows(task["form"]["schema"], data) if task["state"] != "ready" else []
        _link_employer_history(task, fields)
        if getattr(error, "employers", None) is not None:  # the employer typed looks registered: DCIM says which
            task["employer"] = {**(task.get("employer") or {}), "matches": error.employers, "asked": True}
        return render_template("task.html", task=task, fields=fields, form_errors=errors.get("", []), typed=typed,
                               refused=message(error) if refused else None, error_items=error_summary(fields)), \
            422 if refused else 409
    held.drop_held_submission(uow(), g.actor.username, task_id)  # sent at last: nothing to give back
    flash(_("Tâche « %(title)s » terminée.", title=submitted["title"]), "success")
    if instance["status"] == "error":  # the step after it failed: the file says why, and offers to retry
        flash(_("Le dossier s'est arrêté en erreur à l'étape « %(element)s » : %(message)s",
                element=instance["error"]["element_id"], message=instance["error"]["message"]), "error")
        return redirect(url_for("instances.show", instance_id=instance["id"]))
    # Only a next task this person may open (a counsellor of Bamako not to Kayes' task).
    mine = [t for t in instance.get("tasks", []) if can_work(g.actor, SimpleNamespace(**t))]
    return redirect(url_for("tasks.show", task_id=mine[0]["id"]) if len(mine) == 1 else url_for("tasks.inbox"))


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id):
    tasks.claim_task(uow(), g.actor, task_id)
    flash(_("Tâche prise en charge."), "success")
    return redirect(url_for("tasks.show", task_id=task_id))


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id):
    tasks.unclaim_task(uow(), g.actor, task_id)
    flash(_("Tâche rendue à la file de l'équipe."), "success")
    return redirect(url_for("tasks.inbox"))
