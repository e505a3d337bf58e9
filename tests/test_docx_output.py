"""Word output: named styles a clerk can edit, header and page numbers, stable text, user templates."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from outputs.docx_writer import CoreProperties, read_docx_text, render_docx
from outputs.templates import (
    MARKING_PLACEHOLDER,
    REQUIRED_STYLES,
    build_default_template,
    export_templates,
    find_style,
    load_template,
)
from schemas.documents import Block, DocumentKind, DocumentSpec
from schemas.errors import ConfigError, InputError, InternalError, UsageProblem
from schemas.records import LAENDER
from tests.fixtures.sample import load_sample, unwrap

MARKING = "Nicht zur Veröffentlichung bestimmt"
NOTE = "Die Niederschrift wird den Ländern zugeleitet."
LETTERHEAD = [
    "Geschäftsstelle der Integrationsministerkonferenz", "Musterstraße 1", "12345 Musterstadt",
]
OFFICE = LETTERHEAD[0]
ISSUED = dt.datetime(2027, 5, 27, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))  # Berlin summer time
PROPERTIES = CoreProperties(author=OFFICE, created=ISSUED)
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe]")


def applicant_names() -> list[str]:
    """The Länder names of the sample's applicant lines ("Ham-" / "burg" joined)."""
    text = unwrap(load_sample().applicant_lines).removeprefix("Antragsteller:")
    return [name.strip() for name in text.split(",")]


def sample_spec(
    kind: DocumentKind = DocumentKind.NIEDERSCHRIFT_INTERN, **changes: object
) -> DocumentSpec:
    sample = load_sample()
    names = applicant_names()
    votes = [["Land", "Stimme"]]
    votes += [[name, "ja" if name in names else "nein"] for name in LAENDER.values()]
    fields: dict[str, object] = {
        "kind": kind,
        "file_stem": "intmk-12-niederschrift",
        "title": "Niederschrift (intern)",
        "header": " ".join(sample.header),
        "marking": MARKING,
        "letterhead": LETTERHEAD,
        "blocks": [
            Block(kind="marking", text=MARKING),
            Block(kind="title", text="Niederschrift (intern)"),
            Block(kind="heading", text="TOP 1 Begrüßung", level=1),
            Block(kind="heading", text=f"{sample.top_line} {sample.title}", bookmark="TOP 2.12"),
            Block(kind="heading", text="Antragsteller", level=2),
            Block(kind="bullets", items=names),
            Block(kind="paragraph", text=sample.intro),
            Block(kind="paragraph", text="\n\n".join(sample.paragraphs), style="Beschlusstext"),
            Block(kind="heading", text="Abstimmung", level=3),
            Block(kind="table", rows=votes),
            Block(kind="page_break"),
            Block(kind="paragraph", text=NOTE, style="Hinweis"),
        ],
    }
    fields.update(changes)
    return DocumentSpec(**fields)  # type: ignore[arg-type]


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def styles_of(document: Document) -> dict[str, str]:
    return {p.text: p.style.name for p in document.paragraphs if p.text}


def header_text(document: Document) -> str:
    return "\n".join(p.text for p in document.sections[0].header.paragraphs)


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_docx(sample_spec(), properties=PROPERTIES)


# --- the rendered document -----------------------------------------------------------------------


def test_blocks_get_the_named_styles(rendered: bytes) -> None:
    document = open_docx(rendered)
    styles = styles_of(document)
    sample = load_sample()
    assert styles["Niederschrift (intern)"] == "Title"
    assert styles["TOP 1 Begrüßung"] == "Heading 1"
    assert styles[f"{sample.top_line} {sample.title}"] == "Heading 1"
    assert styles["Antragsteller"] == "Heading 2"
    assert styles["Abstimmung"] == "Heading 3"
    assert styles[MARKING] == "Kennzeichnung"
    assert styles[sample.intro] == "Normal"
    assert styles[NOTE] == "Hinweis"
    names = applicant_names()
    assert len(names) == 12 and "Hamburg" in names
    assert [styles[name] for name in names] == ["List Bullet"] * 12


def test_decision_text_becomes_one_paragraph_per_numbered_paragraph(rendered: bytes) -> None:
    document = open_docx(rendered)
    decision = [p.text for p in document.paragraphs if p.style.name == "Beschlusstext"]
    assert decision == load_sample().paragraphs
    assert len(decision) == 5


def test_vote_table_has_grid_style_and_a_bold_repeated_header_row(rendered: bytes) -> None:
    document = open_docx(rendered)
    [table] = document.tables
    assert table.style.name == "Table Grid"
    assert len(table.rows) == 17
    header = table.rows[0]
    assert [cell.text for cell in header.cells] == ["Land", "Stimme"]
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1].cells[0].paragraphs[0].runs[0].bold is None
    assert [cell.text for cell in table.rows[3].cells] == ["Berlin", "ja"]
    assert [cell.text for cell in table.rows[2].cells] == ["Bayern", "nein"]


def test_header_carries_the_conference_and_the_marking(rendered: bytes) -> None:
    document = open_docx(rendered)
    text = header_text(document)
    assert "12. Integrationsministerkonferenz 2017 am 16. und 17. März 2017 in Friedrichshafen" in text
    assert MARKING in text
    assert "{" not in text
    assert read_docx_text(rendered, with_header=True).startswith(text.strip())


def test_header_without_marking_leaves_no_placeholder() -> None:
    document = open_docx(render_docx(sample_spec(marking=None)))
    text = header_text(document)
    assert MARKING not in text and MARKING_PLACEHOLDER not in text
    assert "Friedrichshafen" in text


def test_footer_has_real_page_number_fields(rendered: bytes) -> None:
    footer = open_docx(rendered).sections[0].footer._element
    instructions = [node.text.strip() for node in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [node.get(qn("w:fldCharType")) for node in footer.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2
    assert "Seite" in "".join(t.text for t in footer.iter(qn("w:t")))


def test_letterhead_comes_first_in_style_briefkopf(rendered: bytes) -> None:
    paragraphs = open_docx(rendered).paragraphs
    assert [p.text for p in paragraphs[:3]] == LETTERHEAD
    assert {p.style.name for p in paragraphs[:3]} == {"Briefkopf"}
    assert paragraphs[3].style.name == "Kennzeichnung"


def test_heading_bookmark_and_page_break(rendered: bytes) -> None:
    document = open_docx(rendered)
    names = [node.get(qn("w:name")) for node in document.element.body.iter(qn("w:bookmarkStart"))]
    assert names == ["TOP_2_12"]
    note = next(p for p in document.paragraphs if p.style.name == "Hinweis")
    assert note.paragraph_format.page_break_before is True
    assert sum(p.paragraph_format.page_break_before is True for p in document.paragraphs) == 1


def test_page_break_before_a_table_is_an_explicit_break() -> None:
    spec = sample_spec(blocks=[Block(kind="paragraph", text="Vorher"), Block(kind="page_break"),
                               Block(kind="table", rows=[["TOP", "Titel"], ["1", "Begrüßung"]])])
    body = open_docx(render_docx(spec)).element.body
    breaks = [node for node in body.iter(qn("w:br")) if node.get(qn("w:type")) == "page"]
    assert len(breaks) == 1
    assert body.index(body.find(qn("w:tbl"))) > body.index(breaks[0].getparent().getparent())


def test_same_spec_and_properties_give_same_text_and_same_bytes(rendered: bytes) -> None:
    again = render_docx(sample_spec(), properties=PROPERTIES)
    assert read_docx_text(again, with_header=True) == read_docx_text(rendered, with_header=True)
    assert again == rendered
    later = render_docx(sample_spec(), properties=CoreProperties(author=OFFICE, created=ISSUED + dt.timedelta(days=1)))
    assert read_docx_text(later, with_header=True) == read_docx_text(rendered, with_header=True)


def test_core_properties_name_the_office_the_time_title_and_language(rendered: bytes) -> None:
    """Regression: every Word file said creator "intmk", created 01.01.2000."""
    properties = open_docx(rendered).core_properties
    assert properties.title == "Niederschrift (intern)"
    assert properties.author == properties.last_modified_by == OFFICE
    assert properties.created == properties.modified == ISSUED  # stored in UTC, the same moment
    assert properties.created.utcoffset() == dt.timedelta(0) and properties.created.hour == 8
    assert properties.language == "de-DE"
    assert "intmk" not in properties.author and "python-docx" not in f"{properties.comments} {properties.author}"


def test_without_properties_the_document_is_dated_now() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    properties = open_docx(render_docx(sample_spec())).core_properties
    assert before <= properties.created <= dt.datetime.now(dt.UTC)
    assert properties.author == "" and properties.language == "de-DE"


def test_a_time_without_time_zone_is_refused() -> None:
    with pytest.raises(InternalError, match="Zeitzone"):
        render_docx(sample_spec(), properties=CoreProperties(author=OFFICE, created=dt.datetime(2027, 5, 27, 10)))


def test_read_text_lists_paragraphs_and_table_rows_in_order(rendered: bytes) -> None:
    lines = read_docx_text(rendered).splitlines()
    assert lines[:5] == [*LETTERHEAD, MARKING, "Niederschrift (intern)"]
    assert lines.index("Land | Stimme") < lines.index("Berlin | ja") < lines.index("Thüringen | ja")
    assert lines[-1] == NOTE
    assert "Friedrichshafen" not in read_docx_text(rendered)


def test_control_characters_from_pdfs_are_removed() -> None:
    dirty = "Migrations\x00beratung\x0cfür\x0balle\x1b Länder\ufffe"
    spec = sample_spec(title="Titel\x07", header="12. IntMK\x01", blocks=[
        Block(kind="heading", text="TOP\x08 1"), Block(kind="paragraph", text=dirty),
        Block(kind="bullets", items=["Ber\x02lin"]), Block(kind="table", rows=[["A\x03", "B\x0c"]]),
    ])
    data = render_docx(spec)
    text = read_docx_text(data, with_header=True)
    assert not CONTROL_CHARS.search(text)
    assert "Migrationsberatung\nfür\nalle Länder" in text
    assert "TOP 1" in text and "Berlin" in text and "12. IntMK" in text and "A | B" in text
    assert open_docx(data).core_properties.title == "Titel"


def test_unreadable_output_bytes_are_an_input_error() -> None:
    with pytest.raises(InputError):
        read_docx_text(b"PK\x03\x04 kaputt")


# --- the shipped template --------------------------------------------------------------------


def test_default_template_is_a4_arial_german_with_all_styles() -> None:
    document = build_default_template()
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == 2.5 and round(section.right_margin.cm, 1) == 2.0
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "de-DE"
    assert defaults.find(f".//{qn('w:rFonts')}").get(qn("w:ascii")) == "Arial"
    fonts = document.styles.element.iter(qn("w:rFonts"))
    assert not any(rfonts.get(qn("w:asciiTheme")) for rfonts in fonts)
    for name in REQUIRED_STYLES:
        assert find_style(document, name) is not None, name
    assert document.styles["Kennzeichnung"].font.bold is True
    assert document.styles["Briefkopf"].paragraph_format.alignment is WD_ALIGN_PARAGRAPH.RIGHT
    assert document.styles["Beschlusstext"].paragraph_format.left_indent.cm == pytest.approx(1.0, abs=0.01)
    assert document.styles["Hinweis"].font.italic is True
    assert header_text(document) == "{kopfzeile}\n{kennzeichnung}"
    assert document.paragraphs == [] and document.core_properties.author == "intmk"


def test_export_writes_an_editable_template_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "vorlagen"
    [path] = export_templates(target)
    assert path == target / "vorlage.docx"
    document = load_template(DocumentKind.EINLADUNG, target)
    assert find_style(document, "Briefkopf") is not None
    assert header_text(document) == "{kopfzeile}\n{kennzeichnung}"
    before = path.read_bytes()
    with pytest.raises(UsageProblem, match="vorlage.docx"):
        export_templates(target)
    assert path.read_bytes() == before


# --- a clerk's own templates -----------------------------------------------------------------


def write_user_template(path: Path, header: str, heading_font: str = "Times New Roman") -> None:
    """A template as a clerk would save it: own header, changed Heading 1, leftover body text."""
    document = docx.Document()
    heading = document.styles["Heading 1"]
    heading.font.name = heading_font
    heading.font.size = Pt(20)
    document.add_paragraph("Alter Inhalt der Vorlage")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Alte Tabelle"
    header_paragraph = document.sections[0].header.paragraphs[0]
    header_paragraph.text = ""
    for piece in split_into_runs(header):
        header_paragraph.add_run(piece)
    properties = document.core_properties
    properties.author = properties.last_modified_by = "Max Mustermann"
    properties.created = dt.datetime(2019, 3, 1, 9, 0)
    properties.language = "en-US"
    document.save(path)


def split_into_runs(text: str) -> list[str]:
    """Cut the text inside placeholders, as Word does after spell-checking or editing."""
    pieces, rest = [], text
    while "{" in rest:
        start = rest.index("{") + 3
        pieces.append(rest[:start])
        rest = rest[start:]
    return [*pieces, rest]


@pytest.fixture()
def template_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    write_user_template(folder / "tagesordnung.docx", "{kopfzeile} – Land Musterland")
    write_user_template(folder / "Vorlage.docx", "{kopfzeile} – Allgemeine Vorlage", "Courier New")
    (folder / "notiz.txt").write_text("keine Vorlage", encoding="utf-8")
    return folder


def test_kind_specific_template_wins(template_dir: Path) -> None:
    data = render_docx(sample_spec(DocumentKind.TAGESORDNUNG), template_dir)
    document = open_docx(data)
    header = header_text(document)
    assert "Friedrichshafen – Land Musterland" in header
    assert document.styles["Heading 1"].font.name == "Times New Roman"
    assert document.styles["Heading 1"].font.size == Pt(20)
    assert styles_of(document)["TOP 1 Begrüßung"] == "Heading 1"


def test_the_clerks_template_properties_are_replaced(template_dir: Path) -> None:
    data = render_docx(sample_spec(DocumentKind.TAGESORDNUNG, title="Tagesordnung"), template_dir, PROPERTIES)
    properties = open_docx(data).core_properties
    assert (properties.author, properties.last_modified_by, properties.title) == (OFFICE, OFFICE, "Tagesordnung")
    assert properties.created == properties.modified == ISSUED and properties.language == "de-DE"


def test_general_template_serves_the_other_kinds(template_dir: Path) -> None:
    document = open_docx(render_docx(sample_spec(DocumentKind.EINLADUNG), template_dir))
    assert "Friedrichshafen – Allgemeine Vorlage" in header_text(document)
    assert document.styles["Heading 1"].font.name == "Courier New"


def test_user_template_body_is_replaced_and_missing_styles_are_added(template_dir: Path) -> None:
    data = render_docx(sample_spec(DocumentKind.TAGESORDNUNG), template_dir)
    text = read_docx_text(data)
    assert "Alter Inhalt" not in text and "Alte Tabelle" not in text
    document = open_docx(data)
    assert document.element.body[-1].tag == qn("w:sectPr")
    styles = styles_of(document)
    assert styles[LETTERHEAD[0]] == "Briefkopf"
    assert styles[load_sample().paragraphs[0]] == "Beschlusstext"
    assert document.styles["Kennzeichnung"].font.bold is True


def test_marking_is_added_when_the_user_header_has_no_placeholder(template_dir: Path) -> None:
    document = open_docx(render_docx(sample_spec(DocumentKind.TAGESORDNUNG), template_dir))
    assert MARKING in header_text(document)
    public = open_docx(render_docx(sample_spec(DocumentKind.TAGESORDNUNG, marking=None), template_dir))
    assert MARKING not in header_text(public)


def german_word_template(path: Path) -> None:
    """Like a template from a German Word: localized style ids, only the styles it uses, no lists."""
    document = docx.Document()
    styles = document.styles.element
    for element in list(styles.style_lst):
        if element.name_val in ("List Bullet", "Title", "Table Grid", "heading 2", "Normal Table"):
            styles.remove(element)
        elif element.styleId == "Normal":
            element.set(qn("w:styleId"), "Standard")
    for reference in styles.iter(qn("w:basedOn"), qn("w:next")):
        if reference.get(qn("w:val")) == "Normal":
            reference.set(qn("w:val"), "Standard")
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/numbering"):
            document.part.drop_rel(rid)
    document.save(path)


def test_template_from_german_word_gets_working_lists_and_tables(tmp_path: Path) -> None:
    german_word_template(tmp_path / "vorlage.docx")
    document = open_docx(render_docx(sample_spec(), tmp_path))
    styles = styles_of(document)
    assert styles["Hamburg"] == "List Bullet" and styles["Antragsteller"] == "Heading 2"
    assert styles["Niederschrift (intern)"] == "Title"
    assert document.tables[0].style.name == "Table Grid"
    bullet = document.styles["List Bullet"]
    assert bullet.base_style.name == "Normal" and bullet.base_style.style_id == "Standard"
    num_id = int(bullet.element.pPr.numPr.numId.val)
    numbering = document.part.numbering_part.element
    abstract_id = numbering.num_having_numId(num_id).abstractNumId.val
    [abstract] = [a for a in numbering.findall(qn("w:abstractNum"))
                  if a.get(qn("w:abstractNumId")) == str(abstract_id)]
    assert abstract.find(f".//{qn('w:numFmt')}").get(qn("w:val")) == "bullet"


def test_missing_template_dir_falls_back_to_the_default(tmp_path: Path) -> None:
    document = load_template(DocumentKind.GRUENFASSUNG, tmp_path / "gibt-es-nicht")
    assert header_text(document) == "{kopfzeile}\n{kennzeichnung}"


@pytest.mark.parametrize("content", [
    random.Random(7).randbytes(4096),
    b"",
    b"PK\x03\x04" + bytes(100),
], ids=["random-bytes", "empty", "broken-zip"])
def test_damaged_template_is_a_config_error_naming_the_file(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "einladung.docx").write_bytes(content)
    with pytest.raises(ConfigError, match="einladung.docx") as caught:
        render_docx(sample_spec(DocumentKind.EINLADUNG), tmp_path)
    assert "beschädigt" in caught.value.message


def test_zip_that_is_not_a_word_file_is_a_config_error(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hallo.txt", "kein Word")
    (tmp_path / "vorlage.docx").write_bytes(buffer.getvalue())
    with pytest.raises(ConfigError, match="vorlage.docx"):
        load_template(DocumentKind.TAGESORDNUNG, tmp_path)
