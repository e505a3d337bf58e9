"""Documents and their extractions in the store (RELIABILITY.md rule 3: keyed by SHA-256 + version)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.receipt import Receipt
from pipeline.storage.models import DocumentRow, ExtractionRow
from schemas import ErrorInfo, ExtractionRecord
from schemas.errors import ErrorCode, UsageProblem


def record_document(session: Session, sha256: str, name: str, size: int, receipt: Receipt) -> tuple[DocumentRow, bool]:
    """The stored document for these bytes, and whether it is new (False: a duplicate)."""
    row = session.get(DocumentRow, sha256)
    if row is not None:
        return row, False
    row = DocumentRow(
        sha256=sha256,
        original_name=name,
        size=size,
        state="queued",
        first_seen=receipt.first_seen,
        received=receipt.received,
        received_source=receipt.source,
        submitted_by=receipt.submitted_by,
        sender=receipt.sender,
    )
    session.add(row)
    session.flush()
    return row, True


def store_extraction(
    session: Session,
    sha256: str,
    version: str,
    records: list[ExtractionRecord],
    error: ErrorInfo | None = None,
) -> ExtractionRow:
    """Insert or replace the extraction of one document by one pipeline version."""
    query = select(ExtractionRow).where(ExtractionRow.sha256 == sha256, ExtractionRow.pipeline_version == version)
    row = session.scalars(query).one_or_none() or ExtractionRow(sha256=sha256, pipeline_version=version)
    row.status = "failure" if error else ("partial" if any(r.status == "partial" for r in records) else "success")
    row.records = [record.model_dump(mode="json") for record in records]
    row.error_code = error.code if error else None
    row.error_message = error.message if error else None
    row.created = dt.datetime.now(dt.UTC)
    session.add(row)
    document = session.get(DocumentRow, sha256)
    if document is not None:
        document.state = "quarantined" if error else "processed"
        document.reason_code = row.error_code
        document.reason = row.error_message
    session.flush()
    return row


def find_document(session: Session, hash_prefix: str) -> DocumentRow:
    """A document by its SHA-256 or an unambiguous prefix of at least 6 characters."""
    prefix = hash_prefix.strip().lower()
    if len(prefix) < 6:
        raise UsageProblem("Bitte mindestens die ersten 6 Zeichen des SHA-256-Hashes angeben.")
    rows = list(session.scalars(select(DocumentRow).where(DocumentRow.sha256.startswith(prefix)).limit(2)))
    if not rows:
        raise UsageProblem(f"Kein Dokument mit dem Hash {prefix} gespeichert.", code=ErrorCode.NOT_FOUND)
    if len(rows) > 1:
        raise UsageProblem(f"Der Hash-Anfang {prefix} ist mehrdeutig; bitte mehr Zeichen angeben.")
    return rows[0]


def load_records(session: Session, sha256: str, version: str) -> list[ExtractionRecord] | None:
    """The stored records of a document for this pipeline version, or None if not extracted yet."""
    query = select(ExtractionRow).where(ExtractionRow.sha256 == sha256, ExtractionRow.pipeline_version == version)
    row = session.scalars(query).one_or_none()
    if row is None:
        return None
    return [ExtractionRecord.model_validate(data) for data in row.records]


def list_documents_of_conference(session: Session, conference_id: int) -> list[DocumentRow]:
    query = select(DocumentRow).where(DocumentRow.conference_id == conference_id)
    return list(session.scalars(query.order_by(DocumentRow.received, DocumentRow.sha256)))


def list_unassigned_documents(session: Session) -> list[DocumentRow]:
    query = select(DocumentRow).where(DocumentRow.conference_id.is_(None), DocumentRow.state == "processed")
    return list(session.scalars(query.order_by(DocumentRow.received)))


def export_records(session: Session, version: str) -> list[ExtractionRecord]:
    """Every stored record of this pipeline version, in the order the documents were stored."""
    query = (
        select(ExtractionRow.records)
        .where(ExtractionRow.pipeline_version == version, ExtractionRow.status != "failure")
        .order_by(ExtractionRow.created, ExtractionRow.sha256)
    )
    return [ExtractionRecord.model_validate(data) for rows in session.scalars(query) for data in rows]


def latest_extraction_time(session: Session) -> dt.datetime | None:
    return session.scalar(select(func.max(ExtractionRow.created)))
