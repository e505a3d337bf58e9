"""What both kinds of search index do alike: state, adding and removing documents, listing."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, RowMapping, delete, func, inspect, select

from pipeline.search.model import Criteria, IndexRow
from pipeline.search.tables import (
    INDEX_FORMAT,
    IndexTables,
    criteria_clauses,
    read_row,
    row_values,
)
from pipeline.search.text import STEMMER_ID, ParsedQuery

FORMAT = f"{INDEX_FORMAT}/{STEMMER_ID}"
CHUNK = 500  # keys per IN (...) list


@dataclass(slots=True)
class IndexState:
    """What the index holds: its format, the context its flags were computed in, a fingerprint of
    the store it was last brought up to date with, and per document the signature of what was indexed."""

    format: str | None = None
    context: str | None = None
    store: str | None = None
    signatures: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Found:
    row: IndexRow
    score: float
    headline: str | None = None  # PostgreSQL's ts_headline; SQLite snippets are made in Python


class SearchIndex(ABC):
    """A search index over the stored records; subclasses add the full-text part."""

    engine: Engine
    tables: IndexTables

    @abstractmethod
    def writing(self) -> AbstractContextManager[Connection]:
        """One write transaction, with only one writer at a time."""

    @abstractmethod
    def reset(self, connection: Connection) -> None:
        """Drop and create the index (empty)."""

    @abstractmethod
    def search(self, query: ParsedQuery, criteria: Criteria, limit: int | None) -> list[Found]:
        """Matching records, best first."""

    def forget_text(self, connection: Connection, rows: Sequence[RowMapping]) -> None:
        """Remove rows about to be deleted from the full-text part (where it is separate)."""

    def index_text(self, connection: Connection, rows: Sequence[tuple[int, IndexRow]]) -> None:
        """Add newly inserted rows to the full-text part (where it is separate)."""

    def extra_values(self, row: IndexRow) -> dict:
        return {}

    def tidy(self, connection: Connection, added: int) -> None:
        """After a refresh that added ``added`` rows: keep queries fast (where there is something to do)."""

    def read_state(self, connection: Connection, *, signatures: bool = True) -> IndexState:
        """The index's state; without ``signatures`` only the few values of its meta table."""
        if not inspect(connection).has_table(self.tables.meta.name, schema=self.tables.meta.schema):
            return IndexState()
        meta: dict[str, str] = {key: value for key, value in connection.execute(select(self.tables.meta.c.key, self.tables.meta.c.value))}
        state = IndexState(meta.get("format"), meta.get("context"), meta.get("store"))
        if signatures:
            documents = self.tables.documents
            state.signatures = {sha: signature for sha, signature in connection.execute(select(documents.c.sha256, documents.c.signature))}
        return state

    def save_state(self, connection: Connection, context: str, store: str) -> None:
        meta = self.tables.meta
        connection.execute(delete(meta))
        values = {"format": FORMAT, "context": context, "store": store}
        connection.execute(meta.insert(), [{"key": key, "value": value} for key, value in values.items()])

    def remove_documents(self, connection: Connection, sha256s: Iterable[str]) -> None:
        records, documents = self.tables.records, self.tables.documents
        for chunk in chunked(sorted(sha256s)):
            rows = connection.execute(select(records).where(records.c.sha256.in_(chunk))).mappings().all()
            self.forget_text(connection, rows)
            connection.execute(delete(records).where(records.c.sha256.in_(chunk)))
            connection.execute(delete(documents).where(documents.c.sha256.in_(chunk)))

    def add_documents(self, connection: Connection, rows: Sequence[IndexRow], signatures: dict[str, str]) -> None:
        """Insert the rows of documents not in the index (remove them first when they were)."""
        records = self.tables.records
        first = (connection.execute(select(func.max(records.c.id))).scalar() or 0) + 1
        numbered = list(enumerate(rows, start=first))
        if numbered:
            connection.execute(records.insert(), [{**row_values(row, row_id), **self.extra_values(row)} for row_id, row in numbered])
            self.index_text(connection, numbered)
        if signatures:
            connection.execute(self.tables.documents.insert(), [{"sha256": sha, "signature": sig} for sha, sig in signatures.items()])

    def select_rows(self, criteria: Criteria) -> list[IndexRow]:
        """Every indexed record the criteria allow, without a full-text query."""
        records = self.tables.records
        query = select(records).where(*criteria_clauses(records, criteria)).order_by(records.c.id)
        with self.engine.connect() as connection:
            return [read_row(mapping) for mapping in connection.execute(query).mappings()]

    def count_rows(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(self.tables.records)).scalar_one()


def chunked(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
