"""Service functions for motions: register files, assign them to a conference, check them.

A motion belongs to the conference its header names; otherwise to its body's next conference
after its receipt; a clerk can reassign it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from extractors.hashing import sha256_file
from pipeline.assignment import assign_document, require_conference
from pipeline.bundesrat_service import load_pending_register
from pipeline.conference_service import ConferencePlan, load_plan, parse_conference_ref
from pipeline.receipt import Receipt, read_sidecar, resolve_receipt
from pipeline.rules.calendar import find_motion_deadline
from pipeline.rules.checks import CheckContext, check_record
from pipeline.service import FileResult, extract_file
from pipeline.settings import Settings
from pipeline.storage import Database
from pipeline.storage.conferences import require_conference_row
from pipeline.storage.documents import (
    find_document,
    list_documents_of_conference,
    load_records,
    record_document,
    store_extraction,
)
from pipeline.storage.models import ConferenceRow, DocumentRow
from pipeline.version import PIPELINE_VERSION
from schemas import ExtractionRecord
from schemas.rules import MotionChecks


@dataclass(slots=True)
class StoredFile:
    """What registering one file did."""

    result: FileResult
    sha256: str | None = None
    duplicate: bool = False
    conference: str | None = None
    assigned_by: str | None = None


@dataclass(slots=True)
class CheckedRecord:
    sha256: str
    name: str
    record: ExtractionRecord
    checks: MotionChecks


@dataclass(slots=True)
class ConferenceCheck:
    plan: ConferencePlan
    items: list[CheckedRecord] = field(default_factory=list)
    not_extracted: list[str] = field(default_factory=list)


def add_motion_files(
    db: Database,
    settings: Settings,
    paths: Iterable[Path],
    *,
    received: dt.datetime | None = None,
    land: str | None = None,
    conference: tuple[str, int] | None = None,
) -> list[StoredFile]:
    """Extract each file, store it with its receipt and assign it; a bad file never stops the rest."""
    return [add_motion_file(db, settings, path, received, land, conference) for path in paths]


def add_motion_file(db, settings, path, received, land, conference) -> StoredFile:
    known = find_stored_duplicate(db, path)
    if known is not None:  # same bytes already stored and read: no second extraction
        return known
    result = extract_file(path, settings)
    if result.error is not None and result.error.code == "file_access":
        return StoredFile(result)
    sidecar = read_sidecar(path)
    receipt = resolve_receipt(first_seen=dt.datetime.now(dt.UTC), override=received, sidecar=sidecar, land=land)
    if conference is None and sidecar is not None and sidecar.conference:
        conference = parse_conference_ref(sidecar.conference)
    sha256 = sha256_file(path)
    with db.session() as session:
        document, new = record_document(session, sha256, path.name, path.stat().st_size, receipt)
        if not new:
            return StoredFile(result, sha256, duplicate=True, conference=describe_assignment(session, document))
        store_extraction(session, sha256, PIPELINE_VERSION, result.records, result.error)
        if result.ok:
            assign_document(session, settings, document, result.records, conference)
        return StoredFile(result, sha256, conference=describe_assignment(session, document), assigned_by=document.assigned_by)


def find_stored_duplicate(db: Database, path: Path) -> StoredFile | None:
    """The stored result for a regular file whose bytes were already read by this version."""
    try:
        sha256 = sha256_file(path) if path.is_file() else None
    except OSError:
        sha256 = None
    if sha256 is None:
        return None  # extract_file classifies missing, unreadable and special files
    with db.session() as session:
        document = session.get(DocumentRow, sha256)
        records = load_records(session, sha256, PIPELINE_VERSION) if document else None
        if document is None or not records:
            return None
        result = FileResult(str(path), records=records)
        return StoredFile(result, sha256, duplicate=True, conference=describe_assignment(session, document))


def describe_assignment(session: Session, document: DocumentRow) -> str | None:
    if document.conference_id is None:
        return None
    row = session.get(ConferenceRow, document.conference_id)
    return f"{row.body}-{row.number}" if row else None


def reassign_document(db: Database, settings: Settings, hash_prefix: str, body: str, number: int) -> tuple[str, str]:
    """A clerk moves a stored motion to another conference."""
    with db.session() as session:
        document = find_document(session, hash_prefix)
        row = require_conference(session, settings, body, number)
        document.conference_id, document.assigned_by = row.id, "clerk"
        return document.sha256, f"{row.body}-{row.number}"


def check_conference(db: Database, settings: Settings, body: str, number: int) -> ConferenceCheck:
    """Every stored motion of the conference with its checks (Regularien 4.3, 7)."""
    plan = load_plan(db, settings, body, number)
    deadline = find_motion_deadline(plan.conference, plan.profile)
    context = CheckContext(plan.conference, plan.profile, deadline, load_pending_register(db))
    with db.session() as session:
        conference = require_conference_row(session, plan.conference.body, number)
        documents = list_documents_of_conference(session, conference.id)
        report = ConferenceCheck(plan)
        for document in documents:
            records = load_records(session, document.sha256, PIPELINE_VERSION)
            if records is None:
                report.not_extracted.append(document.sha256)
                continue
            receipt = stored_receipt(document)
            for record in records:
                checks = check_record(record, context, receipt, document.assigned_by)
                report.items.append(CheckedRecord(document.sha256, document.original_name, record, checks))
    return report


def stored_receipt(document: DocumentRow) -> Receipt | None:
    if document.received is None:
        return None
    return Receipt(document.first_seen, document.received, document.received_source or "inbox", document.submitted_by, document.sender)
