"""The pdfplumber side of the PDF reader: two-column pages and files pypdfium2 cannot open.

pdfplumber (pdfminer) is slow (~70 ms per page) and an unclosed page keeps ~7 MB, so it is
opened only when a page needs it and every page is closed right after reading.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from extractors.document import Line
from extractors.pdf_layout import Box, classify_page_text, find_gutter, lines_from_words
from extractors.pdf_structure import MSG_DAMAGED, MSG_ENCRYPTED
from schemas.errors import ErrorCode, InputError

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PageResult:
    """One page as read: its lines and whether it had a usable text layer."""

    number: int  # 1-based
    height: float = 0.0
    lines: list[Line] = field(default_factory=list)
    status: str = "text"  # text | short | scan | junk | failed


class PlumberPages:
    """pdfplumber, opened only when a page needs it; every page is closed after reading."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pdf: pdfplumber.PDF | None = None

    def __enter__(self) -> PlumberPages:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pdf is not None:
            self._pdf.close()

    def read_columns(self, index: int, gutter: float) -> list[Line] | None:
        """Lines of a two-column page split at ``gutter``; None if pdfplumber fails."""
        try:
            result = self.read_page(index, gutter)
        except InputError:
            return None
        return result.lines if result.status != "failed" else None

    def read_page(self, index: int, gutter: float | None = None) -> PageResult:
        """Read one page; status "failed" if the page is broken.

        Raises ``ENCRYPTED`` or ``DAMAGED_FILE`` if pdfplumber cannot open the file at all.
        """
        pdf = self._open()
        result = PageResult(index + 1)
        try:
            page = pdf.pages[index]
            try:
                words = page.extract_words(extra_attrs=["size", "fontname"])
                result.height = float(page.height)
                boxes = [_word_box(w) for w in words]
                result.status = classify_page_text(" ".join(b.text for b in boxes))
                if result.status == "short" and page.images:
                    result.status = "scan"
                if gutter is None and result.status == "text":
                    gutter = find_gutter(boxes)
                result.lines = lines_from_words(boxes, index + 1, gutter)
            finally:
                page.close()
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types
            log.debug("pdfplumber failed on page %d: %r", index + 1, exc)
            result.status, result.lines = "failed", []
        return result

    def _open(self) -> pdfplumber.PDF:
        if self._pdf is None:
            try:
                self._pdf = pdfplumber.open(self._path)
                _ = self._pdf.pages  # parses the page tree
            except MemoryError:
                raise
            except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types
                if self._pdf is not None:
                    self._pdf.close()
                    self._pdf = None
                if "password" in type(exc).__name__.lower():
                    raise InputError(MSG_ENCRYPTED, code=ErrorCode.ENCRYPTED) from exc
                raise InputError(MSG_DAMAGED, code=ErrorCode.DAMAGED_FILE) from exc
        return self._pdf


def _word_box(word: dict) -> Box:
    return Box(
        x0=float(word["x0"]), x1=float(word["x1"]), top=float(word["top"]), bottom=float(word["bottom"]),
        text=word["text"], size=float(word.get("size") or 0) or None,
        bold="bold" in str(word.get("fontname", "")).lower(),
    )
