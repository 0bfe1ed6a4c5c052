"""Engine errors as HTTP answers: JSON under /api, a page elsewhere; every refusal is recorded."""
from flask import current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from engine.audit.refusals import record_refusal
from engine.errors import Conflict, DeployRejected, FilesRejected, Forbidden, NotFound, ValidationFailed
from web.formfields import errors_by_field
from web.store import uow

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, ValidationFailed: 422, DeployRejected: 422,
          FilesRejected: 422}


def message(error):
    """A sentence in the reader's language explaining an engine error."""
    reason = error.params.get("reason")
    messages = {
        "claimed": _("Cette tâche est déjà prise en charge par une autre personne."),
        "not_claimed": _("Vous ne détenez pas cette tâche."),
        "not_open": _("Cette tâche n'est plus ouverte : elle a déjà été traitée."),
        "stale": _("Quelqu'un d'autre vient de traiter cette tâche : rechargez la page."),
        "business_key_taken": _("Un dossier de cette procédure porte déjà cette référence (en cours ou terminé) : "
                                "ouvrez-le plutôt que d'en créer un second. Seul un dossier annulé libère sa référence."),
        "instance_cancelled": _("Ce dossier a été annulé : plus rien ne peut y être fait."),
        "cancel_not_allowed": _("Seuls les responsables de ce dossier peuvent l'annuler : la DCIM pour une procédure "
                                "centrale, un conseiller de sa région pour une procédure régionale, et l'administrateur."),
        "retry_not_allowed": _("Seuls les responsables de ce dossier peuvent le relancer : la DCIM pour une procédure "
                               "centrale, un conseiller de sa région pour une procédure régionale, et l'administrateur."),
        "file_changed": _("Quelqu'un d'autre vient de faire avancer ce dossier : rechargez la page."),
        "business_key_required": _("Indiquez la référence du dossier."),
        "not_in_error": _("Ce dossier n'est pas en erreur."),
        "draft_changed": _("Quelqu'un d'autre a enregistré ce brouillon entre-temps : rechargez la page."),
        "migration_refused": _("La migration de ce dossier vers cette version n'est pas sûre : elle est refusée."),
        "process_exists": _("Une procédure porte déjà cette clé."),
        "audit_only": _("Le journal d'audit est réservé à la direction et aux administrateurs."),
        "opened_by_procedure": _("Cette procédure est ouverte par une autre procédure, pas à la main : "
                                 "ouvrez le dossier qui la précède (par exemple l'offre)."),
        "unknown_message": _("Aucune procédure déployée n'attend un message de ce nom."),
        "unknown_signal": _("Aucune procédure déployée n'attend un signal de ce nom."),
        "nobody_waits": _("Aucun dossier n'attend ce message pour cette référence : il est gardé et noté "
                          "dans le journal."),
        "sender_not_allowed": _("Vous n'êtes pas autorisé à envoyer ce message ou ce signal."),
        "delivery_chain_too_long": _("Ce message déclenche trop d'envois en chaîne : rien n'a été fait."),
    }
    if reason in messages:
        return messages[reason]
    if isinstance(error, NotFound):
        return _("Introuvable.")
    if isinstance(error, Forbidden):
        return _("Vous n'avez pas accès à cet élément.")
    if isinstance(error, ValidationFailed):
        return _("Le formulaire contient des erreurs : corrigez les champs signalés.")
    if isinstance(error, FilesRejected):
        return _("Fichiers refusés : rien n'a été modifié.")
    if isinstance(error, DeployRejected):
        return _("Le diagramme n'a pas été déployé : corrigez les problèmes signalés.")
    return _("Opération impossible.")


def json_error(error):
    """The JSON body and status of an engine error (a refusal is recorded first)."""
    _record_refusal(error)
    body = {"error": error.code, "message": message(error)}
    if isinstance(error, ValidationFailed):
        body["fields"] = errors_by_field([e.as_dict() for e in error.errors])
    if isinstance(error, DeployRejected):
        body["problems"] = [p.as_dict() for p in error.problems]
    if error.params.get("reasons"):
        body["reasons"] = error.params["reasons"]
    if isinstance(error, Conflict) and error.params.get("instance_id") is not None:
        body["instance_id"] = error.params["instance_id"]  # e.g. the file that already has this business key
    return jsonify(body), STATUS[type(error)]


def init_app(app):
    for error_class in STATUS:
        app.register_error_handler(error_class, _handle)
    app.register_error_handler(HTTPException, _http_error)


def _http_error(error):
    """Werkzeug's own errors (unknown URL, wrong method...): JSON under /api, the usual page elsewhere."""
    if not request.path.startswith("/api/") or error.code is None:
        return error
    response = jsonify(error=error.name.lower().replace(" ", "_"), message=error.description)
    response.status_code = error.code
    for name, value in error.get_headers():
        if name.lower() != "content-type":  # keeps Allow on a 405
            response.headers[name] = value
    return response


def _handle(error):
    if request.path.startswith("/api/"):
        return json_error(error)
    _record_refusal(error)
    return render_template("error.html", message=message(error)), STATUS[type(error)]


def _record_refusal(error):
    """Write `access_refused` for a Forbidden answered to a signed-in person (see engine.audit.refusals).

    In a transaction of its own: the refused call was rolled back before this.
    If the event cannot be written the refusal is still answered, and the
    failure goes to the server's log.
    """
    actor = g.get("actor")
    if not isinstance(error, Forbidden) or actor is None:
        return
    try:
        record_refusal(uow(), actor, error, page=request.path, method=request.method)
    except SQLAlchemyError:
        current_app.logger.exception("refused access to %s by %s not recorded", request.path, actor.username)
