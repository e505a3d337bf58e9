"""German dates and two-day spans as printed in conference headers.

Handled: "16. und 17. März 2017", "am 30. November/1. Dezember 2023", "5./6. Mai 2022",
"vom 7. bis 9. Mai 2025", "12. Okt. 2022", "29.04.2021", "29.04.21", "26.–27.09.2019",
"30.11./01.12.2023", "31. Dezember 2025/1. Januar 2026", "2021-04-29". The year (and month) of
the first day comes from the end when it is not printed. Invalid dates give ``None``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS: dict[str, int] = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3, "mär": 3, "mrz": 3,
    "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8,
    "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "dezember": 12, "dez": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_NAMED = rf"(?:{_MONTH})(?![a-zäöüß])\.?"
_SEP = r"\s?(?:/|-|–|—|bis(?:\s+zum)?|und|u\.)\s?"
_END_YEAR = r"(?:\d{4}|\d{2})(?!\.?\d)"

_SPAN = re.compile(
    r"(?<![\d.])"
    # optional first day: "16.", "30. November", "31. Dezember 2025", "30.11.", "30.11.2023"
    rf"(?:(?P<sd>\d{{1,2}})\.(?:\s?(?P<smn>{_NAMED})(?:\s?(?P<sy>\d{{4}})(?!\d))?"
    rf"|(?P<smm>\d{{1,2}})\.(?P<sy2>{_END_YEAR})?)?{_SEP})?"
    # last (or only) day, always with month and year
    rf"(?P<ed>\d{{1,2}})\.(?:\s?(?P<emn>{_NAMED})\s?(?P<ey>\d{{4}})(?!\d)"
    rf"|(?P<emm>\d{{1,2}})\.(?P<ey2>{_END_YEAR}))"
    r"|(?<![\d.])(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?!\d)",
    re.IGNORECASE,
)

MIN_YEAR = 1900
MAX_YEAR = 2200


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date span found in a text, with its character offsets."""

    start: dt.date
    end: dt.date
    begin: int  # offset of the first character in the text
    stop: int  # offset after the last character


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:  # "29.04.21": this century unless that would be far in the future
        pivot = dt.date.today().year % 100 + 10
        year += 2000 if year <= pivot else 1900
    return year


def _month(name: str | None, number: str | None) -> int | None:
    if name:
        return MONTHS.get(name.rstrip(".").lower())
    return int(number) if number else None


def _make_date(year: int, month: int | None, day: int) -> dt.date | None:
    if month is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _resolve(match: re.Match[str]) -> tuple[dt.date, dt.date] | None:
    g = match.groupdict()
    if g["iy"]:
        day = _make_date(int(g["iy"]), int(g["im"]), int(g["id"]))
        return (day, day) if day else None
    end_year = _full_year(g["ey"] or g["ey2"])
    end_month = _month(g["emn"], g["emm"])
    end = _make_date(end_year, end_month, int(g["ed"]))
    if end is None:
        return None
    if not g["sd"]:
        return end, end
    start_month = _month(g["smn"], g["smm"]) or end.month
    start_year_digits = g["sy"] or g["sy2"]
    if start_year_digits:
        start_year = _full_year(start_year_digits)
    else:  # "30. Dezember/2. Januar 2026" runs over the year end
        start_year = end.year - 1 if start_month > end.month else end.year
    start = _make_date(start_year, start_month, int(g["sd"]))
    if start is None or start > end:
        return None
    return start, end


def find_date_span(text: str) -> DateMatch | None:
    """The first valid date or date span in ``text``, with its position."""
    for match in _SPAN.finditer(text):
        resolved = _resolve(match)
        if resolved:
            return DateMatch(resolved[0], resolved[1], match.start(), match.end())
    return None


def parse_date_span(text: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of the first date (span) in ``text``; one day gives (d, d)."""
    found = find_date_span(text)
    return (found.start, found.end) if found else None
