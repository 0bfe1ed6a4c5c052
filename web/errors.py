"""Engine errors as HTTP answers: JSON under /api, a page elsewhere; every refusal is recorded."""
from flask import current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.audit.refusals import record_refusal
from engine.errors import (
    Conflict,
    DeployRejected,
    FieldError,
    FilesRejected,
    Forbidden,
    Hidden,
    NotFound,
    ValidationFailed,
)
from web.formfields import errors_by_field
from web.store import uow

STATUS = {NotFound: 404, Hidden: 404, Forbidden: 403, Conflict: 409, ValidationFailed: 422, DeployRejected: 422,
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
        "instance_finished": _("Ce dossier est terminé : il ne peut plus être annulé, et ce qu'il a enregistré reste "
                               "compté dans les statistiques. Un dossier qu'il a ouvert et qui est en cours s'annule "
                               "depuis sa propre page."),
        "cancel_not_allowed": _("Seuls les responsables de ce dossier peuvent l'annuler : la DCIM pour une procédure "
                                "centrale, un conseiller de sa région pour une procédure régionale, et l'administrateur."),
        "retry_not_allowed": _("Seuls les responsables de ce dossier peuvent le relancer : la DCIM pour une procédure "
                               "centrale, un conseiller de sa région pour une procédure régionale, le propriétaire "
                               "de la procédure et l'administrateur."),
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
        "not_waiting": _("Ce dossier n'attend plus cet événement (il est clos ou a passé cette étape) : "
                         "rechargez la page."),
        "delivery_chain_too_long": _("Ce message déclenche trop d'envois en chaîne : rien n'a été fait."),
        "country_sheets_dcim": _("Seuls le DCIM et l'administrateur modifient les fiches pays."),
        "employers_dcim": _("Seule la DCIM modifie le registre des employeurs."),
        "employers_read": _("Le registre des employeurs est réservé à la DCIM, à la direction et aux conseillers."),
        "country_sheet_changed": _("Quelqu'un d'autre vient d'enregistrer cette fiche pays : rechargez la page, "
                                   "puis reportez vos modifications."),
    }
    if reason in messages:
        return messages[reason]
    if isinstance(error, (NotFound, Hidden)):  # alike: a refusal does not tell which ids exist
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
    if getattr(error, "employers", None) is not None:  # the registered employers a recording looks like
        body["employers"] = error.employers
    if error.params.get("reasons"):
        body["reasons"] = error.params["reasons"]
    if isinstance(error, Conflict) and error.params.get("instance_id") is not None:
        body["instance_id"] = error.params["instance_id"]  # e.g. the file that already has this business key
    return jsonify(body), STATUS[type(error)]


def init_app(app):
    for error_class in STATUS:
        app.register_error_handler(error_class, _handle)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)


# What a person reads for the errors the web server itself answers (unknown page, wrong method...).
HTTP_PAGES = {
    400: (_l("Requête incorrecte"), _l("La page n'a pas pu lire ce qui a été envoyé (formulaire périmé ou incomplet). "
                                      "Rechargez la page et recommencez.")),
    403: (_l("Accès refusé"), _l("Vous n'avez pas accès à cette page.")),
    404: (_l("Page introuvable"), _l("Cette page n'existe pas, ou plus. Vérifiez l'adresse, ou repartez du menu.")),
    405: (_l("Action impossible ici"), _l("Cette adresse ne s'utilise pas ainsi : repartez de la page précédente "
                                         "ou du menu.")),
    409: (_l("Conflit"), _l("Quelqu'un d'autre vient de modifier cet élément : rechargez la page.")),
    413: (_l("Envoi trop volumineux"), _l("Ce que vous avez envoyé est trop volumineux. Allégez les fichiers joints "
                                         "et recommencez.")),
    500: (_l("Erreur du serveur"), _l("Une erreur inattendue s'est produite de notre côté ; elle a été notée. "
                                     "Réessayez dans un instant ; si elle se répète, signalez-la à l'administrateur.")),
}
TITLES = {404: HTTP_PAGES[404][0], 403: HTTP_PAGES[403][0], 409: HTTP_PAGES[409][0], 422: _l("Demande refusée")}


def error_page(status, text=None):
    """The site's error page for `status`: its title, `text` (else the usual explanation), the menu and a way
    back (the page the person came from, when it is one of ours, and their tasks). Without the menu if even
    that fails (the database may be what failed)."""
    title, explanation = HTTP_PAGES.get(status, (TITLES.get(status, _l("Erreur")), _l("Opération impossible.")))
    back = request.referrer if request.referrer and request.referrer.startswith(request.host_url) \
        and request.referrer != request.url else None
    try:
        return render_template("error.html", title=title, message=text or explanation, status=status, back=back), \
            status
    except Exception:
        current_app.logger.exception("error page %s drawn without the menu", status)
        return render_template("error_plain.html", title=title, message=text or explanation), status


def _http_error(error):
    """Werkzeug's own errors (unknown URL, wrong method...): JSON under /api, the site's page elsewhere."""
    if error.code is None:
        return error
    if not request.path.startswith("/api/"):
        response = current_app.make_response(error_page(error.code))
        for name, value in error.get_headers():
            if name.lower() == "allow":  # keeps Allow on a 405
                response.headers[name] = value
        return response
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
    return error_page(STATUS[type(error)], message(error))


def _server_error(error):
    """Anything unexpected: logged with its traceback; JSON under /api, the site's page elsewhere."""
    original = getattr(error, "original_exception", None) or error
    current_app.logger.error("unexpected error on %s %s", request.method, request.path, exc_info=original)
    if request.path.startswith("/api/"):
        return jsonify(error="internal_server_error", message=str(HTTP_PAGES[500][1])), 500
    return error_page(500)


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


def json_object():
    """The request's JSON object ({} when it sent none); JSON nested too deeply to read is a 422."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise ValidationFailed([FieldError("", "too_deep")]) from None
    return body if isinstance(body, dict) else {}
