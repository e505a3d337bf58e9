"""The search index on SQLite: FTS5 over stemmed terms, in its own file next to the store.

The FTS5 table is contentless (``content=''``): it holds only the inverted index of the stemmed
title and text; the original text and the filter columns live in ``search_records``, whose ``id``
is the FTS rowid. Deleting from a contentless table needs the terms that were indexed, so they are
stemmed again from the stored text (the index format pins the stemmer, see ``FORMAT``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    RowMapping,
    column,
    create_engine,
    event,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.elements import ColumnClause

from pipeline.search.index_base import Found, SearchIndex
from pipeline.search.model import Criteria, IndexRow
from pipeline.search.tables import build_tables, criteria_clauses, read_row
from pipeline.search.text import ParsedQuery, index_terms, render_fts5
from schemas.errors import EnvironmentProblem, InternalError, TransientError

log = logging.getLogger(__name__)
FTS_TABLE = "search_fts"
# Built once: SQLAlchemy caches compiled statements per Table object, fresh tables per
# open_index missed the cache every time (3–4 ms per search).
TABLES = build_tables(None)
TITLE_WEIGHT = 4.0  # a word in the title counts four times one in the text (bm25 column weight)
RANK: ColumnClause[float] = literal_column(f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0)")
OPTIMIZE_AFTER = 10_000  # rows added in one refresh; merging FTS5's segments then takes ~1.5 s per 100,000
FTS_DDL = f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 2')"


def index_path_for(database: str | None) -> Path | None:
    """``intmk.sqlite3`` → ``intmk.search.sqlite3`` in the same folder; None for an in-memory store."""
    if not database or database == ":memory:":
        return None
    path = Path(database)
    return path.with_name(f"{path.stem}.search.sqlite3")


class SqliteSearchIndex(SearchIndex):
    def __init__(self, path: Path | None, busy_timeout_s: float = 30.0) -> None:
        self.path = path
        self.engine = open_index_engine(str(path) if path else None, busy_timeout_s)
        self.tables = TABLES
        self.fts = table(FTS_TABLE, column("rowid"))

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE: a second refresh waits (busy timeout) instead of indexing twice."""
        try:
            with self.engine.connect().execution_options(sqlite_immediate=True) as connection, connection.begin():
                yield connection
        except OperationalError as exc:
            raise classify_sqlite_error(exc) from exc

    def reset(self, connection: Connection) -> None:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        self.tables.metadata.drop_all(connection)
        self.tables.metadata.create_all(connection)
        connection.exec_driver_sql(FTS_DDL)

    def index_text(self, connection: Connection, rows: Sequence[tuple[int, IndexRow]]) -> None:
        values = [{"id": row_id, "title": index_terms(row.title), "body": index_terms(row.search_text)} for row_id, row in rows]
        connection.execute(text(f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (:id, :title, :body)"), values)

    def tidy(self, connection: Connection, added: int) -> None:
        """Merge the FTS5 segments into one after a bulk load (archive, rebuild): ~15 % faster queries."""
        if added >= OPTIMIZE_AFTER:
            connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))

    def forget_text(self, connection: Connection, rows: Sequence[RowMapping]) -> None:
        if not rows:
            return
        values = []
        for mapping in rows:
            row = read_row(mapping)
            values.append({"id": mapping["id"], "title": index_terms(row.title), "body": index_terms(row.search_text)})
        statement = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) VALUES ('delete', :id, :title, :body)"
        connection.execute(text(statement), values)

    def search(self, query: ParsedQuery, criteria: Criteria, limit: int | None) -> list[Found]:
        """Rank in FTS5 carrying only rowid and score, then read the few records shown."""
        records = self.tables.records
        clauses = criteria_clauses(records, criteria)
        source = self.fts.join(records, records.c.id == self.fts.c.rowid) if clauses else self.fts
        best = (
            select(self.fts.c.rowid.label("id"), RANK.label("rank"))
            .select_from(source)
            .where(text(f"{FTS_TABLE} MATCH :match"), *clauses)
            .order_by(RANK, self.fts.c.rowid)
            .limit(limit if limit is not None else -1)
            .subquery()
        )
        statement = select(records, (-best.c.rank).label("score")).join(best, best.c.id == records.c.id).order_by(best.c.rank, records.c.id)
        try:
            with self.engine.connect() as connection:
                result = connection.execute(statement, {"match": render_fts5(query)}).mappings().all()
        except OperationalError as exc:
            raise classify_sqlite_error(exc) from exc
        return [Found(read_row(mapping), float(mapping["score"])) for mapping in result]

    def size_bytes(self) -> int:
        """The index file with its write-ahead log (0 in memory)."""
        if self.path is None:
            return 0
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())


@lru_cache(maxsize=8)
def open_index_engine(path: str | None, busy_timeout_s: float) -> Engine:
    """One engine per index file and process; an in-memory index lives as long as the process."""
    if path is None:
        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{path}")
    timeout_ms = int(busy_timeout_s * 1000)

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection: sqlite3.Connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions begun below, as SQLAlchemy's docs advise
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # a lost index write is rebuilt from the store
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def classify_sqlite_error(exc: OperationalError) -> Exception:
    message = str(exc.orig).lower()
    if "locked" in message or "busy" in message:
        return TransientError("Der Suchindex wird gerade aktualisiert; bitte gleich noch einmal versuchen.")
    if "no such module: fts5" in message:
        return EnvironmentProblem("Diese SQLite-Version kann keine Volltextsuche (FTS5); bitte Python/SQLite aktualisieren.")
    if "fts5: syntax error" in message or "malformed match" in message:
        return InternalError(f"Die Suchanfrage wurde falsch übersetzt: {exc.orig}")
    return EnvironmentProblem(f"Fehler im Suchindex: {exc.orig}")
