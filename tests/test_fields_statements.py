"""Protokollerklärung headings and statement openings."""

from __future__ import annotations

import pytest

from extractors.fields import parse_statement_heading, split_statement
from extractors.fields.laender import ALL_LAENDER


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Protokollerklärung Bayern:", ["BY"]),
        ("Protokollerklärung des Landes Hessen:", ["HE"]),
        ("Protokollerklärung der Länder Bayern und Sachsen:", ["BY", "SN"]),
        ("Protokollerklärung BY, SN:", ["BY", "SN"]),
        ("Protokollerklärung von Baden-Württemberg, Bayern und Hessen", ["BW", "BY", "HE"]),
        ("Protokollnotiz Hamburg", ["HH"]),
        ("Protokollnotiz der Freien und Hansestadt Hamburg:", ["HH"]),
        ("Gemeinsame Protokollerklärung von BE, HB und HH:", ["BE", "HB", "HH"]),
        ("Protokollerklärung der bayerischen Staatsregierung:", ["BY"]),
        ("Erklärung zu Protokoll des Freistaates Sachsen:", ["SN"]),
        ("(Protokollerklärung Bayern)", ["BY"]),
        ("Protokollerklärung Bayern: Bayern hält die Regelung für verfehlt.", ["BY"]),
        ("Protokollerklärung aller Länder:", list(ALL_LAENDER)),
        ("Protokollerklärung:", []),
        ("Protokollerklärung", []),
        ("Protokollerklärung zu TOP 2.1:", []),
    ],
)
def test_parse_statement_heading(line: str, expected: list[str]) -> None:
    assert parse_statement_heading(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Protokollerklärungen wurden nicht abgegeben.",
        "Die Protokollerklärung",
        "Bayern erklärt:",
        "TOP 2.1",
        "",
    ],
)
def test_parse_statement_heading_none(line: str) -> None:
    assert parse_statement_heading(line) is None


@pytest.mark.parametrize(
    ("text", "by", "rest"),
    [
        ("Bayern erklärt: Der Freistaat hält die Regelung für verfehlt.", ["BY"], "Der Freistaat hält die Regelung für verfehlt."),
        ("Das Land Bayern erklärt zu Protokoll: Text", ["BY"], "Text"),
        ("Die Länder Bayern und Sachsen erklären: Text", ["BY", "SN"], "Text"),
        ("Hessen gibt folgende Protokollerklärung ab: Wir lehnen ab.", ["HE"], "Wir lehnen ab."),
        ("Die Freie und Hansestadt Hamburg erklärt: Text", ["HH"], "Text"),
    ],
)
def test_split_statement(text: str, by: list[str], rest: str) -> None:
    assert split_statement(text) == (by, rest)


@pytest.mark.parametrize(
    "text",
    [
        "In Bayern gibt es folgende Regelung: x",
        "Der Bund erklärt: x",
        "Bayern hält die Regelung für verfehlt.",
        "",
    ],
)
def test_split_statement_leaves_other_text(text: str) -> None:
    assert split_statement(text) == ([], text)
