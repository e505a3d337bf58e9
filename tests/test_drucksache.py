"""Bundesrat Drucksache citations (Regularien 4.3): the forms in use, and what must not count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.fields.drucksache import find_drucksachen, parse_drucksache_number
from tests.fixtures.bundesrat import read_pdf_lines, BREMEN


@pytest.mark.parametrize(
    ("text", "number", "raw", "kind"),
    [
        ("vgl. BR-Drs. 450/26.", "450/26", "BR-Drs. 450/26", "grund"),
        ("die BR-Drucksache 450/26 liegt vor", "450/26", "BR-Drucksache 450/26", "grund"),
        ("Bundesrats-Drucksache 450/26", "450/26", "Bundesrats-Drucksache 450/26", "grund"),
        ("Bundesratsdrucksache 450/26", "450/26", "Bundesratsdrucksache 450/26", "grund"),
        ("siehe Drucksache 450/26", "450/26", "Drucksache 450/26", "grund"),
        ("Empfehlungen in Drs. 450/1/26", "450/26", "Drs. 450/1/26", "empfehlung"),
        ("Plenarantrag HH in Drs. 674/2/17", "674/17", "Drs. 674/2/17", "antrag"),
        ("Beschluss 450/26(B) vom Freitag", "450/26", "450/26(B)", "beschluss"),
        ("Beschluss 450/26 (Beschluss)", "450/26", "450/26 (Beschluss)", "beschluss"),
        ("= Zustimmung zu Drs. 655/1/17", "655/17", "Drs. 655/1/17", "empfehlung"),
        ("gem. DRs. 277/1/15 ohne Ziffern", "277/15", "DRs. 277/1/15", "empfehlung"),
        ("Drucksache Nr. 0450/26", "450/26", "Drucksache Nr. 0450/26", "grund"),
    ],
)
def test_citation_forms(text: str, number: str, raw: str, kind: str) -> None:
    [citation] = find_drucksachen(text)
    assert (citation.number, citation.raw, citation.kind) == (number, raw, kind)
    assert text[citation.start : citation.end] == raw


@pytest.mark.parametrize(
    "text",
    [
        "BT-Drs. 20/1234",
        "BT-Drs. 19/12",  # shaped like a BR number, but the Bundestag's
        "BT-Drucksache 19/12",
        "Bundestagsdrucksache 20/1234",
        "Bundestags-Drucksache 19/12",
        "Drucksache 20/1234",  # second part of four digits: Bundestag numbering
        "Drs. 450/265",
        "am 12/09/2026 in Berlin",
        "Drucksache vom 12.09.2026",
        "Stimmenverhältnis 12:1:2",
        "im Verhältnis 450/26 zu den Vorjahren",  # no Drucksache word, no (B)
    ],
)
def test_non_citations_are_rejected(text: str) -> None:
    assert find_drucksachen(text) == []


def test_lists_dedup_and_document_order() -> None:
    text = (
        "Zu BR-Drs. 451/26 und 450/26 sowie 452/2/26 liegen Empfehlungen vor (Drs. 451/1/26); "
        "BT-Drs. 20/1234 und 19/12 bleiben außen vor, 453/26(B) gilt."
    )
    numbers = [citation.number for citation in find_drucksachen(text)]
    assert numbers == ["451/26", "450/26", "452/26", "453/26"]


def test_real_bremen_report_citations() -> None:
    """Every 'Drs.' number of the real 962nd-session report is found and normalised."""
    text = "\n".join(read_pdf_lines(BREMEN / "962.pdf"))
    numbers = [citation.number for citation in find_drucksachen(text)]
    assert numbers[:4] == ["655/17", "667/17", "669/17", "668/17"]
    assert {"673/17", "674/17", "567/17", "664/17", "675/17", "637/17", "699/17"} <= set(numbers)
    assert all(number.endswith("/17") for number in numbers)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("450/26", "450/26"),
        (" BR-Drs. 0450/1/26 ", "450/26"),
        ("450/26 (B)", "450/26"),
        ("45026", None),
        ("450-26", None),
        ("BT-Drs. 19/12", None),
        ("20/1234", None),
        ("", None),
    ],
)
def test_parse_drucksache_number(value: str, expected: str | None) -> None:
    assert parse_drucksache_number(value) == expected


@given(st.text(alphabet=st.sampled_from(list("0123456789/.:- BRTDrsuckahe()")), max_size=60))
def test_findings_are_well_formed(text: str) -> None:
    for citation in find_drucksachen(text):
        number, year = citation.number.split("/")
        assert number.isdigit() and len(year) == 2 and year.isdigit()
        assert text[citation.start : citation.end] == citation.raw
