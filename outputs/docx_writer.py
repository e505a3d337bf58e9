"""Render a DocumentSpec as a Word document a clerk can edit: named styles, no direct formatting.

The template (outputs.templates) supplies page set-up, styles, header and footer; this module
fills the header placeholders and writes the blocks in order. Equal specs with equal core
properties (author, time) give equal bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.opc.part import Part
from docx.text.paragraph import Paragraph
from lxml import etree

from outputs.templates import (
    HEADER_PLACEHOLDER,
    MARKING_PLACEHOLDER,
    STYLE_LETTERHEAD,
    STYLE_MARKING,
    find_style,
    load_template,
    save_docx,
)
from schemas.documents import Block, DocumentSpec
from schemas.errors import InputError, InternalError

DEFAULT_STYLES = {
    "title": "Title", "paragraph": "Normal", "bullets": "List Bullet",
    "table": "Table Grid", "marking": STYLE_MARKING,
}
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK_CHARS = re.compile("\r\n|[\r\x0b\x0c]")  # vertical tab, form feed: line/page ends
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BOOKMARK_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_READ_ERRORS = (
    zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError,
    zlib.error, EOFError,
)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class CoreProperties:
    """What Word shows under Datei > Informationen: who made the document, when, in which language."""

    author: str  # the Geschäftsstelle (INTMK_OFFICE_NAME), never the program
    created: dt.datetime = field(default_factory=now_utc)  # timezone-aware
    language: str = "de-DE"


def render_docx(spec: DocumentSpec, template_dir: Path | None = None, properties: CoreProperties | None = None) -> bytes:
    """The document as .docx bytes, from the clerk's template in ``template_dir`` or the default.

    Without ``properties`` the document has no author and is dated now.
    """
    document = load_template(spec.kind, template_dir)
    fill_placeholders(document, clean_text(spec.header), clean_text(spec.marking or ""))
    writer = _BodyWriter(document)
    for line in spec.letterhead:
        writer.add_paragraph(line, STYLE_LETTERHEAD)
    for block in spec.blocks:
        writer.add_block(block)
    writer.finish()
    set_core_properties(document, clean_text(spec.title), properties or CoreProperties(author=""))
    return save_docx(document)


def read_docx_text(data: bytes, with_header: bool = False) -> str:
    """Body text in order, one line per non-empty paragraph, table rows as ``cell | cell``.

    With ``with_header`` the page header lines come first.
    """
    try:
        document = docx.Document(io.BytesIO(data))
    except _READ_ERRORS as error:
        raise InputError("Das Word-Dokument ist beschädigt und kann nicht gelesen werden.") from error
    lines = read_header_lines(document) if with_header else []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, document.part).text)
        elif child.tag == qn("w:tbl"):
            lines.extend(_table_row_lines(child))
    return "\n".join(line for line in lines if line.strip())


def clean_text(text: str) -> str:
    """Text that Word can store: control characters removed, line and page ends as newlines."""
    return _INVALID_XML_CHARS.sub("", _LINE_BREAK_CHARS.sub("\n", text))


def fill_placeholders(document: DocxDocument, header: str, marking: str) -> None:
    """Replace ``{kopfzeile}`` and ``{kennzeichnung}`` in all headers and footers.

    A set marking that no header asks for is added below the header, so it never goes missing.
    """
    values = {HEADER_PLACEHOLDER: header, MARKING_PLACEHOLDER: marking}
    marking_placed = False
    for part in _header_footer_parts(document):
        for paragraph in part.element.iter(qn("w:p")):
            marking_placed |= replace_in_paragraph(paragraph, values).count(MARKING_PLACEHOLDER) > 0
    if marking and not marking_placed:
        _append_marking_to_headers(document, marking)


def replace_in_paragraph(paragraph: BaseOxmlElement, values: dict[str, str]) -> str:
    """Replace placeholders in one ``w:p``, also when Word split them over runs; the old text."""
    texts = [t for t in paragraph.iter(qn("w:t")) if _owning_paragraph(t) is paragraph]
    joined = "".join(t.text or "" for t in texts)
    if not any(key in joined for key in values):
        return joined
    for t in texts:  # first within single runs, keeping each run's formatting
        t.text = _replace_all(t.text or "", values)
    if any(key in "".join(t.text or "" for t in texts) for key in values):
        texts[0].text = _replace_all("".join(t.text or "" for t in texts), values)
        for t in texts[1:]:
            t.text = ""
    for t in texts:
        t.set(qn("xml:space"), "preserve")
    return joined


def set_core_properties(document: DocxDocument, title: str, wanted: CoreProperties) -> None:
    """Title, author, dates and language, replacing python-docx's, the template's or the clerk's."""
    if wanted.created.tzinfo is None:
        raise InternalError("Der Zeitpunkt eines Word-Dokuments braucht eine Zeitzone.")
    properties = document.core_properties
    properties.title = title[:255]  # the limit of the core properties
    properties.author = properties.last_modified_by = wanted.author[:255]
    # python-docx writes the clock time followed by "Z": it must be UTC
    properties.created = properties.modified = wanted.created.astimezone(dt.UTC)
    properties.language = wanted.language
    properties.revision = 1


def read_header_lines(document: DocxDocument) -> list[str]:
    """The text lines of the page headers of all sections, each header once."""
    lines: list[str] = []
    seen: set[int] = set()
    for section in document.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.insert(0, section.first_page_header)
        for header in headers:
            if header.is_linked_to_previous or id(header.part) in seen:
                continue
            seen.add(id(header.part))
            lines.extend(p.text for p in header.paragraphs)
    return lines


class _BodyWriter:
    """Appends blocks to the body; a page break becomes "page break before" of what follows."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.break_pending = False
        self.bookmark_id = 0

    def add_block(self, block: Block) -> None:
        if block.kind == "page_break":
            self.break_pending = True
        elif block.kind == "heading":
            self.add_heading(block)
        elif block.kind == "table":
            self.add_table(block.rows, block.style or DEFAULT_STYLES["table"])
        elif block.kind == "bullets":
            for item in block.items:
                self.add_paragraph(item, block.style or DEFAULT_STYLES["bullets"])
        elif block.kind == "paragraph":
            for piece in _BLANK_LINE.split(clean_text(block.text)):
                self.add_paragraph(piece, block.style or DEFAULT_STYLES["paragraph"])
        else:  # title, marking
            self.add_paragraph(block.text, block.style or DEFAULT_STYLES[block.kind])

    def add_heading(self, block: Block) -> None:
        paragraph = self.add_paragraph(block.text, block.style or f"Heading {block.level}")
        if paragraph is not None and block.bookmark:
            self.add_bookmark(paragraph, block.bookmark)

    def add_paragraph(self, text: str, style_name: str) -> Paragraph | None:
        text = clean_text(text).strip()
        if not text:
            return None
        paragraph = self.document.add_paragraph(style=self.style(style_name, WD_STYLE_TYPE.PARAGRAPH))
        paragraph.add_run(text)
        if self.break_pending:
            paragraph.paragraph_format.page_break_before = True
            self.break_pending = False
        return paragraph

    def add_table(self, rows: list[list[str]], style_name: str) -> None:
        width = max((len(row) for row in rows), default=0)
        if width == 0:
            return
        self.flush_break()
        table = self.document.add_table(rows=0, cols=width)
        table.style = self.style(style_name, WD_STYLE_TYPE.TABLE)
        for index, row in enumerate(rows):
            cells = table.add_row().cells
            for cell, text in zip(cells, [*row, *[""] * (width - len(row))]):
                cell.text = clean_text(text)
                if index == 0:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
        header_row = table.rows[0]._tr.get_or_add_trPr()
        header_row.append(OxmlElement("w:tblHeader"))  # repeat on every page

    def add_bookmark(self, paragraph: Paragraph, name: str) -> None:
        """A Word bookmark around the heading, named as Word allows (letters, digits, _; 40 chars)."""
        safe = _BOOKMARK_UNSAFE.sub("_", name)
        safe = (safe if safe[:1].isalpha() else f"B_{safe}")[:40]
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(self.bookmark_id))
        start.set(qn("w:name"), safe)
        end.set(qn("w:id"), str(self.bookmark_id))
        self.bookmark_id += 1
        runs = paragraph._p.r_lst
        runs[0].addprevious(start)
        runs[-1].addnext(end)

    def flush_break(self) -> None:
        if self.break_pending:
            self.document.add_page_break()
            self.break_pending = False

    def finish(self) -> None:
        self.flush_break()

    def style(self, name: str, style_type: WD_STYLE_TYPE):
        style = find_style(self.document, name)
        if style is None or style.type != style_type:
            raise InternalError(f"Die Formatvorlage „{name}“ fehlt in der Word-Vorlage.")
        return style


def _table_row_lines(table: BaseOxmlElement) -> list[str]:
    lines = []
    for row in table.iterchildren(qn("w:tr")):
        texts = [_cell_text(cell) for cell in row.iterchildren(qn("w:tc"))]
        lines.append(" | ".join(texts))
    return lines


def _cell_text(cell: BaseOxmlElement) -> str:
    paragraphs = cell.iterchildren(qn("w:p"))
    return " ".join(Paragraph(p, None).text.replace("\n", " ") for p in paragraphs)


def _owning_paragraph(element: BaseOxmlElement) -> BaseOxmlElement | None:
    parent = element.getparent()
    while parent is not None and parent.tag != qn("w:p"):
        parent = parent.getparent()
    return parent


def _replace_all(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _header_footer_parts(document: DocxDocument) -> list[Part]:
    return [rel.target_part for rel in document.part.rels.values()
            if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external]


def _append_marking_to_headers(document: DocxDocument, marking: str) -> None:
    for section in document.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
        for header in headers:
            header.is_linked_to_previous = False
            header.add_paragraph().add_run(marking).bold = True
