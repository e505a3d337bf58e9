"""The search index on PostgreSQL: ``to_tsvector('german', …)`` with a GIN index, in the schema
``intmk_search`` of the store's database (outside the migrated tables, see ``tables``).

The title is weighted A and the text B; ``ts_rank_cd`` ranks with weights that make one word in
the title count as much as five in the text; ``ts_headline`` marks the snippet with «…».
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Column,
    Computed,
    Connection,
    Engine,
    Index,
    Text,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.sql.elements import ColumnClause, ColumnElement

from pipeline.search.index_base import Found, SearchIndex
from pipeline.search.model import Criteria, IndexRow
from pipeline.search.tables import build_tables, criteria_clauses, read_row
from pipeline.search.text import MARK_CLOSE, MARK_OPEN, SNIPPET_WORDS, ParsedQuery

SCHEMA = "intmk_search"
CONFIG: ColumnClause[Any] = literal_column("'german'::regconfig")
SIMPLE: ColumnClause[Any] = literal_column("'simple'::regconfig")
WEIGHTS: ColumnClause[Any] = literal_column("'{0.1, 0.1, 0.2, 1.0}'::float4[]")  # D, C, B (text), A (title)
LOCK_KEY = 0x696E746D6B  # "intmk": one refresh at a time (pg_advisory_xact_lock)
TSV = (
    "setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('german'::regconfig, coalesce(search_text, '')), 'B')"
)
HEADLINE_OPTIONS = (
    f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxWords={SNIPPET_WORDS + 5}, MinWords={SNIPPET_WORDS - 10}, "
    "ShortWord=2, MaxFragments=1, HighlightAll=false"
)

# Built once, as in index_sqlite: compiled statements are cached per Table object.
TABLES = build_tables(
    SCHEMA,
    Column("search_text", Text, nullable=False),
    Column("tsv", TSVECTOR, Computed(TSV, persisted=True)),
    Index("ix_search_records_tsv", "tsv", postgresql_using="gin"),
)

class PostgresSearchIndex(SearchIndex):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.tables = TABLES

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            connection.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))
            yield connection

    def reset(self, connection: Connection) -> None:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        self.tables.metadata.create_all(connection)

    def extra_values(self, row: IndexRow) -> dict:
        return {"search_text": row.search_text}

    def search(self, query: ParsedQuery, criteria: Criteria, limit: int | None) -> list[Found]:
        records = self.tables.records
        tsquery = build_tsquery(query)
        score = func.ts_rank_cd(WEIGHTS, records.c.tsv, tsquery)
        best = (
            select(records.c.id, score.label("score"))
            .where(records.c.tsv.op("@@")(tsquery), *criteria_clauses(records, criteria))
            .order_by(score.desc(), records.c.id)
            .limit(limit)
            .subquery()
        )
        full_text = func.concat_ws("\n\n", records.c.title, records.c.search_text)
        headline = func.ts_headline(CONFIG, full_text, tsquery, HEADLINE_OPTIONS)
        statement = (
            select(records, best.c.score, headline.label("headline"))
            .join(best, best.c.id == records.c.id)
            .order_by(best.c.score.desc(), records.c.id)
        )
        with self.engine.connect() as connection:
            result = connection.execute(statement).mappings().all()
        return [Found(read_row(mapping), float(mapping["score"]), mapping["headline"]) for mapping in result]


def build_tsquery(query: ParsedQuery):
    """Every word, phrase and prefix must match; PostgreSQL stems words and phrases ('german')."""
    parts = [func.plainto_tsquery(CONFIG, word) for word in query.words]
    parts += [func.phraseto_tsquery(CONFIG, " ".join(phrase)) for phrase in query.phrases]
    parts += [func.to_tsquery(SIMPLE, f"{prefix}:*") for prefix in query.prefixes]
    combined: ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        combined = combined.op("&&")(part)
    return combined
