"""Field parsers on the real lines of the 2017 IntMK resolution sample, read in place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractors.fields import (
    is_decision_intro,
    parse_applicants,
    parse_conference_header,
    parse_numbered_item_heading,
    parse_outcome,
    parse_top_heading,
)
from schemas import Outcome, SessionKind

SAMPLE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "samples"
    / "intmk2017-top2.12-migrationsberatung.txt"
)


def _printed_lines() -> list[str]:
    """Every non-empty line of the sample, stripped (page starts are marked by a space)."""
    return [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def _join_wrapped(lines: list[str]) -> str:
    """Join printed lines, undoing line-end hyphenation before a lower-case continuation."""
    joined = lines[0]
    for line in lines[1:]:
        if joined.endswith("-") and line[:1].islower():
            joined = joined[:-1] + line
        else:
            joined = f"{joined} {line}"
    return joined


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return _printed_lines()


def test_header_lines_give_the_conference(lines: list[str]) -> None:
    header = parse_conference_header(lines[:2])
    assert header is not None
    assert header.body == "IntMK"
    conference = header.conference
    assert conference.number == 12
    assert conference.year == 2017
    assert (conference.start, conference.end) == (dt.date(2017, 3, 16), dt.date(2017, 3, 17))
    assert conference.place == "Friedrichshafen"
    assert conference.session is SessionKind.HAUPTKONFERENZ
    assert conference.digital is False


def test_top_heading_and_title(lines: list[str]) -> None:
    heading = parse_top_heading(lines[2])
    assert heading is not None and heading.top == "2.12" and heading.rest == ""
    assert parse_top_heading(lines[3]) is None  # the title line is no heading


def test_applicants_line_joined_from_four_printed_lines(lines: list[str]) -> None:
    start = next(i for i, line in enumerate(lines) if line.startswith("Antragsteller:"))
    joined = _join_wrapped(lines[start : start + 4])
    text = joined.removeprefix("Antragsteller:").strip()
    assert text == (
        "Berlin, Brandenburg, Bremen, Hamburg, Mecklenburg-Vorpommern, Niedersachsen, "
        "Nordrhein-Westfalen, Rheinland-Pfalz, Sachsen, Sachsen-Anhalt, Schleswig-Holstein, "
        "Thüringen"
    )
    expected = ["BE", "BB", "HB", "HH", "MV", "NI", "NW", "RP", "SN", "ST", "SH", "TH"]
    assert parse_applicants(text) == (expected, False)
    assert parse_applicants(joined) == (expected, False)  # the label is tolerated


def test_outcome_line(lines: list[str]) -> None:
    intro = next(line for line in lines if "beschlossen:" in line)
    assert is_decision_intro(intro)
    assert parse_outcome(intro) is Outcome.MEHRHEITLICH


def test_numbered_decision_paragraphs_are_no_headings(lines: list[str]) -> None:
    paragraphs = [line for line in lines if line[:2] in {"1.", "2.", "3.", "4.", "5."}]
    assert len(paragraphs) == 5
    for line in paragraphs:
        assert parse_top_heading(line) is None
        assert parse_numbered_item_heading(line) is None
        assert parse_outcome(line) is None
