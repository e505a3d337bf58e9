"""The conference a document belongs to, from its first lines or its running header.

"12. Integrationsministerkonferenz 2017" + "am 16. und 17. März 2017 in Friedrichshafen" gives
body IntMK, number 12, year 2017, 16–17 March 2017, Friedrichshafen, main conference.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from extractors.fields.dates import DateMatch, find_date_span
from extractors.fields.nlp import BODY, analyse
from schemas import Conference, SessionKind

MIN_YEAR = 1949  # schemas.Conference.year
MAX_YEAR = 2200
MAX_HEADER_CHARS = 2_000

_SESSION_MARKERS: tuple[tuple[SessionKind, re.Pattern[str]], ...] = (
    (SessionKind.UMLAUFVERFAHREN, re.compile(r"umlauf(?:verfahren|beschluss)|im\s+umlauf", re.I)),
    (SessionKind.VORKONFERENZ, re.compile(r"\bvorkonferenz", re.I)),
    (
        SessionKind.SONDERSITZUNG,
        re.compile(
            r"sonder(?:sitzung|konferenz|tagung)|außerordentliche\w*\s+(?:sitzung|konferenz)", re.I
        ),
    ),
)
_DIGITAL = re.compile(
    r"\b(?:video\w*|per\s+video|telefonkonferenz|telefonschalt\w*|webex|online|virtuell\w*"
    r"|digital(?:e|en)?\b|schaltkonferenz)",
    re.I,
)
_BODY_HINT = re.compile(r"konferenz|MK\b|JuMiKo", re.I)
_ORDINAL_BEFORE = re.compile(
    r"(?<!\d)(\d{1,3})\.\s?(?:(?:ordentlichen?|gemeinsamen?)\s)?"
    r"(?:(?:Sitzung|Tagung|Konferenz)(?:\s(?:der|des))?)?$"
)
_YEAR_AFTER = re.compile(r"\s?(?:\(\w+\)\s?)?((?:19|20|21)\d{2})(?!\d)")
_SESSION_ORDINAL = re.compile(
    r"(?<!\d)(\d{1,3})\.\s?(?:[A-Z][A-Za-z]{0,5}MK|JuMiKo|Sitzung|Tagung|Konferenz)\b"
)
# "in Frankfurt am Main", "in Halle (Saale)", "in Bad Schandau", "in St. Peter-Ording"
_PLACE_WORD = r"[A-ZÄÖÜ][\wäöüß.'-]*"
_PLACE = re.compile(
    rf"\s?,?\s?(?:in|im)\s(?P<place>{_PLACE_WORD}"
    rf"(?:\s(?:am|an\sder|im|in\sder|ob\sder|vor\sder|bei)\s{_PLACE_WORD}"
    rf"|\s\([A-ZÄÖÜ][\wäöüß. ]{{0,30}}\)|\s{_PLACE_WORD}){{0,4}})"
)
# Words that end a place name ("in Nürnberg Seite 2", "in Präsenz", "in Berlin TOP 1")
_NOT_A_PLACE = frozenset(
    {"Form", "Präsenz", "Videokonferenz", "Videoschaltkonferenz", "Telefonkonferenz",
     "Hybridform", "Seite", "Online", "Webex", "Sitzung", "TOP", "Tagesordnung", "Beschluss",
     "Beschlüsse", "Niederschrift", "Ergebnisniederschrift", "Protokoll", "Sammlung", "Stand"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ConferenceHeader:
    """What a document header says about its conference."""

    body: str | None
    conference: Conference


@dataclass(frozen=True, slots=True)
class _BodyMention:
    body: str
    spans: tuple[tuple[int, int], ...]  # every mention of that body, as character offsets


def _find_body(text: str) -> _BodyMention | None:
    if not _BODY_HINT.search(text):
        return None
    ents = [ent for ent in analyse(text).ents if ent.label_ == BODY]
    if not ents:
        return None
    body = ents[0].ent_id_
    spans = tuple((ent.start_char, ent.end_char) for ent in ents if ent.ent_id_ == body)
    return _BodyMention(body, spans)


def _find_number(text: str, mention: _BodyMention | None) -> int | None:
    for begin, _ in mention.spans if mention else ():
        before = _ORDINAL_BEFORE.search(text[:begin].rstrip())
        if before and int(before.group(1)):
            return int(before.group(1))
    ordinal = _SESSION_ORDINAL.search(text)
    return (int(ordinal.group(1)) or None) if ordinal else None


def _year_after_body(text: str, mention: _BodyMention | None) -> re.Match[str] | None:
    for _, end in mention.spans if mention else ():
        after = _YEAR_AFTER.match(text, end)
        if after:
            return after
    return None


def _find_year(year_match: re.Match[str] | None, dates: DateMatch | None) -> int | None:
    year = int(year_match.group(1)) if year_match else None
    if year is None and dates:
        year = dates.start.year
    return year if year and MIN_YEAR <= year <= MAX_YEAR else None


def _find_place(text: str, anchor: int | None, line_ends: Sequence[int] = ()) -> str | None:
    """The place named by "in ..." right after the date (or after "Konferenz 2022").

    A place name never runs on past the end of its printed line (``line_ends``: offsets in ``text``).
    """
    if anchor is None:
        return None
    match = _PLACE.match(text, anchor)
    if not match:
        return None
    start = match.start("place")
    end = min([match.end("place"), *(e for e in line_ends if e > start)])
    words = text[start:end].rstrip(".,;: ").split()
    stop = next((i for i, word in enumerate(words) if word in _NOT_A_PLACE), len(words))
    return " ".join(words[:stop]).rstrip(".,;: ") or None


def _find_session(text: str, has_conference: bool) -> SessionKind | None:
    for kind, pattern in _SESSION_MARKERS:
        if pattern.search(text):
            return kind
    return SessionKind.HAUPTKONFERENZ if has_conference else None


def _conference_dates(dates: DateMatch | None) -> DateMatch | None:
    if dates and MIN_YEAR <= dates.start.year and dates.end.year <= MAX_YEAR:
        return dates
    return None


def parse_conference_header(lines: Sequence[str]) -> ConferenceHeader | None:
    """Body and conference (number, year, dates, place, session, digital) from header lines.

    Returns ``None`` when the lines name neither a conference body nor a session kind (a
    date alone, e.g. the date of a covering letter, is no conference header).
    """
    kept = [line.strip() for line in lines if line and line.strip()]
    text = " ".join(kept)[:MAX_HEADER_CHARS]
    line_ends = list(accumulate(len(line) + 1 for line in kept))
    if not text:
        return None
    mention = _find_body(text)
    dates = _conference_dates(find_date_span(text))
    session = _find_session(text, has_conference=mention is not None)
    if mention is None and session is None:
        return None
    year_match = _year_after_body(text, mention)
    anchor = dates.stop if dates else (year_match.end() if year_match else None)
    conference = Conference(
        number=_find_number(text, mention),
        year=_find_year(year_match, dates),
        start=dates.start if dates else None,
        end=dates.end if dates else None,
        place=_find_place(text, anchor, line_ends),
        session=session,
        digital=bool(_DIGITAL.search(text)),
    )
    return ConferenceHeader(body=mention.body if mention else None, conference=conference)
