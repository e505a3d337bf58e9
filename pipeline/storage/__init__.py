"""Storage: SQLAlchemy 2 models, Alembic migrations, and the functions that read and write them.

SQLite in ``$INTMK_HOME`` by default; PostgreSQL by setting ``INTMK_DATABASE_URL``.
"""

from pipeline.storage.database import Database, open_database

__all__ = ["Database", "open_database"]
