"""The migration that opens the portal to candidates keeps the employers signed in (their sessions become the
portal's), leaves every person already registered confirmed, and goes back down keeping them too."""
import sqlalchemy as sa
from alembic import command
from sqlalchemy import create_engine

from engine.store import schema
from engine.store.tables import utcnow


def test_employer_sessions_become_portal_sessions_and_persons_stay_confirmed(empty_database_url):
    config = schema.alembic_config(empty_database_url)
    command.upgrade(config, "0024")
    engine = create_engine(empty_database_url)
    meta = sa.MetaData()
    meta.reflect(engine, only=["employer_accounts", "employer_sessions", "persons"])
    with engine.begin() as connection:
        connection.execute(meta.tables["employer_accounts"].insert().values(
            id=1, organisation="Frutas", country="ES", contact_name="María", email="rh@frutas.es",
            password_hash="x", created_at=utcnow()))
        connection.execute(meta.tables["employer_sessions"].insert().values(token_hash="a" * 64, employer_id=1,
                                                                            created_at=utcnow()))
        connection.execute(meta.tables["persons"].insert().values(
            id=1, last_name="Traoré", first_names="Awa", sex="F", region="kayes", disability=False, details={},
            created_at=utcnow(), created_by="conseiller-kayes"))
    engine.dispose()

    command.upgrade(config, "0025")
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT token_hash, employer_id, candidate_id FROM portal_sessions")).all() \
            == [("a" * 64, 1, None)]
        assert connection.execute(sa.text("SELECT awaiting_confirmation FROM persons")).scalar() in (False, 0)
        assert "employer_sessions" not in sa.inspect(connection).get_table_names()
    engine.dispose()

    command.downgrade(config, "0024")
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT token_hash, employer_id FROM employer_sessions")).all() == \
            [("a" * 64, 1)]
        assert "candidate_accounts" not in sa.inspect(connection).get_table_names()
    engine.dispose()
