"""Words shown for engine codes: instance statuses and history event kinds."""
from datetime import datetime, timezone

from flask import g
from flask_babel import lazy_gettext as _l

from engine.accounts import users
from engine.people import candidates_portal, employers_portal
from engine.runtime import vocabulary
from web.display import READ_VIA
from web.form_text import text as form_text
from web.store import uow

STATUSES = {"running": _l("en cours"), "waiting": _l("en attente"), "completed": _l("terminé"),
            "error": _l("en erreur"), "cancelled": _l("annulé")}
EVENTS = {"instance_started": _l("dossier ouvert"), "task_claimed": _l("tâche prise en charge"),
          "task_unclaimed": _l("tâche rendue"), "task_completed": _l("tâche terminée"),
          "gateway_taken": _l("décision"), "instance_completed": _l("dossier clos"),
          "error": _l("erreur"), "instance_retried": _l("dossier relancé"), "deployed": _l("déploiement"),
          "instance_cancelled": _l("dossier annulé"),
          "instance_migrated": _l("dossier migré vers une nouvelle version"),
          "message_received": _l("message reçu"),
          "signal_received": _l("signal reçu"),
          "message_unmatched": _l("message que personne n'attendait (gardé)"),
          "decision_taken": _l("décision de la table de décision"),
          "script_printed": _l("affichage d'un script (print)"),
          "person_notified": _l("message à envoyer à une personne (SMS, courriel)"),
          "person_not_notified": _l("message impossible : personne injoignable"),
          "employer_notified": _l("courriel à envoyer à l'employeur"),
          "notification_sent": _l("message envoyé"),
          "notification_failed": _l("échec de l'envoi d'un message")}


# The other kinds of the audit trail (reads, accounts, the scheduler), for the managers' pages.
AUDIT_EVENTS = {"file_read": _l("dossier consulté"), "login": _l("connexion"), "login_failed": _l("échec de connexion"),
                "token_created": _l("jeton d'API créé"), "token_revoked": _l("jeton d'API révoqué"),
                "user_created": _l("compte créé"),
                "role_granted": _l("rôle attribué"), "role_revoked": _l("rôle retiré"),
                "region_changed": _l("région modifiée"), "timer_fired": _l("minuterie déclenchée"),
                "task_reminder": _l("rappel avant échéance"), "task_escalation": _l("escalade après échéance"),
                "timer_retry": _l("minuterie relancée"), "instance_exists": _l("dossier déjà ouvert"),
                "person_registered": _l("personne enregistrée"), "person_read": _l("fiche de personne consultée"),
                "audit_export": _l("export du journal d'audit"), "access_refused": _l("accès refusé"),
                "logout": _l("déconnexion"), "session_expired": _l("session expirée"),
                "submission_held": _l("saisie gardée après l'expiration de la session"),
                "submission_discarded": _l("saisie gardée abandonnée"),
                "letter_read": _l("courrier type consulté"), "person_exported": _l("données d'une personne exportées"),
                "person_erased": _l("personne pseudonymisée"),
                "personal_data_transfer": _l("transfert de données personnelles"),
                "personal_data_erased": _l("données personnelles effacées"),
                "audit_rechained": _l("chaîne d'audit recalculée"), "regions_loaded": _l("régions chargées"),
                "occupations_loaded": _l("nomenclature des métiers chargée"),
                "state_sealed": _l("état scellé (écriture sans autre événement)"),
                "user_disabled": _l("compte désactivé"), "user_enabled": _l("compte réactivé"),
                "password_reset": _l("mot de passe réinitialisé"), "password_changed": _l("mot de passe changé"),
                "password_change_failed": _l("mot de passe actuel erroné"),
                "account_locked": _l("compte verrouillé après des échecs"), "account_unlocked": _l("compte débloqué"),
                "address_blocked": _l("adresse bloquée après des échecs"),
                "country_sheet_updated": _l("fiche pays modifiée"),
                "employer_registered": _l("compte employeur créé sur le portail"),
                "employer_verified": _l("adresse d'un compte employeur vérifiée"),
                "offer_deposited": _l("offre déposée sur le portail"),
                "pool_proposed": _l("candidats du vivier proposés (liste consultée)"),
                "pool_candidates_invited": _l("candidats du vivier invités"),
                "pool_invitations_dropped": _l("invitations du vivier décochées, candidatures retirées"),
                "sms_preference_changed": _l("choix de recevoir les SMS modifié"),
                "employer_registration_repeated": _l("inscription au portail avec l'adresse d'un compte existant"),
                "employer_reset_requested": _l("code de nouveau mot de passe envoyé à un employeur"),
                "employer_password_reset": _l("mot de passe d'un compte employeur changé par code"),
                "candidate_verified": _l("adresse d'un compte candidat vérifiée"),
                "candidate_registration_repeated": _l("inscription d'un candidat avec l'adresse d'un compte existant"),
                "document_added": _l("document déposé sur le portail"),
                "document_read": _l("document d'une personne consulté"),
                "application_received": _l("candidature reçue sur le portail"),
                "application_joined": _l("candidature en ligne ajoutée au recueil"),
                "person_confirmed": _l("identité d'une personne inscrite en ligne confirmée"),
                "person_merged": _l("doublon inscrit en ligne fusionné"),
                "employer_created": _l("employeur inscrit au registre"),
                "employer_updated": _l("fiche d'employeur modifiée"),
                "employer_account_linked": _l("compte du portail relié à un employeur du registre"),
                "employer_read": _l("historique d'un employeur consulté")}
EVENTS.update(AUDIT_EVENTS)
# Codes the engine's records write for stages, causes and statuses (a person's activity, the statistics).
RECORD_WORDS = {
    "ciblage_vivier": _l("invité depuis le vivier"),
    "inscrit": _l("candidature enregistrée"), "non_preselectionne": _l("non présélectionné"),
    "preselectionne": _l("présélectionné"), "retire_liste": _l("retiré de la liste de présentation"),
    "presente": _l("présenté à l'employeur"), "retenu": _l("retenu par l'employeur"),
    "non_retenu": _l("non retenu"), "parti": _l("parti"), "desiste": _l("désisté"),
    "depart_annule": _l("départ annulé"), "analyse": _l("entretien d'analyse"), "projet": _l("appui au projet"),
    "information": _l("session d'information"), "equivalence": _l("équivalence des diplômes engagée"),
    "conclusion": _l("conclusion"), "en_cours": _l("en cours"), "termine": _l("terminé"), "annule": _l("annulé"),
    "conclu": _l("conclu"), "en_preparation": _l("en préparation"), "contrat_a_corriger": _l("contrat à corriger"),
    "desistement": _l("désistement du candidat"), "visa_refuse": _l("visa refusé"),
    "inapte_medical": _l("inapte à la visite médicale"), "contrat_non_conforme": _l("contrat non conforme"),
    "depart_abandonne": _l("départ abandonné"), "dossier_annule": _l("dossier annulé"),
    "offre_retiree": _l("offre retirée par l'employeur"), "en_attente": _l("en attente"),
    "en_retard": _l("en retard"), "a_temps": _l("à temps"),
    # An offer's status (the offers' records).
    "en_traitement": _l("en traitement"), "diffusee": _l("diffusée"), "satisfaite": _l("satisfaite"),
    "satisfaite_en_partie": _l("satisfaite en partie"), "rejetee": _l("rejetée (employeur non crédible)"),
    "abandonnee": _l("abandonnée"), "retiree": _l("retirée par l'employeur"), "annulee": _l("annulée"),
}


def record_word(code):
    """A stage, status or outcome a record wrote, in words: ours, else the title of the form's choice that
    gave it (a candidate services' outcome `pret_pour_offre`), in the reader's language; a code without
    words with its underscores as spaces."""
    if not code:
        return "—"
    if code in RECORD_WORDS:
        return str(RECORD_WORDS[code])
    if "choice_titles" not in g:  # read once per request
        g.choice_titles = vocabulary.choice_titles(uow())
    title = g.choice_titles.get(str(code))
    return form_text(title) if title else str(code).replace("_", " ")


def region_name(code):
    """A regional directorate's name (read once per request), else its code."""
    if "region_names" not in g:
        g.region_names = users.list_regions(uow())
    return g.region_names.get(code, code) if code else ""


def actor_name(actor):
    """Who did something in a file's history: an employer of the portal (`employeur:ID`) by its organisation's
    name (read once per request), a candidate of the portal (`candidat:ID`) as such (their name is their
    file's, which the reader may not read), anyone else by their audit name."""
    names = g.setdefault("actor_names", {})
    if candidates_portal.account_of_audit_name(actor) is not None:
        return str(_l("un candidat, sur le portail"))
    if actor not in names:
        names[actor] = employers_portal.organisation_of(uow(), actor) or actor
    return names[actor]


def init_app(app):
    app.jinja_env.globals.update(
        status_label=lambda code: STATUSES.get(code, code),
        event_label=lambda code: EVENTS.get(code, code),
        read_via=lambda code: READ_VIA.get(code, code), region_name=region_name, record_word=record_word,
        actor_name=actor_name)
    app.context_processor(lambda: {"now_iso": datetime.now(timezone.utc).isoformat()})
