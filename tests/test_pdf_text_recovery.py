"""Text the fast reader (pypdfium2) loses is recovered or flagged (issue 19).

Filled form fields are not in pdfium's text page; pages whose text objects yield next to no
characters (CJK, vertical Japanese, "shattered" files) are read by pdfplumber too, and its
text wins when it holds far more; a file pypdfium2 cannot open is read by pdfplumber and flagged.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

import extractors.pdf as pdf_module
from extractors.document import Line
from extractors.pdf import MSG_REPAIRED, read_pdf
from extractors.pdf_pdfium import merge_lines
from schemas.errors import ErrorCode
from tests.fixtures.pdf import write_pdf
from tests.test_pdf import filler_pages, texts

FIELDS = {"land": "Rheinland-Pfalz", "top": "TOP 2.12 Ausbau und Öffnung der Migrationsberatung"}


def write_filled_form(path: Path) -> Path:
    """A form as a Land fills it in: printed labels, the values only in AcroForm text fields."""
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(56, 760, "Antragstellendes Land:")
    canvas.acroForm.textfield(name="land", value=FIELDS["land"], x=200, y=752, width=250, height=20)
    canvas.drawString(56, 720, "Tagesordnungspunkt:")
    canvas.acroForm.textfield(name="top", value=FIELDS["top"], x=200, y=712, width=350, height=20)
    canvas.acroForm.textfield(name="leer", value="", x=200, y=672, width=250, height=20)
    canvas.drawString(56, 640, "Die Länder bitten den Bund, die Migrationsberatung auszubauen.")
    canvas.showPage()
    canvas.save()
    return path


def test_values_of_filled_form_fields_are_read_where_they_stand(tmp_path):
    document = read_pdf(write_filled_form(tmp_path / "formular.pdf"))

    assert texts(document) == [
        "Antragstellendes Land:", FIELDS["land"], "Tagesordnungspunkt:", FIELDS["top"],
        "Die Länder bitten den Bund, die Migrationsberatung auszubauen.",
    ]
    assert document.problems == []


def test_form_value_already_printed_is_not_added_twice():
    printed = [Line("Land: Rheinland-Pfalz", 1, 100.0, 56.0)]
    assert merge_lines(printed, [Line("Rheinland-Pfalz", 1, 100.0, 200.0)]) == printed


def test_page_pdfium_reads_badly_is_read_by_pdfplumber_and_flagged(tmp_path, monkeypatch):
    pages = filler_pages(3)
    path = write_pdf(tmp_path / "schrift.pdf", pages)
    read_page = pdf_module.read_pdfium_page

    def lose_page_two(document, index, plumber):
        result = read_page(document, index, plumber)
        if index == 1:  # as pdfium does with fonts it cannot map: text objects, hardly any text
            result.lines, result.status, result.suspect = result.lines[:1], "text", True
        return result

    monkeypatch.setattr(pdf_module, "read_pdfium_page", lose_page_two)

    document = read_pdf(path)

    assert texts(document) == [line for page in pages for line in page]
    problem = document.problems[0]
    assert problem.code == ErrorCode.DAMAGED_FILE.value and problem.pages == [2]
    assert "zweiten Leseverfahren" in problem.message


def test_page_pdfium_cannot_read_at_all_is_read_by_pdfplumber(tmp_path, monkeypatch):
    pages = filler_pages(2)
    path = write_pdf(tmp_path / "kaputt.pdf", pages)
    read_page = pdf_module.read_pdfium_page

    def fail_page_one(document, index, plumber):
        result = read_page(document, index, plumber)
        if index == 0:
            result.lines, result.status = [], "failed"
        return result

    monkeypatch.setattr(pdf_module, "read_pdfium_page", fail_page_one)

    document = read_pdf(path)

    assert texts(document) == [line for page in pages for line in page]
    assert [p.pages for p in document.problems] == [[1]]


def test_file_pdfium_cannot_open_is_read_by_pdfplumber_and_flagged(tmp_path, monkeypatch):
    pages = filler_pages(2)
    path = write_pdf(tmp_path / "p.pdf", pages)
    monkeypatch.setattr(pdf_module, "open_with_pdfium", lambda *args, **kwargs: None)

    document = read_pdf(path)

    assert texts(document) == [line for page in pages for line in page]
    assert [p.message for p in document.problems] == [MSG_REPAIRED]
