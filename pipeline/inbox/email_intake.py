"""E-mails saved as ``.eml``: the attachments are the motions, the Date header is the receipt time.

The e-mail itself is archived as received; each PDF or DOCX attachment becomes a document of its
own (``parent_sha256`` points to the e-mail), with the e-mail's date and sender as its receipt.
"""

from __future__ import annotations

import hashlib

from extractors.email_message import EmailContent, read_email
from pipeline.inbox import moves
from pipeline.inbox.claim import ATTACHMENTS
from pipeline.inbox.outcome import DUPLICATE, PROCESSED, DocumentOutcome, document_logger
from pipeline.inbox.process import (
    Incoming,
    PassContext,
    find_document,
    process_document,
    publish_and_store,
    quarantine,
    store_with_retry,
)
from pipeline.isolation import run_isolated
from pipeline.receipt import EmailFacts
from pipeline.service import FileResult, process_limits, write_bytes_atomically
from pipeline.storage.arrivals import list_attachments, record_attachment
from pipeline.storage.models import DocumentRow
from schemas import ErrorInfo
from schemas.errors import InputError


def process_email(incoming: Incoming, ctx: PassContext) -> DocumentOutcome:
    log = document_logger(__name__, incoming.sha256)
    settings = ctx.settings
    try:
        content: EmailContent = run_isolated(
            read_email, incoming.current, settings.extraction_limits(), limits=process_limits(settings)
        )
    except InputError as exc:
        return quarantine(incoming, ctx, ErrorInfo(code=str(exc.code), message=exc.message))
    incoming.email = EmailFacts(content.date, content.sender)
    children = [process_attachment(incoming, ctx, index, attachment) for index, attachment in enumerate(content.attachments, 1)]
    target = moves.archive_path(ctx.folders.archive, incoming.sha256, incoming.name)
    outcome = publish_and_store(incoming, ctx, target, PROCESSED, result=FileResult(str(incoming.current)))
    outcome.attachments = children
    log.info("E-Mail von %s mit %d Anhang/Anhängen verarbeitet", content.sender or "unbekannt", len(children))
    return outcome


def process_attachment(parent: Incoming, ctx: PassContext, index: int, attachment) -> DocumentOutcome:
    """One attachment, written into the claim folder, then read like a dropped file."""
    sha256 = hashlib.sha256(attachment.data).hexdigest()
    with ctx.lock_for(sha256):
        done = find_recorded_attachment(ctx, parent, index, sha256)
        if done is not None:  # recorded by an interrupted run on this very e-mail
            return done
        known = find_document(ctx, sha256)
        if known is not None:
            return record_duplicate_attachment(parent, ctx, index, attachment.name, sha256)
        path = parent.claim.folder / ATTACHMENTS / f"{index:02d}-{attachment.name}"
        write_bytes_atomically(path, attachment.data)
        child = Incoming(parent.claim, sha256, path, attachment.name, sidecar=parent.sidecar, email=parent.email,
                         parent_sha256=parent.sha256, position=index)
        return process_document(child, ctx)


def find_recorded_attachment(ctx: PassContext, parent: Incoming, index: int, sha256: str) -> DocumentOutcome | None:
    """The outcome an earlier run of this e-mail stored for attachment ``index``, if any.

    A document from this e-mail without an attachment row was stored before rows were kept
    (migration 0005): its row is written now, unless another attachment of the e-mail has its bytes.
    """
    claim_id = parent.claim.claim_id
    with ctx.db.session() as session:
        rows = list_attachments(session, claim_id)
        row = next((r for r in rows if r.position == index and r.sha256 == sha256), None)
        if row is not None:
            return DocumentOutcome(name=row.name, outcome=row.outcome, sha256=sha256, reason_code=row.reason_code,
                                   reason=row.reason, recovered=True)
        document = session.get(DocumentRow, sha256)
        if document is None or document.parent_sha256 != parent.sha256 or any(r.sha256 == sha256 for r in rows):
            return None
        reason = (document.reason_code, document.reason) if document.reason_code else None
        record_attachment(session, claim_id, index, document.original_name, sha256, document.state, reason)
        return DocumentOutcome(name=document.original_name, outcome=document.state, sha256=sha256,
                               reason_code=document.reason_code, reason=document.reason, recovered=True)


def record_duplicate_attachment(parent: Incoming, ctx: PassContext, index: int, name: str, sha256: str) -> DocumentOutcome:
    """Same bytes as a stored document: not read again, but counted (the e-mail keeps the bytes)."""
    store_with_retry(ctx, lambda s: record_attachment(s, parent.claim.claim_id, index, name, sha256, DUPLICATE))
    document_logger(__name__, sha256).info("Anhang %s: Dublette", name)
    return DocumentOutcome(name=name, outcome=DUPLICATE, sha256=sha256)
