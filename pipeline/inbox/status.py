"""``intmk status``: counts per state (inbox.counts), the files waiting, and an audit of store against folders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from extractors.hashing import sha256_file
from pipeline.inbox.claim import list_open_claims, scan_inbox
from pipeline.inbox.counts import InboxCounts, tally
from pipeline.inbox.folders import Folders
from pipeline.inbox.moves import NOTE_FILE, REASON_FILE
from pipeline.storage import Database
from pipeline.storage.arrivals import count_attachment_outcomes, count_outcomes, list_arrivals
from pipeline.storage.models import ArrivalRow, DocumentRow


@dataclass(slots=True)
class WaitingFile:
    name: str
    where: str  # inbox | processing
    since: str | None = None  # claim time (ISO) for claimed files
    reason: str | None = None  # why it was kept, if a run tried


@dataclass(slots=True)
class InboxStatus:
    counts: InboxCounts
    documents: int  # stored documents: files, attachments and digitized archive files, without duplicates
    waiting: list[WaitingFile] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {**self.counts.as_json(), "documents": self.documents, "waiting": [vars_of(w) for w in self.waiting],
                "ignored": self.ignored}


def vars_of(item: WaitingFile) -> dict:
    return {"name": item.name, "where": item.where, "since": item.since, "reason": item.reason}


def read_status(db: Database, folders: Folders, settle_seconds: float) -> InboxStatus:
    """What all passes finished, per file and per e-mail attachment, and what is waiting now."""
    with db.session() as session:
        files = count_outcomes(session)
        attachments = count_attachment_outcomes(session)
        queued = {row.claim_id: row for row in list_arrivals(session, "queued")}
        documents = session.scalar(select(func.count()).select_from(DocumentRow))
    scan = scan_inbox(folders.inbox, settle_seconds)
    waiting = [WaitingFile(p.name, "inbox") for p in scan.ready + scan.waiting]
    for claim in list_open_claims(folders):
        row = queued.get(claim.claim_id)
        waiting.append(WaitingFile(claim.name or "(nur Aufräumen)", "processing", claim.claimed_at.isoformat(),
                                   row.reason if row else None))
    in_inbox = len(scan.ready) + len(scan.waiting)
    counts = tally(files, attachments, in_inbox=in_inbox, in_processing=len(waiting) - in_inbox)
    return InboxStatus(counts, documents, waiting, [p.name for p in scan.ignored])


def audit_folders(db: Database, folders: Folders, *, verify_hashes: bool = True) -> list[str]:
    """Problems between store and folders (empty when RELIABILITY.md's invariants hold).

    Every finished arrival's original lies where the store says, byte-identical; every stored
    document's original exists; every file in archive, quarantine and duplicates is known.
    """
    problems: list[str] = []
    known: set = set()
    with db.session() as session:
        arrivals = list(session.scalars(select(ArrivalRow).where(ArrivalRow.outcome != "queued")))
        documents = list(session.scalars(select(DocumentRow).where(DocumentRow.location.is_not(None))))
    for label, sha256, location in [(a.original_name, a.sha256, a.location) for a in arrivals] + [
        (d.original_name, d.sha256, d.location) for d in documents
    ]:
        path = folders.resolve(location)
        known.add(path)
        if not path.is_file():
            problems.append(f"{label}: Original fehlt unter {path}")
        elif verify_hashes and sha256_file(path) != sha256:
            problems.append(f"{label}: Original unter {path} ist verändert")
    for kind in ("archive", "quarantine", "duplicates"):
        for path in getattr(folders, kind).rglob("*"):
            if path.is_file() and path not in known and not is_pipeline_note(path, known):
                problems.append(f"{path}: Datei ohne gespeicherten Datensatz")
    return problems


def is_pipeline_note(path: Path, originals: set[Path]) -> bool:
    """Reason files, duplicate notes, and the sidecar that travelled with a known original."""
    if path.name in (REASON_FILE, NOTE_FILE, "_" + REASON_FILE, "_" + NOTE_FILE):
        return True
    return path.name.endswith(".toml") and path.with_name(path.name.removesuffix(".toml")) in originals
