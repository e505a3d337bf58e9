"""The pypdfium2 side of the PDF reader: page text with line positions, and filled form fields.

pypdfium2 gives a page's text in ~1 ms and marks a line-end hyphen as U+FFFE, which stays in
``Line.text`` for ``extractors.text`` to decide. Its text page leaves out form fields (their
values live in widget annotations), so the values of filled text and choice fields are read
through pdfium's form API and added as lines where the field stands. A page whose text
objects yield next to no characters (CJK or vertical fonts pdfium cannot map, a "shattered"
file) is marked ``suspect`` so that ``extractors.pdf`` lets pdfplumber read it too.
"""

from __future__ import annotations

import ctypes
import logging
import math
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.document import Line
from extractors.parser_errors import tolerate_parser_errors
from extractors.pdf_layout import (
    MIN_TEXT_CHARS,
    Box,
    classify_page_text,
    find_gutter,
    order_lines,
)
from extractors.pdf_plumber import PageResult, PlumberPages
from extractors.pdf_structure import MAX_METADATA_VALUE, MSG_ENCRYPTED
from schemas.errors import ErrorCode, InputError

log = logging.getLogger(__name__)


def _drop_xfa_notice(record: logging.LogRecord) -> bool:
    """pypdfium2 warns on every XFA form that its build lacks XFA; the AcroForm part is read anyway."""
    return "without XFA support" not in record.getMessage()


logging.getLogger("pypdfium2._helpers.document").addFilter(_drop_xfa_notice)

_LINE = re.compile(r"[^\r\n]+")
_AFTER_HYPHEN_MARKER = re.compile("(?<=\ufffe)")
_SPACE = re.compile(r"\s+")
MIN_CHARS_PER_TEXT_OBJECT = 0.5  # fewer visible characters per text object: pdfium lost text
MAX_REPLACEMENT_SHARE = 0.05  # more U+FFFD among the visible characters: undecodable glyphs
FORM_FIELD_TYPES = (pdfium_c.FPDF_FORMFIELD_TEXTFIELD, pdfium_c.FPDF_FORMFIELD_COMBOBOX,
                    pdfium_c.FPDF_FORMFIELD_LISTBOX)
MAX_FORM_VALUE = 5000  # characters kept per form field


def open_with_pdfium(source: Path | bytes, *, password_known_wrong: bool) -> pdfium.PdfDocument | None:
    """Open with pypdfium2 (empty password); None if it cannot.

    Raises ``ENCRYPTED`` if pypdfium2 asks for a password and pypdf could not open the file
    either (otherwise pdfplumber gets a try). Form fields are prepared when the file has any.
    """
    try:
        document = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD and password_known_wrong:
            raise InputError(MSG_ENCRYPTED, code=ErrorCode.ENCRYPTED) from exc
        log.debug("pypdfium2 cannot open %s: %s", "bytes" if isinstance(source, bytes) else source, exc)
        return None
    if pdfium_c.FPDF_GetFormType(document) != pdfium_c.FORMTYPE_NONE:
        with tolerate_parser_errors("pypdfium2, forms"):
            document.init_forms()
    return document


def was_repaired(document: pdfium.PdfDocument) -> bool:
    """True if pdfium had to rebuild the cross-reference table (broken xref, wrong startxref)."""
    return not pdfium_c.FPDF_DocumentHasValidCrossReferenceTable(document)


def read_pdfium_metadata(document: pdfium.PdfDocument) -> dict[str, str]:
    with tolerate_parser_errors("pypdfium2, metadata") as outcome:  # metadata is optional
        metadata = document.get_metadata_dict(skip_empty=True)
    return {} if outcome.failed else {k: v[:MAX_METADATA_VALUE] for k, v in metadata.items()}


def read_pdfium_page(document: pdfium.PdfDocument, index: int, plumber: PlumberPages) -> PageResult:
    """One page's lines; status "failed" if pdfium cannot read it."""
    result = PageResult(index + 1)
    with tolerate_parser_errors(f"pypdfium2, page {index + 1}") as outcome:
        page = document[index]
    if outcome.failed:
        result.status = "failed"
        return result
    try:
        with tolerate_parser_errors(f"pypdfium2, page {index + 1}") as outcome:
            _read_page_text(document, page, index, plumber, result)
    finally:
        page.close()
    if outcome.failed:
        result.status, result.lines = "failed", []
    return result


def _read_page_text(document: pdfium.PdfDocument, page: pdfium.PdfPage, index: int,
                    plumber: PlumberPages, result: PageResult) -> None:
    left, bottom, right, top = page.get_bbox()
    result.height = top - bottom
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        result.status = classify_page_text(text)
        if result.status == "short" and _has_image(page):
            result.status = "scan"
        result.suspect = _looks_incomplete(page, text)
        if result.status in ("text", "short"):
            result.lines = _page_lines(textpage, text, index, plumber, result, (left, top, right))
    finally:
        textpage.close()
    fields = read_form_fields(document, page, index + 1, left, top)
    if fields:
        result.lines = merge_lines(result.lines, fields)
        if result.status in ("short", "scan") and sum(len(f.text) for f in fields) >= MIN_TEXT_CHARS:
            result.status = "text"


def _page_lines(textpage: pdfium.PdfTextPage, text: str, index: int, plumber: PlumberPages,
                result: PageResult, frame: tuple[float, float, float]) -> list[Line]:
    left, top, right = frame
    gutter = find_gutter(_text_boxes(textpage, left, top), (0.0, right - left)) if result.status == "text" else None
    lines = plumber.read_columns(index, gutter) if gutter is not None else None
    if gutter is not None and lines is None:
        result.fallback = "columns"  # two columns, but pdfplumber could not split them
    return lines if lines is not None else order_lines(_pdfium_lines(textpage, text, index + 1, left, top))


def _looks_incomplete(page: pdfium.PdfPage, text: str) -> bool:
    """True if the page's text objects or its characters say pdfium lost text.

    Cheap: the objects are counted only when there are clearly more of them than characters.
    """
    visible = len(_SPACE.sub("", text))
    if visible and text.count("\ufffd") > MAX_REPLACEMENT_SHARE * visible:
        return True
    count = pdfium_c.FPDFPage_CountObjects(page)
    if count * MIN_CHARS_PER_TEXT_OBJECT <= visible:
        return False
    text_objects = sum(
        1 for i in range(count)
        if pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page, i)) == pdfium_c.FPDF_PAGEOBJ_TEXT
    )
    return text_objects >= MIN_TEXT_CHARS and visible < MIN_CHARS_PER_TEXT_OBJECT * text_objects


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


# ----------------------------------------------------------------------------- form fields


def read_form_fields(document: pdfium.PdfDocument, page: pdfium.PdfPage, number: int,
                     left: float, top: float) -> list[Line]:
    """The values of the page's filled text and choice fields, one line each, where they stand."""
    form = document.formenv
    if form is None:
        return []
    lines = []
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
        annot = pdfium_c.FPDFPage_GetAnnot(page, i)
        if not annot:
            continue
        try:
            line = _field_line(form, annot, number, left, top)
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
        if line is not None:
            lines.append(line)
    return lines


def _field_line(form, annot, number: int, left: float, top: float) -> Line | None:
    if pdfium_c.FPDFAnnot_GetSubtype(annot) != pdfium_c.FPDF_ANNOT_WIDGET:
        return None
    if pdfium_c.FPDFAnnot_GetFormFieldType(form, annot) not in FORM_FIELD_TYPES:
        return None
    value = _utf16_value(lambda buffer, size: pdfium_c.FPDFAnnot_GetFormFieldValue(form, annot, buffer, size))
    value = _SPACE.sub(" ", value).strip()[:MAX_FORM_VALUE]
    if not value:
        return None
    rect = pdfium_c.FS_RECTF()
    if not pdfium_c.FPDFAnnot_GetRect(annot, rect):
        return Line(text=value, page=number)
    return Line(text=value, page=number, top=round(top - max(rect.top, rect.bottom), 2),
                x0=round(min(rect.left, rect.right) - left, 2))


def _utf16_value(call) -> str:
    size = call(None, 0)  # bytes, with the terminating NUL
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    call(ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
    return buffer.raw[:size - 2].decode("utf-16-le", errors="replace")


def merge_lines(lines: list[Line], fields: list[Line]) -> list[Line]:
    """Put each field's line after the last line that stands above it (or at the end).

    A value already printed in the page's text (a flattened form) is not added twice.
    """
    page_text = _SPACE.sub(" ", " ".join(line.text for line in lines))
    merged = list(lines)
    for field_line in fields:
        if field_line.text in page_text:
            continue
        position = len(merged)
        if field_line.top is not None:
            above = [i for i, line in enumerate(merged) if line.top is not None and line.top <= field_line.top + 2]
            position = above[-1] + 1 if above else 0
        merged.insert(position, field_line)
    return merged
