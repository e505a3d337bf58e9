"""The DOCX reader: body order, Word numbering, tables, pages, styles, and classified bad input."""

from __future__ import annotations

import hashlib
import random
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx.document import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from extractors.docx import read_docx
from extractors.docx_numbering import NumberingCounter, StyleTable, format_number
from extractors.docx_safety import OLE2_MAGIC
from extractors.limits import ExtractionLimits
from extractors.document import TextDocument
from schemas.errors import EnvironmentProblem, ErrorCode, InputError
from tests.fixtures.docx import Block, docx_parts, replace_part, sample_blocks, write_docx, write_parts


def texts(path: Path) -> list[str]:
    return [line.text for line in read_docx(path).lines]


def raw(xml: str) -> Block:
    """A block of hand-written body XML (``w:`` prefix undeclared), appended before the sectPr."""
    tag_end = xml.index(">")
    declared = f"{xml[:tag_end]} {nsdecls('w')}{xml[tag_end:]}"

    def append(document: Document) -> None:
        document.element.body.sectPr.addprevious(parse_xml(declared))
    return ("custom", append)


def expect_error(path: Path, code: ErrorCode, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as caught:
        read_docx(path, **kwargs)  # type: ignore[arg-type]
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- numbering -------------------------------------------------------------------------------


def test_numbered_paragraphs_get_the_labels_word_prints(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "list.docx", [
        ("para", "Beschluss:"),
        ("numbered", "Erstens"), ("numbered", "Zweitens"),
        ("numbered", "Unterpunkt", 1), ("numbered", "Noch einer", 1), ("numbered", "Tief", 2),
        ("numbered", "Drittens"), ("numbered", "Wieder unten", 1),
    ])
    assert texts(path) == [
        "Beschluss:", "1. Erstens", "2. Zweitens", "a) Unterpunkt", "b) Noch einer", "(i) Tief",
        "3. Drittens", "a) Wieder unten",
    ]


def test_new_list_restarts_and_start_override_sets_the_number(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "restart.docx", [
        ("numbered", "A"), ("numbered", "B"), ("para", "Zwischentext"),
        ("new_list",), ("numbered", "C"), ("numbered", "D"),
        ("new_list", 7), ("numbered", "E"), ("numbered", "F", 1),
    ])
    assert texts(path) == ["1. A", "2. B", "Zwischentext", "1. C", "2. D", "7. E", "a) F"]


def test_bullets_become_an_en_dash(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "bullets.docx", [("bullet", "Punkt eins"), ("bullet", "Unterpunkt", 1)])
    assert texts(path) == ["– Punkt eins", "– Unterpunkt"]


def test_numbering_from_a_builtin_list_style(tmp_path: Path) -> None:
    """"List Number" carries its numbering in styles.xml, not in the paragraph."""
    path = write_docx(tmp_path / "style.docx", [
        ("para", "Erster Punkt", {"style": "List Number"}), ("para", "Zweiter Punkt", {"style": "List Number"}),
    ])
    assert texts(path) == ["1. Erster Punkt", "2. Zweiter Punkt"]


def test_empty_numbered_paragraph_is_dropped_but_counts(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "gap.docx", [("numbered", "Eins"), ("numbered", ""), ("numbered", "Drei"),
                                             ("para", ""), ("para", "   ")])
    assert texts(path) == ["1. Eins", "3. Drei"]


def test_sample_resolution_as_docx_has_its_five_numbered_paragraphs(tmp_path: Path) -> None:
    lines = texts(write_docx(tmp_path / "sample.docx", sample_blocks()))
    numbered = [line for line in lines if line[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert [line[:40] for line in numbered] == [
        "1. Die Integrationsministerkonferenz (In",
        "2. Die Länder stellen fest, dass die zun",
        "3. Die Länder halten darüber hinaus die ",
        "4. Die Länder unterstreichen, dass neben",
        "5. Die Länder bekennen sich zur gemeinsa",
    ]
    assert numbered[0].startswith("1. Die Integrationsministerkonferenz (IntMK) unterstreicht die Bedeutung "
                                  "der Migrationsberatung für Erwachsene")
    assert numbered[-1].endswith("damit die Verzahnung der Angebote gelingt.")
    assert lines[:4] == ["12. Integrationsministerkonferenz 2017", "am 16. und 17. März 2017 in Friedrichshafen",
                         "TOP 2.12", "Ausbau und Öffnung der Migrationsberatung"]


# --- tables, headers, styles -------------------------------------------------------------------


def test_tables_stay_in_body_order_and_merged_cells_appear_once(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "table.docx", [
        ("para", "Vor der Tabelle"),
        ("table", [["TOP", "Titel", "Seitenzahl"],
                   ["1", "Leitantrag über zwei Spalten", ""],
                   ["2.1", "Ausbau der Migrationsberatung", "5"],
                   ["2.2", "Wohnsitzregelung", ""]],
         {"merge": [((1, 1), (1, 2)), ((2, 2), (3, 2))], "bold_header": True}),
        ("para", "Nach der Tabelle"),
    ])
    document = read_docx(path)
    assert [(line.text, line.in_table) for line in document.lines] == [
        ("Vor der Tabelle", False),
        ("TOP | Titel | Seitenzahl", True),
        ("1 | Leitantrag über zwei Spalten", True),
        ("2.1 | Ausbau der Migrationsberatung | 5", True),
        ("2.2 | Wohnsitzregelung |", True),
        ("Nach der Tabelle", False),
    ]
    assert document.lines[1].bold and not document.lines[2].bold


def test_numbering_inside_a_table_cell_counts_in_document_order(tmp_path: Path) -> None:
    def numbered_cell(document: Document) -> None:
        paragraph = document.tables[-1].cell(0, 1).paragraphs[0]
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = 10  # the fixture's numbered list (after the template's nine)
    path = write_docx(tmp_path / "cellnum.docx", [
        ("numbered", "Vorher"), ("table", [["TOP 3", "In der Zelle"]]), ("custom", numbered_cell),
        ("numbered", "Nachher"),
    ])
    assert texts(path) == ["1. Vorher", "TOP 3 | 2. In der Zelle", "3. Nachher"]


def test_header_and_footer_are_ignored(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "hf.docx", [("para", "Inhalt")],
                      header_text="13. Integrationsministerkonferenz 2018", footer_text="Seite 1")
    assert "Integrationsministerkonferenz" in docx_parts(path)["word/header1.xml"].decode()
    assert texts(path) == ["Inhalt"]


def test_style_name_and_bold(tmp_path: Path) -> None:
    def mixed(document: Document) -> None:
        paragraph = document.add_paragraph()
        paragraph.add_run("halb ").bold = True
        paragraph.add_run("fett")
    path = write_docx(tmp_path / "styles.docx", [
        ("heading", "TOP 2.12"), ("para", "Fett", {"bold": True}), ("para", "Zitat", {"style": "Quote"}),
        ("custom", mixed), ("heading", "Unterabschnitt", 2),
    ])
    lines = read_docx(path).lines
    assert [(line.style, line.bold) for line in lines] == [
        ("Heading 1", True), ("Normal", True), ("Quote", False), ("Normal", False), ("Heading 2", True),
    ]
    assert read_docx(path).outline == [(1, "TOP 2.12", 1), (2, "Unterabschnitt", 1)]


def test_inline_markup_becomes_plain_text(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "inline.docx", [
        raw('<w:p><w:r><w:t xml:space="preserve">Bund</w:t><w:tab/><w:t>Länder</w:t><w:br/>'
            "<w:t>neue Zeile</w:t></w:r></w:p>"),
        raw("<w:p><w:r><w:t>Migrations</w:t><w:softHyphen/><w:t>beratung</w:t><w:noBreakHyphen/>"
            "<w:t>Stellen</w:t></w:r></w:p>"),
        raw('<w:p><w:r><w:t xml:space="preserve">Alt </w:t></w:r><w:del w:id="1" w:author="x"><w:r>'
            '<w:delText>gestrichen</w:delText></w:r></w:del><w:ins w:id="2" w:author="x"><w:r><w:t>neu</w:t>'
            '</w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>versteckt</w:t></w:r></w:p>'),
        raw('<w:p><w:hyperlink w:anchor="x"><w:r><w:t xml:space="preserve">Link </w:t></w:r></w:hyperlink>'
            '<w:fldSimple w:instr="PAGE"><w:r><w:t>7</w:t></w:r></w:fldSimple>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DATE</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> 16.03.2017</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'),
        raw("<w:sdt><w:sdtContent><w:p><w:r><w:t>Inhaltsverzeichnis</w:t></w:r></w:p></w:sdtContent></w:sdt>"),
    ])
    assert texts(path) == [
        "Bund Länder neue Zeile", "Migrations\u00adberatung-Stellen", "Alt neu", "Link 7 16.03.2017",
        "Inhaltsverzeichnis",
    ]


# --- pages ----------------------------------------------------------------------------------------


def test_explicit_page_breaks_set_the_pages(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "pages.docx", [
        ("para", "Seite eins"), ("page_break",), ("para", "Seite zwei"),
        ("table", [["Zelle", "auf zwei"]]), ("page_break",), ("para", "Seite drei"),
        raw('<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>Seite vier</w:t></w:r></w:p>'),
        raw('<w:p><w:r><w:t>Noch vier</w:t><w:br w:type="page"/><w:t>halb fünf</w:t></w:r></w:p>'),
    ])
    document = read_docx(path)
    assert [(line.text, line.page) for line in document.lines] == [
        ("Seite eins", 1), ("Seite zwei", 2), ("Zelle | auf zwei", 2), ("Seite drei", 3), ("Seite vier", 4),
        ("Noch vier halb fünf", 4),
    ]
    assert document.page_count == 5


def test_without_breaks_there_is_one_page(tmp_path: Path) -> None:
    document = read_docx(write_docx(tmp_path / "one.docx", [("para", "a"), ("para", "b")]))
    assert document.page_count == 1 and {line.page for line in document.lines} == {1}


def test_rendered_page_breaks_win_over_explicit_ones(tmp_path: Path) -> None:
    """Word's own pagination (w:lastRenderedPageBreak) already includes the explicit breaks."""
    path = write_docx(tmp_path / "rendered.docx", [
        ("para", "Seite eins"),
        raw('<w:p><w:r><w:br w:type="page"/></w:r></w:p>'),
        raw("<w:p><w:r><w:lastRenderedPageBreak/><w:t>Seite zwei</w:t></w:r></w:p>"),
        raw("<w:p><w:r><w:t>noch zwei</w:t><w:lastRenderedPageBreak/><w:t>bis drei</w:t></w:r></w:p>"),
        raw("<w:p><w:r><w:t>Seite drei</w:t></w:r></w:p>"),
    ])
    document = read_docx(path)
    assert [line.page for line in document.lines] == [1, 2, 2, 3]
    assert document.page_count == 3


# --- document facts -------------------------------------------------------------------------------


def test_sha256_is_computed_or_taken_as_given(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "hash.docx", [("para", "x")])
    document = read_docx(path)
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.format == "docx" and document.path == str(path)
    assert read_docx(path, sha256="f" * 64).sha256 == "f" * 64


def test_core_properties_become_metadata(tmp_path: Path) -> None:
    def titled(document: Document) -> None:
        document.core_properties.title = "Beschlüsse der 12. IntMK"
        document.core_properties.author = "Geschäftsstelle"
    document = read_docx(write_docx(tmp_path / "meta.docx", [("para", "x"), ("custom", titled)]))
    assert document.metadata["title"] == "Beschlüsse der 12. IntMK"
    assert document.metadata["author"] == "Geschäftsstelle"


def test_too_much_text_exceeds_the_limit(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "long.docx", [("para", "x" * 600), ("para", "y" * 600)])
    assert len(read_docx(path, ExtractionLimits(max_chars=1500)).lines) == 2
    error = expect_error(path, ErrorCode.LIMIT_EXCEEDED, limits=ExtractionLimits(max_chars=1000))
    assert "1.000 Zeichen" in error.message


def test_too_large_file_exceeds_the_limit(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "large.docx", [("para", "x")])
    expect_error(path, ErrorCode.LIMIT_EXCEEDED, limits=ExtractionLimits(max_file_bytes=1000))


# --- bad input --------------------------------------------------------------------------------------


def test_legacy_word_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "alt.docx"
    path.write_bytes(OLE2_MAGIC + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(2000))
    error = expect_error(path, ErrorCode.LEGACY_DOC)
    assert ".doc" in error.message and ".docx oder PDF" in error.message


def test_password_protected_docx_is_encrypted_not_legacy(tmp_path: Path) -> None:
    path = tmp_path / "geheim.docx"
    path.write_bytes(OLE2_MAGIC + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(2000))
    assert "Kennwort" in expect_error(path, ErrorCode.ENCRYPTED).message


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_classified(tmp_path: Path, seed: int) -> None:
    data = random.Random(seed).randbytes(4096)
    path = tmp_path / "zufall.docx"
    path.write_bytes(b"\x00" + data)  # never a ZIP or OLE2 head
    expect_error(path, ErrorCode.UNSUPPORTED_FORMAT)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "leer.docx"
    path.write_bytes(b"")
    assert "leer" in expect_error(path, ErrorCode.EMPTY_FILE).message


@pytest.mark.parametrize("head", [b"{\\rtf1\\ansi Hallo}", b"%PDF-1.7\n", b"<?xml version='1.0'?><w:wordDocument/>"])
def test_other_formats_are_unsupported(tmp_path: Path, head: bytes) -> None:
    path = tmp_path / "anders.docx"
    path.write_bytes(head)
    expect_error(path, ErrorCode.UNSUPPORTED_FORMAT)


def test_missing_document_part_is_damaged(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "ok.docx", [("para", "x")])
    parts = docx_parts(source)
    del parts["word/document.xml"]
    assert "document.xml" in expect_error(write_parts(tmp_path / "ohne.docx", parts), ErrorCode.DAMAGED_FILE).message


def test_missing_package_relations_are_damaged(tmp_path: Path) -> None:
    parts = docx_parts(write_docx(tmp_path / "ok.docx", [("para", "x")]))
    del parts["_rels/.rels"]
    expect_error(write_parts(tmp_path / "ohne-rels.docx", parts), ErrorCode.DAMAGED_FILE)


@pytest.mark.parametrize("keep", [0.3, 0.9])
def test_truncated_archive_is_damaged(tmp_path: Path, keep: float) -> None:
    data = write_docx(tmp_path / "ok.docx", [("para", "x" * 5000)]).read_bytes()
    path = tmp_path / "kaputt.docx"
    path.write_bytes(data[: int(len(data) * keep)])
    expect_error(path, ErrorCode.DAMAGED_FILE)


@pytest.mark.parametrize("change", [
    lambda xml: xml.replace(b"</w:body>", b"<w:p>"),  # not well-formed
    lambda xml: b"",
])
def test_broken_document_xml_is_damaged(tmp_path: Path, change: Callable[[bytes], bytes]) -> None:
    source = write_docx(tmp_path / "ok.docx", [("para", "x")])
    expect_error(replace_part(source, tmp_path / "bad.docx", "word/document.xml", change), ErrorCode.DAMAGED_FILE)


def test_macro_document_is_unsupported(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "ok.docx", [("para", "x")])
    path = replace_part(source, tmp_path / "makro.docx", "[Content_Types].xml", lambda xml: xml.replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml"))
    assert "Vorlage" in expect_error(path, ErrorCode.UNSUPPORTED_FORMAT).message


def test_zip_without_word_content_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "archiv.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("liesmich.txt", "kein Word")
    expect_error(path, ErrorCode.DAMAGED_FILE)


def test_missing_file_is_an_environment_problem(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem) as caught:
        read_docx(tmp_path / "fehlt.docx")
    assert caught.value.code == ErrorCode.FILE_ACCESS


@pytest.fixture(scope="module")
def small_docx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("docx-property")
    return write_docx(folder / "small.docx", [("heading", "TOP 1"), ("numbered", "eins"), ("numbered", "a", 1),
                                            ("table", [["TOP", "Titel"], ["1", "Leitantrag"]])]).read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=20),
       cut=st.one_of(st.none(), st.floats(0, 1)))
def test_corrupted_bytes_end_in_a_document_or_a_classified_error(
    small_docx: bytes, flips: list[tuple[float, int]], cut: float | None
) -> None:
    data = bytearray(small_docx)
    for position, value in flips:
        data[int(position * len(data))] = value
    if cut is not None:
        data = data[: int(cut * len(data))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutiert.docx"
        path.write_bytes(bytes(data))
        try:
            assert isinstance(read_docx(path), TextDocument)
        except InputError as error:
            assert error.message and error.code in ErrorCode.__members__.values()


# --- numbering rules, on hand-written numbering.xml / styles.xml ---------------------------------------

def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


def counter(abstracts: str, nums: str, styles: str = "") -> NumberingCounter:
    numbering = parse_xml(f"<w:numbering {nsdecls('w')}>{abstracts}{nums}</w:numbering>")
    style_root = parse_xml(f"<w:styles {nsdecls('w')}>{styles}</w:styles>")
    return NumberingCounter(numbering, StyleTable(style_root))


def para(num_id: int | None = None, ilvl: int | None = None, style: str | None = None) -> object:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num_id is not None or ilvl is not None:
        props += "<w:numPr>"
        props += f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
        props += f'<w:numId w:val="{num_id}"/>' if num_id is not None else ""
        props += "</w:numPr>"
    return parse_xml(f"<w:p {nsdecls('w')}><w:pPr>{props}</w:pPr></w:p>")


def labels(numbering: NumberingCounter, paragraphs: list[tuple[int | None, int | None, str | None]]) -> list[str]:
    return [numbering.label_for(para(num_id, ilvl, style), style) for num_id, ilvl, style in paragraphs]


@pytest.mark.parametrize(("value", "fmt", "expected"), [
    (4, "upperRoman", "IV"), (14, "lowerRoman", "xiv"), (3, "upperLetter", "C"), (27, "lowerLetter", "aa"),
    (28, "lowerLetter", "bb"), (7, "decimalZero", "07"), (12, "decimal", "12"), (5, "none", ""),
    (2, "ordinalText", "2"), (2_000_000_000, "lowerLetter", "2000000000"), (4000, "upperRoman", "4000"),
])
def test_number_formats(value: int, fmt: str, expected: str) -> None:
    assert format_number(value, fmt) == expected


def test_multilevel_text_resets_deeper_levels() -> None:
    numbering = counter(f'<w:abstractNum w:abstractNumId="0">{lvl(0, "decimal", "%1.")}'
                        f'{lvl(1, "decimal", "%1.%2.")}{lvl(2, "upperLetter", "(%3)")}</w:abstractNum>',
                        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    assert labels(numbering, [(1, 0, None), (1, 1, None), (1, 2, None), (1, 1, None), (1, 2, None),
                              (1, 0, None), (1, 1, None)]) == ["1.", "1.1.", "(A)", "1.2.", "(A)", "2.", "2.1."]


def test_lvl_restart_zero_and_legal_numbering() -> None:
    legal = '<w:lvlRestart w:val="0"/><w:isLgl/>'
    numbering = counter(f'<w:abstractNum w:abstractNumId="0">{lvl(0, "upperRoman", "%1.")}'
                        f'{lvl(1, "decimal", "%1.%2", extra=legal)}</w:abstractNum>',
                        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    assert labels(numbering, [(1, 0, None), (1, 1, None), (1, 0, None), (1, 1, None)]) == ["I.", "1.1", "II.", "2.2"]


def test_instances_of_one_definition_share_counters_like_word() -> None:
    """Several w:num on one abstractNum continue one sequence; startOverride restarts it once."""
    numbering = counter(f'<w:abstractNum w:abstractNumId="0">{lvl(0, "decimal", "%1)", start=3)}</w:abstractNum>',
                        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                        '<w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>'
                        '<w:num w:numId="3"><w:abstractNumId w:val="0"/>'
                        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="10"/></w:lvlOverride></w:num>')
    assert labels(numbering, [(1, 0, None), (1, 0, None), (2, 0, None), (3, 0, None), (3, 0, None),
                              (1, 0, None), (9, 0, None)]) == ["3)", "4)", "5)", "10)", "11)", "12)", ""]


def test_lvl_override_replaces_a_level_definition() -> None:
    numbering = counter(f'<w:abstractNum w:abstractNumId="0">{lvl(0, "decimal", "%1.")}</w:abstractNum>',
                        '<w:num w:numId="1"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0">'
                        f'{lvl(0, "upperLetter", "Teil %1:")}</w:lvlOverride></w:num>')
    assert labels(numbering, [(1, 0, None), (1, 0, None)]) == ["Teil A:", "Teil B:"]


def test_numbering_through_inherited_and_linked_styles() -> None:
    styles = ('<w:style w:type="paragraph" w:styleId="Basis"><w:name w:val="Basis"/>'
              '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Antrag"><w:name w:val="Antrag"/>'
              '<w:basedOn w:val="Basis"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Unterpunkt"><w:name w:val="Unterpunkt"/>'
              '<w:basedOn w:val="Antrag"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Kreis1"><w:name w:val="Kreis1"/>'
              '<w:basedOn w:val="Kreis2"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Kreis2"><w:name w:val="Kreis2"/>'
              '<w:basedOn w:val="Kreis1"/></w:style>')
    linked = '<w:pStyle w:val="Unterpunkt"/>'
    numbering = counter(f'<w:abstractNum w:abstractNumId="0">{lvl(0, "decimal", "%1.")}'
                        f'{lvl(1, "lowerLetter", "%2)", extra=linked)}</w:abstractNum>',
                        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>', styles)
    assert labels(numbering, [(None, None, "Antrag"), (None, None, "Unterpunkt"), (None, None, "Antrag"),
                              (0, None, "Antrag"), (None, None, "Kreis1"), (None, 1, "Antrag")]) == [
        "1.", "a)", "2.", "", "", "a)"]


def test_num_style_link_leads_to_the_defining_list() -> None:
    styles = ('<w:style w:type="numbering" w:styleId="Beschlussliste"><w:name w:val="Beschlussliste"/>'
              '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>')
    numbering = counter(f'<w:abstractNum w:abstractNumId="0"><w:styleLink w:val="Beschlussliste"/>'
                        f'{lvl(0, "decimal", "%1.")}</w:abstractNum>'
                        '<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="Beschlussliste"/></w:abstractNum>',
                        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>', styles)
    assert labels(numbering, [(2, 0, None), (2, 0, None), (1, 0, None)]) == ["1.", "2.", "3."]
