"""Read the head of an agenda item: title, subtitle, label, applicants, outcome markers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.document import Line
from extractors.fields.laender import find_laender, parse_applicants
from extractors.fields.outcome import parse_outcome_statement
from extractors.text import join_clean_lines
from schemas import LandCode, Outcome

_APPLICANTS = re.compile(
    r"^(?:Antragsteller(?:in|innen|/in)?|Antragstellende\s+Länder|Antrag|Anmeldende?\s+Länder|Anmeldung)\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_FRAMED_APPLICANTS = re.compile(r"^[-–]\s*Antrag\s+(?P<rest>.+?)\s*[-–]$")
_FRAMED = re.compile(r"^[-–]\s*(?P<rest>.+?)\s*[-–]$")
_META = re.compile(r"^(Berichterstattung|Berichterstatter(in)?|BE|Veröffentlichung|Federführung|Vorlage)\s*:", re.IGNORECASE)
_LABEL = re.compile(r"^(Leitantrag)\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_WITHDRAWN = re.compile(r"\(\s*zurückgezogen\s*\)", re.IGNORECASE)
_LIST_START = re.compile(r"^(\d{1,2}\.|[a-z]\))\s")
_JOINERS = (",", "-", " und", " sowie", "/")
_MAX_TITLE_LINES = 4


@dataclass(slots=True)
class ItemHead:
    title: str | None = None
    subtitle: str | None = None
    label: str | None = None
    applicants: list[LandCode] = field(default_factory=list)
    applicants_all: bool = False
    outcome: Outcome | None = None
    rest: list[Line] = field(default_factory=list)  # free text after the head markers


def read_head(heading_rest: str, lines: list[Line], *, one_line_title: bool = False) -> ItemHead:
    """Title, label, applicants and outcome markers from the head lines; the rest is free text.

    ``one_line_title``: the decision text follows the title without an intro line between them.
    """
    max_title_lines = 1 if one_line_title else _MAX_TITLE_LINES
    head = ItemHead()
    title_lines: list[str] = []
    label_match = _LABEL.match(heading_rest)
    if label_match:
        head.label, heading_rest = "Leitantrag", label_match.group("rest")
    if heading_rest:
        title_lines.append(heading_rest)
    index, in_title = 0, True
    while index < len(lines):
        text = lines[index].text
        if match := (_APPLICANTS.match(text) or _FRAMED_APPLICANTS.match(text)):
            index = _read_applicants(head, match.group("rest"), lines, index + 1)
            in_title = False
            continue
        if match := _LABEL.match(text):
            head.label = "Leitantrag"
            if match.group("rest"):
                title_lines.append(match.group("rest"))
        elif _META.match(text):
            in_title = False
        elif (framed := _FRAMED.match(text)) and head.subtitle is None:
            head.subtitle, in_title = framed.group("rest"), False
        elif in_title and _WITHDRAWN.search(text):
            title_lines.append(text)  # "Titel (zurückgezogen)": _set_title reads the outcome
        elif not head.rest and (outcome := parse_outcome_statement(text)) is not None:
            head.outcome = outcome  # only in the head itself, never from the running text after it
        elif in_title and len(title_lines) < max_title_lines and not _LIST_START.match(text):
            title_lines.append(text)
        else:
            in_title = False
            head.rest.append(lines[index])
        index += 1
    _set_title(head, title_lines)
    return head


def _read_applicants(head: ItemHead, first: str, lines: list[Line], index: int) -> int:
    parts = [first] if first else []
    while index < len(lines) and _continues_applicants(parts, lines[index].text):
        parts.append(lines[index].text)
        index += 1
    head.applicants, head.applicants_all = parse_applicants(join_clean_lines(parts))
    return index


def _continues_applicants(parts: list[str], text: str) -> bool:
    if not parts or parts[-1].rstrip().endswith(_JOINERS):
        return not _APPLICANTS.match(text)
    return _is_only_laender(text)


def _is_only_laender(text: str) -> bool:
    """A line made of Länder names and separators only (a wrapped applicants list)."""
    chunks = [c for c in re.split(r",|;|\bund\b|\bsowie\b", text) if c.strip(" .")]
    return bool(chunks) and all(find_laender(chunk) for chunk in chunks)


def _set_title(head: ItemHead, title_lines: list[str]) -> None:
    title = join_clean_lines(title_lines) if title_lines else ""
    if _WITHDRAWN.search(title):
        head.outcome = Outcome.ZURUECKGEZOGEN
        title = _WITHDRAWN.sub("", title).strip()
    head.title = title.strip(" :") or None
