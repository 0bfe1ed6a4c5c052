"""Process owners' pages: the procedures and their drafts, versions and their differences, migrations;
and the heat map of a process for managers."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.authoring import drafts, migration, versions
from engine.errors import Conflict, FilesRejected
from engine.runtime import instances, tracks
from engine.runtime.vocabulary import vocabularies
from web.auth import login_required
from web.diagram_labels import migration_reason
from web.diagram_svg import heat_classes, render
from web.modeler import attachment
from web.store import uow

bp = Blueprint("diagrams", __name__)


@bp.get("/diagrams")
@login_required
def index():
    return render_template("diagrams/index.html", processes=instances.list_processes(uow()),
                           drafts=_drafts(), key="", name="", error=None)


def _drafts():
    """Saved drafts for process owners; managers only see the processes and their heat maps."""
    return drafts.list_drafts(uow(), g.actor) if drafts.OWNER_ROLE in g.actor.roles else []


@bp.post("/diagrams/new")
@login_required
def new():
    key, name = request.form.get("key", "").strip(), request.form.get("name", "").strip()
    try:
        drafts.new_draft(uow(), g.actor, key, name)
    except (FilesRejected, Conflict) as error:
        text = _("Cette clé est déjà prise.") if isinstance(error, Conflict) else \
            _("La clé : lettres minuscules sans accent, chiffres et _ (2 à 100), en commençant par une lettre.")
        return render_template("diagrams/index.html", processes=instances.list_processes(uow()),
                               drafts=_drafts(), key=key, name=name, error=text), 422
    return redirect(url_for("modeler.edit", key=key))


@bp.get("/diagrams/<key>/versions", endpoint="versions")
@login_required
def versions_page(key):
    drafts.require_owner(g.actor)
    listed = versions.list_versions(uow(), key)
    numbers = [v["version"] for v in listed]
    old, new = request.args.get("from", type=int), request.args.get("to", type=int)
    diff = None
    if old in numbers and new in numbers:
        diff = versions.diff_versions(uow(), key, old, new)
    elif len(numbers) > 1:
        old, new = numbers[1], numbers[0]
    return render_template("diagrams/versions.html", key=key, versions=listed, diff=diff, old=old, new=new,
                           outcomes=None)


@bp.post("/diagrams/<key>/migrate")
@login_required
def migrate(key):
    outcomes = migration.migrate_instances(uow(), g.actor, key, request.form.get("from_version", type=int),
                                           request.form.get("to_version", type=int))
    moved = sum(o["migrated"] for o in outcomes)
    flash(_("%(moved)s dossier(s) migré(s) sur %(total)s.", moved=moved, total=len(outcomes)),
          "success" if moved == len(outcomes) else "error")
    return render_template("diagrams/versions.html", key=key, versions=versions.list_versions(uow(), key),
                           diff=None, old=None, new=None, outcomes=outcomes,
                           vocabularies=vocabularies(uow(), g.actor, [o["instance_id"] for o in outcomes]))


@bp.post("/instances/<int:instance_id>/migrate")
@login_required
def migrate_one(instance_id):
    try:
        moved = migration.migrate_instance(uow(), g.actor, instance_id, request.form.get("to_version", type=int))
    except Conflict as error:
        if error.params.get("reason") != "migration_refused":
            raise
        flash(_("Migration refusée : %(reasons)s", reasons=reason_list(
            error.params["reasons"], vocabularies(uow(), g.actor, [instance_id]).get(instance_id))), "error")
    else:
        flash(_("Dossier migré vers la version %(version)s.", version=moved["version"]), "success")
    return redirect(url_for("instances.show", instance_id=instance_id))


def reason_list(reasons, vocabulary=None):
    return "; ".join(migration_reason(r, vocabulary) for r in reasons)


@bp.get("/diagrams/<key>/versions/<int:number>/files/<name>")
@login_required
def version_file(key, number, name):
    drafts.require_owner(g.actor)
    with uow() as work:
        version = versions.get_version(work.session, key, number)
        files = drafts.version_files(version)
    if name not in files:
        abort(404)
    return attachment(name, files[name])


@bp.get("/processes/<key>")
@login_required
def heat_map(key):
    heat = tracks.process_heat(uow(), g.actor, key)
    diagram = render(heat["source"], classes=heat_classes(heat["counts"]), badges=heat["counts"], title=key)
    return render_template("diagrams/heat_map.html", key=key, heat=heat, diagram=diagram)
