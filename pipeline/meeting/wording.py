"""German wording shared by the meeting documents: dates, Länder, votes, headings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from babel.dates import format_date

from pipeline.meeting.agenda import AgendaEntry
from pipeline.rules.majority import sort_laender
from schemas.records import LAENDER, Votes
from schemas.rules import ConferenceEntry


def format_long_date(day: dt.date) -> str:
    """'10. Juni 2027'."""
    return format_date(day, "d. MMMM y", locale="de_DE")


def format_days(conference: ConferenceEntry) -> str:
    """'10. und 11. Juni 2027', '30. Juni bis 1. Juli 2027', '14. Juni 2018'."""
    start, end = conference.start, conference.end
    if end is None or end == start:
        return format_long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        joiner = " und " if (end - start).days == 1 else " bis "
        return f"{start.day}.{joiner}{format_long_date(end)}"
    return f"{format_date(start, 'd. MMMM', locale='de_DE')} bis {format_long_date(end)}"


def describe_conference(conference: ConferenceEntry) -> str:
    """'23. IntMK, 10. und 11. Juni 2027, Mainz' (the page header)."""
    place = f", {conference.place}" if conference.place else ""
    digital = ", digital" if conference.digital else ""
    return f"{conference.number}. {conference.body}, {format_days(conference)}{place}{digital}"


def name_laender(codes: Iterable[str]) -> str:
    """'Bayern, Berlin und Bremen' in the order of the Länder list."""
    names = [LAENDER[code] for code in sort_laender(codes)]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} und {names[-1]}"


def describe_applicants(codes: Iterable[str], applicants_all: bool = False) -> str:
    codes = list(codes)
    if applicants_all or len(set(codes)) == len(LAENDER):
        return "alle Länder"
    return name_laender(codes) if codes else "nicht angegeben"


def heading_of(entry: AgendaEntry) -> str:
    """'TOP 3: Migrationsberatung …' — also the PDF bookmark of the TOP."""
    return f"TOP {entry.top}: {entry.title}"


def describe_tally(votes: Votes) -> str:
    """'14 : 1 : 1' (Ja : Nein : Enthaltung)."""
    return f"{len(votes.yes)} : {len(votes.no)} : {len(votes.abstain)}"


def vote_rows(votes: Votes) -> list[list[str]]:
    """The vote per Land as a table (Regularien 5.3: Abstimmungsergebnis mit Angabe der Länder)."""
    rows = [["Votum", "Länder"]]
    for label, codes in (("Ja", votes.yes), ("Nein", votes.no), ("Enthaltung", votes.abstain)):
        rows.append([f"{label} ({len(codes)})", name_laender(codes) or "–"])
    return rows


def describe_absence(votes: Votes) -> str | None:
    """Regularien 5.3: 'Bei Abwesenheit von Hamburg und Saarland' where not all Länder voted."""
    if not votes.absent:
        return None
    return f"Bei Abwesenheit von {name_laender(votes.absent)}"
