"""The stages for one claimed file: hash → sniff → extract → publish → store → check.

Publishing comes before the store commit: the original is moved to its final folder, then one
transaction stores the document, its extraction and the arrival's outcome. If the commit fails the
original is taken back to its claim folder; if the process dies in between, the next run finds the
arrival still queued and the original already published, reads it there and commits
(RELIABILITY.md rule 8: recovery from our own reconciliation, not from Prefect retries).
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from extractors.email_message import is_email_file
from extractors.hashing import sha256_file
from pipeline.assignment import assign_document
from pipeline.conference_service import parse_conference_ref
from pipeline.inbox import moves
from pipeline.inbox.checking import CheckCache
from pipeline.inbox.claim import ATTACHMENTS, Claim
from pipeline.inbox.folders import Folders
from pipeline.inbox.outcome import DUPLICATE, PROCESSED, QUARANTINED, QUEUED, DocumentOutcome, document_logger
from pipeline.inbox.reasons import describe_duplicate, describe_quarantine
from pipeline.receipt import (
    SIDECAR_ADVICE,
    EmailFacts,
    Receipt,
    Sidecar,
    find_sidecar,
    read_sidecar,
    resolve_receipt,
)
from pipeline.service import FileResult, extract_file
from pipeline.settings import Settings
from pipeline.storage import Database
from pipeline.storage.arrivals import ensure_arrival, finish_arrival, note_arrival_problem, record_attachment
from pipeline.storage.documents import record_document, store_extraction
from pipeline.storage.models import ArrivalRow, DocumentRow
from pipeline.version import PIPELINE_VERSION
from schemas import ErrorInfo
from schemas.errors import (
    ConfigError,
    EnvironmentProblem,
    ErrorCode,
    ExitCode,
    IntmkError,
    InternalError,
    TransientError,
    UsageProblem,
)

# Problems that are not the file's fault: it stays queued (RELIABILITY.md rule 4).
KEPT_ERRORS = {
    ExitCode.ENVIRONMENT: EnvironmentProblem,
    ExitCode.TRANSIENT: TransientError,
    ExitCode.CONFIG: ConfigError,
    ExitCode.INTERNAL: InternalError,
}


@dataclass
class PassContext:
    """What every stage of one pass shares."""

    settings: Settings
    folders: Folders
    db: Database
    checks: CheckCache
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def lock_for(self, sha256: str) -> threading.Lock:
        """Two copies of the same bytes in one pass are handled one after the other."""
        with self._guard:
            return self._locks.setdefault(sha256, threading.Lock())


@dataclass(slots=True)
class Incoming:
    """One original on its way: where it lies now and what is known about it."""

    claim: Claim
    sha256: str
    current: Path
    name: str  # as received: the dropped file's name, or the attachment's
    sidecar: Sidecar | None = None
    email: EmailFacts | None = None
    parent_sha256: str | None = None
    position: int | None = None  # an attachment's place in its e-mail (1, 2, …)


def process_claim(claim: Claim, ctx: PassContext) -> DocumentOutcome | None:
    """Take one claim to its end; a bad file never raises, a kept one says why."""
    try:
        if not claim.name:  # the original left the claim folder before a crash
            recovered = recover_moved_original(claim, ctx)
            if recovered is None:
                return None
            claim, arrival = recovered
            if not claim.path.exists():
                return finish_committed(claim, ctx, arrival)
        return _process_claim(claim, ctx)
    except IntmkError as exc:
        return keep_queued(claim, ctx, exc)
    except Exception as exc:  # noqa: BLE001 - a bug: keep the file, alert with the stack trace
        logging.getLogger(__name__).exception("Programmfehler bei %s", claim.name)
        return keep_queued(claim, ctx, InternalError(f"Programmfehler: {type(exc).__name__}: {exc}"))


def _process_claim(claim: Claim, ctx: PassContext) -> DocumentOutcome | None:
    sha256 = sha256_file(claim.path)
    with ctx.lock_for(sha256):
        arrival = store_with_retry(ctx, lambda s: _ensure(s, claim, sha256))
        if arrival.outcome != QUEUED:  # committed before a crash: only the moves are left
            return finish_committed(claim, ctx, arrival)
        incoming = Incoming(claim, sha256, claim.path, claim.name)
        try:
            incoming.sidecar = read_sidecar(claim.path)
            check_requested_conference(incoming.sidecar, claim)
        except UsageProblem as exc:
            return quarantine(incoming, ctx, ErrorInfo(code=ErrorCode.INVALID_DATA, message=exc.message))
        if (first := find_document(ctx, sha256)) is not None:
            return mark_duplicate(incoming, ctx, first)
        if is_email_file(claim.path):
            from pipeline.inbox.email_intake import process_email  # noqa: PLC0415 - avoids an import cycle

            return process_email(incoming, ctx)
        return process_document(incoming, ctx)


def check_requested_conference(sidecar: Sidecar | None, claim: Claim) -> None:
    """A conference the sidecar names must be readable (else the file was kept queued for ever)."""
    if sidecar is None or not sidecar.conference:
        return
    try:
        parse_conference_ref(sidecar.conference)
    except UsageProblem as exc:
        raise UsageProblem(
            f"Die Begleitdatei {claim.name}.toml nennt die Konferenz „{sidecar.conference}“, erwartet ist z. B. "
            f"conference = \"IntMK 23\". {SIDECAR_ADVICE}") from exc


def _ensure(session, claim: Claim, sha256: str) -> ArrivalRow:
    return ensure_arrival(session, claim.claim_id, claim.name, claim.claimed_at, sha256)


def find_document(ctx: PassContext, sha256: str) -> DocumentRow | None:
    with ctx.db.session() as session:
        return session.get(DocumentRow, sha256)


def process_document(incoming: Incoming, ctx: PassContext) -> DocumentOutcome:
    """Extract in a limited child, then publish and store the result."""
    log = document_logger(__name__, incoming.sha256)
    result = extract_file(incoming.current, ctx.settings)
    if result.error is not None and result.exit_code in KEPT_ERRORS:
        raise KEPT_ERRORS[result.exit_code](result.error.message, code=ErrorCode(result.error.code))
    if result.error is not None:
        log.info("Quarantäne: %s (%s)", result.error.message, result.error.code)
        return quarantine(incoming, ctx, result.error, result=result)
    target = moves.archive_path(ctx.folders.archive, incoming.sha256, incoming.name)
    outcome = publish_and_store(incoming, ctx, target, PROCESSED, result=result)
    log.info("verarbeitet: %s, %d Tagesordnungspunkt(e)", incoming.name, outcome.records)
    return outcome


def build_receipt(incoming: Incoming) -> Receipt:
    return resolve_receipt(first_seen=incoming.claim.claimed_at, sidecar=incoming.sidecar, email=incoming.email)


def quarantine(
    incoming: Incoming, ctx: PassContext, error: ErrorInfo, *, result: FileResult | None = None
) -> DocumentOutcome:
    """Bad input: the original goes to ``quarantine/<hash>/`` with a reason file a clerk can read."""
    target = moves.quarantine_path(ctx.folders.quarantine, incoming.sha256, incoming.name)
    result = result or FileResult(str(incoming.current), error=error, exit_code=ExitCode.INPUT_FILE)
    text = describe_quarantine(incoming.name, incoming.sha256, incoming.claim.claimed_at, error.code, error.message)
    note = (moves.note_path(target, moves.REASON_FILE), text)
    return publish_and_store(incoming, ctx, target, QUARANTINED, result=result, note=note)


def mark_duplicate(incoming: Incoming, ctx: PassContext, first: DocumentRow | None = None) -> DocumentOutcome:
    """Same bytes as a stored document: kept in ``duplicates/<claim>/`` with a note, never read again."""
    first = first or find_document(ctx, incoming.sha256)
    text = describe_duplicate(incoming.name, incoming.sha256, first.original_name, first.first_seen)
    target = moves.duplicate_path(ctx.folders.duplicates, incoming.claim.claim_id, incoming.name)
    note = moves.note_path(target, moves.NOTE_FILE)
    return publish_and_store(incoming, ctx, target, DUPLICATE, note=(note, text))


def publish_and_store(
    incoming: Incoming,
    ctx: PassContext,
    target: Path,
    outcome: str,
    *,
    result: FileResult | None = None,
    note: tuple[Path, str] | None = None,
) -> DocumentOutcome:
    """Move the original to ``target``, then commit everything in one transaction."""
    kind = {PROCESSED: "archive", QUARANTINED: "quarantine", DUPLICATE: "duplicates"}[outcome]
    if note is not None:
        moves.write_note(*note)
    size = incoming.current.stat().st_size
    try:
        moves.publish(incoming.current, target)
    except moves.TargetTaken:  # the same bytes were published meanwhile: this copy is a duplicate
        return mark_duplicate(incoming, ctx)
    location = ctx.folders.locate(kind, target)
    receipt = build_receipt(incoming)
    try:
        assigned = store_with_retry(ctx, lambda s: _store(s, incoming, ctx, outcome, location, size, result, receipt))
    except BaseException:
        moves.take_back(target, incoming.current)
        raise
    incoming.current = target
    if incoming.parent_sha256 is None:
        move_sidecar_along(incoming.claim.path, target)
        finish_claim_folder(incoming.claim)
    done = DocumentOutcome(
        name=incoming.name,
        outcome=outcome, sha256=incoming.sha256, claim_id=incoming.claim.claim_id,
        reason_code=result.error.code if result and result.error else None,
        reason=result.error.message if result and result.error else None,
        records=len(result.records) if result else 0,
    )
    if assigned is not None:
        ctx.checks.annotate(done, result.records, receipt, *assigned)
    return done


def _store(session, incoming, ctx, outcome, location, size, result, receipt) -> tuple[int, str] | None:
    """Arrival outcome, document, extraction and assignment in one transaction."""
    reason = (result.error.code, result.error.message) if result and result.error else None
    if incoming.parent_sha256 is None:
        finish_arrival(session, incoming.claim.claim_id, outcome, location, reason)
    else:
        record_attachment(session, incoming.claim.claim_id, incoming.position, incoming.name, incoming.sha256,
                          outcome, reason)
    if outcome == DUPLICATE:
        return None
    document, _ = record_document(session, incoming.sha256, incoming.name, size, receipt)
    document.location, document.parent_sha256 = location, incoming.parent_sha256
    store_extraction(session, incoming.sha256, PIPELINE_VERSION, result.records, result.error)
    if outcome == PROCESSED and result.records:
        requested = parse_conference_ref(incoming.sidecar.conference) if incoming.sidecar and incoming.sidecar.conference else None
        assign_document(session, ctx.settings, document, result.records, requested)
        if document.conference_id is not None:
            return document.conference_id, document.assigned_by
    return None


def store_with_retry(ctx: PassContext, work: Callable):
    """One transaction; a locked database is retried with backoff (RELIABILITY.md rule 4)."""
    settings = ctx.settings

    @retry(
        retry=retry_if_exception_type(TransientError),
        stop=stop_after_attempt(settings.store_attempts),
        wait=wait_exponential(multiplier=settings.store_backoff_seconds, max=30),
        reraise=True,
    )
    def attempt():
        try:
            with ctx.db.session() as session:
                return work(session)
        except IntegrityError as exc:  # another writer stored the same key first
            raise TransientError(f"Gleichzeitige Speicherung: {exc.orig}") from exc

    return attempt()


def load_arrival(ctx: PassContext, claim_id: str) -> ArrivalRow | None:
    with ctx.db.session() as session:
        return session.get(ArrivalRow, claim_id)


def recover_moved_original(claim: Claim, ctx: PassContext) -> tuple[Claim, ArrivalRow] | None:
    """A claim folder without its original: a crash came after publishing.

    If the store holds the outcome, only the clean-up is left. If not, the original is taken back
    from where it was published and read again, so it is stored exactly once.
    """
    arrival = load_arrival(ctx, claim.claim_id)
    if arrival is None or arrival.sha256 is None:
        finish_claim_folder(claim)  # the crash came before the rename: nothing was claimed
        return None
    claim = Claim(claim.claim_id, claim.folder, arrival.original_name)
    if arrival.outcome != QUEUED:
        return claim, arrival
    for candidate in published_candidates(ctx, claim, arrival.sha256):
        if candidate.is_file():
            moves.take_back(candidate, claim.path)
            return claim, arrival
    document_logger(__name__, arrival.sha256).error("Original von %s nicht gefunden", claim.name)
    return None


def published_candidates(ctx: PassContext, claim: Claim, sha256: str) -> list[Path]:
    """Where ``publish_and_store`` may have moved the original before the crash."""
    return [
        moves.archive_path(ctx.folders.archive, sha256, claim.name),
        moves.quarantine_path(ctx.folders.quarantine, sha256, claim.name),
        moves.duplicate_path(ctx.folders.duplicates, claim.claim_id, claim.name),
    ]


def finish_committed(claim: Claim, ctx: PassContext, arrival: ArrivalRow) -> DocumentOutcome:
    """The store already holds the outcome: finish the move that a crash interrupted."""
    target = ctx.folders.resolve(arrival.location)
    if claim.path.exists():
        moves.publish(claim.path, target)
    move_sidecar_along(claim.path, target)
    finish_claim_folder(claim)
    return DocumentOutcome(name=claim.name, outcome=arrival.outcome, sha256=arrival.sha256, claim_id=claim.claim_id,
                           reason_code=arrival.reason_code, reason=arrival.reason, recovered=True)


def move_sidecar_along(document: Path, target: Path) -> None:
    sidecar = find_sidecar(document)
    if sidecar is not None:
        moves.publish(sidecar, target.with_name(target.name + ".toml"))


def finish_claim_folder(claim: Claim) -> None:
    """Remove the emptied claim folder (and e-mail attachment copies we wrote there ourselves)."""
    shutil.rmtree(claim.folder / ATTACHMENTS, ignore_errors=True)
    try:
        claim.folder.rmdir()
    except FileNotFoundError:
        pass
    except OSError:
        document_logger(__name__, None).warning("Arbeitsordner %s ist nicht leer; bleibt liegen.", claim.folder)


def keep_queued(claim: Claim, ctx: PassContext, exc: IntmkError) -> DocumentOutcome:
    """Environment, transient or bug: the original stays in its claim folder for the next run."""
    log = document_logger(__name__, None)
    log.warning("%s bleibt in Arbeit: %s", claim.name, exc.message)
    try:
        with ctx.db.session() as session:
            note_arrival_problem(session, claim.claim_id, str(exc.code), exc.message)
    except IntmkError:
        pass  # the database itself is the problem; the file is safe in processing/
    return DocumentOutcome(name=claim.name, outcome=QUEUED, claim_id=claim.claim_id, reason_code=str(exc.code),
                           reason=exc.message, exit_code=exc.exit_code)
