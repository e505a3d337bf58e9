"""Agenda item headings, IMK numbered items and table-of-contents lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors.fields import (
    looks_like_toc_line,
    parse_numbered_item_heading,
    parse_top_heading,
)

KARLSRUHE = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "karlsruhe-oparl-texts"


@pytest.mark.parametrize(
    ("line", "top", "rest"),
    [
        ("TOP 2.12", "2.12", ""),
        ("TOP 2.12 Ausbau und Öffnung der Migrationsberatung", "2.12", "Ausbau und Öffnung der Migrationsberatung"),
        ("TOP 2.9b", "2.9b", ""),
        ("TOP 2.9 b", "2.9b", ""),
        ("TOP 2.9 b Titel", "2.9b", "Titel"),
        ("TOP I 1", "I 1", ""),
        ("TOP I.1", "I.1", ""),
        ("TOP II", "II", ""),
        ("TOP 4.1:", "4.1", ""),
        ("TOP 4.1: Kinderschutz", "4.1", "Kinderschutz"),
        ("TOP 2.12.", "2.12", ""),
        ("TOP 1 Leitantrag", "1", "Leitantrag"),
        ("TOP 1 - Leitantrag", "1", "Leitantrag"),
        ("TOP 2 a) Bericht", "2a", "Bericht"),
        ("Punkt 4.2 der Tagesordnung:", "4.2", ""),
        ("Punkt 7 der Tagesordnung: Neufassung der Satzung", "7", "Neufassung der Satzung"),
        ("A3", "A3", ""),
        ("TOP A3", "A3", ""),
        ("TOP A", "A", ""),
        ("Tagesordnungspunkt 5", "5", ""),
        ("Zu TOP 3:", "3", ""),
        ("  TOP 2.1  ", "2.1", ""),
    ],
)
def test_parse_top_heading(line: str, top: str, rest: str) -> None:
    heading = parse_top_heading(line)
    assert heading is not None
    assert (heading.top, heading.rest) == (top, rest)


@pytest.mark.parametrize(
    "line",
    [
        "1. Die Integrationsministerkonferenz (IntMK) unterstreicht die Bedeutung",
        "2. Die Länder",
        "Seite 2",
        "- 2 -",
        "16.03.2017",
        "TOP 16.03.2017",
        "TOP Bericht",
        "Topthema Integration",
        "TOPIC",
        "Der Vorsitzende ruft Tagesordnungspunkt 5 zur Behandlung auf",
        "A",
        "Antragsteller: Bayern",
        "",
    ],
)
def test_parse_top_heading_rejects(line: str) -> None:
    assert parse_top_heading(line) is None


def test_real_karlsruhe_agenda_lines() -> None:
    pattern = re.compile(r"^Punkt (\d+(?:\.\d+)?) der Tagesordnung:")
    checked = 0
    for path in sorted(KARLSRUHE.glob("niederschrift_*/*.txt"))[:40]:
        for line in path.read_text(encoding="utf-8").splitlines():
            expected = pattern.match(line.strip())
            if expected:
                heading = parse_top_heading(line.strip())
                assert heading is not None, line
                assert heading.top == expected.group(1)
                assert heading.rest  # the title starts on the same line
                checked += 1
    assert checked >= 20


@pytest.mark.parametrize(
    ("line", "top", "rest"),
    [
        ("12. Bekämpfung der Clankriminalität", "12", "Bekämpfung der Clankriminalität"),
        ("5. Bericht des Bundes", "5", "Bericht des Bundes"),
        ("27. „Sicherheit im Bahnverkehr“", "27", "„Sicherheit im Bahnverkehr“"),
    ],
)
def test_parse_numbered_item_heading(line: str, top: str, rest: str) -> None:
    heading = parse_numbered_item_heading(line)
    assert heading is not None
    assert (heading.top, heading.rest) == (top, rest)


@pytest.mark.parametrize(
    "line",
    [
        "1. Die IMK nimmt den Bericht zur Kenntnis.",
        "2. Die Länder",
        "3. Sie bittet den Bund, zu prüfen,",
        "12. Integrationsministerkonferenz 2017",
        "3. März 2020",
        "0. Vorbemerkung",
        "1. unterstreicht die Bedeutung",
        "TOP 2.1 Titel",
    ],
)
def test_parse_numbered_item_heading_rejects(line: str) -> None:
    assert parse_numbered_item_heading(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("TOP 2.1 Titel ....... 5", True),
        ("TOP 2.1 Titel . . . . . 5", True),
        ("TOP 2.1 Titel … 5", True),
        ("TOP 2.1 Titel 5", True),
        ("2.1 | Titel | 5", True),
        ("A3 | Titel | 7", True),
        ("Ausbau der Migrationsberatung ........ 12", True),
        ("TOP 2.1 Titel", False),
        ("TOP 4 Bericht gem. § 5", False),
        ("TOP 3 Haushalt 2024", False),
        ("TOP 3 Umsetzung SGB 2", False),
        ("1. Die Länder stellen fest, dass 3", False),
        ("", False),
    ],
)
def test_looks_like_toc_line(line: str, expected: bool) -> None:
    assert looks_like_toc_line(line) is expected
