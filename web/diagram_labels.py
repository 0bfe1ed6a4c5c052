"""Words for the modeler's pages: check problems, migration refusals, what changed between versions."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.display import element_name

# The engine words its check problems in English; each known kind is shown in the reader's language.
_PROBLEMS = [
    (r"unreachable: .*", _l("inaccessible : aucun chemin depuis un événement de début ne mène à cet élément")),
    (r"gateway without a default flow: .*", _l("passerelle sans flux par défaut : si aucune condition n'est "
                                              "vraie, le dossier s'arrête en erreur ; marquez un flux sortant "
                                              "comme flux par défaut")),
    (r"user task outside any lane: .*", _l("tâche hors de tout couloir : placez-la dans le couloir du rôle qui "
                                           "la fait")),
    (r"lane '(?P<lane>.*)' names no known role", _l("le couloir « %(lane)s » ne nomme aucun rôle connu")),
    (r"a task of the '(?P<lane>.*)' lane goes to one region's counsellors: .*",
     _l("une tâche du couloir « %(lane)s » va aux conseillers d'une région : nommez la donnée qui donne la "
        "région (propriété regionVariable), ou mettez la propriété allRegions à true pour l'offrir à toutes "
        "les régions")),
    (r"user task without a form .*", _l("tâche sans formulaire (propriété formJsonSchemaFilename)")),
    (r"form file '(?P<form>.*)' not found", _l("le fichier de formulaire « %(form)s » est introuvable")),
    (r"script refused: (?P<reason>.*)", _l("script refusé : %(reason)s")),
    (r"condition refused: (?P<reason>.*)", _l("condition refusée : %(reason)s")),
    (r"timer expression must be quoted: write (?P<value>.*)",
     _l("l'expression de la minuterie doit être entre guillemets : écrivez %(value)s")),
    (r"timer expression (?P<value>.*) is not a valid ISO-8601 (?P<kind>\w+).*",
     _l("l'expression de la minuterie %(value)s n'est pas une valeur ISO-8601 valide (%(kind)s)")),
    (r"timer expression refused: (?P<reason>.*)", _l("expression de minuterie refusée : %(reason)s")),
    (r"timer expression must be a quoted ISO-8601 text.*",
     _l("l'expression de la minuterie doit être un texte ISO-8601 entre guillemets, par exemple \"P5D\"")),
    (r"dueIn: (?P<reason>.*)", _l("délai (dueIn) invalide : %(reason)s")),
    (r"invalid XML: (?P<reason>.*)", _l("XML invalide : %(reason)s")),
    (r"not a (?P<kind>BPMN|DMN) file: .*", _l("ce n'est pas un fichier %(kind)s")),
    (r"not a \.bpmn, \.dmn.*", _l("seuls les fichiers .bpmn, .dmn, .schema.json et .ui.json sont acceptés")),
    (r"not a text file", _l("ce n'est pas un fichier texte")),
    (r".*invalid JSON Schema: (?P<reason>.*)", _l("JSON Schema invalide : %(reason)s")),
    (r".*invalid JSON at line (?P<line>\d+).*", _l("JSON invalide à la ligne %(line)s")),
    (r"no \.bpmn file of the draft defines the process '(?P<key>.*)'",
     _l("aucun fichier .bpmn du brouillon ne définit la procédure « %(key)s »")),
    (r"no executable process found", _l("aucune procédure exécutable trouvée")),
    (r"complex gateway: .*", _l("passerelle complexe : non prise en charge ; utilisez une passerelle exclusive ou "
                                "inclusive avec une condition sur chaque flux sortant")),
    (r"compensation: .*", _l("compensation : non prise en charge ; dessinez les étapes d'annulation comme des "
                             "tâches ordinaires après un événement d'erreur ou d'escalade")),
    (r"data store: .*", _l("magasin de données : non pris en charge ; gardez les données dans le dossier (champs "
                           "de formulaire, variables de script ou objet de données)")),
    (r"link event: .*", _l("événement de lien : non pris en charge ; tracez le flux de séquence jusqu'à l'élément "
                           "visé")),
    (r"event sub-process: .*", _l("sous-processus événementiel : non exécuté tel que dessiné ; placez les étapes "
                                  "qu'il concerne dans un sous-processus et attachez-y un événement de bordure "
                                  "(minuterie, message, signal, erreur, escalade ou conditionnel)")),
    (r"several outgoing flows without a gateway: .*",
     _l("plusieurs flux sortants sans passerelle : placez après cet élément une passerelle parallèle (tous les "
        "chemins) ou exclusive (un seul chemin, avec des conditions)")),
    (r"condition on a flow that does not leave a gateway: .*",
     _l("condition sur un flux qui ne sort pas d'une passerelle : placez une passerelle exclusive avant les flux "
        "conditionnels")),
    (r"sub-process without a start event: .*", _l("sous-processus sans événement de début : ajoutez-en un à "
                                                  "l'intérieur")),
    (r"sub-process with (?P<count>\d+) start events: .*",
     _l("sous-processus avec %(count)s événements de début : n'en gardez qu'un")),
    (r"sub-process without an end event: .*", _l("sous-processus sans événement de fin : ajoutez-en un à "
                                                 "l'intérieur")),
    (r"multi-instance without a collection: .*",
     _l("multi-instance sans collection : indiquez la liste à parcourir (loopDataInputRef) ou le nombre "
        "d'exemplaires (loopCardinality)")),
    (r"send task without a message: .*", _l("tâche d'envoi sans message : donnez le nom du message qu'elle "
                                            "envoie (panneau latéral, Message)")),
    (r"receive task without a message: .*", _l("tâche de réception sans message : donnez le nom du message "
                                               "qu'elle attend (panneau latéral, Message)")),
    (r"message event without a message: .*", _l("événement de message sans message : donnez le nom du message "
                                                "qu'il envoie ou attend (panneau latéral, Message)")),
    (r"(?:send task|receive task|message event) names the message '(?P<ref>[^']*)', declared nowhere.*",
     _l("le message « %(ref)s » n'est déclaré nulle part dans le fichier : choisissez un message du fichier")),
    (r"message '(?P<ref>[^']*)' without a name: .*",
     _l("message « %(ref)s » sans nom : donnez-lui le nom qu'utilisent ceux qui l'envoient et l'attendent")),
    (r"service task without an operator: choose the operator (?P<known>.*)",
     _l("tâche de service sans opérateur : choisissez l'opérateur %(known)s")),
    (r"unknown service operation '(?P<name>.*)' \(known: (?P<known>.*)\)",
     _l("opération de service « %(name)s » inconnue (connues : %(known)s)")),
    (r"(?P<name>\w+): missing parameter\(s\) (?P<params>.*)",
     _l("%(name)s : paramètre(s) manquant(s) %(params)s")),
    (r"task that nobody can do: .*", _l("tâche que personne ne peut faire : placez-la dans le couloir du rôle qui "
                                        "la fait (ou faites-en une tâche utilisateur avec un formulaire)")),
    (r"completion condition refused: (?P<reason>.*)", _l("condition de fin refusée : %(reason)s")),
    (r"correlation expression refused: (?P<reason>.*)", _l("expression de corrélation refusée : %(reason)s")),
    (r"the called process '(?P<key>.*)' is not among the files deployed together: .*",
     _l("la procédure appelée « %(key)s » n'est pas parmi les fichiers déployés ensemble : déployez son fichier "
        "avec celui-ci")),
    (r"not valid BPMN at element '(?P<element>[^']*)': (?P<detail>.*)",
     _l("BPMN non valide à l'élément « %(element)s » : %(detail)s")),
    (r"decision table '(?P<table>[^']*)', input '(?P<input>.*)': expression refused: (?P<reason>.*)",
     _l("table de décision « %(table)s », entrée « %(input)s » : expression refusée : %(reason)s")),
    (r"decision table '(?P<table>[^']*)', rule '(?P<rule>[^']*)' \(row (?P<row>\d+)\): input entry refused: "
     r"(?P<reason>.*)",
     _l("table de décision « %(table)s », règle « %(rule)s » (ligne %(row)s) : condition d'entrée refusée : "
        "%(reason)s")),
    (r"decision table '(?P<table>[^']*)', rule '(?P<rule>[^']*)' \(row (?P<row>\d+)\): output entry refused: "
     r"(?P<reason>.*)",
     _l("table de décision « %(table)s », règle « %(rule)s » (ligne %(row)s) : valeur de sortie refusée : "
        "%(reason)s")),
    (r'No DMN Diagram available with id "(?P<decision>[^"]*)".*',
     _l("aucune décision DMN « %(decision)s » : téléversez le fichier .dmn qui la définit")),
]
_PATTERNS = [(re.compile(pattern, re.DOTALL), text) for pattern, text in _PROBLEMS]

# Reasons a piece of diagram code is refused (the `reason` of a problem above), in the reader's language.
_REASONS = [(re.compile(pattern, re.DOTALL), text) for pattern, text in (
    (r"code too long: (?P<length>\d+) characters, at most (?P<limit>\d+)",
     _l("code trop long : %(length)s caractères, au plus %(limit)s ; découpez-le ou placez le calcul dans un "
        "script")),
    (r"code nested too deeply: more than (?P<limit>\d+) levels.*",
     _l("code trop imbriqué : plus de %(limit)s niveaux (chaque opérateur de 1+1+… en ajoute un) ; découpez-le "
        "en plusieurs instructions plus courtes")),
)]

MIGRATION_REASONS = {
    "finished": _l("le dossier est terminé"),
    "not_newer": _l("la version choisie n'est pas plus récente que celle du dossier"),
    "completed_changed": _l("l'étape déjà faite « %(element)s » a changé"),
    "completed_removed": _l("l'étape déjà faite « %(element)s » n'existe plus"),
    "current_removed": _l("l'étape où se trouve le dossier, « %(element)s », n'existe plus"),
    "subprocess_removed": _l("le sous-processus « %(element)s » n'existe plus"),
    "stale": _l("le dossier a changé entre-temps : recommencez"),
}

FIELDS = {
    "name": _l("libellé"), "lane": _l("couloir"), "outputs": _l("flux sortants"), "inputs": _l("flux entrants"),
    "script": _l("script"), "conditions": _l("conditions"), "default_task_spec": _l("flux par défaut"),
    "typename": _l("type d'élément"), "event_definition": _l("événement (minuterie, message…)"),
    "documentation": _l("documentation"), "property:formJsonSchemaFilename": _l("formulaire"),
    "property:formUiSchemaFilename": _l("présentation du formulaire"),
    "property:manualSection": _l("section du manuel"), "property:dueIn": _l("délai"),
    "property:dueDate": _l("échéance"), "property:dueBy": _l("échéance au plus tard"),
    "property:regionVariable": _l("variable de région"),
    "preScript": _l("script avant"), "postScript": _l("script après"), "calledDecisionId": _l("décision DMN"),
}


def problem_text(message):
    """A check problem in the reader's language (the engine's English wording when it is not a known kind)."""
    for pattern, text in _PATTERNS:
        match = pattern.fullmatch(message or "")
        if match:
            found = match.groupdict()
            if "reason" in found:
                found["reason"] = _reason_text(found["reason"])
            return str(text) % found
    return message


def _reason_text(reason):
    for pattern, text in _REASONS:
        match = pattern.fullmatch(reason)
        if match:
            return str(text) % match.groupdict()
    return reason


def migration_reason(reason, vocabulary=None):
    """Why a file was not migrated, its step named by its label in the file's diagram (`vocabulary`), else its id."""
    text = MIGRATION_REASONS.get(reason.get("code"))
    element_id = reason.get("element_id") or ""
    if not text:
        return str(reason.get("code"))
    return str(text) % {"element": element_name(element_id, vocabulary) or element_id}


def field_label(code):
    return str(FIELDS.get(code, code))


def init_app(app):
    app.jinja_env.globals.update(problem_text=problem_text, migration_reason=migration_reason,
                                 field_label=field_label, modeler_texts=modeler_texts)


def modeler_texts():
    """The words the modeler's script shows, in the reader's language."""
    return {
        "saved": _("Brouillon enregistré."), "checking": _("Vérification…"), "saving": _("Enregistrement…"),
        "no_problem": _("Aucun problème : le brouillon peut être déployé."),
        "problems": _("Problèmes à corriger :"), "deploying": _("Déploiement…"),
        "conflict": _("Quelqu'un d'autre a enregistré ce brouillon entre-temps : rechargez la page."),
        "failed": _("L'opération a échoué."), "unsaved": _("Modifications non enregistrées."),
        "element": _("Élément"), "id": _("Identifiant de l'élément"), "name": _("Libellé"), "lane": _("Couloir (rôle)"),
        "no_lane": _("aucun : déplacez la tâche dans le couloir du rôle qui la fait"),
        "form": _("Formulaire (fichier JSON Schema)"), "edit_form": _("Modifier ce formulaire"),
        "manual": _("Section du manuel"), "due_in": _("Délai (durée ISO-8601, ex. P5D)"),
        "due_date": _("Échéance (expression sur les données, ex. date_limite)"),
        "due_by": _("Échéance au plus tard (expression sur les données, ex. delai_satisfaction)"),
        "subject_person": _("Personne concernée (expression donnant son numéro, ex. candidat)"),
        "region": _("Variable de région"), "condition": _("Condition (expression Python)"),
        "default_flow": _("Flux par défaut de la passerelle"), "script": _("Script (Python restreint)"),
        "pre_script": _("Script avant la tâche"), "post_script": _("Script après la tâche"),
        "timer_kind": _("Type de minuterie"), "timer_expr": _("Expression (ISO-8601 entre guillemets)"),
        "duration": _("durée"), "date": _("date"), "cycle": _("cycle"),
        "decision": _("Décision DMN (identifiant)"), "lane_name": _("Nom du couloir (rôle)"),
        "select": _("Sélectionnez un élément du diagramme pour le modifier."),
        "message_section": _("Message"), "message_name": _("Nom du message (le même chez qui l'envoie et qui l'attend)"),
        "message_variable": _("Donnée qui reçoit le contenu du message"),
        "message_payload": _("Contenu du message (expression, ex. {\"motif\": motif})"),
        "allowed_senders": _("Qui peut l'envoyer de l'extérieur (rôles séparés par des virgules, ex. dcim)"),
        "correlation_property": _("Corrélation : nom de la propriété (vide : par la référence du dossier)"),
        "correlation_in_message": _("Corrélation : valeur lue dans le contenu du message (expression)"),
        "correlation_in_file": _("Corrélation : valeur du dossier qui attend (expression sur ses données)"),
        "signal_section": _("Signal"), "signal_name": _("Nom du signal"),
    }
