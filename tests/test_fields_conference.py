"""Conference headers of IntMK and other Fachministerkonferenzen."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.fields import parse_conference_header
from schemas import SessionKind

D = dt.date
HAUPT, VOR, SONDER, UMLAUF = (
    SessionKind.HAUPTKONFERENZ,
    SessionKind.VORKONFERENZ,
    SessionKind.SONDERSITZUNG,
    SessionKind.UMLAUFVERFAHREN,
)

CASES = [
    # lines, body, number, year, start, end, place, session, digital
    (
        ["12. Integrationsministerkonferenz 2017", "am 16. und 17. März 2017 in Friedrichshafen"],
        "IntMK", 12, 2017, D(2017, 3, 16), D(2017, 3, 17), "Friedrichshafen", HAUPT, False,
    ),
    (
        ["13. Integrationsministerkonferenz 2018 am 14./15. Juni 2018 in Nürnberg"],
        "IntMK", 13, 2018, D(2018, 6, 14), D(2018, 6, 15), "Nürnberg", HAUPT, False,
    ),
    (
        ["Sondersitzung der Integrationsministerkonferenz am 29.04.2021 per Videokonferenz"],
        "IntMK", None, 2021, D(2021, 4, 29), D(2021, 4, 29), None, SONDER, True,
    ),
    (
        ["Vorkonferenz zur 19. IntMK am 6. März 2024 in Hamburg"],
        "IntMK", 19, 2024, D(2024, 3, 6), D(2024, 3, 6), "Hamburg", VOR, False,
    ),
    (["Umlaufverfahren"], None, None, None, None, None, None, UMLAUF, False),
    (
        ["Beschluss der IntMK im Umlaufverfahren vom 12.08.2020"],
        "IntMK", None, 2020, D(2020, 8, 12), D(2020, 8, 12), None, UMLAUF, False,
    ),
    (
        [
            "Ständige Konferenz der Innenminister und -senatoren der Länder",
            "Sammlung der zur Veröffentlichung freigegebenen Beschlüsse der 210. Sitzung",
            "am 12. bis 14. Juni 2019 in Kiel",
        ],
        "IMK", 210, 2019, D(2019, 6, 12), D(2019, 6, 14), "Kiel", HAUPT, False,
    ),
    (
        ["Innenministerkonferenz vom 7. bis 9. Mai 2025 in Bremerhaven"],
        "IMK", None, 2025, D(2025, 5, 7), D(2025, 5, 9), "Bremerhaven", HAUPT, False,
    ),
    (
        ["Jugend- und Familienministerkonferenz (JFMK) am 22./23. Mai 2025 in Frankfurt am Main"],
        "JFMK", None, 2025, D(2025, 5, 22), D(2025, 5, 23), "Frankfurt am Main", HAUPT, False,
    ),
    (
        ["Arbeits- und Sozialministerkonferenz", "100. ASMK am 30. November/1. Dezember 2023 in Halle (Saale)"],
        "ASMK", 100, 2023, D(2023, 11, 30), D(2023, 12, 1), "Halle (Saale)", HAUPT, False,
    ),
    (
        ["Gesundheitsministerkonferenz 2022 in Magdeburg"],
        "GMK", None, 2022, None, None, "Magdeburg", HAUPT, False,
    ),
    (
        [
            "Konferenz der für Integration zuständigen Ministerinnen und Minister, "
            "Senatorinnen und Senatoren der Länder",
            "20. Sitzung am 10. bis 11. Juni 2027 in Bad Schandau",
        ],
        "IntMK", 20, 2027, D(2027, 6, 10), D(2027, 6, 11), "Bad Schandau", HAUPT, False,
    ),
    (
        ["IntMK am 16. März 2023 in Berlin und per Videokonferenz"],
        "IntMK", None, 2023, D(2023, 3, 16), D(2023, 3, 16), "Berlin", HAUPT, True,
    ),
    (
        ["13. Integrationsministerkonferenz 2018 am 14./15. Juni 2018 in Nürnberg Seite 2"],
        "IntMK", 13, 2018, D(2018, 6, 14), D(2018, 6, 15), "Nürnberg", HAUPT, False,
    ),
    (
        ["Integrationsministerkonferenz am 16. März 2023 in Präsenz"],
        "IntMK", None, 2023, D(2023, 3, 16), D(2023, 3, 16), None, HAUPT, False,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "body", "number", "year", "start", "end", "place", "session", "digital"), CASES
)
def test_parse_conference_header(
    lines: list[str],
    body: str | None,
    number: int | None,
    year: int | None,
    start: dt.date | None,
    end: dt.date | None,
    place: str | None,
    session: SessionKind,
    digital: bool,
) -> None:
    header = parse_conference_header(lines)
    assert header is not None
    assert header.body == body
    c = header.conference
    assert (c.number, c.year, c.start, c.end) == (number, year, start, end)
    assert (c.place, c.session, c.digital) == (place, session, digital)


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [""],
        ["Seite 2 von 95"],
        ["Ausbau und Öffnung der Migrationsberatung"],
        ["- 2 -"],
        ["Berlin, den 9. Januar 2017"],  # a date alone names no conference
    ],
)
def test_no_header(lines: list[str]) -> None:
    assert parse_conference_header(lines) is None


def test_year_outside_the_schema_range_is_dropped() -> None:
    header = parse_conference_header(["Integrationsministerkonferenz am 1. Mai 1920"])
    assert header is not None
    assert header.conference.year is None and header.conference.start is None
