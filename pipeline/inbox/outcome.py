"""What happened to one file of a pass, as data for the summary, the logs and ``intmk status``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from schemas.errors import ExitCode

PROCESSED, QUARANTINED, DUPLICATE, QUEUED = "processed", "quarantined", "duplicate", "queued"


@dataclass(slots=True)
class DocumentOutcome:
    """One claimed file (or one attachment of an e-mail) and what became of it."""

    name: str
    outcome: str  # processed | quarantined | duplicate | queued (kept after a problem)
    sha256: str | None = None
    claim_id: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    records: int = 0
    conference: str | None = None
    late: bool = False
    bundesrat: bool = False
    bundesrat_unknown: list[str] = field(default_factory=list)  # cited Drucksachen the register lacks
    bundesrat_unchecked: bool = False  # the Bundesrat register is empty: nothing was checked
    recovered: bool = False  # finished after a crash of an earlier run
    exit_code: ExitCode = ExitCode.OK
    attachments: list[DocumentOutcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.outcome == QUARANTINED:  # a rejected file makes the batch exit with 3
            self.exit_code = ExitCode.INPUT_FILE

    @property
    def short_hash(self) -> str:
        return self.sha256[:12] if self.sha256 else "------------"


class HashLogger(logging.LoggerAdapter):
    """Every log line carries the document's short hash (DESIGN.md)."""

    def process(self, msg, kwargs):
        return f"[{self.extra['hash']}] {msg}", kwargs


def document_logger(name: str, sha256: str | None) -> HashLogger:
    return HashLogger(logging.getLogger(name), {"hash": sha256[:12] if sha256 else "------------"})
