"""Start a file, list files, and read one with its open tasks and full history."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import Conflict, NotFound, ValidationFailed
from engine.runtime import convocations, file_messages, instances, tracks
from engine.runtime.spawn import opened_by_procedure
from engine.runtime.vocabulary import vocabularies
from web.auth import login_required
from web.display import element_name
from web.diagram_svg import render
from web.errors import message
from web.formfields import errors_by_field
from web.store import uow

bp = Blueprint("instances", __name__)


@bp.get("/instances")
@login_required
def index():
    filters = {key: (request.args.get(key) or "").strip()[:120] or None
               for key in ("process", "status", "business_key", "q")}
    page = request.args.get("page", "")
    found = instances.instances_page(uow(), g.actor, **filters,
                                     page=int(page) if page.isdigit() and len(page) < 7 else 1)
    return render_template("instances.html", found=found, instances=found["instances"],
                           processes=instances.list_processes(uow()), filters=filters,
                           statuses=instances.STATUSES)


@bp.get("/instances/<int:instance_id>")
@login_required
def show(instance_id):
    return _page(instance_id)


def _page(instance_id, reason="", reason_errors=(), sent=None):
    """The file's page; `reason` and `reason_errors` refill the cancel form after a refused reason, or
    the form of the message `sent` (an event the reader reports: the employer withdrew the offer...)."""
    instance = instances.get_instance(uow(), g.actor, instance_id, with_history=True)
    return render_template("instance.html", instance=instance, reason=reason, reason_errors=reason_errors,
                           sent=sent, events=file_messages.offered(uow(), g.actor, instance_id),
                           notices=convocations.file_messages(uow(), g.actor, instance_id),
                           diagram=diagram_of(instance_id, instance["business_key"]),
                           vocabulary=vocabularies(uow(), g.actor, [instance_id]).get(instance_id))


def diagram_of(instance_id, title):
    """Where a file stands: its version's diagram drawn as SVG, the elements it reached marked."""
    track = tracks.instance_track(uow(), g.actor, instance_id)
    return render(track["source"], classes=track["states"], title=title)


@bp.post("/instances/<int:instance_id>/retry")
@login_required
def retry(instance_id):
    retried = instances.retry_instance(uow(), g.actor, instance_id)
    if retried["status"] == "error":  # its cause is still there: it stopped again, say so and why
        step = retried["error"]["element_id"]
        step = element_name(step, vocabularies(uow(), g.actor, [instance_id]).get(instance_id)) or step
        flash(_("La relance a échoué : le dossier est de nouveau en erreur à l'étape « %(element)s » : %(message)s. "
                "Corrigez la cause, puis relancez-le.", element=step,
                message=str(retried["error"]["message"] or "").rstrip(". ")), "error")
    else:
        flash(_("Le dossier a été relancé."), "success")
    return redirect(url_for("instances.show", instance_id=instance_id))


@bp.post("/instances/<int:instance_id>/cancel")
@login_required
def cancel(instance_id):
    reason = request.form.get("reason", "")
    try:
        instances.cancel_instance(uow(), g.actor, instance_id, reason)
    except ValidationFailed as error:  # shown on the reason field, what was typed kept
        errors = errors_by_field([e.as_dict() for e in error.errors]).get("reason", [])
        return _page(instance_id, reason=reason, reason_errors=errors), 422
    flash(_("Dossier annulé."), "success")
    return redirect(url_for("instances.show", instance_id=instance_id))


@bp.post("/instances/<int:instance_id>/message")
@login_required
def send(instance_id):
    """Report an event the file waits on (the employer withdraws the offer, the candidate withdraws, the visa
    is refused): the message goes, with its reason, to the files of this reference that wait on it."""
    name, reason = request.form.get("message", ""), request.form.get("motif", "")
    try:
        file_messages.send_to_file(uow(), g.actor, instance_id, name, reason)
    except ValidationFailed as error:  # shown on the reason field, what was typed kept
        errors = errors_by_field([e.as_dict() for e in error.errors]).get("reason", [])
        return _page(instance_id, reason=reason, reason_errors=errors, sent=name), 422
    flash(_("Événement transmis au dossier : il a été enregistré dans son historique."), "success")
    return redirect(url_for("instances.show", instance_id=instance_id))


@bp.route("/processes/<key>/start", methods=("GET", "POST"))
@login_required
def start(key):
    process = next((p for p in instances.list_processes(uow()) if p["key"] == key), None)
    if process is None:
        raise NotFound(f"no process {key}")
    if process["start_message"]:  # the list does not offer it; a typed address gets the reason at once
        raise opened_by_procedure(key, process["start_message"])
    business_key = request.form.get("business_key", "")
    if request.method == "POST":
        try:
            instance = instances.start_instance(uow(), g.actor, key, business_key)
        except (Conflict, ValidationFailed) as error:
            # A missing or too long reference is reported on the field, like the task forms do.
            invalid = isinstance(error, ValidationFailed)
            text = " ".join(errors_by_field([e.as_dict() for e in error.errors]).get("business_key", [])) \
                if invalid else ""
            return render_template("start.html", process=process, business_key=business_key,
                                   error=text or message(error), existing=error.params.get("instance_id")), \
                422 if invalid else 409
        flash(_("Dossier %(key)s ouvert.", key=instance["business_key"]), "success")
        first = instance["tasks"][0]["id"] if instance["tasks"] else None
        return redirect(url_for("tasks.show", task_id=first) if first
                        else url_for("instances.show", instance_id=instance["id"]))
    return render_template("start.html", process=process, business_key="", error=None)
