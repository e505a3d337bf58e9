"""OCR text layer and records: find pages without a usable text layer, read the OCR output.

``inspect_text_layer`` classifies pages with pypdfium2 (~1 ms per page); mojibake forces OCR of
the whole document, since keeping the broken layer next to a new one would leave junk in the
text (running Tesseract is ``extractors.ocr_runner``). ``extract_scanned`` reads the output with
the normal extractor and marks the records as OCR text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.extract import read_document
from extractors.hashing import sha256_file
from extractors.limits import DEFAULT_LIMITS, ExtractionLimits
from extractors.pdf import check_file, check_page_count
from extractors.pdf_layout import classify_page_text
from extractors.pdf_structure import MSG_DAMAGED, MSG_ENCRYPTED
from extractors.records import build_records
from schemas import ExtractionRecord
from schemas.errors import ErrorCode, InputError

if TYPE_CHECKING:  # ocr_runner imports inspect_text_layer from here
    from extractors.ocr_runner import OcrResult

# Tesseract reads "§" as "$": one or two "$" (not part of a word or amount) before a number.
_DOLLAR_SECTION = re.compile(r"(?<![\w$.,])\${1,2}(?=\s?\d)")
# "TOP" as Tesseract misreads it at the start of a heading, before the item number.
_TOP_MISREAD = re.compile(r"^(\s*)(?:[1I]?T[O0]P|[1I][O0]P)[.,;:]?\s*(?=\d)")
_REPAIRED_FIELDS = ("title", "subtitle", "decision_text", "reasoning")  # free text a "$" can be in


@dataclass(frozen=True, slots=True)
class TextLayer:
    """Text layer of each page (1-based): ``without_text`` (scans) and ``mojibake`` pages.

    As in ``extractors.pdf``, a page with almost no text is a scan only if it holds an image;
    otherwise (a one-word cover, an empty page) it needs no OCR.
    """

    pages: int
    without_text: list[int]
    mojibake: list[int]
    empty: list[int]  # pages without a single character in their text layer

    @property
    def needs_ocr(self) -> bool:
        return bool(self.without_text or self.mojibake)

    @property
    def needs_forced_ocr(self) -> bool:
        """Mojibake anywhere: the whole document must be re-rendered and recognized."""
        return bool(self.mojibake)


# ----------------------------------------------------------------------------- text layer


def inspect_text_layer(path: Path, limits: ExtractionLimits = DEFAULT_LIMITS) -> TextLayer:
    """Classify each page's text layer with pypdfium2; raises ``InputError`` for bad files."""
    path = Path(path)
    check_file(path, limits)
    document = open_pdf(path)
    try:
        check_page_count(len(document), limits)
        without_text, mojibake, empty = [], [], []
        for index in range(len(document)):
            number = index + 1
            status, chars, has_image = _inspect_page(document, index)
            if chars == 0:
                empty.append(number)
            if status == "junk":
                mojibake.append(number)
            elif status != "text" and has_image:
                without_text.append(number)
        return TextLayer(len(document), without_text, mojibake, empty)
    finally:
        document.close()


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open with pypdfium2, mapping its errors to ``InputError`` (encrypted, damaged)."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputError(MSG_ENCRYPTED, code=ErrorCode.ENCRYPTED) from exc
        raise InputError(MSG_DAMAGED, code=ErrorCode.DAMAGED_FILE) from exc


def _inspect_page(document: pdfium.PdfDocument, index: int) -> tuple[str, int, bool]:
    """(classification, visible characters, page has an image); a broken page counts as a scan."""
    page = textpage = None
    try:
        page = document[index]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)
        return classify_page_text(text), len("".join(text.split())), next(images, None) is not None
    except (pdfium.PdfiumError, AssertionError):  # pypdfium2 asserts on odd buffers
        return "short", 0, True
    finally:
        for handle in (textpage, page):
            if handle is not None:
                handle.close()


# ----------------------------------------------------------------------------- records


def repair_ocr_text(text: str) -> str:
    """Tesseract's "$" for "§" before a number: "$ 3" → "§ 3", "$$ 3" → "§§ 3"; "5 $" stays."""
    return _DOLLAR_SECTION.sub(lambda match: "§" * len(match.group()), text)


def repair_ocr_line(text: str) -> str:
    """One recognized line: the "§" repair plus a misread agenda-item keyword at the line start
    ("10P 2.12", "1T0P 3", "TOP. 2.12" → "TOP …")."""
    return _TOP_MISREAD.sub(r"\1TOP ", repair_ocr_text(text))


def mark_ocr(records: Sequence[ExtractionRecord], confidence: float | None) -> list[ExtractionRecord]:
    """Copies of ``records`` marked as OCR text, with Tesseract's "$" for "§" repaired."""
    marked = []
    for record in records:
        source = record.source.model_copy(update={"ocr": True, "ocr_confidence": confidence})
        fields = {name: getattr(record, name) for name in _REPAIRED_FIELDS}
        marked.append(record.model_copy(update={
            "source": source,
            **{name: repair_ocr_text(text) if text is not None else None for name, text in fields.items()},
            "statements": [s.model_copy(update={"text": repair_ocr_text(s.text)}) for s in record.statements],
        }))
    return marked


def extract_scanned(path: Path, ocr_path: Path, result: OcrResult, **extract_options) -> list[ExtractionRecord]:
    """Records of the OCR output ``ocr_path``, described as coming from the original ``path``.

    ``source.path`` and ``source.sha256`` name the archived original. Lines of recognized pages
    get ``repair_ocr_line`` before the fields are read; records on recognized pages are marked
    as OCR text with the document's mean confidence (``mark_ocr``).
    """
    document = read_document(Path(ocr_path), **extract_options)
    document.path, document.sha256 = str(path), sha256_file(Path(path))
    recognized = set(result.ocr_page_numbers)
    document.lines = [
        replace(line, text=repair_ocr_line(line.text)) if line.page in recognized else line
        for line in document.lines
    ]
    return [
        mark_ocr([record], result.confidence)[0] if _on_pages(record, recognized) else record
        for record in build_records(document)
    ]


def _on_pages(record: ExtractionRecord, pages: set[int]) -> bool:
    first, last = record.source.pages
    return any(first <= page <= last for page in pages)
