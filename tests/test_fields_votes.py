"""Vote counts and per-Land vote lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.fields import find_count_mentions, parse_absent, parse_vote_counts, parse_vote_lists
from extractors.fields.laender import ALL_LAENDER

KARLSRUHE = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "karlsruhe-oparl-texts"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13:1:2", (13, 1, 2)),
        ("13 : 1 : 2", (13, 1, 2)),
        ("Abstimmungsergebnis: 16:0:0", (16, 0, 0)),
        ("Abstimmungsergebnis: 13 Ja, 1 Nein, 2 Enthaltungen", (13, 1, 2)),
        ("Ja: 13 Nein: 1 Enthaltung: 2", (13, 1, 2)),
        ("Ja: 13, Nein: 1, Enthaltungen: 2", (13, 1, 2)),
        ("Ja-Stimmen: 12; Nein-Stimmen: 4", (12, 4, 0)),
        ("mehrheitlich mit 30 Ja-Stimmen, 15 Nein-Stimmen und 2 Enthaltungen", (30, 15, 2)),
        ("Bei 44 Ja-Stimmen, 1 Nein-Stimme und 1 Enthaltung mehrheitlich zugestimmt", (44, 1, 1)),
        ("Bei 40 Ja-Stimmen und 2  Enthaltungen zugestimmt.", (40, 0, 2)),
        ("Bei 40 Ja-Stimmen und 4 Nein-Stimmen mehrheitlich zugestimmt", (40, 4, 0)),
        ("Beschlussvorlage: Bei 44 Ja-Stimmen und 2 Enthaltungen mehrheitlich zugestimmt.", (44, 0, 2)),
        ("Bei 24 Ja-Stimmen und 23 Nein-Stimmen abgelehnt.", (24, 23, 0)),
        ("Änderungsantrag: Bei 42 Nein-Stimmen und 3 Ja-Stimmen mehrheitlich abgelehnt.", (3, 42, 0)),
        ("Da gibt es 12 Nein-Stimmen, 4 Enthaltungen und 27 Ja-Stimmen.", (27, 12, 4)),
        ("Ich sehe 9 Zustimmungen, 1 Enthaltung, damit abgelehnt.", (9, 0, 1)),
        ("eine Enthaltung, keine Gegenstimmen, 15 Ja-Stimmen", (15, 0, 1)),
        ("einstimmig mit 16 Ja-Stimmen", (16, 0, 0)),
        (
            "Vorlage 2013/0240: Mehrheitliche Zustimmung (23 Ja-Stimmen, 20 Nein-Stimmen, 2 Enthaltungen)",
            (23, 20, 2),
        ),
    ],
)
def test_parse_vote_counts(text: str, expected: tuple[int, int, int]) -> None:
    counts = parse_vote_counts(text)
    assert counts is not None
    assert (counts.yes, counts.no, counts.abstain) == expected


@pytest.mark.parametrize(
    "text",
    [
        "15 Ja-Stimmen, Rest Nein-Stimmen",  # the rest is not counted
        "21 Nein-Stimmen, 9 Enthaltungen, der Rest ist Zustimmung.",
        "Mehrheitlich abgelehnt (14 Ja-Stimmen)",  # one category only
        "Bei 2 Gegenstimmen angenommen",
        "Termin: 13. Dezember 2016, 15:30 Uhr",
        "Ja: BE, BB; Nein: BY",
        "einstimmig",
        "",
    ],
)
def test_parse_vote_counts_none(text: str) -> None:
    assert parse_vote_counts(text) is None


def test_partial_mentions_are_available() -> None:
    assert find_count_mentions("15 Ja-Stimmen, Rest Nein-Stimmen") == {"yes": 15}


def test_real_karlsruhe_count_line_wrapped_over_two_lines() -> None:
    path = KARLSRUHE / "niederschrift_stimmenzahlen" / "146180.txt"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Vorlage 2013/0240:"))
    joined = " ".join(" ".join(lines[start : start + 2]).split())
    counts = parse_vote_counts(joined)
    assert counts is not None
    assert (counts.yes, counts.no, counts.abstain) == (23, 20, 2)


@pytest.mark.parametrize(
    ("text", "yes", "no", "abstain", "absent"),
    [
        ("Ja: BE, BB, HB; Nein: BY; Enthaltung: SN, TH", ["BE", "BB", "HB"], ["BY"], ["SN", "TH"], []),
        (
            "Ja: Berlin, Brandenburg, Bremen Nein: Bayern Enthaltungen: Sachsen, Thüringen "
            "(Bei Abwesenheit von Hessen)",
            ["BE", "BB", "HB"], ["BY"], ["SN", "TH"], ["HE"],
        ),
        ("Zustimmung: 13 (BW, BY) Ablehnung: HE", ["BW", "BY"], ["HE"], [], []),
        ("Ja-Stimmen: NRW, RLP; Gegenstimmen: M-V", ["NW", "RP"], ["MV"], [], []),
        ("Nein: BY Abwesend: SL", [], ["BY"], [], ["SL"]),
        (
            "Ja: alle übrigen Länder; Nein: BY, SN",
            [c for c in ALL_LAENDER if c not in {"BY", "SN"}], ["BY", "SN"], [], [],
        ),
        ("Bei Abwesenheit von Bayern und Sachsen", [], [], [], ["BY", "SN"]),
    ],
)  # fmt: skip
def test_parse_vote_lists(
    text: str, yes: list[str], no: list[str], abstain: list[str], absent: list[str]
) -> None:
    votes = parse_vote_lists(text)
    assert votes is not None
    assert (votes.yes, votes.no, votes.abstain, votes.absent) == (yes, no, abstain, absent)


@pytest.mark.parametrize("text", ["13:1:2", "Ja: 13 Nein: 1", "einstimmig", ""])
def test_parse_vote_lists_none(text: str) -> None:
    assert parse_vote_lists(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bei Abwesenheit von Bayern und Sachsen", ["BY", "SN"]),
        ("(Bei Abwesenheit von BY)", ["BY"]),
        ("bei Abwesenheit des Landes Hessen.", ["HE"]),
        ("Einstimmig (bei Abwesenheit von HB). Ja: BE", ["HB"]),
        ("Bei Abwesenheit von Bayern. Sachsen stimmt dagegen.", ["BY"]),
        ("einstimmig", []),
    ],
)
def test_parse_absent(text: str, expected: list[str]) -> None:
    assert parse_absent(text) == expected
