"""Opening the store: engine, migrations to the newest schema, sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from schemas.errors import ConfigError, EnvironmentProblem, TransientError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True, slots=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            raise classify_operational_error(exc) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True, busy_timeout_s: float = 30.0) -> Database:
    """Connect to ``url`` and bring its schema to the newest migration."""
    engine = create_database_engine(url, busy_timeout_s)
    if migrate:
        upgrade_schema(engine)
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


def create_database_engine(url: str, busy_timeout_s: float = 30.0) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise ConfigError(f"Die Datenbank-URL (INTMK_DATABASE_URL) ist ungültig: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", partial(configure_sqlite, busy_timeout_ms=int(busy_timeout_s * 1000)))
    return engine


def configure_sqlite(dbapi_connection, _record, *, busy_timeout_ms: int) -> None:
    """WAL for concurrent readers, a busy timeout instead of 'database is locked', real foreign keys."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def upgrade_schema(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise classify_operational_error(exc) from exc


def classify_operational_error(exc: OperationalError) -> Exception:
    """A locked or unreachable database is worth retrying; anything else is the environment."""
    text = str(exc.orig).lower()
    if "locked" in text or "could not connect" in text or "connection refused" in text:
        return TransientError(f"Die Datenbank ist vorübergehend nicht erreichbar: {exc.orig}")
    return EnvironmentProblem(f"Datenbankfehler: {exc.orig}")
