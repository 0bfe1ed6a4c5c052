"""Create or upgrade the database schema with the Alembic migrations shipped in the package."""
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url):
    """Apply every migration not yet applied; safe to run on an up-to-date database."""
    command.upgrade(alembic_config(database_url), "head")
