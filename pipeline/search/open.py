"""The search index that belongs to a store: SQLite file next to it, or a PostgreSQL schema in it."""

from __future__ import annotations

from pipeline.search.index_base import SearchIndex
from pipeline.search.index_postgres import PostgresSearchIndex
from pipeline.search.index_sqlite import SqliteSearchIndex, index_path_for
from pipeline.settings import Settings
from pipeline.storage import Database
from schemas.errors import ConfigError


def open_index(db: Database, settings: Settings) -> SearchIndex:
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        return SqliteSearchIndex(index_path_for(db.engine.url.database), settings.db_busy_timeout_seconds)
    if dialect == "postgresql":
        return PostgresSearchIndex(db.engine)
    raise ConfigError(f"Für die Datenbank {dialect} gibt es keine Volltextsuche (nur SQLite und PostgreSQL).")
