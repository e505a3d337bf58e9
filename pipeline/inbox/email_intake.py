"""E-mails saved as ``.eml``: the attachments are the motions, the Date header is the receipt time.

The e-mail itself is archived as received; each PDF or DOCX attachment becomes a document of its
own (``parent_sha256`` points to the e-mail), with the e-mail's date and sender as its receipt.
"""

from __future__ import annotations

import hashlib

from extractors.email_message import EmailContent, read_email
from pipeline.inbox import moves
from pipeline.inbox.claim import ATTACHMENTS
from pipeline.inbox.outcome import PROCESSED, DocumentOutcome, document_logger
from pipeline.inbox.process import Incoming, PassContext, find_document, process_document, publish_and_store, quarantine
from pipeline.isolation import run_isolated
from pipeline.receipt import EmailFacts
from pipeline.service import FileResult, process_limits, write_bytes_atomically
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
        known = find_document(ctx, sha256)
        if known is not None:  # stored before, maybe by an interrupted run on this very e-mail
            recovered = known.parent_sha256 == parent.sha256
            return DocumentOutcome(name=attachment.name, outcome=known.state if recovered else "duplicate",
                                   sha256=sha256, recovered=recovered)
        path = parent.claim.folder / ATTACHMENTS / f"{index:02d}-{attachment.name}"
        write_bytes_atomically(path, attachment.data)
        child = Incoming(parent.claim, sha256, path, attachment.name, sidecar=parent.sidecar, email=parent.email,
                         parent_sha256=parent.sha256)
        return process_document(child, ctx)
