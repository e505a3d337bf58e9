"""Storage: SQLAlchemy 2 models, Alembic migrations, and the functions that read and write them.

SQLite in ``$INTMK_HOME`` by default; PostgreSQL by setting ``INTMK_DATABASE_URL``.
"""

from pipeline.settings import Settings
from pipeline.storage.database import Database, open_database


def connect(settings: Settings) -> Database:
    """The store the settings name, migrated to the newest schema."""
    settings.home.mkdir(parents=True, exist_ok=True)
    return open_database(settings.resolved_database_url, busy_timeout_s=settings.db_busy_timeout_seconds)


__all__ = ["Database", "connect", "open_database"]
