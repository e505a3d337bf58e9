"""German dates and spans from conference headers."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.fields import find_date_span, parse_date_span

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("16. und 17. März 2017", D(2017, 3, 16), D(2017, 3, 17)),
        ("am 30. November/1. Dezember 2023", D(2023, 11, 30), D(2023, 12, 1)),
        ("29.04.2021", D(2021, 4, 29), D(2021, 4, 29)),
        ("29.04.21", D(2021, 4, 29), D(2021, 4, 29)),
        ("am 29.04.21.", D(2021, 4, 29), D(2021, 4, 29)),
        ("5./6. Mai 2022", D(2022, 5, 5), D(2022, 5, 6)),
        ("10. bis 11. Juni 2027", D(2027, 6, 10), D(2027, 6, 11)),
        ("vom 7. bis 9. Mai 2025", D(2025, 5, 7), D(2025, 5, 9)),
        ("12. Mai 2022", D(2022, 5, 12), D(2022, 5, 12)),
        ("26.–27.09.2019", D(2019, 9, 26), D(2019, 9, 27)),
        ("16.-17.03.2017", D(2017, 3, 16), D(2017, 3, 17)),
        ("30.11./01.12.2023", D(2023, 11, 30), D(2023, 12, 1)),
        ("16.03.2017 - 17.03.2017", D(2017, 3, 16), D(2017, 3, 17)),
        ("16.03. bis 17.03.2017", D(2017, 3, 16), D(2017, 3, 17)),
        ("12. Okt. 2022", D(2022, 10, 12), D(2022, 10, 12)),
        ("3. Sept. 2021", D(2021, 9, 3), D(2021, 9, 3)),
        ("1. Dez 2020", D(2020, 12, 1), D(2020, 12, 1)),
        ("16. MÄRZ 2017", D(2017, 3, 16), D(2017, 3, 16)),
        ("30./31. Dezember 2025", D(2025, 12, 30), D(2025, 12, 31)),
        ("31. Dezember 2025/1. Januar 2026", D(2025, 12, 31), D(2026, 1, 1)),
        ("30. Dezember/2. Januar 2026", D(2025, 12, 30), D(2026, 1, 2)),
        ("2021-04-29", D(2021, 4, 29), D(2021, 4, 29)),
        ("29. Februar 2024", D(2024, 2, 29), D(2024, 2, 29)),
        (
            "12. Integrationsministerkonferenz 2017 am 16. und 17. März 2017 in Friedrichshafen",
            D(2017, 3, 16),
            D(2017, 3, 17),
        ),
        ("31. Februar 2020, ersatzweise 2. März 2020", D(2020, 3, 2), D(2020, 3, 2)),
    ],
)
def test_parse_date_span(text: str, start: dt.date, end: dt.date) -> None:
    assert parse_date_span(text) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "31. Februar 2020",
        "29. Februar 2023",
        "32.01.2020",
        "17. bis 16. März 2017",  # end before start
        "16. März",  # no year
        "16.03.",
        "TOP 2.12",
        "1. Die Länder",
        "Seite 2 von 95",
        "12. Maier 2017",
        "1.2.3.4.5",
        "15:30 Uhr",
        "",
    ],
)
def test_parse_date_span_rejects(text: str) -> None:
    assert parse_date_span(text) is None


def test_find_date_span_reports_position() -> None:
    text = "13. Integrationsministerkonferenz 2018 am 14./15. Juni 2018 in Nürnberg"
    found = find_date_span(text)
    assert found is not None
    assert text[found.begin : found.stop] == "14./15. Juni 2018"
