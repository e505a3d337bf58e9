"""One vocabulary for the inbox's counts, the same in a pass's summary and in ``intmk status``.

Two units, never mixed:

* a **file** (Datei) is one thing dropped into the inbox; an e-mail is one file. Every file ends
  processed, quarantined or duplicate, or it is still waiting (in the inbox or in ``processing/``).
* an **attachment** (E-Mail-Anhang) is one PDF/DOCX inside an e-mail that was read; it ends
  processed, quarantined or duplicate like a file, but is not a file of its own.

A pass counts what it finished; ``intmk status`` counts what all passes finished, from the store.
Both go through :func:`tally`, so the sum of the passes' counts is the status's count. ``waiting``
is a snapshot: what is still waiting now.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.inbox.outcome import DUPLICATE, PROCESSED, QUARANTINED, QUEUED, DocumentOutcome

FINISHED = (PROCESSED, QUARANTINED, DUPLICATE)


@dataclass(frozen=True, slots=True)
class InboxCounts:
    files: Mapping[str, int]  # processed, quarantined, duplicate
    attachments: Mapping[str, int]  # processed, quarantined, duplicate
    in_inbox: int = 0  # waiting in the inbox (still being written, or not yet claimed)
    in_processing: int = 0  # claimed, kept after a problem: the next pass tries again

    @property
    def waiting(self) -> int:
        return self.in_inbox + self.in_processing

    def as_json(self) -> dict:
        """The keys of ``intmk status --json`` and ``intmk run --json`` (README)."""
        return {
            **name_outcomes(self.files),
            "queued": self.waiting,
            "in_inbox": self.in_inbox,
            "in_processing": self.in_processing,
            "attachments": name_outcomes(self.attachments),
        }


def name_outcomes(counts: Mapping[str, int]) -> dict[str, int]:
    return {"processed": counts[PROCESSED], "quarantined": counts[QUARANTINED], "duplicates": counts[DUPLICATE]}


def tally(
    files: Mapping[str, int], attachments: Mapping[str, int], *, in_inbox: int, in_processing: int
) -> InboxCounts:
    """The counts from finished outcomes per unit; anything not finished is left to ``waiting``."""
    return InboxCounts(
        files={outcome: files.get(outcome, 0) for outcome in FINISHED},
        attachments={outcome: attachments.get(outcome, 0) for outcome in FINISHED},
        in_inbox=in_inbox,
        in_processing=in_processing,
    )


def count_pass(outcomes: Iterable[DocumentOutcome], still_written: int) -> InboxCounts:
    """What one pass finished: its files, their attachments, and what it left waiting."""
    outcomes = list(outcomes)
    files = Counter(o.outcome for o in outcomes)
    attachments = Counter(a.outcome for o in outcomes for a in o.attachments)
    return tally(files, attachments, in_inbox=still_written, in_processing=files[QUEUED])
