"""Settings from the environment, with safe defaults for a local run."""
import os
import secrets
from datetime import timedelta
from pathlib import Path


def from_environment(instance_path):
    """DATABASE_URL, DJOLIBA_SECRET_KEY and the rest, as Flask config keys."""
    instance = Path(os.environ.get("DJOLIBA_INSTANCE", instance_path))
    return {
        "DATABASE_URL": database_url(instance),
        "SECRET_KEY": os.environ.get("DJOLIBA_SECRET_KEY") or _local_secret(instance),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(os.environ.get("DJOLIBA_SESSION_HOURS", "8"))),
        "IDLE_TIMEOUT": timedelta(minutes=int(os.environ.get("DJOLIBA_IDLE_MINUTES", "30"))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("DJOLIBA_SECURE_COOKIES", "0") == "1",
        "BABEL_DEFAULT_LOCALE": "fr",
        "WTF_CSRF_TIME_LIMIT": None,
        # No request body larger than this (diagrams, forms and uploads included): 413 beyond.
        "MAX_CONTENT_LENGTH": int(os.environ.get("DJOLIBA_MAX_REQUEST_MB", "20")) * 1024 * 1024,
        # Candidates' CVs and documents: kept here, outside the web root, and at most this size each.
        "DOCUMENTS_DIR": os.environ.get("DJOLIBA_DOCUMENTS_DIR", str(instance / "documents")),
        "UPLOAD_MAX_BYTES": int(float(os.environ.get("DJOLIBA_UPLOAD_MAX_MB", "2")) * 1024 * 1024),
        "LOGIN_ATTEMPTS": int(os.environ.get("DJOLIBA_LOGIN_ATTEMPTS", "5")),
        "LOCKOUT_MINUTES": int(os.environ.get("DJOLIBA_LOCKOUT_MINUTES", "15")),
        # How many reverse proxies in front set X-Forwarded-For (the client address failed logins are counted by).
        "TRUSTED_PROXIES": int(os.environ.get("DJOLIBA_TRUSTED_PROXIES", "0")),
        # Where a deployment over the API finds the forms a diagram names but does not upload.
        "FORMS_DIR": os.environ.get("DJOLIBA_FORMS_DIR", str(Path(__file__).resolve().parent.parent / "forms")),
    }


def database_url(instance):
    """DATABASE_URL if set, else a SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    Path(instance).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(instance).resolve() / 'djoliba.db'}"


def _local_secret(instance):
    """A secret kept in the instance folder, so that every worker and restart shares it."""
    path = Path(instance) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
