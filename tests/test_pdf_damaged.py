"""Damaged but readable PDFs: read what can be read, say so, and never end as ``internal``.

Issue 18: a stray text box far outside the page made the column search allocate 1.85 GB; a
page dictionary that pdfminer cannot parse made pdfplumber raise while we cleaned up, which
ended as a bug (exit code 15). Issue 19: a file that had to be repaired passed as clean.
"""

from __future__ import annotations

import tracemalloc

import pytest
from pdfminer.psexceptions import PSSyntaxError
from pdfminer.utils import decode_text
from pdfplumber.utils.exceptions import PdfminerException
from pypdf.errors import LimitReachedError

from extractors.parser_errors import (
    is_parser_error,
    parser_errors,
    tolerate_parser_errors,
)
from extractors.pdf import MSG_REPAIRED, read_pdf
from schemas.errors import ErrorCode, InputError
from tests.fixtures.pdf import write_pdf
from tests.fixtures.pdf_raw import damage_xref, text_page_objects, write_raw_pdf
from tests.test_pdf import filler_pages, sample_lines, sample_pages, texts

MiB = 1024 * 1024


def test_clean_file_carries_no_problem(tmp_path):
    document = read_pdf(write_pdf(tmp_path / "sauber.pdf", sample_pages()))
    assert document.problems == []


# ----------------------------------------------------------------------------- issue 18


def test_stray_text_box_far_outside_the_page_is_read_in_bounded_memory(tmp_path):
    lines = [f"Zeile {i}: Die Länder begrüßen die Förderung der Beratung." for i in range(30)]
    far_away = b"BT /F1 11 Tf 1 0 0 1 500000000 400 Tm (xyz) Tj ET\n"
    path = write_raw_pdf(tmp_path / "weit.pdf", text_page_objects(lines, extra_content=far_away))

    tracemalloc.start()
    try:
        document = read_pdf(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert texts(document)[:30] == lines
    assert peak < 50 * MiB  # before: a 75-million-bin list (~600 MB of Python objects and more)


def write_two_columns_with_broken_page_dictionary(tmp_path):
    lines = [line[:38].strip() for line in sample_lines()]
    path = write_pdf(tmp_path / "spalten.pdf", [lines], two_columns=True)
    data = path.read_bytes()
    # "/MediaBox" blanked (same length): its value is left without a key, an odd dictionary
    # that pdfminer rejects ("Invalid dictionary construct") while pypdfium2 reads the page.
    broken = data.replace(b"/Contents 7 0 R /MediaBox", b"/Contents 7 0 R          ", 1)
    assert broken != data
    path.write_bytes(broken)
    return path, lines


def test_pdfplumber_failing_on_the_page_tree_leaves_pdfium_text_and_a_problem(tmp_path):
    path, lines = write_two_columns_with_broken_page_dictionary(tmp_path)

    document = read_pdf(path)  # before: PdfminerException from pdfplumber's close() -> internal

    # pdfium's rows run across both columns, but every word is there
    assert sorted(" ".join(texts(document)).split()) == sorted(" ".join(lines).replace("\ufffe", "-").split())
    problem = next(p for p in document.problems if "zweispaltig" in p.message)
    assert problem.code == ErrorCode.DAMAGED_FILE.value and problem.pages == [1]


# ----------------------------------------------------------------------------- issue 19: repaired files


def test_file_with_a_broken_xref_table_is_read_and_flagged_as_repaired(tmp_path):
    pages = filler_pages(3)
    path = write_pdf(tmp_path / "ganz.pdf", pages)
    damaged = tmp_path / "repariert.pdf"
    damaged.write_bytes(damage_xref(path.read_bytes()))

    document = read_pdf(damaged)

    assert texts(document) == [line for page in pages for line in page]
    assert document.problems[0].code == ErrorCode.DAMAGED_FILE.value
    assert document.problems[0].message == MSG_REPAIRED
    assert "repariert" in MSG_REPAIRED and "Original" in MSG_REPAIRED


def test_file_with_a_wrong_startxref_is_read_and_flagged_as_repaired(tmp_path):
    data = write_pdf(tmp_path / "ganz.pdf", filler_pages(2)).read_bytes()
    offset = int(data[data.rindex(b"startxref") + len(b"startxref"):].split()[0])
    wrong = data.replace(b"startxref\n%d\n" % offset, b"startxref\n%d\n" % (offset + 3))
    assert wrong != data
    path = tmp_path / "startxref.pdf"
    path.write_bytes(wrong)  # the offset points into the middle of the "xref" keyword

    document = read_pdf(path)

    assert len(document.lines) == 16
    assert [p.message for p in document.problems] == [MSG_REPAIRED]


# ----------------------------------------------------------------------------- the mapping helper


def raise_inside_pdfminer():
    decode_text(None)  # an AttributeError raised inside pdfminer's own frame


def test_parser_errors_are_told_from_our_bugs():
    with pytest.raises(AttributeError) as inside_library:
        raise_inside_pdfminer()
    assert is_parser_error(inside_library.value)
    assert is_parser_error(PSSyntaxError("Invalid dictionary construct"))
    assert not is_parser_error(ValueError("raised in our own code"))
    assert not is_parser_error(MemoryError())


def test_parser_failure_maps_to_input_error_and_a_bug_stays_a_bug():
    with pytest.raises(InputError) as damaged, parser_errors("kaputt"):
        raise PdfminerException(PSSyntaxError("Invalid dictionary construct"))
    assert damaged.value.code is ErrorCode.DAMAGED_FILE and damaged.value.message == "kaputt"

    with pytest.raises(InputError) as locked, parser_errors("kaputt"):
        from pdfminer.pdfdocument import PDFPasswordIncorrect

        raise PdfminerException(PDFPasswordIncorrect())
    assert locked.value.code is ErrorCode.ENCRYPTED

    with pytest.raises(InputError) as bomb, tolerate_parser_errors("Seite 1"):
        raise LimitReachedError("zu groß")
    assert bomb.value.code is ErrorCode.HOSTILE_FILE

    with pytest.raises(KeyError), tolerate_parser_errors("Seite 1"):
        {}["our bug"]


def test_tolerated_parser_failure_is_noted_in_the_outcome():
    with tolerate_parser_errors("Seite 1") as outcome:
        raise_inside_pdfminer()
    assert outcome.failed and isinstance(outcome.error, AttributeError)
