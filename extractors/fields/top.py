"""Agenda item (TOP) headings and table-of-contents lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINE_CHARS = 1_000  # a heading is one printed line; longer input is no heading

# "2.12", "2.9b", "2.9 b", "I 1", "I.1", "II", "A", "A3", "B2.1"
_ID = (
    r"(?:\d{1,3}(?:\.\d{1,3}){0,3}(?:\s?[a-z](?![\wäöüß]))?"
    r"|[IVX]{1,4}(?:[ .]\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?)?"
    r"|[A-Z]\d{0,3}(?:\.\d{1,3}){0,2}[a-z]?)"
)
_ID_END = r"(?![\wäöüß])(?!\.\d)[.)]?:?"
_TOP = re.compile(
    rf"\s*(?:Zu\s)?(?:TOP|Top|TOP-Nr\.|TOP-Punkt|Tagesordnungspunkt)\s?:?\s?"
    rf"(?P<id>{_ID}){_ID_END}(?:\s(?P<rest>.*))?"
)
_PUNKT = re.compile(
    rf"\s*Punkt\s(?P<id>{_ID}){_ID_END}\sder\sTagesordnung\s?:?(?:\s(?P<rest>.*))?"
)
_BARE_LETTER_ID = re.compile(r"\s*(?P<id>[A-Z]\d{1,2}[a-z]?)\s*")
_NUMBERED = re.compile(r"\s*(?P<id>\d{1,3})\.\s(?P<rest>[A-ZÄÖÜ„\"].*)")
_SENTENCE_START = re.compile(
    r"(?:Die|Der|Das|Sie|Er|Es|Ihr|Wir|Dabei|Zudem|Darüber|Außerdem|Insbesondere)\s"
    r"|(?:\w*[Kk]onferenz|Sitzung|Tagung|Sondersitzung)\b"
    r"|(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\b"
)
_DOT_LEADER_PAGE = re.compile(r"(?:\.\s?){4,}\s?\d{1,4}\s*$|…+\s?\d{1,4}\s*$|_{3,}\s?\d{1,4}\s*$")
_TABLE_ROW_PAGE = re.compile(r"[^|]{1,40}\|[^|]+\|\s*\d{1,4}\s*")
_TRAILING_PAGE = re.compile(r"(?P<before>\S+)\s(?P<page>\d{1,3})\s*$")
_REFERENCE_WORDS = frozenset(
    {"§", "§§", "Nr.", "Nr", "Art.", "Artikel", "Abs.", "Absatz", "Ziffer", "Ziff.", "TOP",
     "Punkt", "Anlage", "AG", "Kapitel", "Teil", "Stufe", "Phase", "Band", "Buch", "SGB", "Satz",
     "Nummer", "Tagesordnungspunkt", "Seite", "S.", "Drs.", "Drucksache", "Jahr", "Jahre", "Jahren"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TopHeading:
    """An agenda item number as printed (without "TOP") and the title text after it."""

    top: str
    rest: str


def _normalize_id(raw: str) -> str:
    """"2.9 b" -> "2.9b"; "I 1" and "I.1" stay as printed."""
    return re.sub(r"(?<=\d)\s(?=[a-z]$)", "", raw.strip())


def _heading(match: re.Match[str]) -> TopHeading:
    rest = (match.group("rest") or "").strip().lstrip("-–—:").strip()
    return TopHeading(top=_normalize_id(match.group("id")), rest=rest)


def parse_top_heading(line: str) -> TopHeading | None:
    """ "TOP 2.12 Titel", "TOP 4.1:", "TOP I 1", "Tagesordnungspunkt 5",
    "Punkt 4.2 der Tagesordnung:", "A3" alone; ``None`` for anything else."""
    if len(line) > MAX_LINE_CHARS:
        return None
    for pattern in (_TOP, _PUNKT):
        match = pattern.fullmatch(line)
        if match:
            return _heading(match)
    bare = _BARE_LETTER_ID.fullmatch(line)
    return TopHeading(top=bare.group("id"), rest="") if bare else None


def parse_numbered_item_heading(line: str) -> TopHeading | None:
    """IMK layout "12. <Titel>"; rejects numbered decision paragraphs ("1. Die IMK …")."""
    if len(line) > MAX_LINE_CHARS:
        return None
    match = _NUMBERED.fullmatch(line)
    if not match or int(match.group("id")) == 0:
        return None
    rest = match.group("rest").strip()
    if _SENTENCE_START.match(rest) or rest.endswith((".", ";", ",", ":")) or len(rest) > 250:
        return None
    return TopHeading(top=match.group("id"), rest=rest)


def _has_trailing_page_number(title: str) -> bool:
    match = _TRAILING_PAGE.search(title)
    return bool(match) and match.group("before") not in _REFERENCE_WORDS


def looks_like_toc_line(line: str) -> bool:
    """A table-of-contents entry: dotted leaders, "TOP | Titel | Seite" rows, or a TOP
    heading that ends in a page number ("TOP 2.1 Titel 5")."""
    if len(line) > MAX_LINE_CHARS:
        return False
    if _DOT_LEADER_PAGE.search(line) or _TABLE_ROW_PAGE.fullmatch(line):
        return True
    heading = parse_top_heading(line)
    return bool(heading and heading.rest and _has_trailing_page_number(heading.rest))
