"""Read a PDF into a ``TextDocument``: printed lines with positions, metadata and outline.

Libraries and their jobs (DESIGN.md, "Known traps"):

* pypdf (``strict=False``) for encryption, page count, metadata, outline, and to screen each
  page's streams against decompression bombs with its own output limit (75 MB per stream);
* pypdfium2 for the text of every page (~1 ms per page) with line positions, and for the
  values of filled form fields;
* pdfplumber (slow, ~70 ms per page) only for two-column pages (words split at the gutter),
  for pages pypdfium2 reads badly (a second reader) and for files pypdfium2 cannot open.
  Every pdfplumber page is closed right after use.

The pypdf part lives in ``pdf_structure``, the pypdfium2 part in ``pdf_pdfium``, the
pdfplumber part in ``pdf_plumber`` and the library-free layout rules (columns, headers,
footers, page markers, junk) in ``pdf_layout``. Pages are read one at a time and only their
lines are kept, so memory stays flat in the page count. Library exceptions are mapped to
``schemas.errors`` by ``extractors.parser_errors``; what was read despite a failure is kept
and noted in ``problems`` (a repaired file, a page read by the second reader, columns that
could not be split), so the records are "partial", never "success" with errors. Run this in a
child process with limits (``pipeline.isolation``) because no PDF library offers a timeout.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pypdfium2 as pdfium

from extractors.document import Line, TextDocument
from extractors.hashing import sha256_file
from extractors.limits import DEFAULT_LIMITS, ExtractionLimits
from extractors.pdf_layout import remove_page_furniture
from extractors.pdf_pdfium import (
    open_with_pdfium,
    read_pdfium_metadata,
    read_pdfium_page,
    was_repaired,
)
from extractors.pdf_plumber import PageResult, PlumberPages
from extractors.pdf_structure import (
    MSG_DAMAGED,
    Inspection,
    inspect_with_pypdf,
    screen_page_streams,
)
from schemas import ErrorInfo
from schemas.errors import EnvironmentProblem, ErrorCode, InputError

log = logging.getLogger(__name__)

HEADER_WINDOW = 1024  # "%PDF-" must start within the first bytes
SECOND_READER_GAIN = 2.0  # pdfplumber's text replaces pdfium's if it has this many times the characters
_SPACE = re.compile(r"\s+")

MSG_NEEDS_OCR = (
    "Die PDF-Datei enthält keinen lesbaren Text (eingescannt oder fehlerhafte Schriftkodierung) "
    "und benötigt Texterkennung (OCR)."
)
MSG_REPAIRED = (
    "Die PDF-Datei war beschädigt und wurde beim Lesen repariert; bitte den Text mit dem Original "
    "vergleichen."
)


def read_pdf(path: Path, limits: ExtractionLimits = DEFAULT_LIMITS, *, sha256: str | None = None) -> TextDocument:
    """Read the PDF at ``path`` into printed lines without running headers and page markers.

    Raises ``InputError`` with ``EMPTY_FILE``, ``UNSUPPORTED_FORMAT``, ``DAMAGED_FILE``,
    ``ENCRYPTED``, ``HOSTILE_FILE``, ``LIMIT_EXCEEDED`` or ``NEEDS_OCR`` (no page has text).
    Pages without a usable text layer are listed in ``pages_without_text`` and noted in
    ``problems`` when other pages have text (partial success); so are a repaired file, pages
    that could not be read and pages read by the second reader.
    """
    path = Path(path)
    check_file(path, limits)
    digest = sha256 or sha256_file(path)
    with ExitStack() as stack:
        inspection = inspect_with_pypdf(path)
        if inspection is not None:
            stack.callback(inspection.reader.close)
            check_page_count(inspection.page_count, limits)
        source = inspection.clear_bytes if inspection and inspection.clear_bytes else path
        pdfium_document = open_with_pdfium(source, password_known_wrong=inspection is None)
        plumber = stack.enter_context(PlumberPages(source))
        if pdfium_document is not None:
            stack.callback(pdfium_document.close)
            check_page_count(len(pdfium_document), limits)
            pages = _read_pdfium_pages(pdfium_document, plumber, inspection)
            page_count = len(pdfium_document)
            repaired = inspection is None or was_repaired(pdfium_document)
        else:
            if inspection is None:
                raise InputError(MSG_DAMAGED, code=ErrorCode.DAMAGED_FILE)
            pages = _read_plumber_pages(plumber, inspection)
            page_count, repaired = inspection.page_count, True
        document = TextDocument(
            path=str(path), sha256=digest, format="pdf", page_count=page_count,
            metadata=inspection.metadata if inspection else read_pdfium_metadata(pdfium_document),
            outline=inspection.outline if inspection else [],
        )
        _collect_pages(document, pages, limits)
        if repaired:
            document.problems.insert(0, ErrorInfo(code=ErrorCode.DAMAGED_FILE.value, message=MSG_REPAIRED))
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


# ----------------------------------------------------------------------------- pages


def _read_pdfium_pages(
    document: pdfium.PdfDocument, plumber: PlumberPages, inspection: Inspection | None
) -> Iterator[PageResult]:
    seen: set[int] = set()
    for index in range(len(document)):
        if inspection is not None and index < inspection.page_count:
            screen_page_streams(inspection.reader, index, seen)
        page = read_pdfium_page(document, index, plumber)
        yield read_again(page, plumber) if page.suspect or page.status == "failed" else page


def read_again(page: PageResult, plumber: PlumberPages) -> PageResult:
    """Let pdfplumber read a page pdfium read badly; keep its text if it has far more.

    pdfium drops the text of fonts it cannot map (CJK, vertical Japanese) and of pages it
    cannot parse; pdfminer often reads them. Costs ~70 ms, so only for suspect pages.
    """
    try:
        second = plumber.read_page(page.number - 1)
    except InputError as error:
        if error.code is ErrorCode.HOSTILE_FILE:
            raise
        return page
    if second.status == "failed" or _visible_chars(second) < SECOND_READER_GAIN * max(_visible_chars(page), 1):
        if page.suspect and page.status in ("text", "short"):
            page.fallback = "unsure"
        return page
    if second.status in ("text", "short"):
        second.fallback = "second_reader"
    return second


def _visible_chars(page: PageResult) -> int:
    return sum(len(_SPACE.sub("", line.text)) for line in page.lines)


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
    fallbacks: dict[str, list[int]] = {}
    chars = 0
    for page in pages:
        if page.fallback is not None:
            fallbacks.setdefault(page.fallback, []).append(page.number)
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
    _note_fallbacks(document, fallbacks)


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


FALLBACK_MESSAGES = {  # (singular verb, plural verb, rest of the sentence)
    "columns": ("ist", "sind", (
        "zweispaltig gesetzt, die Spalten konnten aber nicht getrennt werden; bitte die "
        "Reihenfolge des Textes mit dem Original vergleichen.")),
    "second_reader": ("wurde", "wurden", (
        "mit einem zweiten Leseverfahren gelesen, weil das erste kaum Text fand (ungewöhnliche "
        "Schriften oder beschädigte Datei); bitte den Text mit dem Original vergleichen.")),
    "unsure": ("enthält", "enthalten", (
        "Text, der nicht sicher gelesen werden konnte (mehr Textbausteine als lesbare Zeichen); "
        "bitte den Text mit dem Original vergleichen.")),
}


def _note_fallbacks(document: TextDocument, fallbacks: dict[str, list[int]]) -> None:
    for kind, pages in fallbacks.items():
        singular, plural, rest = FALLBACK_MESSAGES[kind]
        document.problems.append(ErrorInfo(
            code=ErrorCode.DAMAGED_FILE.value, pages=pages, message=_pages_message(pages, singular, plural) + " " + rest,
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
