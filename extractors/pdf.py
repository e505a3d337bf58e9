"""Read a PDF into a ``TextDocument``: printed lines with positions, metadata and outline.

Libraries and their jobs (DESIGN.md, "Known traps"):

* pypdf (``strict=False``) for encryption, page count, metadata, outline, and to screen each
  page's streams against decompression bombs with its own output limit (75 MB per stream);
* pypdfium2 for the text of every page (~1 ms per page) with line positions; it marks a
  line-end hyphen as U+FFFE, which stays in ``Line.text`` for ``extractors.text`` to decide;
* pdfplumber (slow, ~70 ms per page) only for two-column pages (words split at the gutter) and
  for files pypdfium2 cannot open. Every pdfplumber page is closed right after use.

Pages are read one at a time and only their lines are kept, so memory stays flat in the page
count. Every library exception is mapped to ``schemas.errors`` here; run this in a child
process with limits (``pipeline.isolation``) because no PDF library offers a timeout.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.document import Line, TextDocument
from extractors.hashing import sha256_file
from extractors.limits import DEFAULT_LIMITS, ExtractionLimits
from extractors.pdf_layout import Box, classify_page_text, find_gutter, lines_from_words, remove_page_furniture
from extractors.pdf_structure import (
    MAX_METADATA_VALUE,
    MSG_ENCRYPTED,
    Inspection,
    inspect_with_pypdf,
    screen_page_streams,
)
from schemas import ErrorInfo
from schemas.errors import EnvironmentProblem, ErrorCode, InputError

log = logging.getLogger(__name__)

HEADER_WINDOW = 1024  # "%PDF-" must start within the first bytes
_LINE = re.compile(r"[^\r\n]+")
_AFTER_HYPHEN_MARKER = re.compile("(?<=\ufffe)")

MSG_DAMAGED = "Die PDF-Datei ist beschädigt oder unvollständig und kann nicht gelesen werden."
MSG_NEEDS_OCR = (
    "Die PDF-Datei enthält keinen lesbaren Text (eingescannt oder fehlerhafte Schriftkodierung) "
    "und benötigt Texterkennung (OCR)."
)


@dataclass(slots=True)
class _PageResult:
    number: int  # 1-based
    height: float = 0.0
    lines: list[Line] = field(default_factory=list)
    status: str = "text"  # text | short | scan | junk | failed


def read_pdf(path: Path, limits: ExtractionLimits = DEFAULT_LIMITS, *, sha256: str | None = None) -> TextDocument:
    """Read the PDF at ``path`` into printed lines without running headers and page markers.

    Raises ``InputError`` with ``EMPTY_FILE``, ``UNSUPPORTED_FORMAT``, ``DAMAGED_FILE``,
    ``ENCRYPTED``, ``HOSTILE_FILE``, ``LIMIT_EXCEEDED`` or ``NEEDS_OCR`` (no page has text).
    Pages without a usable text layer are listed in ``pages_without_text`` and noted in
    ``problems`` when other pages have text (partial success).
    """
    path = Path(path)
    check_file(path, limits)
    digest = sha256 or sha256_file(path)
    with ExitStack() as stack:
        inspection = inspect_with_pypdf(path)
        if inspection is not None:
            stack.callback(inspection.reader.close)
            check_page_count(inspection.page_count, limits)
        document = open_with_pdfium(path, password_known_wrong=inspection is None)
        plumber = stack.enter_context(_PlumberPages(path))
        if document is not None:
            stack.callback(document.close)
            check_page_count(len(document), limits)
            pages = _read_pdfium_pages(document, plumber, inspection)
            page_count = len(document)
        else:
            if inspection is None:
                raise InputError(MSG_DAMAGED, code=ErrorCode.DAMAGED_FILE)
            pages = _read_plumber_pages(plumber, inspection)
            page_count = inspection.page_count
        text_document = TextDocument(
            path=str(path), sha256=digest, format="pdf", page_count=page_count,
            metadata=inspection.metadata if inspection else read_pdfium_metadata(document),
            outline=inspection.outline if inspection else [],
        )
        _collect_pages(text_document, pages, limits)
    return text_document


# ----------------------------------------------------------------------------- checks


def check_file(path: Path, limits: ExtractionLimits) -> None:
    """Size limit, empty file and the ``%PDF-`` signature, before any parser runs."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(HEADER_WINDOW)
    except OSError as exc:
        raise EnvironmentProblem(f"Die Datei kann nicht gelesen werden: {exc.strerror or exc}") from exc
    if size > limits.max_file_bytes:
        raise InputError(
            f"Die Datei ist {_format_size(size)} groß; erlaubt sind höchstens {_format_size(limits.max_file_bytes)}.",
            code=ErrorCode.LIMIT_EXCEEDED,
        )
    if size == 0:
        raise InputError("Die Datei ist leer (0 Byte).", code=ErrorCode.EMPTY_FILE)
    if b"%PDF-" not in head:
        raise InputError(
            "Die Datei ist keine PDF-Datei (die PDF-Kennung „%PDF-“ fehlt am Dateianfang).",
            code=ErrorCode.UNSUPPORTED_FORMAT,
        )


def check_page_count(count: int, limits: ExtractionLimits) -> None:
    if count > limits.max_pages:
        raise InputError(
            f"Die PDF-Datei hat {count} Seiten; erlaubt sind höchstens {limits.max_pages}.",
            code=ErrorCode.LIMIT_EXCEEDED,
        )


# ----------------------------------------------------------------------------- pypdfium2


def open_with_pdfium(path: Path, *, password_known_wrong: bool) -> pdfium.PdfDocument | None:
    """Open with pypdfium2 (empty password); None if it cannot.

    Raises ``ENCRYPTED`` if pypdfium2 asks for a password and pypdf could not open the file
    either (otherwise pdfplumber gets a try).
    """
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD and password_known_wrong:
            raise InputError(MSG_ENCRYPTED, code=ErrorCode.ENCRYPTED) from exc
        log.debug("pypdfium2 cannot open %s: %s", path, exc)
        return None


def read_pdfium_metadata(document: pdfium.PdfDocument) -> dict[str, str]:
    try:
        return {k: v[:MAX_METADATA_VALUE] for k, v in document.get_metadata_dict(skip_empty=True).items()}
    except pdfium.PdfiumError:
        return {}


def _read_pdfium_pages(
    document: pdfium.PdfDocument, plumber: _PlumberPages, inspection: Inspection | None
) -> Iterator[_PageResult]:
    seen: set[int] = set()
    for index in range(len(document)):
        if inspection is not None and index < inspection.page_count:
            screen_page_streams(inspection.reader, index, seen)
        yield _read_pdfium_page(document, index, plumber)


def _read_pdfium_page(document: pdfium.PdfDocument, index: int, plumber: _PlumberPages) -> _PageResult:
    result = _PageResult(index + 1)
    try:
        page = document[index]
    except pdfium.PdfiumError:
        result.status = "failed"
        return result
    try:
        left, bottom, right, top = page.get_bbox()
        result.height = top - bottom
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            result.status = classify_page_text(text)
            if result.status == "short" and _has_image(page):
                result.status = "scan"
            if result.status in ("text", "short"):
                gutter = find_gutter(_text_boxes(textpage, left, top)) if result.status == "text" else None
                lines = plumber.read_columns(index, gutter) if gutter is not None else None
                result.lines = lines if lines is not None else _pdfium_lines(textpage, text, index + 1, left, top)
        finally:
            textpage.close()
    except (pdfium.PdfiumError, AssertionError) as exc:  # pypdfium2 asserts on odd buffers
        log.debug("pypdfium2 failed on page %d: %r", index + 1, exc)
        result.status = "failed"
    finally:
        page.close()
    return result


def _has_image(page: pdfium.PdfPage) -> bool:
    images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)
    return next(images, None) is not None


def _text_boxes(textpage: pdfium.PdfTextPage, left: float, top: float) -> list[Box]:
    boxes = []
    for i in range(textpage.count_rects()):
        x0, y0, x1, y1 = textpage.get_rect(i)
        boxes.append(Box(x0 - left, x1 - left, top - y1, top - y0))
    return boxes


def _pdfium_lines(textpage: pdfium.PdfTextPage, text: str, page: int, left: float, top: float) -> list[Line]:
    """Cut the page text into printed lines: at line breaks and after line-end hyphens (U+FFFE)."""
    lines = []
    for match in _LINE.finditer(text):
        offset = match.start()
        for piece in _AFTER_HYPHEN_MARKER.split(match.group()):
            stripped = piece.strip()
            if stripped:
                first = offset + len(piece) - len(piece.lstrip())
                lines.append(_locate_line(textpage, stripped, first, page, left, top))
            offset += len(piece)
    return lines


def _locate_line(textpage, text: str, text_index: int, page: int, left: float, top: float) -> Line:
    char = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, text_index)
    rect = pdfium_c.FS_RECTF()
    if char < 0 or not pdfium_c.FPDFText_GetLooseCharBox(textpage, char, rect):
        return Line(text=text, page=page)
    matrix = pdfium_c.FS_MATRIX()
    scale = math.hypot(matrix.c, matrix.d) if pdfium_c.FPDFText_GetMatrix(textpage, char, matrix) else 1.0
    size = pdfium_c.FPDFText_GetFontSize(textpage, char) * scale  # Tf size times text matrix
    return Line(
        text=text,
        page=page,
        top=round(top - rect.top, 2),
        x0=round(rect.left - left, 2),
        size=round(size, 2) if size > 0 else None,
        bold=pdfium_c.FPDFText_GetFontWeight(textpage, char) >= 600,
    )


# ----------------------------------------------------------------------------- pdfplumber


class _PlumberPages:
    """pdfplumber, opened only when a page needs it; every page is closed after reading."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pdf: pdfplumber.PDF | None = None

    def __enter__(self) -> _PlumberPages:
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

    def read_page(self, index: int, gutter: float | None = None) -> _PageResult:
        """Read one page; status "failed" if the page is broken.

        Raises ``ENCRYPTED`` or ``DAMAGED_FILE`` if pdfplumber cannot open the file at all.
        """
        pdf = self._open()
        result = _PageResult(index + 1)
        try:
            page = pdf.pages[index]
            try:
                words = page.extract_words(extra_attrs=["size", "fontname"])
                result.height = float(page.height)
                boxes = [_word_box(w) for w in words]
                result.status = classify_page_text(" ".join(b.text for b in boxes))
                if result.status == "short" and page.images:
                    result.status = "scan"
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


def _read_plumber_pages(plumber: _PlumberPages, inspection: Inspection) -> Iterator[_PageResult]:
    seen: set[int] = set()
    for index in range(inspection.page_count):
        screen_page_streams(inspection.reader, index, seen)
        yield plumber.read_page(index)


# ----------------------------------------------------------------------------- assembly


def _collect_pages(document: TextDocument, pages: Iterator[_PageResult], limits: ExtractionLimits) -> None:
    """Gather the pages' lines (checking the character limit), then remove page furniture."""
    lines: list[Line] = []
    heights: dict[int, float] = {}
    failed: list[int] = []
    chars = 0
    for page in pages:
        if page.status in ("scan", "junk"):
            document.pages_without_text.append(page.number)
        elif page.status == "failed":
            failed.append(page.number)
        chars += sum(len(line.text) for line in page.lines)
        if chars > limits.max_chars:
            raise InputError(
                f"Die PDF-Datei enthält mehr als {_format_number(limits.max_chars)} Zeichen Text "
                "(Grenze je Dokument).",
                code=ErrorCode.LIMIT_EXCEEDED,
            )
        if page.status in ("text", "short"):
            lines.extend(page.lines)
            heights[page.number] = page.height
    if not lines:
        _raise_without_text(document, failed)
    document.lines, document.running_headers = remove_page_furniture(lines, heights)
    _note_problems(document, failed)


def _raise_without_text(document: TextDocument, failed: list[int]) -> None:
    if document.pages_without_text:
        raise InputError(MSG_NEEDS_OCR, code=ErrorCode.NEEDS_OCR)
    if failed and len(failed) == document.page_count:
        raise InputError(MSG_DAMAGED, code=ErrorCode.DAMAGED_FILE)


def _note_problems(document: TextDocument, failed: list[int]) -> None:
    if document.pages_without_text:
        pages = document.pages_without_text
        verb = "enthält" if len(pages) == 1 else "enthalten"
        document.problems.append(ErrorInfo(
            code=ErrorCode.NEEDS_OCR.value,
            message=f"{_pages_label(pages)} {verb} keinen lesbaren Text und benötig{'t' if len(pages) == 1 else 'en'} "
            "Texterkennung (OCR).",
            pages=list(pages),
        ))
    if failed:
        verb = "ist" if len(failed) == 1 else "sind"
        document.problems.append(ErrorInfo(
            code=ErrorCode.DAMAGED_FILE.value,
            message=f"{_pages_label(failed)} {verb} beschädigt und konnte{'' if len(failed) == 1 else 'n'} "
            "nicht gelesen werden.",
            pages=failed,
        ))


def _pages_label(pages: list[int]) -> str:
    numbers = ", ".join(str(p) for p in pages[:20]) + (" …" if len(pages) > 20 else "")
    return f"Seite {numbers}" if len(pages) == 1 else f"Die Seiten {numbers}"


def _format_number(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _format_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1e6:.1f} MB".replace(".", ",")
    return f"{max(size, 1) / 1e3:.1f} KB".replace(".", ",")
