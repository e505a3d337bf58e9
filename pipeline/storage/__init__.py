"""Storage: SQLAlchemy 2 models, Alembic migrations, and the functions that read and write them.

SQLite in ``$INTMK_HOME`` by default; PostgreSQL by setting ``INTMK_DATABASE_URL``.
"""

from functools import lru_cache

from pipeline.settings import Settings
from pipeline.storage.database import Database, open_database


def connect(settings: Settings) -> Database:
    """The store the settings name, migrated to the newest schema (once per process and URL)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    return _open_cached(settings.resolved_database_url, settings.db_busy_timeout_seconds)


@lru_cache(maxsize=8)
def _open_cached(url: str, busy_timeout_s: float) -> Database:
    return open_database(url, busy_timeout_s=busy_timeout_s)


__all__ = ["Database", "connect", "open_database"]
