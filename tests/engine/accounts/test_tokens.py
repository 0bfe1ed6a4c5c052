"""API tokens expire and can be revoked, by their owner or an administrator; each step is audited."""
from datetime import timedelta

import pytest
from conftest import DCIM, DIRECTION, actor
from sqlalchemy import select, update

from engine import accounts
from engine.errors import Conflict, Forbidden, ValidationFailed
from engine.store.tables import ApiToken, AuditEvent, utcnow
from web import cli

ADMIN = actor("admin", "admin")


def kinds(uow):
    with uow:
        return [(e.kind, e.actor) for e in uow.session.scalars(
            select(AuditEvent).where(AuditEvent.kind.like("token_%")).order_by(AuditEvent.seq))]


def test_a_token_works_until_it_expires(uow):
    token = accounts.create_token(uow, "dcim", days=30)
    assert accounts.actor_for_token(uow, token).username == "dcim"
    [listed] = accounts.list_tokens(uow, "dcim")
    assert listed["works"] and listed["revoked_at"] is None
    with uow.session_factory.kw["bind"].begin() as connection:  # a month later
        connection.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    assert accounts.actor_for_token(uow, token) is None
    assert accounts.list_tokens(uow, "dcim")[0]["works"] is False


@pytest.mark.parametrize("days", [0, 367])
def test_a_token_lasts_one_day_to_a_year(uow, days):
    with pytest.raises(ValidationFailed):
        accounts.create_token(uow, "dcim", days=days)


def test_its_owner_or_an_administrator_revokes_it_once_and_it_stops_working(uow):
    first, second = accounts.create_token(uow, "dcim"), accounts.create_token(uow, "dcim")
    first_id, second_id = sorted(t["id"] for t in accounts.list_tokens(uow, "dcim"))
    with pytest.raises(Forbidden):
        accounts.revoke_token(uow, DIRECTION, first_id)
    accounts.revoke_token(uow, DCIM, first_id)
    accounts.revoke_token(uow, ADMIN, second_id)
    assert accounts.actor_for_token(uow, first) is None and accounts.actor_for_token(uow, second) is None
    with pytest.raises(Conflict):
        accounts.revoke_token(uow, DCIM, first_id)
    assert kinds(uow) == [("token_created", "dcim"), ("token_created", "dcim"), ("token_revoked", "dcim"),
                          ("token_revoked", "admin")]


def test_the_command_line_lists_and_revokes(uow, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli.main(["token", "dcim", "--days", "7"]) == 0
    token = capsys.readouterr().out.strip()
    assert accounts.actor_for_token(uow, token).username == "dcim"
    assert cli.main(["token", "dcim", "--list"]) == 0
    token_id = int(capsys.readouterr().out.split("\t")[0])
    assert cli.main(["token", "--revoke", str(token_id)]) == 0
    assert "révoqué" in capsys.readouterr().err
    assert accounts.actor_for_token(uow, token) is None
    assert cli.main(["token", "--revoke", str(token_id)]) == 1


def test_one_reads_ones_own_tokens_an_administrator_anyones(uow):
    accounts.create_token(uow, "dcim")
    assert [t["works"] for t in accounts.tokens_of(uow, DCIM)] == [True]
    assert accounts.tokens_of(uow, ADMIN, "dcim") == accounts.list_tokens(uow, "dcim")
    with pytest.raises(Forbidden):
        accounts.tokens_of(uow, DIRECTION, "dcim")
