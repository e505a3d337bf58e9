"""One scanned file through digitization: hash, skip if done, OCR where needed, extract, store.

Plain functions (no Prefect): the flow hands each file to a Dask worker, tests call them directly.
The original is only read; the searchable PDF/A goes to ``out/digitalisat/`` mirroring the tree.
A file is done once its row for this SHA-256 and pipeline version is committed, so a killed batch
resumes where it stopped (RELIABILITY.md: nothing lost, nothing twice).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.hashing import sha256_file
from extractors.ocr_runner import KILL_GRACE_SECONDS, read_archive_file
from pipeline.assignment import assign_document
from pipeline.inbox.folders import resolve_folders
from pipeline.isolation import ProcessLimits, run_isolated
from pipeline.receipt import Receipt
from pipeline.service import process_limits
from pipeline.settings import Settings
from pipeline.storage import connect
from pipeline.storage.documents import record_document, store_extraction
from pipeline.storage.models import DigitizationRow
from pipeline.version import PIPELINE_VERSION
from schemas import ExtractionRecord
from schemas.errors import ErrorCode, ExitCode, IntmkError

OUTPUT_FOLDER = "digitalisat"
OCR_TEMP_FOLDER = "ocr-arbeit"


@dataclass(slots=True)
class DigitizeOutcome:
    """What happened to one file; one line of the CSV report."""

    path: str
    sha256: str | None
    outcome: str  # digitalisiert | übersprungen | fehler
    pages: int = 0
    ocr_pages: int = 0
    confidence: float | None = None
    records: int = 0
    seconds: float = 0.0
    output: str | None = None
    pdfa: str | None = None  # "2B" when the searchable copy is PDF/A-2b
    reason_code: str | None = None
    reason: str | None = None
    exit_code: ExitCode = ExitCode.OK  # of a failure: input, environment, bug (README "Exit codes")


def digitize_file(path: Path, root: Path, settings: Settings) -> DigitizeOutcome:
    """Never raises for a bad file: its classified error is the outcome, the batch goes on."""
    started = time.monotonic()
    sha256: str | None = None
    records: list[ExtractionRecord] = []
    try:
        sha256 = sha256_file(path)
        if is_done(settings, sha256):
            return DigitizeOutcome(str(path), sha256, "übersprungen", reason="bereits digitalisiert (gleicher Inhalt)")
        outcome, records = read_scan(path, root, sha256, settings)
    except IntmkError as exc:
        outcome = DigitizeOutcome(str(path), sha256, "fehler", reason_code=str(exc.code), reason=exc.message,
                                  exit_code=exc.exit_code)
    except OSError as exc:
        outcome = DigitizeOutcome(str(path), sha256, "fehler", reason_code=ErrorCode.FILE_ACCESS.value,
                                  reason=f"Datei nicht lesbar: {exc.strerror}", exit_code=ExitCode.ENVIRONMENT)
    outcome.seconds = round(time.monotonic() - started, 2)
    if sha256 is not None:
        save_result(settings, path, root, outcome, records)
    return outcome


def read_scan(path: Path, root: Path, sha256: str, settings: Settings) -> tuple[DigitizeOutcome, list[ExtractionRecord]]:
    """OCR where pages lack a usable text layer, then extract; all in a limited child process
    (RELIABILITY.md rule 5), which runs Tesseract in turn."""
    target = output_path(path, root, sha256, settings)
    reading = run_isolated(partial(read_archive_file, **ocr_options(settings)), path, target,
                           limits=ocr_limits(settings))
    outcome = DigitizeOutcome(str(path), sha256, "digitalisiert", pages=reading.pages, records=len(reading.records))
    if reading.ocr is not None:
        outcome.ocr_pages, outcome.confidence, outcome.output = reading.ocr.ocr_pages, reading.ocr.confidence, str(target)
        outcome.pdfa = reading.ocr.pdfa
    return outcome, reading.records


def ocr_options(settings: Settings) -> dict:
    return {"language": settings.ocr_language, "timeout": settings.ocr_timeout_seconds, "deskew": settings.ocr_deskew,
            "limits": settings.extraction_limits(), "temp_root": ocr_temp_root(settings)}


def ocr_limits(settings: Settings) -> ProcessLimits:
    """The extraction's limits plus the OCR's time: the child waits for Tesseract, which kills itself in time."""
    limits = process_limits(settings)
    ocr_seconds = settings.ocr_timeout_seconds + KILL_GRACE_SECONDS
    return ProcessLimits(timeout_s=limits.timeout_s + ocr_seconds, cpu_s=limits.cpu_s + math.ceil(ocr_seconds),
                         memory_mb=limits.memory_mb)


def ocr_temp_root(settings: Settings) -> Path:
    """The OCR work folders inside the home, so that a killed run's leftovers can be found."""
    folder = settings.home / OCR_TEMP_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def output_path(path: Path, root: Path, sha256: str, settings: Settings) -> Path:
    """``out/digitalisat/<folders below root>/<name>-<hash>.pdf``: the tree mirrored, never a name clash."""
    relative = path.resolve().relative_to(root.resolve())
    folder = resolve_folders(settings).out / OUTPUT_FOLDER / relative.parent
    return folder / f"{relative.stem}-{sha256[:12]}.pdf"


def is_done(settings: Settings, sha256: str) -> bool:
    with connect(settings).session() as session:
        query = select(DigitizationRow.id).where(
            DigitizationRow.sha256 == sha256, DigitizationRow.pipeline_version == PIPELINE_VERSION,
            DigitizationRow.outcome == "digitalisiert")
        return session.scalar(query) is not None


def save_result(settings: Settings, path: Path, root: Path, outcome: DigitizeOutcome, records: list[ExtractionRecord]) -> None:
    """One transaction: the document, its records and conference, and the file's digitization row.

    A later run skips a file whose row says done and tries a failed one again.
    """
    with connect(settings).session() as session:
        if outcome.outcome == "digitalisiert" and outcome.sha256 is not None:
            store_document(session, settings, path, root, outcome.sha256, records)
        query = select(DigitizationRow).where(DigitizationRow.sha256 == outcome.sha256,
                                              DigitizationRow.pipeline_version == PIPELINE_VERSION)
        row = session.scalars(query).one_or_none() or DigitizationRow(sha256=outcome.sha256, pipeline_version=PIPELINE_VERSION)
        row.source_path, row.output_path, row.outcome = outcome.path, outcome.output, outcome.outcome
        row.pages, row.ocr_pages, row.confidence = outcome.pages, outcome.ocr_pages, outcome.confidence
        row.reason_code, row.reason, row.seconds = outcome.reason_code, outcome.reason, outcome.seconds
        row.finished = dt.datetime.now(dt.UTC)
        session.add(row)


def store_document(session: Session, settings: Settings, path: Path, root: Path, sha256: str, records: list[ExtractionRecord]) -> None:
    """Received: unknown (it comes from an archive); assigned to the conference its header names."""
    receipt = Receipt(first_seen=dt.datetime.now(dt.UTC), received=None, source="archive")
    document, _ = record_document(session, sha256, str(path.relative_to(root)), path.stat().st_size, receipt)
    store_extraction(session, sha256, PIPELINE_VERSION, records)
    assign_document(session, settings, document, records, None)
