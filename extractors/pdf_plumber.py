"""The pdfplumber side of the PDF reader: two-column pages and files pypdfium2 cannot open.

pdfplumber (pdfminer) is slow (~70 ms per page) and an unclosed page keeps ~7 MB, so it is
opened only when a page needs it and every page is closed right after reading.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pdfplumber

from extractors.document import Line
from extractors.parser_errors import parser_errors, tolerate_parser_errors
from extractors.pdf_layout import Box, classify_page_text, find_gutter, lines_from_words
from extractors.pdf_structure import MSG_DAMAGED
from schemas.errors import EnvironmentProblem, ErrorCode, InputError

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PageResult:
    """One page as read: its lines and whether it had a usable text layer."""

    number: int  # 1-based
    height: float = 0.0
    lines: list[Line] = field(default_factory=list)
    status: str = "text"  # text | short | scan | junk | failed
    suspect: bool = False  # the first reader probably lost text: worth a second reader
    fallback: str | None = None  # "columns" (not split) | "second_reader" (pdfplumber's text used)


class PlumberPages:
    """pdfplumber, opened only when a page needs it; every page is closed after reading.

    ``source`` is the file, or its bytes when the reader had to adjust them (see
    ``pdf_structure.Inspection.clear_bytes``). The file handle is ours: pdfplumber's own
    ``PDF.close`` parses the page tree again (it flushes its cached pages first) and so raises
    again on the file that failed, so it is never called; the pages are closed one by one.
    """

    def __init__(self, source: Path | bytes) -> None:
        self._source = source
        self._stream: BinaryIO | None = None
        self._pdf: pdfplumber.PDF | None = None
        self._failure: InputError | None = None

    def __enter__(self) -> PlumberPages:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pdf = None
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def read_columns(self, index: int, gutter: float) -> list[Line] | None:
        """Lines of a two-column page split at ``gutter``; None if pdfplumber fails."""
        try:
            result = self.read_page(index, gutter)
        except InputError as error:
            if error.code is ErrorCode.HOSTILE_FILE:
                raise
            return None
        return result.lines if result.status != "failed" else None

    def read_page(self, index: int, gutter: float | None = None) -> PageResult:
        """Read one page; status "failed" if the page is broken.

        Raises ``ENCRYPTED`` or ``DAMAGED_FILE`` if pdfplumber cannot open the file at all.
        """
        pdf = self._open()
        result = PageResult(index + 1)
        if index >= len(pdf.pages):  # pdfminer found fewer pages than pypdfium2
            result.status = "failed"
            return result
        with tolerate_parser_errors(f"pdfplumber, page {index + 1}") as outcome:
            page = pdf.pages[index]
            try:
                words = page.extract_words(extra_attrs=["size", "fontname"])
                result.height = float(page.height)
                boxes = [_word_box(w) for w in words]
                result.status = classify_page_text(" ".join(b.text for b in boxes))
                if result.status == "short" and page.images:
                    result.status = "scan"
                if gutter is None and result.status == "text":
                    gutter = find_gutter(boxes, (float(page.bbox[0]), float(page.bbox[2])))
                result.lines = lines_from_words(boxes, index + 1, gutter)
            finally:
                page.close()
        if outcome.failed:
            result.status, result.lines = "failed", []
        return result

    def _open(self) -> pdfplumber.PDF:
        if self._failure is not None:  # parse a broken file once, not once per page
            raise InputError(self._failure.message, code=self._failure.code)
        if self._pdf is None:
            stream = self._source_stream()
            try:
                with parser_errors(MSG_DAMAGED):
                    pdf = pdfplumber.open(stream)
                    _ = pdf.pages  # parses the page tree
            except InputError as error:
                stream.close()
                self._failure = error
                raise
            self._stream, self._pdf = stream, pdf
        return self._pdf

    def _source_stream(self) -> BinaryIO:
        if isinstance(self._source, bytes):
            return io.BytesIO(self._source)
        try:
            return Path(self._source).open("rb")
        except OSError as exc:
            raise EnvironmentProblem(f"Die Datei kann nicht gelesen werden: {exc.strerror or exc}") from exc


def _word_box(word: dict) -> Box:
    return Box(
        x0=float(word["x0"]), x1=float(word["x1"]), top=float(word["top"]), bottom=float(word["bottom"]),
        text=word["text"], size=float(word.get("size") or 0) or None,
        bold="bold" in str(word.get("fontname", "")).lower(),
    )
