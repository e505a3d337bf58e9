"""Word templates for the meeting documents: the shipped default (built by code) and a clerk's own.

Lookup order for a document kind: ``<template_dir>/<kind>.docx``, ``<template_dir>/vorlage.docx``,
then the built-in default. A clerk's template contributes styles, page set-up, header and footer;
its body is removed before rendering. Styles the renderer needs are added when a template lacks them.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from copy import deepcopy
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.numbering import NumberingPart
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle, StyleFactory
from docx.text.paragraph import Paragraph
from lxml import etree

from schemas.documents import DocumentKind
from schemas.errors import ConfigError, UsageProblem

HEADER_PLACEHOLDER = "{kopfzeile}"
MARKING_PLACEHOLDER = "{kennzeichnung}"
DEFAULT_TEMPLATE_NAME = "vorlage.docx"
FONT_NAME = "Arial"  # LibreOffice shows it as the metric-compatible Liberation Sans
LANGUAGE = "de-DE"
FIXED_TIMESTAMP = datetime(2000, 1, 1)  # same inputs, same bytes
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

# Our own paragraph styles; the built-in ones below come from python-docx's default template.
STYLE_MARKING = "Kennzeichnung"
STYLE_LETTERHEAD = "Briefkopf"
STYLE_RESOLUTION = "Beschlusstext"
STYLE_NOTE = "Hinweis"
REQUIRED_STYLES = (
    "Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Table Grid",
    STYLE_MARKING, STYLE_LETTERHEAD, STYLE_RESOLUTION, STYLE_NOTE,
)
_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_FONT_ATTRIBUTES = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_TEMPLATE_ERRORS = (
    zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError,
    zlib.error, EOFError, NotImplementedError,
)


def build_default_template() -> DocxDocument:
    """A fresh copy of the shipped template: A4, Arial, German, our styles, header and footer."""
    return docx.Document(io.BytesIO(_default_template_bytes()))


def load_template(kind: DocumentKind, template_dir: Path | None) -> DocxDocument:
    """The template for ``kind``: the clerk's own from ``template_dir`` if present, else the default."""
    path = find_user_template(kind, template_dir)
    if path is None:
        return build_default_template()
    document = open_user_template(path)
    clear_body(document)
    add_missing_styles(document)
    return document


def export_templates(target: Path) -> list[Path]:
    """Write the default template as ``vorlage.docx`` into ``target`` for a clerk to edit."""
    path = target / DEFAULT_TEMPLATE_NAME
    data = save_docx(build_default_template())
    try:
        target.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise UsageProblem(
            f"Die Datei {path} gibt es schon; sie wird nicht überschrieben. "
            "Bitte umbenennen oder einen anderen Ordner wählen."
        ) from None
    except OSError as error:
        raise ConfigError(
            f"Die Vorlage konnte nicht nach {path} geschrieben werden: {error.strerror or error}."
        ) from error
    return [path]


def find_user_template(kind: DocumentKind, template_dir: Path | None) -> Path | None:
    """The clerk's template file for ``kind`` (names compared case-insensitively), or None."""
    if template_dir is None or not template_dir.is_dir():
        return None
    try:
        files = {path.name.lower(): path for path in sorted(template_dir.iterdir()) if path.is_file()}
    except OSError as error:
        raise ConfigError(
            f"Der Vorlagenordner {template_dir} kann nicht gelesen werden: {error.strerror or error}."
        ) from error
    for name in (f"{kind.value}.docx", DEFAULT_TEMPLATE_NAME):
        if name in files:
            return files[name]
    return None


def open_user_template(path: Path) -> DocxDocument:
    """Open a clerk's .docx; a damaged or unreadable file becomes a ConfigError naming it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(
            f"Die Word-Vorlage {path} kann nicht gelesen werden: {error.strerror or error}."
        ) from error
    try:
        return docx.Document(io.BytesIO(data))
    except _TEMPLATE_ERRORS as error:
        raise ConfigError(
            f"Die Word-Vorlage {path} ist beschädigt oder keine Word-Datei (.docx). "
            "Bitte in Word neu als .docx speichern oder die Datei aus dem Vorlagenordner entfernen."
        ) from error


def clear_body(document: DocxDocument) -> None:
    """Remove the body content of a template, keeping the final section properties."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def find_style(document: DocxDocument, name: str) -> BaseStyle | None:
    """The style named ``name`` (case-insensitive, so "heading 1" finds "Heading 1"), or None."""
    wanted = name.lower()
    for element in document.styles.element.style_lst:
        if (element.name_val or "").lower() == wanted:
            return StyleFactory(element)
    return None


def add_missing_styles(document: DocxDocument) -> None:
    """Copy every style the renderer needs that ``document`` lacks from the default template."""
    source = build_default_template()
    for name in REQUIRED_STYLES:
        copy_style(source, document, name)


def copy_style(source: DocxDocument, target: DocxDocument, name: str) -> str:
    """Copy style ``name`` (and what it refers to) from ``source`` unless ``target`` has it; its id."""
    existing = find_style(target, name)
    if existing is not None:
        return existing.style_id
    original = find_style(source, name)
    if original is None:
        raise KeyError(name)
    element = deepcopy(original.element)
    element.set(qn("w:styleId"), _free_style_id(target, original.style_id))
    if _has_default_style(target, element.get(qn("w:type"))):
        element.attrib.pop(qn("w:default"), None)
    target.styles.element.append(element)
    _remap_style_references(source, target, element)
    _copy_numbering(source, target, element)
    return element.get(qn("w:styleId"))


def save_docx(document: DocxDocument) -> bytes:
    """The document as .docx bytes with fixed zip timestamps, so equal content gives equal bytes."""
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


# --- the shipped default ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _default_template_bytes() -> bytes:
    document = docx.Document()
    _drop_thumbnail(document)
    _set_page_layout(document)
    _set_fonts_and_language(document)
    _style_builtin_styles(document)
    _add_own_styles(document)
    _write_header(document)
    _write_footer(document)
    clear_body(document)
    properties = document.core_properties
    properties.author = properties.last_modified_by = "intmk"
    properties.title = "Vorlage für Sitzungsdokumente"
    properties.comments = ""  # python-docx writes "generated by python-docx"
    properties.created = properties.modified = FIXED_TIMESTAMP
    properties.revision = 1
    return save_docx(document)


def _drop_thumbnail(document: DocxDocument) -> None:
    rels = document.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rid]


def _set_page_layout(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.25)


def _set_fonts_and_language(document: DocxDocument) -> None:
    """Arial everywhere instead of theme fonts, German as the proofing language."""
    styles = document.styles.element
    for rfonts in styles.iter(qn("w:rFonts")):
        if any(rfonts.get(qn(attribute)) for attribute in _THEME_FONT_ATTRIBUTES):
            for attribute in _THEME_FONT_ATTRIBUTES:
                rfonts.attrib.pop(qn(attribute), None)
            for attribute in _FONT_ATTRIBUTES:
                rfonts.set(qn(attribute), FONT_NAME)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{LANGUAGE}"/>'))
    normal.paragraph_format.space_after = Pt(6)
    for setting in document.settings.element.iter(qn("w:themeFontLang")):
        setting.set(qn("w:val"), LANGUAGE)


def _style_builtin_styles(document: DocxDocument) -> None:
    """Sober black headings for official documents; Word's blue theme colours removed."""
    sizes = {"Title": 16, "Heading 1": 14, "Heading 2": 12, "Heading 3": 11}
    for name, size in sizes.items():
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(0 if name == "Title" else 12)
        style.paragraph_format.space_after = Pt(12 if name == "Title" else 6)
    title_ppr = document.styles["Title"].element.pPr
    if title_ppr is not None and title_ppr.find(qn("w:pBdr")) is not None:
        title_ppr.remove(title_ppr.find(qn("w:pBdr")))
    for name in ("Header", "Footer"):
        document.styles[name].font.size = Pt(9)


def _add_own_styles(document: DocxDocument) -> None:
    marking = _add_paragraph_style(document, STYLE_MARKING)
    marking.font.bold = True
    marking.font.small_caps = True
    marking.font.color.rgb = RGBColor(0x8B, 0x1A, 0x1A)
    marking.paragraph_format.space_after = Pt(12)
    letterhead = _add_paragraph_style(document, STYLE_LETTERHEAD)
    letterhead.font.size = Pt(9)
    letterhead.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    letterhead.paragraph_format.space_after = Pt(0)
    resolution = _add_paragraph_style(document, STYLE_RESOLUTION)
    resolution.paragraph_format.left_indent = Cm(1)
    note = _add_paragraph_style(document, STYLE_NOTE)
    note.font.italic = True
    note.font.size = Pt(9)


def _add_paragraph_style(document: DocxDocument, name: str) -> BaseStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.next_paragraph_style = document.styles["Normal"]
    style.quick_style = True
    return style


def _write_header(document: DocxDocument) -> None:
    header = document.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = HEADER_PLACEHOLDER
    marking = header.add_paragraph(style="Header")
    marking.add_run(MARKING_PLACEHOLDER).bold = True


def _write_footer(document: DocxDocument) -> None:
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Seite ")
    add_field(paragraph, "PAGE")
    paragraph.add_run(" von ")
    add_field(paragraph, "NUMPAGES")


def add_field(paragraph: Paragraph, instruction: str) -> None:
    """Append a Word field (``PAGE``, ``NUMPAGES``) as fldChar runs with a cached result of 1."""
    parts = [("fldChar", "begin"), ("instrText", f" {instruction} "), ("fldChar", "separate"),
             ("t", "1"), ("fldChar", "end")]
    for tag, value in parts:
        run = paragraph.add_run()._r
        child = OxmlElement(f"w:{tag}")
        if tag == "fldChar":
            child.set(qn("w:fldCharType"), value)
        else:
            child.text = value
            child.set(qn("xml:space"), "preserve")
        run.append(child)


# --- copying styles into a clerk's template --------------------------------------------------


def _free_style_id(document: DocxDocument, wanted: str) -> str:
    used = {element.styleId for element in document.styles.element.style_lst}
    candidate, counter = wanted, 1
    while candidate in used:
        candidate, counter = f"{wanted}Intmk{counter}", counter + 1
    return candidate


def _has_default_style(document: DocxDocument, style_type: str | None) -> bool:
    return any(element.get(qn("w:type")) == style_type and element.get(qn("w:default")) in ("1", "true")
               for element in document.styles.element.style_lst)


def _remap_style_references(
    source: DocxDocument, target: DocxDocument, element: BaseOxmlElement
) -> None:
    """Point basedOn/next/link of a copied style at the target's styles (ids differ by language)."""
    own_id = element.get(qn("w:styleId"))
    for tag in ("w:basedOn", "w:next", "w:link"):
        reference = element.find(qn(tag))
        if reference is None:
            continue
        referenced = source.styles.element.get_by_id(reference.get(qn("w:val")))
        if referenced is None:
            element.remove(reference)
        elif (referenced.name_val or "").lower() == (element.name_val or "").lower():
            reference.set(qn("w:val"), own_id)
        else:
            reference.set(qn("w:val"), copy_style(source, target, referenced.name_val))


def _copy_numbering(source: DocxDocument, target: DocxDocument, element: BaseOxmlElement) -> None:
    """Give a copied list style its own numbering definition in the target."""
    num_id = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is None:
        return
    source_numbering = source.part.numbering_part.element
    num = source_numbering.num_having_numId(int(num_id.get(qn("w:val"))))
    abstract_id = num.abstractNumId.val
    abstract = next(a for a in source_numbering.findall(qn("w:abstractNum"))
                    if a.get(qn("w:abstractNumId")) == str(abstract_id))
    numbering = _numbering_element(target)
    new_abstract_id = 1 + max((int(a.get(qn("w:abstractNumId")))
                               for a in numbering.findall(qn("w:abstractNum"))), default=-1)
    abstract = deepcopy(abstract)
    abstract.set(qn("w:abstractNumId"), str(new_abstract_id))
    for identity in (qn("w:nsid"), qn("w:tmpl")):  # Word would take equal ids for one list
        for child in abstract.findall(identity):
            abstract.remove(child)
    for style_ref in abstract.iter(qn("w:pStyle")):
        style_ref.set(qn("w:val"), element.get(qn("w:styleId")))
    existing = numbering.findall(qn("w:abstractNum"))
    if existing:
        existing[-1].addnext(abstract)
    else:
        numbering.insert(0, abstract)
    new_num = numbering.add_num(new_abstract_id)
    num_id.set(qn("w:val"), str(new_num.numId))


def _numbering_element(document: DocxDocument) -> BaseOxmlElement:
    try:
        return document.part.numbering_part.element
    except NotImplementedError:  # python-docx cannot create a numbering part itself
        element = parse_xml(f'<w:numbering {nsdecls("w")}/>')
        part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element,
                             document.part.package)
        document.part.relate_to(part, RT.NUMBERING)
        return element
