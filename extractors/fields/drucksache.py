"""Bundesrat Drucksache citations in motion texts (Regularien 4.3).

A Bundesrat Drucksache has the number ``NNN/YY`` (running number / two-digit year). Around it:

* ``NNN/k/YY``  – numbered follow-up: ``/1/`` the committees' recommendations
  (Empfehlungsdrucksache), ``/2/`` and up motions of Länder (Antragsdrucksache); both belong
  to the procedure ``NNN/YY``, so the number is normalised to that;
* ``NNN/YY(B)`` or ``NNN/YY (Beschluss)`` – the Bundesrat's decision.

A number counts only next to a Drucksache word ("BR-Drs. 450/26", "BR-Drucksache 450/26",
"Bundesrats-Drucksache 450/26", "Drucksache 450/26", "Drs. 450/1/26", "DRs. 277/1/15" as in
the Bremen Bundesrat reports) or with the (B) suffix; "und 451/26" continues a list.
Bundestag citations ("BT-Drs. 20/1234", "Bundestagsdrucksache 20/1234") are rejected, and so
is any second part of more than two digits: the Bundestag numbers Wahlperiode/number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

CitationKind = Literal["grund", "empfehlung", "antrag", "beschluss"]

# "450/26", "450/1/26"; the year has exactly two digits and is not followed by more digits or
# another slash (dates "12/09/2026", Bundestag "20/1234", ratios "1/2/3" stay out).
_NUMBER = r"(?P<num>\d{1,4})(?:/(?P<part>\d{1,2}))?/(?P<year>\d{2})(?![\d/])"
_DECISION = r"(?:\s?\((?P<decision>B|Beschluss)\))?"
_CONTEXT = (
    r"(?:\b(?:BR|Bundesrat)\s?-?\s?(?:Drucksachen?|Drucks\.|Drs\.?)"
    r"|\bBundesrats?-?[Dd]rucksachen?"
    r"|\b(?:Drucksachen?|Drucks\.|Drs\.?))"
)
_CITATION = re.compile(
    rf"(?P<context>{_CONTEXT})\s*(?:Nr\.\s*)?{_NUMBER}{_DECISION}", re.IGNORECASE
)
_CONTINUATION = re.compile(rf"\s*(?:,|und|sowie|bzw\.|oder)\s*{_NUMBER}{_DECISION}")
_BARE_DECISION = re.compile(rf"(?<![\d/]){_NUMBER}\s?\((?P<decision>B|Beschluss)\)")
_BUNDESTAG_BEFORE = re.compile(r"(?:\bBT|Bundestags?)\s?-?\s?$", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(
    rf"^\s*(?:{_CONTEXT})?\s*(?:Nr\.\s*)?{_NUMBER}{_DECISION}\s*$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class DrucksacheCitation:
    """One Bundesrat Drucksache cited in a text."""

    number: str  # the procedure's number, normalised: "450/26"
    raw: str  # as printed: "Drs. 450/1/26"
    start: int  # offset of the first character in the text
    end: int  # offset after the last character
    kind: CitationKind
    part: int | None = None  # the "1" of "450/1/26"


def find_drucksachen(text: str) -> list[DrucksacheCitation]:
    """Return the Bundesrat Drucksachen cited in ``text``, one per number, in document order."""
    found: list[DrucksacheCitation] = []
    for match in _CITATION.finditer(text):
        if _BUNDESTAG_BEFORE.search(text, max(0, match.start() - 12), match.start()):
            continue
        found.append(_citation(text, match))
        found.extend(_continued(text, match.end()))
    taken = [(c.start, c.end) for c in found]
    for match in _BARE_DECISION.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            found.append(_citation(text, match))
    return _first_per_number(sorted(found, key=lambda citation: citation.start))


def parse_drucksache_number(value: str) -> str | None:
    """'450/26', 'BR-Drs. 0450/1/26', '450/26 (B)' -> '450/26'; anything else -> None."""
    match = _PLAIN_NUMBER.match(value)
    if match is None or _BUNDESTAG_BEFORE.search(value, 0, match.start("num")):
        return None
    return _normalise(match)


def _continued(text: str, position: int) -> list[DrucksacheCitation]:
    """Numbers listed after a citation: "Drs. 450/26 und 451/26"."""
    citations = []
    while match := _CONTINUATION.match(text, position):
        citations.append(_citation(text, match, start=match.start("num")))
        position = match.end()
    return citations


def _citation(text: str, match: re.Match[str], *, start: int | None = None) -> DrucksacheCitation:
    begin = match.start() if start is None else start
    part = int(match.group("part")) if match.group("part") else None
    return DrucksacheCitation(
        number=_normalise(match),
        raw=text[begin : match.end()],
        start=begin,
        end=match.end(),
        kind=_kind(part, match.group("decision")),
        part=part,
    )


def _normalise(match: re.Match[str]) -> str:
    return f"{int(match.group('num'))}/{match.group('year')}"


def _kind(part: int | None, decision: str | None) -> CitationKind:
    if decision:
        return "beschluss"
    if part is None:
        return "grund"
    return "empfehlung" if part == 1 else "antrag"


def _first_per_number(citations: list[DrucksacheCitation]) -> list[DrucksacheCitation]:
    seen: set[str] = set()
    unique = []
    for citation in citations:
        if citation.number not in seen:
            seen.add(citation.number)
            unique.append(citation)
    return unique
