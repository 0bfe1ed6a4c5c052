"""The migration that gives returns and reintegrations a status fills it from their files."""
import sqlalchemy as sa
from alembic import command
from sqlalchemy import create_engine

from engine.store import schema
from engine.store.tables import utcnow


def test_returns_and_reintegrations_written_before_get_their_files_status(empty_database_url):
    config = schema.alembic_config(empty_database_url)
    command.upgrade(config, "0013")
    engine = create_engine(empty_database_url)
    meta = sa.MetaData()
    meta.reflect(engine, only=["process_versions", "instances", "returns", "reintegrations"])
    versions, files = meta.tables["process_versions"], meta.tables["instances"]
    with engine.begin() as connection:
        connection.execute(versions.insert().values(id=1, process_key="retour_migrant", version=1, name="Retour",
                                                    checksum="x", spec={}, forms={}, sources={}, deployed_at=utcnow(),
                                                    deployed_by="test"))
        for number, (status, reason) in enumerate([("cancelled", "Doublon"), ("completed", None),
                                                   ("waiting", None)], start=1):
            connection.execute(files.insert().values(
                id=number, process_version_id=1, process_key="retour_migrant", business_key=f"RET-{number}",
                status=status, cancel_reason=reason, state={}, data={}, started_by="test", started_at=utcnow(),
                lock_version=1))
            connection.execute(meta.tables["returns"].insert().values(instance_id=number))
            connection.execute(meta.tables["reintegrations"].insert().values(instance_id=number, updated_at=utcnow()))
    engine.dispose()

    command.upgrade(config, "0014")

    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        for table in ("returns", "reintegrations"):
            rows = connection.execute(sa.text(f"SELECT instance_id, status, cancel_reason FROM {table} "
                                              "ORDER BY instance_id")).all()
            assert [tuple(row) for row in rows] == [(1, "annule", "Doublon"), (2, "termine", None),
                                                    (3, "en_cours", None)]
    engine.dispose()
