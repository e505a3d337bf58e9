"""The tables of the search index (SQLAlchemy Core, outside the models' metadata).

The index is derived data, rebuilt from the store whenever its format changes, so it is not part
of the Alembic migrations: on SQLite it lives in its own file next to the store, on PostgreSQL in
its own schema ``intmk_search``. Alembic's comparison of models and migrations never sees it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.schema import SchemaItem

from pipeline.search.model import (
    Criteria,
    IndexRow,
    decode_applicants,
    encode_applicants,
)

# Raise when what the index stores, or how it stems, changes: the index is then rebuilt.
INDEX_FORMAT = 1


@dataclass(frozen=True, slots=True)
class IndexTables:
    metadata: MetaData
    meta: Table
    documents: Table
    records: Table


def build_tables(schema: str | None, *extra: SchemaItem) -> IndexTables:
    """The ordinary tables of the index; ``extra`` columns of one backend go into ``records``."""
    metadata = MetaData(schema=schema)
    meta = Table("search_meta", metadata, Column("key", String(32), primary_key=True), Column("value", Text, nullable=False))
    documents = Table(
        "search_documents", metadata,
        Column("sha256", String(64), primary_key=True),
        Column("signature", Text, nullable=False),  # what was indexed: extraction, assignment, receipt
    )
    records = Table(
        "search_records", metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("sha256", String(64), nullable=False),
        Column("record_index", Integer, nullable=False),
        Column("document_type", String(32), nullable=False),
        Column("body", String(32)),
        Column("number", Integer),
        Column("year", Integer),
        Column("session", String(32)),
        Column("top", String(32)),
        Column("title", Text),
        Column("subtitle", Text),
        Column("applicants", String(64), nullable=False),
        Column("outcome", String(16)),
        Column("page", Integer),
        Column("late", Boolean),
        Column("bundesrat", Boolean, nullable=False),
        Column("ocr", Boolean, nullable=False),
        Column("decision_text", Text),
        Column("statements", Text, nullable=False),
        *extra,
        UniqueConstraint("sha256", "record_index"),
        Index("ix_search_records_number", "number"),
        Index("ix_search_records_year", "year"),
    )
    return IndexTables(metadata, meta, documents, records)


def row_values(row: IndexRow, row_id: int | None = None) -> dict:
    """An index row as the values of one insert into ``search_records``."""
    values = {
        "sha256": row.sha256, "record_index": row.record_index, "document_type": row.document_type,
        "body": row.body, "number": row.number, "year": row.year, "session": row.session, "top": row.top,
        "title": row.title, "subtitle": row.subtitle, "applicants": encode_applicants(row.applicants),
        "outcome": row.outcome, "page": row.page, "late": row.late, "bundesrat": row.bundesrat, "ocr": row.ocr,
        "decision_text": row.decision_text, "statements": row.statements_json(),
    }
    if row_id is not None:
        values["id"] = row_id
    return values


def read_row(mapping) -> IndexRow:
    """An index row back from a result row of ``search_records``."""
    statements = tuple((tuple(item["by"]), item["text"]) for item in json.loads(mapping["statements"] or "[]"))
    return IndexRow(
        sha256=mapping["sha256"], record_index=mapping["record_index"], document_type=mapping["document_type"],
        body=mapping["body"], number=mapping["number"], year=mapping["year"], session=mapping["session"],
        top=mapping["top"], title=mapping["title"], subtitle=mapping["subtitle"],
        applicants=decode_applicants(mapping["applicants"]), outcome=mapping["outcome"], page=mapping["page"],
        late=mapping["late"], bundesrat=bool(mapping["bundesrat"]), ocr=bool(mapping["ocr"]),
        decision_text=mapping["decision_text"], statements=statements,
    )


def criteria_clauses(records: Table, criteria: Criteria) -> list[ColumnElement[bool]]:
    """The filters as WHERE clauses on ``search_records`` (the same on SQLite and PostgreSQL)."""
    clauses: list[ColumnElement[bool]] = []
    if criteria.body is not None:
        clauses.append(func.lower(records.c.body) == criteria.body.lower())
    for name in ("number", "year", "outcome", "document_type"):
        value = getattr(criteria, name)
        if value is not None:
            clauses.append(records.c[name] == value)
    if criteria.land is not None:
        clauses.append(records.c.applicants.like(f"%|{criteria.land}|%"))
    if criteria.late is not None:
        clauses.append(records.c.late.is_(true()) if criteria.late else records.c.late.is_not(true()))
    if criteria.bundesrat is not None:
        clauses.append(records.c.bundesrat.is_(true()) if criteria.bundesrat else records.c.bundesrat.is_not(true()))
    return clauses
