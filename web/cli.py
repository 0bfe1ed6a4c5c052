"""The `djoliba` command: init, serve, scheduler, deploy, user, token, audit verify, retention, message,
outbox."""
import argparse
import os
import sys
from pathlib import Path

from engine import accounts
from engine.audit.verify import verify
from engine.authoring.deploy import deploy_paths
from engine.demo.files import create_demo_data, describe
from engine.errors import Conflict, DeployRejected, EngineError, NotFound, ValidationFailed
from engine.setup import create_demo_accounts, init_database
from engine.store.uow import UnitOfWork, make_session_factory
from web import config

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_BPMN = ROOT / "bpmn"


def _settings():
    instance = os.environ.get("DJOLIBA_INSTANCE", str(Path.cwd() / "instance"))
    return {"url": config.database_url(instance),
            "forms": os.environ.get("DJOLIBA_FORMS_DIR", str(ROOT / "forms")),
            "documents": os.environ.get("DJOLIBA_DOCUMENTS_DIR", str(Path(instance) / "documents"))}


def _uow(url):
    return UnitOfWork(make_session_factory(url))


def cmd_init(args):
    settings = _settings()
    uow = _uow(settings["url"])
    init_database(uow, settings["url"])
    print("Base de données prête / database ready.")
    if args.demo:
        _deploy(uow, [BUNDLED_BPMN], settings["forms"], "init")
        print("Comptes de démonstration / demo accounts (identifiant / mot de passe):")
        for username, password, roles, region in create_demo_accounts(uow):
            print(f"  {username:<20} {password:<26} {', '.join(roles)}{' · ' + region if region else ''}")
        try:
            demo = create_demo_data(uow)
        except (EngineError, RuntimeError) as err:
            print(f"Données de démonstration incomplètes / demo data incomplete: {err}", file=sys.stderr)
            return 1
        print("\n".join(describe(demo)))
    return 0


def cmd_deploy(args):
    settings = _settings()
    return _deploy(_uow(settings["url"]), args.paths, args.forms or settings["forms"], args.actor)


def _deploy(uow, paths, forms, actor):
    try:
        outcomes = deploy_paths(uow, paths, actor, forms_dir=forms)
    except DeployRejected as err:
        print("Déploiement refusé / deployment rejected:", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem.file} [{problem.element_id or '-'}] {problem.message}", file=sys.stderr)
        return 1
    for outcome in outcomes:
        state = "nouvelle version / new version" if outcome["created"] else "inchangé / unchanged"
        print(f"{outcome['process_key']} v{outcome['version']}: {state}")
    return 0


def cmd_regions(args):
    import json

    from sqlalchemy import select

    from engine.setup import load_regions
    from engine.store.tables import Region
    uow = _uow(_settings()["url"])
    if args.load:
        regions = json.loads(Path(args.load).read_text(encoding="utf-8"))
        added, updated, deactivated = load_regions(uow, regions)
        print(f"{added} ajoutée(s), {updated} modifiée(s), {deactivated} désactivée(s) / "
              f"{added} added, {updated} updated, {deactivated} deactivated")
    with uow:
        for region in uow.session.scalars(select(Region).order_by(Region.name)):
            print(f"{region.code:<14} {region.name}{'' if region.active else '  (inactive)'}")
    return 0


def cmd_user(args):
    """Manage an account from the server's console; `add` and `reset-password` print a one-time password alone."""
    from engine.accounts import users
    from engine.accounts.roles import ROLES
    uow = _uow(_settings()["url"])
    try:
        if args.action == "add":
            _user, password = users.add_user(uow, users.CLI, args.name, args.role or [], region=args.region,
                                             full_name=args.full_name or "", email=args.email)
            print(password)
        elif args.action == "reset-password":
            print(users.reset_password(uow, users.CLI, args.name))
        else:
            change = {"disable": users.disable_user, "enable": users.enable_user, "unlock": users.unlock_user}
            change[args.action](uow, users.CLI, args.name)
            print(f"{args.name}: {_USER_DONE[args.action]}", file=sys.stderr)
    except ValidationFailed as failed:
        for error in failed.errors:
            text = _USER_REFUSALS.get((error.field, error.code), _USER_REFUSALS.get(error.field, str(failed)))
            print(text.format(name=args.name, roles=", ".join(ROLES), regions=", ".join(_region_codes(uow)),
                              unknown=", ".join(error.params.get("unknown", []))),
                  file=sys.stderr)
        return 1
    except Conflict:
        print(f"Le compte « {args.name} » existe déjà. / Account '{args.name}' already exists.", file=sys.stderr)
        return 1
    except NotFound:
        print(f"Aucun compte « {args.name} ». / No account '{args.name}'.", file=sys.stderr)
        return 1
    return 0


def _region_codes(uow):
    from engine.accounts.users import list_regions
    return list(list_regions(uow))


_USER_DONE = {"disable": "compte désactivé, sessions fermées / account disabled, sessions ended",
              "enable": "compte réactivé / account enabled", "unlock": "compte débloqué / account unlocked"}
_USER_REFUSALS = {
    "username": "Identifiant invalide « {name} » : 2 à 80 caractères, minuscules sans accent, chiffres, . - _ / "
                "invalid username '{name}': 2 to 80 characters, lowercase letters, digits, . - _",
    ("roles", "required"): "Indiquez au moins un rôle (--role) : {roles} / give at least one role (--role): {roles}",
    ("roles", "enum"): "Rôle inconnu {unknown} ; rôles connus : {roles} / unknown role {unknown}; known roles: {roles}",
    ("region", "enum"): "Région inconnue ; régions connues : {regions} / unknown region; known regions: {regions}",
    ("region", "required"): "Un rôle régional demande une région (--region) : {regions} / "
                            "a regional role needs a region (--region): {regions}",
    "email": "Adresse électronique invalide / invalid e-mail address",
    "full_name": "Nom complet trop long (200 caractères au plus) / full name too long (200 characters at most)",
}


def cmd_token(args):
    """Print a new API token for USERNAME (and nothing else); or list a user's tokens; or revoke one."""
    from engine.accounts import users
    uow = _uow(_settings()["url"])
    try:
        if args.revoke is not None:
            accounts.revoke_token(uow, users.CLI, args.revoke)
            print(f"Jeton n° {args.revoke} révoqué. / Token #{args.revoke} revoked.", file=sys.stderr)
        elif not args.username:
            print("Indiquez un compte, ou --revoke N. / Give an account, or --revoke N.", file=sys.stderr)
            return 2
        elif args.list:
            for token in accounts.list_tokens(uow, args.username):
                state = "valide / works" if token["works"] else (
                    "révoqué / revoked" if token["revoked_at"] else "expiré / expired")
                print(f"{token['id']}\t{token['created_at']}\t{token['expires_at']}\t{state}")
        else:
            print(accounts.create_token(uow, args.username, days=args.days))
    except EngineError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


# What `audit verify` says of a broken chain, in French then English.
_VERDICTS = {
    "altered": "L'événement n° {seq} a été modifié. / Event #{seq} was altered.",
    "missing": "L'événement n° {seq} a été supprimé (ou remplacé). / Event #{seq} was removed (or replaced).",
    "inserted": "L'événement n° {seq} a été inséré après coup. / Event #{seq} was inserted afterwards.",
    "reordered": "L'événement n° {seq} a été déplacé : il suit un événement enregistré après lui. / "
                 "Event #{seq} was moved: it follows an event stored after it.",
    "head": "La tête de la chaîne manque ou ne désigne pas le dernier événement. / "
            "The chain's head is missing or does not name the last event.",
    "anchor": "L'événement n° {seq} n'a plus l'empreinte notée : le journal a été réécrit depuis. / "
              "Event #{seq} no longer has the noted hash: the log was rewritten from there on.",
    "emptied": "Le journal d'audit a été vidé : il est vide alors que la base contient des versions déployées, "
               "des dossiers ou des personnes, ou qu'une ancre désigne un événement. / The audit log was wiped: it "
               "is empty while the database holds deployed versions, files or persons, or an anchor names an event.",
    "state": "Le journal est intact, mais {row_fr} {why_fr}. / The log is intact, but {row_en} {why_en}.",
}
_ROWS = {"instances": ("le dossier n° {id}", "file #{id}"), "persons": ("la personne n° {id}", "person #{id}"),
         "users": ("le compte n° {id}", "account #{id}"), "api_tokens": ("le jeton d'API n° {id}", "API token #{id}"),
         "process_versions": ("la version déployée n° {id}", "deployed version #{id}")}
_WHY = {"changed": ("a été modifié(e) hors de Djoliba : il ne correspond plus à son empreinte enregistrée",
                    "was changed outside Djoliba: it no longer matches its recorded digest"),
        "deleted": ("a été supprimé(e) hors de Djoliba", "was deleted outside Djoliba"),
        "restored": ("existe alors que Djoliba l'a supprimé(e)", "exists although Djoliba deleted it"),
        "checksum": ("ne correspond plus à sa somme de contrôle (sources ou formulaires modifiés)",
                     "no longer matches its checksum (sources or forms changed)")}


def _verdict_text(verdict):
    if verdict.problem != "state":
        return _VERDICTS[verdict.problem].format(seq=verdict.seq)
    table, row_id = verdict.row.split(":")
    row_fr, row_en = (text.format(id=row_id) for text in _ROWS.get(table, (verdict.row, verdict.row)))
    why_fr, why_en = _WHY[verdict.why]
    return _VERDICTS["state"].format(row_fr=row_fr, why_fr=why_fr, row_en=row_en, why_en=why_en)


def cmd_audit_verify(args):
    try:
        anchors = [(int(seq), digest) for seq, digest in (a.split(":", 1) for a in args.anchor)]
    except ValueError:
        print("Ancre invalide, attendu N:EMPREINTE / invalid anchor, expected N:HASH", file=sys.stderr)
        return 2
    verdict = verify(_uow(_settings()["url"]), anchors=anchors)
    if verdict.ok:
        print(f"Journal d'audit intact : {verdict.checked} événements vérifiés. / "
              f"Audit log intact: {verdict.checked} events checked.")
        if verdict.head_seq:
            print(f"Ancre / anchor: {verdict.head_seq}:{verdict.head_hash}")
        return 0
    print("JOURNAL D'AUDIT ALTÉRÉ / AUDIT LOG TAMPERED")
    print(_verdict_text(verdict))
    return 1


def cmd_retention(args):
    from engine import people
    from engine.store.tables import utcnow
    years = {kind: value for kind, value in (("candidat", args.candidate_years), ("migrant", args.migrant_years))
             if value is not None}
    settings = _settings()
    erased = people.apply_retention(_uow(settings["url"]), utcnow(), years, documents_dir=settings["documents"])
    print(f"{len(erased)} personne(s) pseudonymisée(s) / person(s) pseudonymised"
          + (f": {', '.join(map(str, erased))}" if erased else ""))
    return 0


_OCCUPATION_ERRORS = {
    "columns": "{field} : 3 colonnes attendues ({expected}), {found} trouvée(s) / 3 columns expected ({expected}), "
               "{found} found",
    "code_or_title": "{field} : code (20 caractères au plus) et libellé (300 au plus) obligatoires / "
                     "code (at most 20 characters) and title (at most 300) required",
    "duplicate_code": "{field} : le code {code} figure déjà plus haut / code {code} is already listed above",
    "unknown_isco": "{field} : {isco_code} (métier {code}) n'est pas un code CITP-08 ; tapez celui d'un groupe, "
                    "par exemple 7112 / {isco_code} (occupation {code}) is no ISCO-08 code; type a group's, "
                    "for example 7112",
    "too_many_rows": "{limit} métiers au plus / at most {limit} occupations",
    "no_rows": "le fichier ne contient aucun métier / the file holds no occupation",
}


def cmd_occupations(args):
    """Load the agency's nomenclature (ROAME) mapped to ISCO-08, or search the occupations."""
    from engine.definitions import occupations
    from engine.errors import ValidationFailed
    uow = _uow(_settings()["url"])
    if args.load:
        try:
            rows = occupations.read_agency_csv(Path(args.load).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as err:
            print(f"Lecture impossible / cannot read {args.load}: {err}", file=sys.stderr)
            return 2
        except ValidationFailed as refused:
            print("Rien n'est chargé / nothing loaded:", file=sys.stderr)
            for error in refused.errors:
                print("  " + _OCCUPATION_ERRORS[error.code].format(field=error.field, **error.params), file=sys.stderr)
            return 1
        count = occupations.load_agency_occupations(uow, rows, actor=args.actor)
        print(f"{count} métier(s) chargé(s), rattaché(s) à la CITP-08 / {count} occupation(s) loaded, "
              "mapped to ISCO-08")
    if args.search:
        with uow:
            for found in occupations.search(uow.session, args.search, limit=50):
                isco = "" if found["source"] == "CITP-08" else f"  → CITP-08 {found['isco']}"
                print(f"{found['source']:<8} {found['code']:<8} {found['titre']}{isco}")
    return 0


def cmd_message(args):
    """Send the message NAME to the files waiting on it for a business key (as the administrator)."""
    import json

    from engine.accounts.access import Actor
    from engine.runtime import inbound
    try:
        payload = json.loads(args.data) if args.data else {}
    except ValueError as err:
        print(f"--data n'est pas du JSON / --data is not JSON: {err}", file=sys.stderr)
        return 2
    sender = Actor(username=args.actor, roles=frozenset({"admin"}))
    try:
        answer = inbound.send_message(_uow(_settings()["url"]), sender, args.name, business_key=args.key,
                                      payload=payload)
    except EngineError as err:
        print(_MESSAGE_REFUSALS.get(err.params.get("reason"), str(err)), file=sys.stderr)
        return 1
    print(json.dumps(answer))
    return 0


_MESSAGE_REFUSALS = {
    "unknown_message": "Aucune procédure déployée n'attend ce message. / No deployed procedure waits on this message.",
    "nobody_waits": "Aucun dossier n'attend ce message pour cette référence ; il est gardé et noté "
                    "(message_unmatched). / No file waits on this message for this key; it is kept and recorded "
                    "(message_unmatched).",
}


def _mailer():
    """The SMTP server of DJOLIBA_SMTP_HOST (and _PORT, _FROM, _USER, _PASSWORD, _STARTTLS), or None."""
    from engine.accounts.notifications import SmtpMailer
    host = os.environ.get("DJOLIBA_SMTP_HOST")
    return SmtpMailer(host, int(os.environ.get("DJOLIBA_SMTP_PORT", "25")),
                      os.environ.get("DJOLIBA_SMTP_FROM", "djoliba@localhost"),
                      os.environ.get("DJOLIBA_SMTP_USER"), os.environ.get("DJOLIBA_SMTP_PASSWORD"),
                      os.environ.get("DJOLIBA_SMTP_STARTTLS") == "1") if host else None


def cmd_scheduler(args):
    import logging

    from engine.runtime import scheduler
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from engine.accounts import gateways
    settings = _settings()
    scheduler.run(settings["url"], mailer=_mailer(), poll_seconds=args.poll,
                  gateways=gateways.from_settings(os.environ), documents_dir=settings["documents"])
    return 0


def cmd_outbox(args):
    """Print the messages waiting in the outbox (to pass on by hand), or send those due with --send."""
    from engine.accounts import gateways, outbox
    uow = _uow(_settings()["url"])
    if args.send:
        configured = gateways.from_settings(os.environ)
        if not configured:
            print("Aucune passerelle : définissez DJOLIBA_SMTP_HOST, DJOLIBA_SMS_URL ou DJOLIBA_NOTIFY_SIMULATE=1. / "
                  "No gateway: set DJOLIBA_SMTP_HOST, DJOLIBA_SMS_URL or DJOLIBA_NOTIFY_SIMULATE=1.", file=sys.stderr)
            return 1
        print(f"{outbox.send_pending(uow, configured)} envoyé(s) / sent")
        return 0
    for message in outbox.messages(uow, pending_only=not args.all, limit=args.limit):
        print(f"--- n° {message['id']} · {message['channel'].upper()} · {message['created_at']:%Y-%m-%d %H:%M} · "
              f"{_outbox_state(message)}\n"
              f"À / To: {message['recipient']}{_outbox_about(message)}\nObjet / Subject: {message['subject']}\n\n"
              f"{message['body']}")
    return 0


def _outbox_state(message):
    if message["sent_at"]:
        how = "simulé, rien n'est parti / simulated, nothing left" if message["delivered_by"] == "simulation" \
            else f"par / by {message['delivered_by']}"
        return f"envoyé / sent {message['sent_at']:%Y-%m-%d %H:%M} ({how})"
    if message["given_up"]:
        return f"abandonné après {message['attempts']} essais / given up: {message['last_error']}"
    if message["last_error"]:
        return (f"essai {message['attempts']} manqué / attempt failed: {message['last_error']}; "
                f"nouvel essai / next try {message['not_before']:%Y-%m-%d %H:%M}")
    if message["not_before"]:
        return f"à envoyer le / due {message['not_before']:%Y-%m-%d %H:%M}"
    return "en attente / waiting"


def _outbox_about(message):
    about = [f"dossier / file {message['instance_id']}" if message["instance_id"] else "",
             f"personne / person {message['person_id']}" if message["person_id"] else "", message["kind"] or ""]
    return f" ({', '.join(filter(None, about))})" if any(about) else ""


def cmd_serve(args):
    if args.debug:
        from web import create_app
        create_app().run(host=args.host, port=args.port, debug=True)
        return 0
    from gunicorn.app.wsgiapp import run
    sys.argv = ["gunicorn", "--bind", f"{args.host}:{args.port}", "--workers", str(args.workers),
                "--access-logfile", "-", "web:create_app()"]
    return run()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="djoliba", description="Djoliba workflow engine")
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="create or upgrade the database")
    init.add_argument("--demo", action="store_true", help="also deploy the bundled diagrams and demo accounts")
    init.set_defaults(run=cmd_init)
    serve = commands.add_parser("serve", help="serve the web app (gunicorn; --debug for Flask's server)")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--debug", action="store_true")
    serve.set_defaults(run=cmd_serve)
    sched = commands.add_parser("scheduler", help="fire timers, reminders and escalations (APScheduler)")
    sched.add_argument("--poll", type=int, default=30, help="seconds between two looks at the timers table")
    sched.set_defaults(run=cmd_scheduler)
    deploy = commands.add_parser("deploy", help="deploy .bpmn/.dmn files or folders")
    deploy.add_argument("paths", nargs="+")
    deploy.add_argument("--forms", help="folder of the forms the diagrams name")
    deploy.add_argument("--actor", default="cli")
    deploy.set_defaults(run=cmd_deploy)
    regions = commands.add_parser("regions", help="list the regional directorates, or load them from a JSON file")
    regions.add_argument("--load", metavar="FILE", help='JSON list of {"code", "name"}')
    regions.set_defaults(run=cmd_regions)
    user = commands.add_parser("user", help="manage accounts (the first administrator of an install included)")
    user_actions = user.add_subparsers(dest="action", required=True)
    add = user_actions.add_parser("add", help="create an account; prints its one-time password and nothing else")
    add.add_argument("name")
    add.add_argument("--role", action="append", help="a role (repeat for several)")
    add.add_argument("--region", help="the regional directorate (code), for regional roles")
    add.add_argument("--email")
    add.add_argument("--full-name")
    for action, text in (("disable", "disable an account and end its sessions"), ("enable", "enable it again"),
                         ("reset-password", "print a new one-time password and nothing else"),
                         ("unlock", "lift a lock after failed logins")):
        user_actions.add_parser(action, help=text).add_argument("name")
    user.set_defaults(run=cmd_user)
    token = commands.add_parser("token", help="print a new API token for USERNAME; --list its tokens; --revoke N")
    token.add_argument("username", nargs="?")
    token.add_argument("--days", type=int, default=90, help="how long the new token works (1 to 366 days)")
    token.add_argument("--list", action="store_true", help="list USERNAME's tokens: number, made, expiry, state")
    token.add_argument("--revoke", type=int, metavar="N", help="revoke token number N")
    token.set_defaults(run=cmd_token)
    audit = commands.add_parser("audit", help="check the audit log").add_subparsers(dest="audit", required=True)
    verify_parser = audit.add_parser("verify", help="check the hash chain of the audit log (exit 1 if tampered)")
    verify_parser.add_argument("--anchor", action="append", default=[], metavar="N:HASH",
                               help="an anchor printed by an earlier run; it must still be in the chain")
    verify_parser.set_defaults(run=cmd_audit_verify)
    retention = commands.add_parser("retention", help="pseudonymise the persons whose retention period has passed")
    retention.add_argument("--candidate-years", type=int, help="years kept after a candidate's last activity")
    retention.add_argument("--migrant-years", type=int, help="years kept after a migrant's last activity")
    retention.set_defaults(run=cmd_retention)
    occupations = commands.add_parser("occupations", help="load the agency's occupations (ROAME) mapped to ISCO-08, "
                                                          "or search the occupations")
    occupations.add_argument("--load", metavar="FILE", help="CSV file: code, title, isco_code (one occupation a line)")
    occupations.add_argument("--search", metavar="TEXT", help="a code's first digits or words of a title")
    occupations.add_argument("--actor", default="cli")
    occupations.set_defaults(run=cmd_occupations)
    message = commands.add_parser("message", help="send a BPMN message to the files waiting on it for a key")
    message.add_argument("name")
    message.add_argument("--key", required=True, help="the business key of the files it is for")
    message.add_argument("--data", help="the payload, a JSON object")
    message.add_argument("--actor", default="cli")
    message.set_defaults(run=cmd_message)
    mails = commands.add_parser("outbox", help="print the e-mails and SMS waiting to be sent (codes, convocations...), "
                                               "or send them through the configured gateways")
    mails.add_argument("--send", action="store_true", help="send the messages that are due now")
    mails.add_argument("--all", action="store_true", help="also print the last messages already sent")
    mails.add_argument("--limit", type=int, default=50, help="how many messages to print (newest first)")
    mails.set_defaults(run=cmd_outbox)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
