"""``intmk reprocess``: read a stored original again with this pipeline version.

The extraction is stored under the new version beside the old one (RELIABILITY.md rule 3); the
document is not duplicated. If the outcome changes, the original moves between archive and
quarantine; it is never rewritten.
"""

from __future__ import annotations

from sqlalchemy import select

from extractors.email_message import is_email_file
from pipeline.assignment import assign_document
from pipeline.inbox import moves
from pipeline.inbox.outcome import PROCESSED, QUARANTINED, DocumentOutcome, document_logger
from pipeline.inbox.process import KEPT_ERRORS, PassContext, store_with_retry
from pipeline.inbox.reasons import describe_quarantine
from pipeline.service import FileResult, extract_file
from pipeline.storage.documents import find_document, store_extraction
from pipeline.storage.models import DocumentRow, ExtractionRow
from pipeline.version import PIPELINE_VERSION
from schemas.errors import ErrorCode, UsageProblem


def reprocess_document(ctx: PassContext, hash_prefix: str) -> DocumentOutcome:
    with ctx.db.session() as session:
        document = find_document(session, hash_prefix)
        if document.location is None:
            raise UsageProblem(
                f"Das Original von {document.original_name} liegt nicht im Archiv (mit »intmk motion add« erfasst); "
                "bitte die Datei erneut in den Eingang legen.", code=ErrorCode.NOT_FOUND)
        sha256, name, location = document.sha256, document.original_name, document.location
        first_seen = document.first_seen
    source = ctx.folders.resolve(location)
    if is_email_file(source):
        raise UsageProblem("Eine E-Mail selbst wird nicht neu gelesen; bitte die Hashes ihrer Anhänge angeben.")
    result = extract_file(source, ctx.settings)
    if result.error is not None and result.exit_code in KEPT_ERRORS:
        raise KEPT_ERRORS[result.exit_code](result.error.message, code=ErrorCode(result.error.code))
    target, outcome = _place(ctx, sha256, name, result)
    if target != source:
        if outcome == QUARANTINED:
            text = describe_quarantine(name, sha256, first_seen, result.error.code, result.error.message)
            moves.write_note(moves.note_path(target, moves.REASON_FILE), text)
        moves.publish(source, target)
    new_location = ctx.folders.locate("archive" if outcome == PROCESSED else "quarantine", target)
    store_with_retry(ctx, lambda s: _store(s, ctx, sha256, new_location, result))
    document_logger(__name__, sha256).info("neu gelesen mit Version %s: %s", PIPELINE_VERSION, outcome)
    return DocumentOutcome(name=name, outcome=outcome, sha256=sha256, records=len(result.records),
                           reason_code=result.error.code if result.error else None,
                           reason=result.error.message if result.error else None)


def _place(ctx: PassContext, sha256: str, name: str, result: FileResult):
    if result.error is None:
        return moves.archive_path(ctx.folders.archive, sha256, name), PROCESSED
    return moves.quarantine_path(ctx.folders.quarantine, sha256, name), QUARANTINED


def _store(session, ctx: PassContext, sha256: str, location: str, result: FileResult) -> None:
    store_extraction(session, sha256, PIPELINE_VERSION, result.records, result.error)
    document = session.get(DocumentRow, sha256)
    document.location = location
    if result.error is None and document.assigned_by != "clerk":
        assign_document(session, ctx.settings, document, result.records, None)


def list_outdated(ctx: PassContext) -> list[str]:
    """Stored originals (not e-mails) without an extraction by this pipeline version."""
    with ctx.db.session() as session:
        current = select(ExtractionRow.sha256).where(ExtractionRow.pipeline_version == PIPELINE_VERSION)
        query = select(DocumentRow).where(DocumentRow.location.is_not(None), DocumentRow.sha256.not_in(current))
        documents = list(session.scalars(query.order_by(DocumentRow.first_seen)))
    return [d.sha256 for d in documents if not is_email_file(ctx.folders.resolve(d.location))]
