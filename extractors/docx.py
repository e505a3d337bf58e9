"""Read a Word file (.docx) into a ``TextDocument``: one ``Line`` per paragraph or table row.

Order of work:

1. ``extractors.docx_safety`` vets the raw ZIP (legacy ``.doc``, zip bombs, unsafe names, any
   DOCTYPE in an XML part) before any XML parser runs.
2. python-docx opens the package from the same open file handle (no second look-up of the path)
   and gives us the parsed parts: document body, styles, numbering, core properties.
3. The body is walked in document order: paragraphs, tables and block content controls
   (``w:sdt``, where Word keeps its table of contents). Headers, footers, footnotes, comments and
   deleted (tracked) text are not part of the body and never appear.

What a line looks like:

* A paragraph is one line. Tabs and manual line breaks become a space; soft hyphens (U+00AD)
  stay for the cleanup module; empty paragraphs are dropped (their numbering still counts).
* Automatic numbering is printed as Word prints it and put before the text with one space:
  "1. Die Länder …", "a) …", "(iii) …"; bullets become "– " (en dash).
* A table row is one line with ``in_table=True``: its cells joined by " | ", so a table of
  contents reads "TOP 2.1 | Ausbau der Beratung | 5". Paragraphs inside a cell are joined by a
  space. A horizontally merged cell appears once; a vertically merged cell appears in its first row
  only and as an empty cell below, so the columns stay in place. Rows without text are dropped.
* ``style`` is the paragraph style name (for a row: of its first paragraph with text); ``bold`` is
  true when every run with text is bold (direct formatting, character style, paragraph style).
* Pages, best effort: Word records where it broke pages when it last saved
  (``w:lastRenderedPageBreak``); if the file has those, they are counted. Otherwise explicit
  breaks are counted: ``w:br w:type="page"``, ``w:pageBreakBefore`` and section breaks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from extractors.document import Line, TextDocument
from extractors.docx_numbering import W, NumberingCounter, StyleTable, toggle_value, w_val
from extractors.docx_safety import check_docx_container, damaged, hostile
from extractors.limits import DEFAULT_LIMITS, ExtractionLimits
from schemas.errors import EnvironmentProblem, ErrorCode, InputError

_PAGE = object()  # explicit page break (w:br type="page")
_RENDERED = object()  # w:lastRenderedPageBreak
_MAX_DEPTH = 64  # nested content controls / custom XML blocks
_RUN_CONTAINERS = {f"{W}{tag}" for tag in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml",
                                             "moveTo", "dir", "bdo")}
_BLOCK_CONTAINERS = {f"{W}{tag}" for tag in ("customXml", "ins", "moveTo")}
_SPACE_TAGS = {f"{W}tab", f"{W}ptab", f"{W}cr"}
_SECTION_PAGE_TYPES = (None, "nextPage", "oddPage", "evenPage")
_HEADING_NAME = re.compile(r"^(?:Heading|Überschrift)\s+([1-9])$")


def read_docx(path: Path, limits: ExtractionLimits = DEFAULT_LIMITS, *, sha256: str | None = None) -> TextDocument:
    """Read the body text of a .docx file, or raise a classified ``InputError``."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise EnvironmentProblem(f"Die Datei {path.name!r} kann nicht gelesen werden: {exc.strerror}",
                                 code=ErrorCode.FILE_ACCESS) from exc
    with handle:
        check_file_size(handle, limits)
        digest = sha256 or hash_stream(handle)
        handle.seek(0)
        check_docx_container(handle, limits)
        handle.seek(0)
        document = open_package(handle)
        reader = BodyReader(document, limits)
        reader.read_blocks(document.element.body, depth=0)
    return TextDocument(
        path=str(path), sha256=digest, format="docx", page_count=reader.page, lines=reader.lines,
        metadata=read_metadata(document), outline=reader.outline,
    )


def check_file_size(handle: BinaryIO, limits: ExtractionLimits) -> None:
    size = handle.seek(0, 2)
    if size > limits.max_file_bytes:
        raise InputError(
            f"Die Datei ist {size / 1e6:.0f} MB groß; erlaubt sind höchstens {limits.max_file_bytes / 1e6:.0f} MB.",
            code=ErrorCode.LIMIT_EXCEEDED,
        )


def hash_stream(handle: BinaryIO) -> str:
    handle.seek(0)
    return hashlib.file_digest(handle, "sha256").hexdigest()


def open_package(handle: BinaryIO) -> docx.document.Document:
    """Let python-docx load the vetted package; map its exceptions to ``InputError``."""
    try:
        return docx.Document(handle)
    except MemoryError as exc:
        raise InputError("Die Word-Datei braucht zum Lesen zu viel Arbeitsspeicher.",
                         code=ErrorCode.MEMORY_LIMIT) from exc
    except ValueError as exc:
        if "not a Word file" in str(exc):
            raise InputError(
                "Die Datei ist keine gewöhnliche Word-Datei (.docx), sondern z. B. eine Vorlage oder ein "
                "Dokument mit Makros. Bitte in Word als .docx oder PDF speichern und erneut einreichen.",
                code=ErrorCode.UNSUPPORTED_FORMAT,
            ) from exc
        raise damaged(str(exc)) from exc
    except Exception as exc:  # python-docx, lxml, zipfile and zlib raise many unrelated types
        raise damaged(f"{type(exc).__name__}: {exc}") from exc


def related_root(document: docx.document.Document, reltype: str) -> etree._Element | None:
    """Root element of the part the main document relates to by ``reltype``, if there is one."""
    try:
        return document.part.part_related_by(reltype).element
    except (KeyError, ValueError, AttributeError):
        return None


def read_metadata(document: docx.document.Document) -> dict[str, str]:
    """Title, author, subject and dates from ``docProps/core.xml``, where present."""
    try:
        core = document.core_properties
        values = {"title": core.title, "author": core.author, "subject": core.subject,
                  "created": core.created, "modified": core.modified}
    except Exception:  # metadata is optional; a broken core.xml must not fail the document
        return {}
    return {key: value.isoformat() if hasattr(value, "isoformat") else str(value)
            for key, value in values.items() if value}


@dataclass(slots=True)
class Paragraph:
    """Text of one paragraph with its label, as it will appear in a line."""

    text: str
    page: int
    style: str | None
    bold_runs: list[bool] = field(default_factory=list)
    outline_level: int | None = None


class BodyReader:
    """Walks the document body in order and collects lines, pages and the heading outline."""

    def __init__(self, document: docx.document.Document, limits: ExtractionLimits) -> None:
        body = document.element.body
        self.limits = limits
        self.styles = StyleTable(related_root(document, RT.STYLES))
        self.numbering = NumberingCounter(related_root(document, RT.NUMBERING), self.styles)
        self.count_rendered = next(body.iter(f"{W}lastRenderedPageBreak"), None) is not None
        self.page = 1
        self.chars = 0
        self.lines: list[Line] = []
        self.outline: list[tuple[int, str, int | None]] = []

    def read_blocks(self, container: etree._Element, depth: int) -> None:
        """Paragraphs and tables of a body, cell or content control, in document order."""
        if depth > _MAX_DEPTH:
            raise hostile(f"mehr als {_MAX_DEPTH} ineinander verschachtelte Inhaltssteuerelemente")
        for child in container:
            if child.tag == f"{W}p":
                self.add_paragraph(self.read_paragraph(child))
            elif child.tag == f"{W}tbl":
                self.add_table(child)
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    self.read_blocks(content, depth + 1)
            elif child.tag in _BLOCK_CONTAINERS:
                self.read_blocks(child, depth + 1)

    def add_paragraph(self, paragraph: Paragraph) -> None:
        if not paragraph.text:
            return
        self.add_line(Line(text=paragraph.text, page=paragraph.page, style=paragraph.style,
                           bold=bool(paragraph.bold_runs) and all(paragraph.bold_runs)))
        if paragraph.outline_level is not None:
            self.outline.append((paragraph.outline_level, paragraph.text, paragraph.page))

    def add_line(self, line: Line) -> None:
        self.chars += len(line.text)
        if self.chars > self.limits.max_chars:
            raise InputError(
                f"Das Dokument enthält mehr als {self.limits.max_chars:,} Zeichen Text und überschreitet "
                "damit die eingestellte Grenze.".replace(",", "."),
                code=ErrorCode.LIMIT_EXCEEDED,
            )
        self.lines.append(line)

    def add_table(self, table: etree._Element) -> None:
        for row in iter_children(table, f"{W}tr"):
            cells = [self.read_cell(cell) for cell in iter_children(row, f"{W}tc")
                     if not is_horizontal_continuation(cell)]
            texted = [cell for cell in cells if cell.text]
            if not texted:
                continue
            bold = [flag for cell in texted for flag in cell.bold_runs]
            self.add_line(Line(text=" | ".join(cell.text for cell in cells).strip(), page=texted[0].page,
                               style=texted[0].style, bold=bool(bold) and all(bold), in_table=True))

    def read_cell(self, cell: etree._Element) -> Paragraph:
        """All paragraphs of a cell (nested tables flattened) as one piece of text."""
        if is_vertical_continuation(cell):
            return Paragraph(text="", page=self.page, style=None)
        parts = [self.read_paragraph(p) for p in cell.iter(f"{W}p") if not inside_fallback(p, cell)]
        texted = [part for part in parts if part.text]
        if not texted:
            return Paragraph(text="", page=self.page, style=None)
        return Paragraph(text=" ".join(part.text for part in texted), page=texted[0].page,
                         style=texted[0].style, bold_runs=[flag for part in texted for flag in part.bold_runs])

    def read_paragraph(self, paragraph: etree._Element) -> Paragraph:
        """Text, label, page, style and boldness of one ``w:p``; advances page and list counters."""
        p_pr = paragraph.find(f"{W}pPr")
        style_id = self.styles.paragraph_style_id(paragraph)
        label = self.numbering.label_for(paragraph, style_id)
        if not self.count_rendered and toggle_value(p_pr, "pageBreakBefore") and self.lines:
            self.page += 1
        pieces: list[str] = []
        bold_runs: list[bool] = []
        start_page: int | None = None
        paragraph_bold = self.styles.bold(style_id)
        for run in iter_runs(paragraph):
            r_pr = run.find(f"{W}rPr")
            if toggle_value(r_pr, "vanish"):
                continue
            bold = self.run_bold(r_pr, paragraph_bold)
            for piece in run_pieces(run):
                if piece is _PAGE or piece is _RENDERED:
                    self.count_break(piece)
                    continue
                if piece.strip():
                    start_page = self.page if start_page is None else start_page
                    bold_runs.append(bold)
                pieces.append(piece)
        page = self.page if start_page is None else start_page
        self.count_section_break(p_pr)
        text = "".join(pieces).strip()
        if text and label:
            text = f"{label} {text}"
        return Paragraph(text=text, page=page, style=self.styles.name(style_id), bold_runs=bold_runs,
                         outline_level=self.heading_level(p_pr, style_id))

    def run_bold(self, r_pr: etree._Element | None, paragraph_bold: bool | None) -> bool:
        direct = toggle_value(r_pr, "b")
        if direct is not None:
            return direct
        character = self.styles.bold(w_val(r_pr, "rStyle"))
        if character is not None:
            return character
        return paragraph_bold if paragraph_bold is not None else self.styles.default_bold

    def count_break(self, piece: object) -> None:
        if (piece is _RENDERED) == self.count_rendered:
            self.page += 1
            if self.page > self.limits.max_pages:
                raise InputError(f"Das Dokument hat mehr als {self.limits.max_pages} Seiten.",
                                 code=ErrorCode.LIMIT_EXCEEDED)

    def count_section_break(self, p_pr: etree._Element | None) -> None:
        """A section break that starts a new page ends this paragraph's page (explicit mode only)."""
        section = p_pr.find(f"{W}sectPr") if p_pr is not None else None
        if section is not None and not self.count_rendered and w_val(section, "type") in _SECTION_PAGE_TYPES:
            self.count_break(_PAGE)

    def heading_level(self, p_pr: etree._Element | None, style_id: str | None) -> int | None:
        """1-based outline level of a heading paragraph, else ``None``."""
        level = w_val(p_pr, "outlineLvl")
        outline = int(level) if level and level.isdigit() else self.styles.outline_level(style_id)
        if outline is not None:
            return outline + 1 if 0 <= outline < 9 else None
        match = _HEADING_NAME.match(self.styles.name(style_id) or "")
        return int(match.group(1)) if match else None


def iter_children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from iter_children(content, tag)
        elif child.tag in _BLOCK_CONTAINERS:
            yield from iter_children(child, tag)


def iter_runs(element: etree._Element) -> Iterator[etree._Element]:
    """Runs of a paragraph in order, through hyperlinks, fields, insertions and content controls.

    Deleted text (``w:del``, ``w:moveFrom``) and drawings/text boxes are skipped.
    """
    for child in element:
        if child.tag == f"{W}r":
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from iter_runs(content)
        elif child.tag in _RUN_CONTAINERS:
            yield from iter_runs(child)


def run_pieces(run: etree._Element) -> Iterator[str | object]:
    """Text pieces of a run; tabs and line breaks as spaces, page breaks as markers."""
    for child in run:
        tag = child.tag
        if tag == f"{W}t":
            yield child.text or ""
        elif tag in _SPACE_TAGS:
            yield " "
        elif tag == f"{W}br":
            if child.get(f"{W}type") == "page":
                yield _PAGE
            yield " "
        elif tag == f"{W}lastRenderedPageBreak":
            yield _RENDERED
        elif tag == f"{W}noBreakHyphen":
            yield "-"
        elif tag == f"{W}softHyphen":
            yield "\u00ad"


def is_vertical_continuation(cell: etree._Element) -> bool:
    merge = cell.find(f"{W}tcPr/{W}vMerge")
    return merge is not None and merge.get(f"{W}val", "continue") == "continue"


def is_horizontal_continuation(cell: etree._Element) -> bool:
    merge = cell.find(f"{W}tcPr/{W}hMerge")
    return merge is not None and merge.get(f"{W}val", "continue") == "continue"


def inside_fallback(paragraph: etree._Element, stop: etree._Element) -> bool:
    """True for paragraphs in text boxes or ``mc:Fallback`` copies (inside a run, not a cell)."""
    parent = paragraph.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == f"{W}r":
            return True
        parent = parent.getparent()
    return False
