"""Issue 19: documents that are no conference item are rejected, not accepted as resolutions.

Journals, gazettes and press releases (and real pages about other bodies) use the words of a
resolution in running prose. Without a TOP, a resolution heading, a decision intro or a motion
title of a conference they yield ``no_agenda_item``; an outcome is read only where an item
states it, never from a word in the running text. A Land's motion without a TOP still passes.
"""

from __future__ import annotations

import pytest

from extractors.extract import extract_document
from extractors.fields.outcome import parse_outcome_statement
from schemas import DocumentType, Outcome
from schemas.errors import ErrorCode, InputError
from tests.fixtures.docx import write_docx
from tests.fixtures.foreign import (
    DOMAIN_TEXTS,
    FOREIGN_TEXTS,
    write_foreign_docx,
    write_foreign_pdf,
)
from tests.fixtures.motions import write_motion
from tests.fixtures.pdf import write_pdf
from tests.fixtures.sample import load_sample

FOREIGN = sorted([*FOREIGN_TEXTS, *DOMAIN_TEXTS])
WRITERS = {"pdf": write_foreign_pdf, "docx": write_foreign_docx}


@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize("name", FOREIGN)
def test_foreign_document_is_no_agenda_item(tmp_path, name, kind):
    path = WRITERS[kind](tmp_path, name)
    with pytest.raises(InputError) as caught:
        extract_document(path)
    assert caught.value.code is ErrorCode.NO_AGENDA_ITEM
    assert "Kein Tagesordnungspunkt" in caught.value.message and "bitte prüfen" in caught.value.message.lower()


def test_written_foreign_texts_use_the_words_of_a_resolution_in_prose():
    """The texts must tempt the extractor, or the test above proves nothing."""
    for name, text in FOREIGN_TEXTS.items():
        assert "abgelehnt" in text.lower() and "zurückgezogen" in text, name
    assert "Integrationsministerkonferenz" in FOREIGN_TEXTS["journal"]


def test_long_foreign_document_is_no_agenda_item(tmp_path):
    """A 30-page journal is not one resolution with the whole text as decision."""
    path = write_foreign_pdf(tmp_path, "journal", repeat=25)
    with pytest.raises(InputError) as caught:
        extract_document(path)
    assert caught.value.code is ErrorCode.NO_AGENDA_ITEM


def test_motion_without_top_and_without_conference_header_still_passes(tmp_path):
    path = write_motion(tmp_path, "antrag-ohne-kopf.pdf", header=None)
    [record] = extract_document(path)
    assert record.document_type is DocumentType.BESCHLUSSVORSCHLAG
    assert record.top is None and record.applicants == ["RP", "SL"]
    assert record.decision_text.startswith("1. Die Integrationsministerkonferenz")
    assert record.status == "success"


def test_motion_in_word_without_top_still_passes(tmp_path):
    sample = load_sample()
    blocks = [("heading", "Beschlussvorschlag"),
              ("para", "für die 23. Integrationsministerkonferenz am 10. und 11. Juni 2027 in Mainz"),
              ("para", sample.title, {"bold": True}), ("para", "Antragsteller: Freie Hansestadt Bremen"),
              ("para", "Die IntMK möge beschließen:"),
              *(("numbered", text.split(" ", 1)[1], 0) for text in sample.paragraphs[:2])]
    [record] = extract_document(write_docx(tmp_path / "antrag-bremen.docx", blocks))
    assert (record.body, record.conference.number, record.top) == ("IntMK", 23, None)
    assert record.document_type is DocumentType.BESCHLUSSVORSCHLAG and record.applicants == ["HB"]
    assert record.decision_text.split("\n\n")[1].startswith("2. Die Länder")


def test_outcome_is_not_read_from_running_text_of_an_item(tmp_path):
    """A TOP without a decision intro: its report mentions a withdrawn motion in a short line."""
    lines = ["23. Integrationsministerkonferenz am 10. und 11. Juni 2027 in Mainz",
             "TOP 4 Bericht zur Migrationsberatung", "Antragsteller: Hessen",
             "Die Vorsitzende berichtet über den Stand der Beratungen im Bund.",
             "Bayern und Sachsen hatten ihren Antrag zurückgezogen.",
             "Die Länder nehmen den Bericht zur Kenntnis."]
    [record] = extract_document(write_pdf(tmp_path / "bericht.pdf", [lines]))
    assert record.top == "4" and record.outcome is None
    assert "hatten ihren Antrag zurückgezogen." in record.decision_text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Abstimmungsergebnis: abgelehnt", Outcome.ABGELEHNT),
        ("Einstimmig angenommen", Outcome.EINSTIMMIG),
        ("Der Antrag wurde zurückgezogen.", Outcome.ZURUECKGEZOGEN),
        ("TOP 2.3 wurde von Bayern zurückgezogen.", Outcome.ZURUECKGEZOGEN),
        ("Beratung für Geduldete (zurückgezogen)", Outcome.ZURUECKGEZOGEN),
        ("Mehrheitlich abgelehnt (14 Ja-Stimmen)", Outcome.ABGELEHNT),
        ("Bei 40 Ja-Stimmen und 2 Enthaltungen zugestimmt.", Outcome.MEHRHEITLICH),
        ("Der Antrag hat keine Mehrheit gefunden", Outcome.ABGELEHNT),
        # running prose that merely contains an outcome word
        ("(1) Der Antrag auf Informationszugang soll abgelehnt werden", None),
        ("ganz oder teilweise abgelehnt wird, hat innerhalb der Frist nach", None),
        ("abgelehnt werden, wenn die Behörde", None),
        ("Der Gesetzentwurf wurde im Bundestag abgelehnt", None),
        ("Bayern und Sachsen hatten ihren Antrag zurückgezogen.", None),
        ("zurückgezogen hatte, hat sich die Lage geändert.", None),
        ("(nicht freigegeben)", None),
    ],
)
def test_parse_outcome_statement(line, expected):
    assert parse_outcome_statement(line) is expected
