"""Accounts as the administrator and their owners manage them: creation with a one-time password, the password
policy, forced and voluntary changes, disabling, resets, failed logins throttled and locked, sessions ended
server-side. Every change is in the audit log."""
import threading
import uuid

import pytest
from sqlalchemy import select

from engine import accounts, audit
from engine.accounts import passwords, users
from engine.accounts.access import Actor
from engine.accounts.credentials import LoginLocked, SignedIn, utcnow
from engine.accounts.throttle import LoginLimits
from engine.errors import Conflict, Forbidden, ValidationFailed
from engine.setup import DEMO_ACCOUNTS
from engine.store.tables import AuditEvent, LoginFailure, User
from engine.store.uow import UnitOfWork

ADMIN = Actor(username="admin", roles=frozenset({"admin"}))
LIMITS = LoginLimits(attempts=3, lock_minutes=15, address_attempts=5, address_minutes=15)
GOOD = "riz au gras du dimanche"


def name():
    return f"agent-{uuid.uuid4().hex[:8]}"


def events(uow, *kinds):
    with uow:
        query = select(AuditEvent).where(AuditEvent.kind.in_(kinds)).order_by(AuditEvent.seq)
        return [(e.kind, e.actor, audit.details_of(e)) for e in uow.session.scalars(query)]


def refused_fields(call):
    with pytest.raises(ValidationFailed) as refused:
        call()
    return [(e.field, e.code) for e in refused.value.errors]


def test_an_administrator_creates_an_account_with_a_one_time_password_to_change(uow):
    username = name()
    account, password = users.add_user(uow, ADMIN, username, ["conseiller"], region="kayes", full_name="Awa Diallo",
                                       email="awa.diallo@anpe.ml")
    assert account | {"must_change_password": True} == account
    assert (account["roles"], account["region"], account["active"]) == (["conseiller"], "kayes", True)
    assert len(password) == 14 and not passwords.problems(password, username)
    assert accounts.authenticate(uow, username, password) == Actor(username, frozenset({"conseiller"}), "kayes")
    token = accounts.open_session(uow, username)
    assert accounts.signed_in(uow, token).must_change_password
    created = events(uow, "user_created")[-1]
    assert created[:2] == ("user_created", "admin")
    assert created[2] == {"username": username, "roles": ["conseiller"], "full_name": "Awa Diallo",
                          "email": "awa.diallo@anpe.ml"}
    assert password not in str(events(uow, "user_created", "login"))


def test_account_creation_refuses_what_cannot_work(uow):
    assert refused_fields(lambda: users.add_user(uow, ADMIN, name(), ["roi"])) == [("roles", "enum")]
    assert refused_fields(lambda: users.add_user(uow, ADMIN, name(), [])) == [("roles", "required")]
    assert refused_fields(lambda: users.add_user(uow, ADMIN, name(), ["conseiller"])) == [("region", "required")]
    assert refused_fields(lambda: users.add_user(uow, ADMIN, name(), ["dcim"], region="atlantide")) == [
        ("region", "enum")]
    assert refused_fields(lambda: users.add_user(uow, ADMIN, "Awa Diallo!", ["dcim"], email="pas une adresse")) == [
        ("username", "pattern"), ("email", "pattern")]
    assert refused_fields(lambda: users.add_user(uow, ADMIN, "x" * 81, ["dcim"])) == [("username", "pattern")]
    with pytest.raises(Conflict):
        users.add_user(uow, ADMIN, "dcim", ["dcim"])
    with pytest.raises(Forbidden):
        users.add_user(uow, Actor("dcim", frozenset({"dcim"})), name(), ["dcim"])
    assert events(uow, "user_created") == []


@pytest.mark.parametrize("password, problem", [
    ("", "too_short"), ("x", "too_short"), ("court1234", "too_short"), ("x" * 201, "too_long"),
    ("MotDePasse123", "common"), ("AZERTYUIOP", "common"), ("0123456789", "common"),
    ("le-compte-de-kadi.sangare", "contains_username")])
def test_the_password_policy(password, problem):
    assert [e.code for e in passwords.problems(password, "kadi.sangare")] == [problem]


def test_the_policy_accepts_a_long_uncommon_password():
    assert passwords.problems(GOOD, "kadi.sangare") == []
    assert len(passwords.common_passwords()) > 500


def test_the_first_login_forces_a_new_password_that_the_policy_accepts(uow):
    username = name()
    _, one_time = users.add_user(uow, ADMIN, username, ["dcim"])
    kept = accounts.open_session(uow, username)
    other = accounts.open_session(uow, username)
    assert refused_fields(lambda: users.change_password(uow, username, one_time, one_time)) == [
        ("password", "unchanged")]
    assert refused_fields(lambda: users.change_password(uow, username, "court", "court")) == [
        ("password", "too_short")]
    assert refused_fields(lambda: users.change_password(uow, username, GOOD, GOOD + "!")) == [
        ("confirmation", "mismatch")]
    users.change_password(uow, username, GOOD, GOOD, keep_session=kept)  # no current one: it was just typed
    assert accounts.signed_in(uow, kept) == SignedIn(Actor(username, frozenset({"dcim"})), False)
    assert accounts.signed_in(uow, other) is None  # the password change ended the other session
    assert accounts.authenticate(uow, username, one_time) is None
    assert accounts.authenticate(uow, username, GOOD).username == username
    assert [(k, a, d["sessions_ended"]) for k, a, d in events(uow, "password_changed")] == [
        ("password_changed", username, 1)]


def test_a_voluntary_change_needs_the_current_password_and_a_wrong_one_counts_as_a_failure(uow):
    username = name()
    accounts.create_user(uow, username, "demo-" + username, ["dcim"])
    refused = lambda: users.change_password(uow, username, GOOD, GOOD, current="pas le bon", limits=LIMITS)  # noqa
    assert refused_fields(refused) == [("current", "wrong")]
    assert refused_fields(refused) == [("current", "wrong")]
    assert refused_fields(refused) == [("current", "wrong")]
    with pytest.raises(LoginLocked):  # three failures: locked, even with the right password
        accounts.authenticate(uow, username, "demo-" + username, limits=LIMITS)
    assert [k for k, *_ in events(uow, "password_change_failed", "account_locked")] == [
        "password_change_failed", "password_change_failed", "account_locked", "password_change_failed"]
    users.unlock_user(uow, ADMIN, username)
    users.change_password(uow, username, GOOD, GOOD, current="demo-" + username)
    assert accounts.authenticate(uow, username, GOOD, limits=LIMITS).username == username


def test_demo_accounts_keep_their_passwords_and_are_not_asked_to_change_them(uow):
    with uow:
        demo = {u.username: u.must_change_password for u in uow.session.scalars(select(User))}
    assert all(demo[username] is False for username, *_ in DEMO_ACCOUNTS)
    token = accounts.open_session(uow, "dcim")
    assert accounts.signed_in(uow, token).must_change_password is False


def test_no_account_gets_an_empty_or_one_character_password(uow):
    for password in ("", "x", "1234567"):
        with pytest.raises(ValueError):
            accounts.create_user(uow, name(), password, ["dcim"])


# --- failed logins ----------------------------------------------------------------------------

def test_an_account_is_locked_after_consecutive_failures_until_an_administrator_unlocks_it(uow):
    username = name()
    accounts.create_user(uow, username, "demo-" + username, ["evaluateur"])
    assert accounts.authenticate(uow, username, "faux", "10.0.0.1", LIMITS) is None
    assert accounts.authenticate(uow, username, "demo-" + username, "10.0.0.1", LIMITS)  # a success forgets
    for _ in range(3):
        assert accounts.authenticate(uow, username, "faux", "10.0.0.2", LIMITS) is None
    with pytest.raises(LoginLocked) as locked:
        accounts.authenticate(uow, username, "demo-" + username, "10.0.0.3", LIMITS)
    assert locked.value.params["until"] > utcnow()
    assert [d["failures"] for _, _, d in events(uow, "account_locked")] == [3]
    assert users.list_users(uow, ADMIN)[[u["username"] for u in users.list_users(uow, ADMIN)].index(username)][
        "locked_until"] is not None
    users.unlock_user(uow, ADMIN, username)
    assert accounts.authenticate(uow, username, "demo-" + username, "10.0.0.3", LIMITS).username == username
    assert [a for _, a, d in events(uow, "account_unlocked")] == ["admin"]


def test_unknown_names_are_locked_like_real_ones(uow):
    for _ in range(3):
        assert accounts.authenticate(uow, "personne", "faux", None, LIMITS) is None
    with pytest.raises(LoginLocked):
        accounts.authenticate(uow, "personne", "faux", None, LIMITS)


def test_one_address_trying_many_names_is_stopped(uow):
    for number in range(5):
        assert accounts.authenticate(uow, f"nom-{number}", "faux", "192.0.2.7", LIMITS) is None
    with pytest.raises(LoginLocked):
        accounts.authenticate(uow, "dcim", "demo-dcim", "192.0.2.7", LIMITS)
    assert accounts.authenticate(uow, "dcim", "demo-dcim", "192.0.2.8", LIMITS).username == "dcim"
    assert [d["address"] for _, _, d in events(uow, "address_blocked")] == ["192.0.2.7"]


def test_a_huge_typed_name_is_stored_cut_to_the_longest_account_name(uow):
    assert accounts.authenticate(uow, "é" * 1_000_000, "x" * 100_000, "192.0.2.9") is None
    (kind, actor, details), = events(uow, "login_failed")
    assert (actor, details) == ("é" * 80, {"truncated": True})
    with uow:
        assert all(len(key) <= 120 for key in uow.session.scalars(select(LoginFailure.key)))


# --- sessions and accounts ended ---------------------------------------------------------------

def test_logout_ends_only_that_session(uow):
    first, second = accounts.open_session(uow, "dcim"), accounts.open_session(uow, "dcim")
    accounts.end_session(uow, "dcim", token=first)
    assert accounts.signed_in(uow, first) is None
    assert accounts.signed_in(uow, second).actor.username == "dcim"


def test_disabling_an_account_ends_its_sessions_and_tokens_and_enabling_lets_it_sign_in_again(uow):
    username = name()
    accounts.create_user(uow, username, "demo-" + username, ["dcim"])
    session, api = accounts.open_session(uow, username), accounts.create_token(uow, username)
    users.disable_user(uow, ADMIN, username)
    assert accounts.signed_in(uow, session) is None
    assert accounts.actor_for_token(uow, api) is None
    assert accounts.authenticate(uow, username, "demo-" + username) is None
    with pytest.raises(Conflict):
        users.disable_user(uow, ADMIN, "admin")
    users.enable_user(uow, ADMIN, username)
    assert accounts.authenticate(uow, username, "demo-" + username).username == username
    assert accounts.signed_in(uow, session) is None  # an ended session stays ended
    assert [(k, d["changes"]) for k, _, d in events(uow, "user_disabled", "user_enabled")] == [
        ("user_disabled", {"active": {"old": True, "new": False}}),
        ("user_enabled", {"active": {"old": False, "new": True}})]


def test_removing_a_role_ends_the_sessions(uow):
    username = name()
    accounts.create_user(uow, username, "demo-" + username, ["dcim", "evaluateur"])
    session = accounts.open_session(uow, username)
    users.revoke_role(uow, ADMIN, username, "evaluateur")
    assert accounts.signed_in(uow, session) is None


def test_a_reset_gives_a_new_one_time_password_ends_sessions_and_lifts_the_lock(uow):
    username = name()
    accounts.create_user(uow, username, "demo-" + username, ["dcim"])
    session = accounts.open_session(uow, username)
    for _ in range(3):
        accounts.authenticate(uow, username, "faux", None, LIMITS)
    password = users.reset_password(uow, ADMIN, username)
    assert accounts.signed_in(uow, session) is None
    assert accounts.authenticate(uow, username, "demo-" + username, None, LIMITS) is None
    assert accounts.authenticate(uow, username, password, None, LIMITS).username == username
    assert accounts.signed_in(uow, accounts.open_session(uow, username)).must_change_password
    (kind, actor, details), = events(uow, "password_reset")
    assert (actor, details) == ("admin", {"username": username, "sessions_ended": 1})


def test_concurrent_failures_are_each_counted(uow):
    count = 6
    barrier = threading.Barrier(count, timeout=30)
    errors = []

    def fail():
        try:
            barrier.wait()
            accounts.authenticate(UnitOfWork(uow.session_factory), "cible", "faux", "198.51.100.1",
                                  LoginLimits(attempts=100, address_attempts=100))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=fail) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    with uow:
        counted = dict(uow.session.execute(select(LoginFailure.key, LoginFailure.failures)).all())
    assert counted == {"account:cible": count, "address:198.51.100.1": count}
