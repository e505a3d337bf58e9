"""Bringing the search index up to date with the store, incrementally.

Indexed: every record of the current pipeline version's extraction (success or partial) of a
processed document. Each indexed document keeps a signature of what it was indexed from: the
extraction's id and status, its receipt, its conference and that conference's dates. A document
whose signature changed is indexed again; one that left the store, or has no extraction by the
current pipeline version, leaves the index. A change in the register of pending Bundesrat
procedures changes every record's Bundesrat flag, so it re-indexes everything. A fingerprint of
all signatures, computed by the database, makes the check cheap when nothing changed.

The extraction's time stamp is not part of the signature: the same SHA-256 and pipeline version
give the same records (RELIABILITY.md rule 3, ``pipeline.version``), and on SQLite reading that
column means walking past the records JSON of every document (60–130 ms for 2,000 documents of
50 records), a cost every search would pay.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, String, and_, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from pipeline.assignment import canonical_body
from pipeline.bundesrat.matching import (
    PreparedRegister,
    match_bundesrat,
    prepare_register,
)
from pipeline.bundesrat_service import is_pending, load_register
from pipeline.motion_service import check_conference
from pipeline.rules.checks import record_text
from pipeline.search.index_base import CHUNK, FORMAT, IndexState, chunked
from pipeline.search.model import ConferenceFacts, IndexRow, make_index_row
from pipeline.search.open import open_index
from pipeline.settings import Settings
from pipeline.storage import Database
from pipeline.storage.models import ConferenceRow, DocumentRow, ExtractionRow
from pipeline.version import PIPELINE_VERSION
from schemas import ExtractionRecord
from schemas.errors import IntmkError

log = logging.getLogger(__name__)
INDEXED_STATUSES = ("success", "partial")
Flags = dict[tuple[str, int], tuple[bool | None, bool]]  # (sha256, record index) → (late, bundesrat)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    sha256: str
    signature: str
    conference: ConferenceFacts | None
    conference_id: int | None


def refresh_index(db: Database, settings: Settings) -> int:
    """Index what changed in the store since the last refresh; returns the number of records indexed.

    Cheap when nothing changed (one aggregate query on each side, no lock, no row per document in
    Python); called before every search and export, and by whatever stores documents.
    """
    index = open_index(db, settings)
    register = [p for p in load_register(db) if is_pending(p)]
    context = fingerprint([[p.drucksache, p.title, p.status] for p in register])
    store = fingerprint_store(db)
    with index.engine.connect() as connection:
        state = index.read_state(connection, signatures=False)
    if (state.format, state.context, state.store) == (FORMAT, context, store):
        return 0
    stored = load_stored_documents(db)
    with index.writing() as connection:  # under the lock: another refresh may have done it meanwhile
        state = index.read_state(connection)
        if state.format != FORMAT:
            log.info("Suchindex wird neu aufgebaut (Format %s → %s)", state.format, FORMAT)
            index.reset(connection)
            state = IndexState()
        changes = find_changes(state, stored, context)
        index.remove_documents(connection, changes.stale)
        builder = RowBuilder(db, settings, prepare_register(register))
        added = 0
        for batch in batches(changes.todo):
            rows = builder.build(batch)
            index.add_documents(connection, rows, {doc.sha256: doc.signature for doc in batch})
            added += len(rows)
        index.save_state(connection, context, store)
        index.tidy(connection, added)
    if changes.pending:
        log.info("Suchindex: %d Datensätze neu, %d Dokumente entfernt oder ersetzt", added, len(changes.stale))
    return added


def fingerprint_store(db: Database) -> str:
    """One value that changes whenever a document's signature would (see ``load_stored_documents``):
    its parts concatenated in the database, so an unchanged store costs no Python object per document."""
    part = (
        cast(ExtractionRow.id, String) + "|" + ExtractionRow.status + "|" + func.coalesce(cast(DocumentRow.received, String), "")
        + "|" + func.coalesce(cast(DocumentRow.conference_id, String), "")
    )
    documents = select_stored(part.label("part"), DocumentRow.sha256.label("sha256"))
    with db.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            ordered = documents.subquery()
            joined = session.scalar(select(func.string_agg(ordered.c.part, aggregate_order_by(literal(","), ordered.c.sha256))))
        else:  # SQLite keeps the order of the subquery in practice; another order only costs a full comparison
            ordered = documents.order_by(DocumentRow.sha256).subquery()
            joined = session.scalar(select(func.group_concat(ordered.c.part, ",")))
        conferences = [describe_conference(row)[1] for row in session.scalars(select(ConferenceRow).order_by(ConferenceRow.id))]
    return fingerprint([PIPELINE_VERSION, joined or "", conferences])


def select_stored(*columns) -> Select:
    """Processed documents with an extraction of this pipeline version (success or partial)."""
    return (
        select(*columns)
        .join(ExtractionRow, and_(ExtractionRow.sha256 == DocumentRow.sha256, ExtractionRow.pipeline_version == PIPELINE_VERSION))
        .where(DocumentRow.state == "processed", ExtractionRow.status.in_(INDEXED_STATUSES))
    )


@dataclass(frozen=True, slots=True)
class Changes:
    stale: list[str]  # indexed documents to remove (gone or changed)
    todo: list[StoredDocument]  # documents to index (new or changed)
    reset: bool = False

    @property
    def pending(self) -> bool:
        return bool(self.stale or self.todo or self.reset)


def find_changes(state: IndexState, stored: dict[str, StoredDocument], context: str) -> Changes:
    """What differs between the index and the store; everything when the format or the register changed."""
    if state.format != FORMAT or state.context != context:
        return Changes(list(state.signatures), list(stored.values()), reset=True)
    stale = [sha for sha, signature in state.signatures.items() if sha not in stored or stored[sha].signature != signature]
    todo = [doc for sha, doc in stored.items() if state.signatures.get(sha) != doc.signature]
    return Changes(stale, todo)


def load_stored_documents(db: Database) -> dict[str, StoredDocument]:
    """Every processed document with an extraction of this pipeline version, with its signature."""
    # the receipt as stored text: parsing thousands of datetimes would cost more than the query
    query = select_stored(DocumentRow.sha256, DocumentRow.conference_id, cast(DocumentRow.received, String),
                          ExtractionRow.id, ExtractionRow.status)
    with db.session() as session:
        conferences = {row.id: describe_conference(row) for row in session.scalars(select(ConferenceRow))}
        rows = session.execute(query).all()
    documents = {}
    for sha, conference_id, received, extraction_id, status in rows:
        facts, conference_signature = conferences.get(conference_id, (None, ""))
        signature = f"{extraction_id}|{status}|{received}|{conference_id}|{conference_signature}"
        documents[sha] = StoredDocument(sha, signature, facts, conference_id if facts else None)
    return documents


def describe_conference(row: ConferenceRow) -> tuple[ConferenceFacts, str]:
    """What the index takes from a conference, and what its flags depend on (the deadline: Regularien 4.3)."""
    facts = ConferenceFacts(row.body, row.number, row.start.year, row.session)
    return facts, fingerprint([row.body, row.number, row.session, row.start, row.end, row.pre_conference, row.digital])[:16]


def batches(documents: Sequence[StoredDocument]) -> Iterable[list[StoredDocument]]:
    """Documents in batches, those of one conference together (their checks run once)."""
    ordered = sorted(documents, key=lambda doc: (doc.conference_id or 0, doc.sha256))
    for start in range(0, len(ordered), CHUNK // 5):
        yield ordered[start : start + CHUNK // 5]


class RowBuilder:
    """Index rows of documents, with the late and Bundesrat flags of Regularien 4.3."""

    def __init__(self, db: Database, settings: Settings, register: PreparedRegister) -> None:
        self.db, self.settings, self.register = db, settings, register
        self.conference_flags: dict[int, Flags] = {}
        self.bodies: dict[str, str] = {}

    def build(self, documents: list[StoredDocument]) -> list[IndexRow]:
        records = self.load_records([doc.sha256 for doc in documents])
        rows = []
        for doc in documents:
            flags = self.flags_of_conference(doc) if doc.conference is not None else {}
            for index, record in enumerate(records.get(doc.sha256, [])):
                late, bundesrat = flags.get((doc.sha256, index)) or (None, self.match_register(record))
                body = self.canonical(record.body or (doc.conference.body if doc.conference else None))
                rows.append(make_index_row(doc.sha256, index, record, doc.conference, late, bundesrat, body))
        return rows

    def load_records(self, sha256s: list[str]) -> dict[str, list[ExtractionRecord]]:
        found: dict[str, list[ExtractionRecord]] = defaultdict(list)
        with self.db.session() as session:
            for chunk in chunked(sha256s):
                query = select(ExtractionRow.sha256, ExtractionRow.records).where(
                    ExtractionRow.sha256.in_(chunk), ExtractionRow.pipeline_version == PIPELINE_VERSION)
                for sha, records in session.execute(query):
                    found[sha] = [ExtractionRecord.model_validate(data) for data in records]
        return found

    def flags_of_conference(self, doc: StoredDocument) -> Flags:
        """The checks of ``intmk check`` for the document's conference, computed once per refresh."""
        assert doc.conference is not None and doc.conference_id is not None
        if doc.conference_id not in self.conference_flags:
            flags: Flags = {}
            try:
                report = check_conference(self.db, self.settings, doc.conference.body, doc.conference.number)
            except IntmkError as exc:
                log.warning("Prüfung von %s-%s für den Suchindex nicht möglich: %s",
                            doc.conference.body, doc.conference.number, exc.message)
                report = None
            counters: dict[str, int] = defaultdict(int)
            for item in report.items if report else []:
                flags[(item.sha256, counters[item.sha256])] = (item.checks.late, item.checks.bundesrat is not None)
                counters[item.sha256] += 1
            self.conference_flags[doc.conference_id] = flags
        return self.conference_flags[doc.conference_id]

    def match_register(self, record: ExtractionRecord) -> bool:
        """Regularien 4.3 for a record of no conference: title, text and Begründung against the register."""
        return bool(self.register.titles or self.register.by_number) and match_bundesrat(record_text(record), self.register) is not None

    def canonical(self, body: str | None) -> str:
        body = body or self.settings.default_body
        if body not in self.bodies:
            self.bodies[body] = canonical_body(body, self.settings)
        return self.bodies[body]


def fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, default=str).encode()).hexdigest()
