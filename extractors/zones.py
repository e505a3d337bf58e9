"""Sort the lines of one agenda item into zones: head, decision, reasoning, statements, votes.

The zones follow the order of real IntMK documents (samples/README.md): a head with title,
label and applicants; the line that introduces the operative text ("Die IntMK hat … beschlossen:",
"Beschluss:", "Beschlussvorschlag:"); the text; then Begründung, Protokollerklärungen and the vote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extractors.document import Line
from extractors.fields.outcome import is_decision_intro
from extractors.fields.statements import parse_statement_heading
from schemas import LandCode

_REASONING = re.compile(r"^Begründung\b\s*(?:des\s+\w+\s*)?[:.]?\s*(?P<rest>.*)$")
# IMK: "(freigegeben)" / "(nicht freigegeben)" after a resolution marks its publication.
_RELEASE = re.compile(r"^\(\s*(?P<not>nicht\s+)?freigegeben\s*\)$", re.IGNORECASE)
_VOTE_LINE = re.compile(
    r"^\(?\s*(Abstimmungsergebnis|Abstimmung\s*:|Votum|Ja\s*:|Ja-Stimmen|Nein\s*:|Enthaltung(en)?\s*:|Bei\s+Abwesenheit"
    r"|\d{1,2}\s*:\s*\d{1,2}\s*:\s*\d{1,2}\b)",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Statement:
    by: list[LandCode]
    lines: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class ItemZones:
    head: list[Line] = field(default_factory=list)
    decision_intro: str | None = None
    decision: list[Line] = field(default_factory=list)
    reasoning: list[Line] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    votes: list[Line] = field(default_factory=list)
    released: bool | None = None


def sort_into_zones(lines: list[Line]) -> ItemZones:
    """Walk the item's lines once; each marker line switches the zone for the lines after it."""
    zones = ItemZones()
    current: list[Line] = zones.head
    for line in lines:
        current = _switch_zone(zones, line, current)
    return zones


def _switch_zone(zones: ItemZones, line: Line, current: list[Line]) -> list[Line]:
    text = line.text
    if release := _RELEASE.match(text):
        zones.released = release.group("not") is None
        return current
    reasoning = _REASONING.match(text)
    if reasoning:
        return _start_zone(zones.reasoning, line, reasoning.group("rest"))
    by = parse_statement_heading(text)
    if by is not None:
        statement = Statement(by=by)
        zones.statements.append(statement)
        return _start_zone(statement.lines, line, _after_colon(text))
    if _VOTE_LINE.match(text):
        zones.votes.append(line)
        return zones.votes
    if is_decision_intro(text) and zones.decision_intro is None:
        zones.decision_intro = text
        return _start_zone(zones.decision, line, _after_colon(text))
    current.append(line)
    return current


def _start_zone(zone: list[Line], line: Line, rest: str) -> list[Line]:
    rest = rest.strip()
    if rest:
        zone.append(replace(line, text=rest))
    return zone


def _after_colon(text: str) -> str:
    head, colon, rest = text.partition(":")
    return rest if colon else ""
