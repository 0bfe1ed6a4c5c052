"""The modeler (bpmn-js) and form editor of process owners: save a draft, check it, deploy it.

The modeler page is the one page of Djoliba that needs JavaScript. Its JSON
endpoints answer errors as JSON; uploads and the form editor also work as plain
HTML forms.
"""
import json
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _

from engine.authoring import drafts
from engine.errors import EngineError, FilesRejected, Problem
from web import downloads
from web.auth import login_required
from web.diagram_labels import problem_text
from web.errors import json_error, json_object
from web.formfields import fields_for
from web.store import uow

bp = Blueprint("modeler", __name__)
VENDOR = Path(__file__).resolve().parent.parent / "node_modules" / "bpmn-js" / "dist"


@bp.get("/vendor/bpmn-js/<path:filename>")
def vendor(filename):
    """bpmn-js's built files, installed by npm (never copied into the repository)."""
    return send_from_directory(VENDOR, filename, max_age=86400)


@bp.get("/diagrams/<key>/edit")
@login_required
def edit(key):
    return _page(key, drafts.open_draft(uow(), g.actor, key))


def _page(key, draft, status=200, **extra):
    forms = sorted(name for name in draft["files"] if name.endswith(".schema.json"))
    return render_template("diagrams/modeler.html", key=key, draft=draft, main=main_file(key, draft["files"]),
                           forms=forms, problems=with_texts(draft)["problems"] or [], **extra), status


def main_file(key, files):
    """The name of the draft's .bpmn file that defines process `key` (else its first .bpmn)."""
    bpmn = sorted(name for name in files if name.endswith(".bpmn"))
    return next((n for n in bpmn if f'id="{key}"' in files[n]), bpmn[0] if bpmn else f"{key}.bpmn")


def _json_call(call):
    """Run an engine call for the modeler's script: its result as JSON, an engine error as JSON too."""
    try:
        return jsonify(with_texts(call()))
    except EngineError as error:
        response, status = json_error(error)
        return jsonify(with_texts(response.get_json())), status


def with_texts(body):
    """Add to each check problem its `text` in the reader's language."""
    if isinstance(body, dict) and body.get("problems"):
        body["problems"] = [{**p, "text": problem_text(p["message"])} for p in body["problems"]]
    return body


@bp.post("/diagrams/<key>/draft")
@login_required
def save(key):
    body = json_object()
    files = body.get("files") if isinstance(body.get("files"), dict) else {}
    return _json_call(lambda: _summary(drafts.save_draft(
        uow(), g.actor, key, {str(n): str(t) for n, t in files.items()}, revision=body.get("revision"))))


@bp.post("/diagrams/<key>/check")
@login_required
def check(key):
    return _json_call(lambda: _summary(drafts.check_draft(uow(), g.actor, key, _forms_dir())))


@bp.post("/diagrams/<key>/deploy")
@login_required
def deploy(key):
    if request.is_json:
        return _json_call(lambda: {"deployed": drafts.deploy_draft(uow(), g.actor, key, _forms_dir())})
    outcomes = drafts.deploy_draft(uow(), g.actor, key, _forms_dir())
    flash(deployed_message(outcomes), "success")
    return redirect(url_for("diagrams.versions", key=key))


def deployed_message(outcomes):
    created = [o for o in outcomes if o["created"]]
    if not created:
        return _("Rien n'a changé : la version déployée reste la même.")
    return " ".join(_("%(key)s : version %(version)s déployée.", key=o["process_key"], version=o["version"])
                    for o in created)


def _summary(draft):
    return {k: v for k, v in draft.items() if k != "files"}


def _forms_dir():
    return current_app.config.get("FORMS_DIR")


@bp.post("/diagrams/<key>/upload")
@login_required
def upload(key):
    files = {f.filename: f.read() for f in request.files.getlist("files") if f.filename}
    try:
        texts = {name: content.decode("utf-8") for name, content in files.items()}
    except UnicodeDecodeError:
        texts = None
    try:
        if not files:
            raise FilesRejected([])
        if texts is None:
            raise FilesRejected([Problem(", ".join(files), "", "not a text file")])
        drafts.save_draft(uow(), g.actor, key, texts)
    except FilesRejected as error:
        return _page(key, drafts.open_draft(uow(), g.actor, key), 422, upload_problems=error.problems or None,
                     upload_empty=not files)
    flash(_("Fichiers enregistrés dans le brouillon : %(names)s.", names=", ".join(sorted(files))), "success")
    return redirect(url_for("modeler.edit", key=key))


@bp.get("/diagrams/<key>/draft/files/<name>")
@login_required
def download(key, name):
    files = drafts.open_draft(uow(), g.actor, key)["files"]
    if name not in files:
        abort(404)
    return attachment(name, files[name])


def attachment(name, text):
    kind = "application/json" if name.endswith(".json") else "application/xml"
    return Response(text, mimetype=kind, headers={"Content-Disposition": downloads.disposition(name)})


@bp.route("/diagrams/<key>/forms/<name>", methods=("GET", "POST"))
@login_required
def form_editor(key, name):
    files = drafts.open_draft(uow(), g.actor, key)["files"]
    ui_name = name.removesuffix(".schema.json") + ".ui.json"
    text = request.form.get("schema", files.get(name) or _STARTER_FORM)
    ui_text = request.form.get("ui", files.get(ui_name, ""))
    preview = drafts.form_preview(uow(), g.actor, name, text, ui_text or None)
    if request.method == "POST" and request.form.get("action") == "save" and not preview["problems"]:
        changes = {name: text, **({ui_name: ui_text} if ui_text.strip() else {})}
        try:
            drafts.save_draft(uow(), g.actor, key, changes)
        except FilesRejected as error:
            preview["problems"] = [p.message for p in error.problems]
        else:
            flash(_("Formulaire %(name)s enregistré dans le brouillon.", name=name), "success")
            return redirect(url_for("modeler.form_editor", key=key, name=name))
    status = 422 if request.method == "POST" and preview["problems"] else 200
    return render_template("diagrams/form_editor.html", key=key, name=name, text=text, ui_text=ui_text,
                           preview=preview, fields=_preview_fields(preview)), status


@bp.post("/diagrams/<key>/forms/<name>/preview")
@login_required
def form_preview(key, name):
    """The preview fragment for the editor's live preview (HTML), with the schema's problems."""
    body = json_object()
    preview = drafts.form_preview(uow(), g.actor, name, str(body.get("schema", "")), body.get("ui") or None)
    html = render_template("diagrams/_form_preview.html", preview=preview, fields=_preview_fields(preview))
    return jsonify(html=html, problems=preview["problems"])


def _preview_fields(preview):
    return fields_for(preview["schema"], preview["ui"]) if preview["schema"] else []


_STARTER_FORM = json.dumps({"type": "object", "title": "Nouveau formulaire", "properties": {
    "observations": {"type": "string", "title": "Observations", "maxLength": 2000}}, "required": []},
    ensure_ascii=False, indent=2) + "\n"
