"""The intermediate text model every reader (PDF, DOCX, later OCR) produces.

A reader turns a file into ``TextDocument``: printed lines in reading order, each with its page
and, where the format has one, its position. Running headers, footers and page markers are
already removed; text is not yet dehyphenated (that needs the neighbouring line, see
``extractors.text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from schemas import ErrorInfo


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line (PDF) or one paragraph (DOCX)."""

    text: str
    page: int  # 1-based
    top: float | None = None  # distance from the top of the page in points (PDF only)
    x0: float | None = None  # left edge in points (PDF only)
    size: float | None = None  # font size in points, where known
    bold: bool = False
    style: str | None = None  # DOCX paragraph style name, e.g. "Heading 1"
    in_table: bool = False  # DOCX: text came from a table cell


@dataclass(slots=True)
class TextDocument:
    """A readable document: its lines plus what the reader learned on the way."""

    path: str
    sha256: str
    format: Literal["pdf", "docx"]
    page_count: int
    lines: list[Line] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    outline: list[tuple[int, str, int | None]] = field(default_factory=list)  # (level, title, page)
    ocr: bool = False
    pages_without_text: list[int] = field(default_factory=list)  # pages needing OCR
    problems: list[ErrorInfo] = field(default_factory=list)  # partial-success notes
    # Text of removed running headers/footers, most frequent first: they name the conference and
    # are trusted over a cover page (samples/README.md).
    running_headers: list[str] = field(default_factory=list)
