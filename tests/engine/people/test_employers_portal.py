"""Employers on the public portal: an account verified by a code from the outbox, a deposit that opens an
offer file in DCIM's inbox with its recording prefilled, and the offer's stage in plain words."""
import re

import pytest
from conftest import DCIM, deploy_bundled
from offer_data import enregistrer_saisonnier_espagne
from sqlalchemy import select

from engine.accounts import outbox
from engine.accounts.credentials import LoginLocked
from engine.accounts.throttle import LoginLimits
from engine.errors import ValidationFailed
from engine.people import employers_portal as portal
from engine.runtime import instances, offer_deposits, tasks
from engine.runtime.offer_deposits import PUBLIC_FIELDS
from engine.store.tables import AuditEvent

PASSWORD = "fraises-de-huelva-2026"


def _register(uow, email="rrhh@frutas.es"):
    return portal.register_employer(uow, "Frutas del Condado S.L.", "ES", "María López", email, PASSWORD, PASSWORD)


def _code(uow, email):
    sent = [m for m in outbox.messages(uow) if m["recipient"] == email]
    return re.search(r"\b(\d{6})\b", sent[0]["body"]).group(1)


def _offer():
    return {k: v for k, v in enregistrer_saisonnier_espagne().items() if k in PUBLIC_FIELDS}


def test_an_employer_registers_verifies_by_the_code_sent_and_logs_in(uow):
    employer = _register(uow)
    assert not employer.verified
    assert portal.authenticate_employer(uow, "RRHH@frutas.es", PASSWORD).verified is False
    with pytest.raises(ValidationFailed) as wrong:
        portal.verify_email(uow, "rrhh@frutas.es", "000000" if _code(uow, "rrhh@frutas.es") != "000000" else "1")
    assert wrong.value.errors[0].code == "wrong"
    assert portal.verify_email(uow, "rrhh@frutas.es", _code(uow, "rrhh@frutas.es")).verified
    assert portal.authenticate_employer(uow, "rrhh@frutas.es", PASSWORD).verified
    assert portal.authenticate_employer(uow, "rrhh@frutas.es", "not the password") is None
    with uow:
        kinds = set(uow.session.scalars(select(AuditEvent.kind).where(AuditEvent.actor.like("employeur:%"))))
    assert kinds == {"employer_registered", "employer_verified", "login"}


def test_registration_refuses_what_the_staff_policy_refuses_and_opens_no_second_account_for_one_address(uow):
    with pytest.raises(ValidationFailed) as refused:
        portal.register_employer(uow, "", "XX", "M", "not-an-address", "short", "other")
    codes = {(e.field, e.code) for e in refused.value.errors}
    assert codes >= {("organisation", "required"), ("country", "enum"), ("email", "format"),
                     ("password", "too_short"), ("confirmation", "mismatch")}
    first = _register(uow)
    portal.verify_email(uow, "rrhh@frutas.es", _code(uow, "rrhh@frutas.es"))
    # A second registration is answered as the first (no error saying the address is taken): the owner is told.
    assert portal.register_employer(uow, "Imposteur SARL", "FR", "X Y", "RRHH@Frutas.es", "un-autre-mot-2026",
                                    "un-autre-mot-2026") is None
    told = [m for m in outbox.messages(uow) if m["recipient"] == "rrhh@frutas.es"][0]
    assert "déjà un compte" in told["body"] and "Mot de passe oublié" in told["body"]
    assert portal.authenticate_employer(uow, "rrhh@frutas.es", PASSWORD).id == first.id  # nothing changed
    assert portal.authenticate_employer(uow, "rrhh@frutas.es", "un-autre-mot-2026") is None
    # Nor does the verification page tell: a code for an account already verified is "wrong", like any.
    with pytest.raises(ValidationFailed):
        portal.verify_email(uow, "rrhh@frutas.es", "123456")
    with uow:
        assert uow.session.scalar(select(AuditEvent.details).where(
            AuditEvent.kind == "employer_registration_repeated")) == {"employer_id": first.id}


def test_a_forgotten_password_is_reset_with_the_code_sent_by_e_mail_and_asking_tells_nothing(uow):
    employer = _register(uow)
    portal.verify_email(uow, "rrhh@frutas.es", _code(uow, "rrhh@frutas.es"))
    token = portal.open_employer_session(uow, employer.id)
    before = len(outbox.messages(uow))
    portal.request_password_reset(uow, "nobody@nowhere.es")  # no account: the same (silent) answer, no e-mail
    assert len(outbox.messages(uow)) == before
    portal.request_password_reset(uow, " RRHH@frutas.es ")
    sent = outbox.messages(uow)[0]
    assert sent["recipient"] == "rrhh@frutas.es" and "nouveau mot de passe" in sent["body"]
    code = re.search(r"\b(\d{6})\b", sent["body"]).group(1)
    new = "oranges-de-valencia-2027"
    with pytest.raises(ValidationFailed) as weak:
        portal.reset_employer_password(uow, "rrhh@frutas.es", code, "court", "court")
    assert [(e.field, e.code) for e in weak.value.errors] == [("password", "too_short")]
    wrong = "000000" if code != "000000" else "111111"
    for email, given in (("rrhh@frutas.es", wrong), ("nobody@nowhere.es", code)):
        with pytest.raises(ValidationFailed) as refused:
            portal.reset_employer_password(uow, email, given, new, new)
        assert [(e.field, e.code) for e in refused.value.errors] == [("code", "wrong")]
    assert portal.reset_employer_password(uow, "rrhh@frutas.es", code, new, new).id == employer.id
    assert portal.authenticate_employer(uow, "rrhh@frutas.es", new) is not None
    assert portal.authenticate_employer(uow, "rrhh@frutas.es", PASSWORD) is None
    assert portal.signed_in_employer(uow, token) is None  # the sessions opened with the old password end
    assert "mot de passe" in outbox.messages(uow)[0]["body"] and "changé" in outbox.messages(uow)[0]["body"]
    with pytest.raises(ValidationFailed):  # a code works once
        portal.reset_employer_password(uow, "rrhh@frutas.es", code, "encore-un-autre-2028", "encore-un-autre-2028")
    with uow:
        kinds = list(uow.session.scalars(select(AuditEvent.kind).where(AuditEvent.kind.like("employer_%reset%"))
                                         .order_by(AuditEvent.seq)))
    assert kinds == ["employer_reset_requested", "employer_password_reset"]


def test_an_expired_reset_code_is_refused_and_too_many_wrong_codes_lock(uow):
    from sqlalchemy import update

    from engine.store.tables import EmployerAccount, utcnow
    from datetime import timedelta
    _register(uow)
    portal.request_password_reset(uow, "rrhh@frutas.es")
    code = re.search(r"\b(\d{6})\b", outbox.messages(uow)[0]["body"]).group(1)
    with uow:
        uow.session.execute(update(EmployerAccount).values(reset_expires_at=utcnow() - timedelta(minutes=1)))
        uow.commit()
    new = "oranges-de-valencia-2027"
    with pytest.raises(ValidationFailed):
        portal.reset_employer_password(uow, "rrhh@frutas.es", code, new, new)
    limits = LoginLimits(attempts=3, lock_minutes=15)
    with pytest.raises(LoginLocked):
        for _ in range(4):
            with pytest.raises(ValidationFailed):
                portal.reset_employer_password(uow, "rrhh@frutas.es", "999999", new, new, address="10.0.0.9",
                                               limits=limits)


def test_an_employers_actions_name_its_organisation_and_nothing_else(uow):
    employer = _register(uow)
    assert portal.organisation_of(uow, employer.audit_name) == "Frutas del Condado S.L."
    assert portal.organisation_of(uow, "employeur:999999") is None
    assert portal.organisation_of(uow, "dcim") is None


def test_wrong_passwords_lock_the_address_like_staff_logins(uow):
    _register(uow)
    limits = LoginLimits(attempts=2)
    for _ in range(2):
        assert portal.authenticate_employer(uow, "rrhh@frutas.es", "wrong", limits=limits) is None
    with pytest.raises(LoginLocked):
        portal.authenticate_employer(uow, "rrhh@frutas.es", PASSWORD, limits=limits)


def test_a_deposit_opens_an_offer_in_dcims_inbox_prefilled_and_the_employer_follows_its_stage(uow):
    deploy_bundled(uow, "offre_internationale.bpmn")
    employer = _register(uow)
    with pytest.raises(ValidationFailed):  # an unverified account deposits nothing
        offer_deposits.deposit_offer(uow, employer, _offer())
    employer = portal.verify_email(uow, employer.email, _code(uow, employer.email))
    fixed_term = {k: v for k, v in _offer().items() if k != "duree_contrat_mois"} | {"nature_contrat": "cdd"}
    with pytest.raises(ValidationFailed) as refused:  # a fixed-term contract's length is asked with the rest
        offer_deposits.deposit_offer(uow, employer, {**fixed_term, "nombre_postes": 0, "source_offre": "x"})
    problems = {(e.field, e.code) for e in refused.value.errors}
    assert problems >= {("nombre_postes", "minimum"), ("duree_contrat_mois", "required")}
    hint = offer_deposits.public_form(uow)["schema"]["properties"]["metier_citp"]["description"]
    assert "retrouver les candidats" not in hint and "laissez ce champ vide" in hint
    reference = offer_deposits.deposit_offer(uow, employer, _offer())
    assert re.fullmatch(r"OFF-WEB-\d{4}-0001", reference)
    assert offer_deposits.deposit_offer(uow, employer, _offer()).endswith("-0002")

    inbox = tasks.inbox_page(uow, DCIM)["tasks"]
    recording = next(t for t in inbox if t["business_key"] == reference)
    task = tasks.get_task(uow, DCIM, recording["id"])
    assert task["data"]["intitule_poste"] == "Cueillette de fraises et de fruits rouges"
    assert task["data"]["employeur_raison_sociale"] == "Frutas del Condado S.L."
    assert task["data"]["source_offre"] == "employeur_etranger"

    offers = offer_deposits.my_offers(uow, employer.id)
    assert [(o["reference"], o["stage"]) for o in offers][-1] == (reference, "recue")
    tasks.claim_task(uow, DCIM, recording["id"])
    tasks.complete_task(uow, DCIM, recording["id"], {k: v for k, v in task["data"].items()
                                                     if k in task["form"]["schema"]["properties"]})
    stages = {o["reference"]: o["stage"] for o in offer_deposits.my_offers(uow, employer.id)}
    assert stages[reference] == "en_verification"
    instances.cancel_instance(uow, DCIM, recording["instance_id"], "L'employeur a pourvu le poste lui-même.")
    assert {o["reference"]: o["stage"] for o in offer_deposits.my_offers(uow, employer.id)}[reference] == "retiree"
    other = _register(uow, "someone@else.fr")
    assert offer_deposits.my_offers(uow, other.id) == []


class _FakeMailer:
    """Records what would be sent; refuses one address, as a server that is down for it would."""

    def __init__(self, refused=()):
        self.sent, self.refused = [], set(refused)

    def send(self, to, text, subject="Djoliba"):
        if to in self.refused:
            raise OSError("connection refused")
        self.sent.append((to, subject, text))


def test_the_outbox_sends_by_smtp_when_a_server_is_set_and_keeps_what_failed(uow, database_url, monkeypatch,
                                                                             capsys):
    from web import cli
    _register(uow)
    _register(uow, "down@else.fr")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("DJOLIBA_SMTP_HOST", raising=False)
    assert cli.main(["outbox"]) == 0  # without a server: printed for an administrator to pass on
    printed = capsys.readouterr().out
    assert "À / To: rrhh@frutas.es" in printed and "code de vérification" in printed
    assert cli.main(["outbox", "--send"]) == 1
    mailer = _FakeMailer(refused={"down@else.fr"})
    assert outbox.send_pending(uow, mailer) == 1
    assert [to for to, _subject, _text in mailer.sent] == ["rrhh@frutas.es"]
    waiting = outbox.messages(uow)
    assert [(m["recipient"], m["attempts"], m["last_error"]) for m in waiting] == [
        ("down@else.fr", 1, "connection refused")]


def test_the_scheduler_sends_the_outbox_only_when_it_has_a_server(uow, database_url):
    from engine.runtime import scheduler
    _register(uow)
    assert scheduler.build(database_url, poll_seconds=30).get_job("outbox") is None
    mailer = _FakeMailer()
    assert scheduler.build(database_url, mailer=mailer, poll_seconds=30).get_job("outbox") is not None
    scheduler.send_outbox(database_url)
    assert [to for to, _subject, _text in mailer.sent] == ["rrhh@frutas.es"] and outbox.messages(uow) == []


def test_the_employer_reads_not_accepted_or_displayed_as_dcim_and_the_regions_decide(uow):
    import offer_data
    from conftest import KAYES
    from offer_flow import complete, the_task
    deploy_bundled(uow, "offre_internationale.bpmn", "preselection.bpmn", "resultat_tests_candidat.dmn")
    employer = _register(uow)
    employer = portal.verify_email(uow, employer.email, _code(uow, employer.email))
    ids = {}
    for outcome in ("rejected", "displayed"):
        reference = offer_deposits.deposit_offer(uow, employer, _offer())
        task = next(t for t in tasks.inbox_page(uow, DCIM)["tasks"] if t["business_key"] == reference)
        data = tasks.get_task(uow, DCIM, task["id"])
        ids[outcome] = (reference, task["instance_id"])
        complete(uow, DCIM, task["instance_id"], "enregistrer_offre",
                 {k: v for k, v in data["data"].items() if k in data["form"]["schema"]["properties"]})
    complete(uow, DCIM, ids["rejected"][1], "verifier_employeur", offer_data.verifier_non_credible())
    shown = ids["displayed"][1]
    complete(uow, DCIM, shown, "verifier_employeur", offer_data.verifier_credible())
    complete(uow, DCIM, shown, "negocier_offre", offer_data.negocier_accord())
    complete(uow, DCIM, shown, "transmettre_offre", offer_data.transmettre("kayes"))
    tasks.claim_task(uow, KAYES, the_task(uow, KAYES, shown, "confirmer_affichage")["id"])
    complete(uow, KAYES, shown, "confirmer_affichage", offer_data.confirmer_affichage())
    stages = {o["reference"]: o["stage"] for o in offer_deposits.my_offers(uow, employer.id)}
    assert stages == {ids["rejected"][0]: "non_retenue", ids["displayed"][0]: "affichee"}
    # The employer was told each decision by e-mail, in French and English, and each file's history says so.
    told = {(m["instance_id"], m["kind"]): m["body"] for m in outbox.messages(uow, limit=100)
            if m["recipient"] == employer.email and m["kind"]}
    assert set(told) == {(ids["rejected"][1], "offre_non_retenue"), (shown, "offre_acceptee")}
    accepted = told[(shown, "offre_acceptee")]
    assert "Les modalités de votre offre" in accepted and "The terms of your offer" in accepted
    with uow:
        notified = uow.session.execute(select(AuditEvent.instance_id, AuditEvent.element_id).where(
            AuditEvent.kind == "employer_notified")).all()
    assert sorted(tuple(e) for e in notified) == sorted(
        [(ids["rejected"][1], "verifier_employeur"), (shown, "negocier_offre")])


def test_one_address_opens_accounts_only_up_to_its_limit_and_an_employer_deposits_at_most_a_day(uow):
    limits = LoginLimits(address_attempts=2)
    for number in range(2):
        portal.register_employer(uow, "Frutas", "ES", "María López", f"rh{number}@frutas.es", PASSWORD, PASSWORD,
                                 address="10.0.0.9", limits=limits)
    with pytest.raises(LoginLocked):
        portal.register_employer(uow, "Frutas", "ES", "María López", "rh3@frutas.es", PASSWORD, PASSWORD,
                                 address="10.0.0.9", limits=limits)
    deploy_bundled(uow, "offre_internationale.bpmn")
    employer = portal.verify_email(uow, "rh0@frutas.es", _code(uow, "rh0@frutas.es"))
    offer_deposits.deposit_offer(uow, employer, _offer(), per_day=1)
    with pytest.raises(ValidationFailed) as refused:
        offer_deposits.deposit_offer(uow, employer, _offer(), per_day=1)
    assert refused.value.errors[0].code == "too_many_deposits"
