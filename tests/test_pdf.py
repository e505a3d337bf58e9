"""The PDF reader: printed lines in reading order, page furniture removed, every failure classified."""

from __future__ import annotations

import io
import time
import zlib
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject, NumberObject, StreamObject

import extractors.pdf as pdf_module
from extractors.document import Line
from extractors.hashing import sha256_file
from extractors.limits import ExtractionLimits
from extractors.pdf import read_pdf
from schemas.errors import EnvironmentProblem, ErrorCode, InputError
from tests.fixtures.pdf import encrypt_pdf, write_image_only_pdf, write_pdf
from tests.fixtures.sample import load_sample

HEADER = "Integrationsministerkonferenz 2017 – Beschlusssammlung"


def sample_pages() -> list[list[str]]:
    """The sample's printed lines on its two pages (tests/fixtures/sample.py reads it in place)."""
    return load_sample().pages


def sample_lines() -> list[str]:
    return [line for page in sample_pages() for line in page]


def texts(document) -> list[str]:
    """Line texts with pypdfium2's hyphen marker shown as the printed hyphen."""
    return [line.text.replace("\ufffe", "-") for line in document.lines]


def filler_pages(count: int, lines: int = 8) -> list[list[str]]:
    return [[f"Absatz {i + 1} der Seite {p + 1}: Die Länder begrüßen die Förderung." for i in range(lines)]
            for p in range(count)]


def expect_error(path: Path, code: ErrorCode, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        read_pdf(path, **kwargs)
    assert caught.value.code is code, caught.value.message
    return caught.value


# ----------------------------------------------------------------------------- the real sample


def test_sample_over_four_pages_keeps_every_line_and_drops_header_and_markers(tmp_path):
    lines = sample_lines()
    pages = [lines[i:i + 12] for i in range(0, len(lines), 12)]
    path = write_pdf(tmp_path / "beschluss.pdf", pages, header=HEADER, page_marker="- {n} -")

    document = read_pdf(path)

    assert document.page_count == len(pages) == 4
    assert texts(document) == lines
    assert document.running_headers == [HEADER]
    assert [line.page for line in document.lines] == [p + 1 for p, page in enumerate(pages) for _ in page]


def test_sample_in_its_own_two_pages_keeps_conference_lines_that_equal_the_header(tmp_path):
    pages = sample_pages()
    assert [len(page) for page in pages] == [27, 12]
    path = write_pdf(tmp_path / "beschluss.pdf", pages, header=pages[0][0], page_marker="– {n} –")

    document = read_pdf(path)

    assert texts(document) == sample_lines()
    assert texts(document)[0] == "12. Integrationsministerkonferenz 2017"
    assert document.running_headers == [pages[0][0]]


def test_line_end_hyphen_is_kept_as_pdfium_marker_and_lines_carry_positions(tmp_path):
    path = write_pdf(tmp_path / "beschluss.pdf", sample_pages(), font_size=11)

    document = read_pdf(path)

    applicants = next(line for line in document.lines if line.text.startswith("Antragsteller"))
    assert applicants.text.endswith("Ham\ufffe")
    assert document.lines[document.lines.index(applicants) + 1].text.startswith("burg,")
    assert applicants.size == pytest.approx(11, abs=0.5)
    assert applicants.x0 == pytest.approx(56, abs=2)
    tops = [line.top for line in document.lines if line.page == 1]
    assert tops == sorted(tops) and tops[0] == pytest.approx(90, abs=6)
    assert document.sha256 == sha256_file(path)


def test_umlauts_and_eszett_survive(tmp_path):
    line = "Äußerst größere Übergänge: Öl, Maß, Fuß und Straße – § 5 Abs. 2 „Zuständigkeit“"
    path = write_pdf(tmp_path / "umlaute.pdf", [[line, "ÄÖÜ äöü ß"]])

    assert texts(read_pdf(path)) == [line, "ÄÖÜ äöü ß"]


# ----------------------------------------------------------------------------- headers, footers, markers


@pytest.mark.parametrize("marker", [
    "- {n} -", "– {n} –", "-{n}-", "Seite {n}", "Seite {n} von {total}", "Seite | {n}",
    "{n} von {total}", "{n}/{total}", "{n}",
])
@pytest.mark.parametrize("position", ["bottom", "top"])
def test_page_markers_are_removed(tmp_path, marker, position):
    pages = filler_pages(3)
    path = write_pdf(tmp_path / "m.pdf", pages, page_marker=marker, marker_position=position)

    assert texts(read_pdf(path)) == [line for page in pages for line in page]


def test_single_page_marker_is_removed_without_repetition(tmp_path):
    path = write_pdf(tmp_path / "m.pdf", [["Einzige Seite mit Text."]], page_marker="Seite {n} von {total}")

    assert texts(read_pdf(path)) == ["Einzige Seite mit Text."]


def test_running_footer_with_page_number_is_removed(tmp_path):
    pages = filler_pages(5)
    path = write_pdf(tmp_path / "f.pdf", pages, header=HEADER, footer="IntMK 2017, Niederschrift, S. {n}")

    document = read_pdf(path)

    assert texts(document) == [line for page in pages for line in page]
    assert HEADER in document.running_headers


def test_header_on_a_majority_of_pages_is_removed_but_not_one_on_a_minority(tmp_path):
    pages = filler_pages(5)
    with_header = write_pdf(tmp_path / "h.pdf", pages, header=HEADER)
    # The same text as a body line on only two of five pages stays.
    minority = [[HEADER, *page] if p < 2 else page for p, page in enumerate(pages)]
    without_header = write_pdf(tmp_path / "n.pdf", minority)

    assert texts(read_pdf(with_header)) == [line for page in pages for line in page]
    assert texts(read_pdf(without_header)) == [line for page in minority for line in page]


def test_numbered_content_lines_survive(tmp_path):
    pages = [
        ["TOP 2.1", "2. Die Länder stellen fest:", "3", "12 Länder stimmen zu", "2/3-Mehrheit erforderlich"],
        ["TOP 2.2", "2. Die Länder bitten den Bund,", "2024", "Seite an Seite mit den Kommunen"],
        ["TOP 2.3", "2. Die Länder bekräftigen", "1 von 16 Ländern enthält sich", "Beschluss 3/2017"],
    ]
    path = write_pdf(tmp_path / "n.pdf", pages, page_marker="Seite {n} von {total}")

    assert texts(read_pdf(path)) == [line for page in pages for line in page]


def test_headings_at_the_top_of_every_page_are_not_taken_for_a_running_header(tmp_path):
    pages = [[f"TOP {n}", f"Zeile {n} auf Seite {n} mit Text", "Beschluss:"] for n in range(1, 6)]
    path = write_pdf(tmp_path / "t.pdf", pages)

    assert texts(read_pdf(path)) == [line for page in pages for line in page]


def test_two_page_document_needs_exact_repetition(tmp_path):
    pages = filler_pages(2)
    path = write_pdf(tmp_path / "two.pdf", pages, header="Vorlage {n} für die IntMK", footer=HEADER)

    document = read_pdf(path)

    assert texts(document)[0] == "Vorlage 1 für die IntMK"
    assert "Vorlage 2 für die IntMK" in texts(document)
    assert HEADER not in texts(document)


# ----------------------------------------------------------------------------- columns


def test_two_column_page_is_read_column_by_column(tmp_path):
    lines = [line[:38].strip() for line in sample_lines()]
    path = write_pdf(tmp_path / "spalten.pdf", [lines], two_columns=True, header=HEADER)
    with pdfplumber.open(path) as raw:
        page = raw.pages[0]
        interleaved = page.extract_text().splitlines()
        page.close()
    assert interleaved[1] != lines[0]  # the library default mixes the two columns

    document = read_pdf(path)

    assert texts(document) == [HEADER, *lines]
    half = (len(lines) + 1) // 2
    assert document.lines[1].x0 < 100 < document.lines[1 + half].x0


def test_two_columns_written_column_by_column_read_the_same(tmp_path):
    lines = [line[:38].strip() for line in sample_lines()]
    path = write_pdf(tmp_path / "spalten.pdf", [lines], two_columns=True, column_order="columns")

    assert texts(read_pdf(path)) == lines


# ----------------------------------------------------------------------------- metadata, outline


def test_metadata_and_outline(tmp_path):
    outline = [(0, "TOP 1 Leitantrag", 1), (1, "Begründung", 2), (0, "TOP 2.12 Migrationsberatung", 3)]
    path = write_pdf(
        tmp_path / "meta.pdf", filler_pages(3),
        metadata={"title": "Beschlüsse der 12. IntMK", "author": "Geschäftsstelle"}, outline=outline,
    )

    document = read_pdf(path)

    assert document.metadata["Title"] == "Beschlüsse der 12. IntMK"
    assert document.metadata["Author"] == "Geschäftsstelle"
    assert document.metadata["CreationDate"].startswith("D:")
    assert document.outline == outline


def test_cyclic_outline_is_read_in_bounded_time(tmp_path):
    path = write_pdf(tmp_path / "o.pdf", filler_pages(2), outline=[(0, "Eins", 1), (0, "Zwei", 2)])
    writer = PdfWriter(clone_from=PdfReader(path))
    outlines = writer._root_object["/Outlines"].get_object()
    first, last = outlines.raw_get("/First"), outlines.raw_get("/Last")
    last.get_object()[NameObject("/Next")] = first  # Zwei -> Eins -> Zwei -> ...
    first.get_object()[NameObject("/First")] = first  # and Eins is its own child
    cyclic = tmp_path / "cyclic.pdf"
    with cyclic.open("wb") as handle:
        writer.write(handle)

    started = time.monotonic()
    document = read_pdf(cyclic)

    assert time.monotonic() - started < 5
    assert len(document.outline) < 100
    assert len(document.lines) == 16


# ----------------------------------------------------------------------------- limits


def test_page_limit(tmp_path):
    path = write_pdf(tmp_path / "p.pdf", filler_pages(3))
    error = expect_error(path, ErrorCode.LIMIT_EXCEEDED, limits=ExtractionLimits(max_pages=2))
    assert "3 Seiten" in error.message


def test_character_limit(tmp_path):
    path = write_pdf(tmp_path / "c.pdf", filler_pages(2))
    error = expect_error(path, ErrorCode.LIMIT_EXCEEDED, limits=ExtractionLimits(max_chars=200))
    assert "200 Zeichen" in error.message


def test_file_size_limit(tmp_path):
    path = write_pdf(tmp_path / "s.pdf", filler_pages(1))
    error = expect_error(path, ErrorCode.LIMIT_EXCEEDED, limits=ExtractionLimits(max_file_bytes=100))
    assert "KB" in error.message


# ----------------------------------------------------------------------------- bad input


def test_empty_file(tmp_path):
    path = tmp_path / "leer.pdf"
    path.write_bytes(b"")
    expect_error(path, ErrorCode.EMPTY_FILE)


def test_header_only(tmp_path):
    path = tmp_path / "kopf.pdf"
    path.write_bytes(b"%PDF-")
    expect_error(path, ErrorCode.DAMAGED_FILE)


def test_truncated_pdf(tmp_path):
    data = write_pdf(tmp_path / "ganz.pdf", filler_pages(3)).read_bytes()
    path = tmp_path / "halb.pdf"
    path.write_bytes(data[: len(data) // 2])
    expect_error(path, ErrorCode.DAMAGED_FILE)


def test_png_renamed_to_pdf(tmp_path):
    buffer = io.BytesIO()
    Image.new("L", (20, 20), 255).save(buffer, format="PNG")
    path = tmp_path / "bild.pdf"
    path.write_bytes(buffer.getvalue())
    error = expect_error(path, ErrorCode.UNSUPPORTED_FORMAT)
    assert "keine PDF-Datei" in error.message


def test_missing_file_is_an_environment_problem(tmp_path):
    with pytest.raises(EnvironmentProblem) as caught:
        read_pdf(tmp_path / "fehlt.pdf")
    assert caught.value.code is ErrorCode.FILE_ACCESS


def test_user_password_is_rejected(tmp_path):
    plain = write_pdf(tmp_path / "klar.pdf", filler_pages(2))
    path = encrypt_pdf(plain, tmp_path / "geheim.pdf", user_password="geheim", owner_password="chef")
    error = expect_error(path, ErrorCode.ENCRYPTED)
    assert "Kennwort" in error.message


def test_owner_password_only_is_read(tmp_path):
    pages = filler_pages(2)
    plain = write_pdf(tmp_path / "klar.pdf", pages, header=HEADER)
    path = encrypt_pdf(plain, tmp_path / "rechte.pdf", user_password="", owner_password="chef")

    assert texts(read_pdf(path)) == [line for page in pages for line in page]


def test_decompression_bomb_is_stopped_by_pypdf_limit(tmp_path):
    path = write_pdf(tmp_path / "bombe.pdf", filler_pages(1))
    writer = PdfWriter(clone_from=PdfReader(path))
    bomb = StreamObject()
    bomb._data = zlib.compress(b"0 0 m " * 14_000_000, 9)  # 84 MB unpacked from ~80 KB
    bomb[NameObject("/Filter")] = NameObject("/FlateDecode")
    bomb[NameObject("/Length")] = NumberObject(len(bomb._data))
    page = writer.pages[0]
    page[NameObject("/Contents")] = ArrayObject([page["/Contents"], writer._add_object(bomb)])
    bombed = tmp_path / "bombe2.pdf"
    with bombed.open("wb") as handle:
        writer.write(handle)

    started = time.monotonic()
    expect_error(bombed, ErrorCode.HOSTILE_FILE)
    assert time.monotonic() - started < 10


# ----------------------------------------------------------------------------- pages without text


def test_image_only_pdf_needs_ocr(tmp_path):
    path = write_image_only_pdf(tmp_path / "scan.pdf", ["Beschluss der IntMK", "TOP 2.12"], pages=2)
    assert PdfReader(path).pages[0].images  # there is a picture, but no text layer
    error = expect_error(path, ErrorCode.NEEDS_OCR)
    assert "Texterkennung (OCR)" in error.message


def test_mixed_pdf_reports_pages_that_need_ocr(tmp_path):
    pages = filler_pages(4)
    path = write_pdf(tmp_path / "gemischt.pdf", pages, image_pages={2, 4})

    document = read_pdf(path)

    assert document.pages_without_text == [2, 4]
    assert [problem.code for problem in document.problems] == [ErrorCode.NEEDS_OCR.value]
    assert document.problems[0].pages == [2, 4]
    assert "Texterkennung (OCR)" in document.problems[0].message
    assert texts(document) == pages[0] + pages[2]


def test_mojibake_page_is_treated_as_without_text(tmp_path):
    pages = filler_pages(3)
    path = write_pdf(tmp_path / "moji.pdf", pages, mojibake_pages={2})

    document = read_pdf(path)

    assert document.pages_without_text == [2]
    assert texts(document) == pages[0] + pages[2]


def test_only_mojibake_needs_ocr(tmp_path):
    path = write_pdf(tmp_path / "moji.pdf", filler_pages(2), mojibake_pages={1, 2})
    expect_error(path, ErrorCode.NEEDS_OCR)


def test_short_page_without_image_is_not_a_scan(tmp_path):
    pages = [["Anlage"], *filler_pages(1)]
    document = read_pdf(write_pdf(tmp_path / "kurz.pdf", pages))

    assert document.pages_without_text == []
    assert texts(document) == pages[0] + pages[1]


# ----------------------------------------------------------------------------- fallbacks


def test_pdfplumber_reads_all_pages_when_pdfium_cannot_open(tmp_path, monkeypatch):
    pages = filler_pages(3)
    path = write_pdf(tmp_path / "p.pdf", pages, header=HEADER, page_marker="- {n} -", image_pages={3})
    monkeypatch.setattr(pdf_module, "open_with_pdfium", lambda *args, **kwargs: None)

    document = read_pdf(path)

    assert texts(document) == pages[0] + pages[1]
    assert document.pages_without_text == [3]
    assert all(isinstance(line, Line) and line.top is not None for line in document.lines)


def test_pdfplumber_fallback_splits_two_columns_too(tmp_path, monkeypatch):
    lines = [line[:38].strip() for line in sample_lines()]
    path = write_pdf(tmp_path / "spalten.pdf", [lines], two_columns=True)
    monkeypatch.setattr(pdf_module, "open_with_pdfium", lambda *args, **kwargs: None)

    assert texts(read_pdf(path)) == [line.replace("\ufffe", "-") for line in lines]


def test_pdfium_reads_when_pypdf_cannot(tmp_path, monkeypatch):
    pages = filler_pages(2)
    path = write_pdf(tmp_path / "p.pdf", pages, metadata={"title": "Niederschrift"})
    monkeypatch.setattr(pdf_module, "inspect_with_pypdf", lambda path: None)

    document = read_pdf(path)

    assert texts(document) == [line for page in pages for line in page]
    assert document.metadata["Title"] == "Niederschrift"


def test_every_pdfplumber_page_is_closed_before_the_next_is_read(tmp_path, monkeypatch):
    events: list[tuple[str, int]] = []
    page_class = pdfplumber.page.Page
    extract_words, close = page_class.extract_words, page_class.close
    monkeypatch.setattr(page_class, "extract_words",
                        lambda self, **kw: events.append(("read", self.page_number)) or extract_words(self, **kw))
    monkeypatch.setattr(page_class, "close", lambda self: events.append(("close", self.page_number)) or close(self))
    monkeypatch.setattr(pdf_module, "open_with_pdfium", lambda *args, **kwargs: None)

    read_pdf(write_pdf(tmp_path / "p.pdf", filler_pages(3)))

    assert events[:6] == [("read", 1), ("close", 1), ("read", 2), ("close", 2), ("read", 3), ("close", 3)]
