"""The list of the submitted originals behind the Sitzungsunterlagen (Regularien 4.1): which are
appended to the PDF and which could not be, so that nobody misses an original without being told."""

from __future__ import annotations

from collections.abc import Sequence

from schemas.documents import Attachment, Block

ORIGINALS_HEADING = "Angehängte Originale"


def describe_originals(originals: Sequence[tuple[Attachment, str | None]]) -> list[Block]:
    """One line per original in TOP order; ``reason`` set: it could not be appended, and why."""
    if not originals:
        return []
    lines = [describe_original(attachment, reason) for attachment, reason in originals]
    return [
        Block(kind="heading", level=1, text=ORIGINALS_HEADING),
        Block(kind="paragraph", text="Die eingereichten Beschlussvorschläge folgen im PDF in dieser Reihenfolge:"),
        Block(kind="bullets", items=lines),
    ]


def describe_original(attachment: Attachment, reason: str | None) -> str:
    """'Original zu TOP 4: Titel' or 'Original zu TOP 4: Titel – konnte nicht angehängt werden (…)'."""
    line = f"{attachment.bookmark}: {attachment.title}"
    if reason is None:
        return line
    return f"{line} – konnte nicht angehängt werden ({reason}); bitte bei der Geschäftsstelle anfordern."
