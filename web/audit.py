"""Audit pages for managers: search every event, export a search as CSV, read one file's timeline."""
from datetime import date

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _

from engine.accounts import users
from engine.accounts.access import can_audit
from engine.audit.search import EventFilter, export_events, require_audit, search_events
from engine.audit.timeline import timeline
from engine.errors import FieldError
from engine.runtime import instances
from engine.runtime.vocabulary import vocabularies
from web import csv_export, display
from web.auth import login_required
from web.errors import error_page
from web.instances import diagram_of
from web.labels import EVENTS
from web.messages import field_message
from web.store import MAX_ROW_ID, uow

bp = Blueprint("audit", __name__, url_prefix="/audit")
# Text filters, each at most as long as the column it searches (an export records its filters in the audit).
_TEXT_FILTERS = {"person": 80, "process": 100, "region": 40, "kind": 40, "business_key": 120}
# Spreadsheets run a cell starting with one of these as a formula: such text is quoted.


@bp.app_context_processor
def audit_menu():
    actor = g.get("actor")
    return {"can_audit": bool(actor) and can_audit(actor)}


def event_filters(args):
    """The search filters from a query string (the pages' and the API's), and a FieldError for each
    invalid one (that filter is then left out)."""
    values, errors = {name: args.get(name, "").strip() or None for name in _TEXT_FILTERS}, []
    for name, limit in _TEXT_FILTERS.items():
        if values[name] and len(values[name]) > limit:
            values[name] = None
            errors.append(FieldError(name, "maxLength", {"limit": limit}))
    for name in ("date_from", "date_to"):
        text = args.get(name, "").strip()
        try:
            values[name] = date.fromisoformat(text) if text else None
        except ValueError:
            values[name] = None
            errors.append(FieldError(name, "format", {"format": "date"}))
    return EventFilter(**values), errors


def _filters():
    """The search filters from the query string, and the message of each invalid one by its name."""
    filters, errors = event_filters(request.args)
    return filters, {error.field: field_message(error.code, error.params) for error in errors}


@bp.get("/")
@login_required
def search():
    filters, errors = _filters()
    page = min(request.args.get("page", 1, type=int), MAX_ROW_ID)  # the database cannot skip more rows
    result = search_events(uow(), g.actor, filters, page=page)
    words = vocabularies(uow(), g.actor, [event["instance_id"] for event in result["events"]])
    processes = instances.list_processes(uow())
    return render_template("audit/search.html", result=result, filters=filters, errors=errors, vocabularies=words,
                           processes=processes, process_names={p["key"]: p["name"] for p in processes},
                           regions=users.list_regions(uow()),
                           kinds=EVENTS, args={k: v for k, v in request.args.items() if k != "page" and v})


@bp.get("/events.csv")
@login_required
def export():
    filters, errors = _filters()
    if errors:  # rather than an export of more than was asked for
        require_audit(g.actor)
        return error_page(422, " ".join(f"{name} : {text}" for name, text in errors.items()))
    rows = export_events(uow(), g.actor, filters)
    header = [_("N°"), _("Date (UTC)"), _("Personne"), _("Événement"), _("Code"), _("Dossier"),
              _("N° interne du dossier"), _("Procédure"), _("Région"), _("Élément"), _("Champs modifiés"),
              _("Empreinte")]
    words = _VocabularyCache(g.actor)
    return csv_export.response("journal-audit.csv", header, (
        (row["seq"], display.moment(row["at"]), row["actor"], EVENTS.get(row["kind"], row["kind"]), row["kind"],
         row["business_key"], row["instance_id"], row["process_key"], row["region"],
         display.element_name(row["element_id"], words[row["instance_id"]]),
         ", ".join(display.changed_labels(row["changed"], words[row["instance_id"]], row["element_id"])),
         row["hash"]) for row in rows))


class _VocabularyCache(dict):
    """The words of each file met in a long export, read once per file."""

    def __init__(self, actor):
        super().__init__()
        self.actor = actor

    def __missing__(self, instance_id):
        self[instance_id] = vocabularies(uow(), self.actor, [instance_id]).get(instance_id) if instance_id else None
        return self[instance_id]


@bp.get("/instances/<int:instance_id>")
@login_required
def instance_timeline(instance_id):
    trail = timeline(uow(), g.actor, instance_id)
    return render_template("audit/timeline.html", **trail,
                           diagram=diagram_of(instance_id, trail["instance"]["business_key"]),
                           vocabulary=vocabularies(uow(), g.actor, [instance_id]).get(instance_id))
