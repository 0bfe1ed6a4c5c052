"""Words shown for engine codes: instance statuses and history event kinds."""
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l

STATUSES = {"running": _l("en cours"), "waiting": _l("en attente"), "completed": _l("terminé"),
            "error": _l("en erreur"), "cancelled": _l("annulé")}
EVENTS = {"instance_started": _l("dossier ouvert"), "task_claimed": _l("tâche prise en charge"),
          "task_unclaimed": _l("tâche rendue"), "task_completed": _l("tâche terminée"),
          "gateway_taken": _l("décision"), "instance_completed": _l("dossier clos"),
          "error": _l("erreur"), "instance_retried": _l("dossier relancé"), "deployed": _l("déploiement"),
          "instance_migrated": _l("dossier migré vers une nouvelle version")}


def init_app(app):
    app.jinja_env.globals.update(
        status_label=lambda code: STATUSES.get(code, code),
        event_label=lambda code: EVENTS.get(code, code))
    app.context_processor(lambda: {"now_iso": datetime.now(timezone.utc).isoformat()})
