"""Read a PDF into a ``TextDocument``: printed lines with positions, metadata and outline.

Libraries and their jobs (DESIGN.md, "Known traps"):

* pypdf (``strict=False``) for encryption, page count, metadata, outline, and to screen each
  page's streams against decompression bombs with its own output limit (75 MB per stream);
* pypdfium2 for the text of every page (~1 ms per page) with line positions; it marks a
  line-end hyphen as U+FFFE, which stays in ``Line.text`` for ``extractors.text`` to decide;
* pdfplumber (slow, ~70 ms per page) only for two-column pages (words split at the gutter) and
  for files pypdfium2 cannot open. Every pdfplumber page is closed right after use.

The pypdf part lives in ``pdf_structure``, the pdfplumber part in ``pdf_plumber`` and the
library-free layout rules (columns, headers, footers, page markers, junk) in ``pdf_layout``.
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
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.document import Line, TextDocument
from extractors.hashing import sha256_file
from extractors.limits import DEFAULT_LIMITS, ExtractionLimits
from extractors.pdf_layout import (
    Box,
    classify_page_text,
    find_gutter,
    order_lines,
    remove_page_furniture,
)
from extractors.pdf_plumber import PageResult, PlumberPages
from extractors.pdf_structure import (
    MAX_METADATA_VALUE,
    MSG_DAMAGED,
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

MSG_NEEDS_OCR = (
    "Die PDF-Datei enthält keinen lesbaren Text (eingescannt oder fehlerhafte Schriftkodierung) "
    "und benötigt Texterkennung (OCR)."
)


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
        pdfium_document = open_with_pdfium(path, password_known_wrong=inspection is None)
        plumber = stack.enter_context(PlumberPages(path))
        if pdfium_document is not None:
            stack.callback(pdfium_document.close)
            check_page_count(len(pdfium_document), limits)
            pages = _read_pdfium_pages(pdfium_document, plumber, inspection)
            page_count = len(pdfium_document)
        else:
            if inspection is None:
                raise InputError(MSG_DAMAGED, code=ErrorCode.DAMAGED_FILE)
            pages = _read_plumber_pages(plumber, inspection)
            page_count = inspection.page_count
        document = TextDocument(
            path=str(path), sha256=digest, format="pdf", page_count=page_count,
            metadata=inspection.metadata if inspection else read_pdfium_metadata(pdfium_document),
            outline=inspection.outline if inspection else [],
        )
        _collect_pages(document, pages, limits)
    return document


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
    except (pdfium.PdfiumError, UnicodeError, ValueError):  # metadata is optional
        return {}


def _read_pdfium_pages(
    document: pdfium.PdfDocument, plumber: PlumberPages, inspection: Inspection | None
) -> Iterator[PageResult]:
    seen: set[int] = set()
    for index in range(len(document)):
        if inspection is not None and index < inspection.page_count:
            screen_page_streams(inspection.reader, index, seen)
        yield _read_pdfium_page(document, index, plumber)


def _read_pdfium_page(document: pdfium.PdfDocument, index: int, plumber: PlumberPages) -> PageResult:
    result = PageResult(index + 1)
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
                if lines is None:
                    lines = order_lines(_pdfium_lines(textpage, text, index + 1, left, top))
                result.lines = lines
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


def _read_plumber_pages(plumber: PlumberPages, inspection: Inspection) -> Iterator[PageResult]:
    seen: set[int] = set()
    for index in range(inspection.page_count):
        screen_page_streams(inspection.reader, index, seen)
        yield plumber.read_page(index)


# ----------------------------------------------------------------------------- assembly


def _collect_pages(document: TextDocument, pages: Iterator[PageResult], limits: ExtractionLimits) -> None:
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
        document.problems.append(ErrorInfo(
            code=ErrorCode.NEEDS_OCR.value, pages=list(pages), message=_pages_message(
                pages, "enthält keinen lesbaren Text und benötigt", "enthalten keinen lesbaren Text und benötigen",
            ) + " Texterkennung (OCR).",
        ))
    if failed:
        document.problems.append(ErrorInfo(
            code=ErrorCode.DAMAGED_FILE.value, pages=failed, message=_pages_message(
                failed, "ist beschädigt und konnte", "sind beschädigt und konnten",
            ) + " nicht gelesen werden.",
        ))


def _pages_message(pages: list[int], singular: str, plural: str) -> str:
    if len(pages) == 1:
        return f"Seite {pages[0]} {singular}"
    numbers = ", ".join(str(p) for p in pages[:20]) + (" …" if len(pages) > 20 else "")
    return f"Die Seiten {numbers} {plural}"


def _format_number(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _format_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1e6:.1f} MB".replace(".", ",")
    return f"{max(size, 1) / 1e3:.1f} KB".replace(".", ",")
