"""Group printed lines into paragraphs and join them into clean text.

A new paragraph starts where a list label continues the running numbering (``1.``, ``2.`` …,
``a)``, ``b)`` …), at a bullet, or after a vertical gap clearly larger than the line spacing.
DOCX lines are paragraphs already.
"""

from __future__ import annotations

import re
from statistics import median

from extractors.document import Line
from extractors.text import join_clean_lines

_NUMBER_LABEL = re.compile(r"^(\d{1,2})\.(?=\s|$)")
_LETTER_LABEL = re.compile(r"^\(?([a-z])\)(?=\s|$)")
_BULLET = re.compile(r"^[•▪●◦–-]\s")
_GAP_FACTOR = 1.6


def join_paragraphs(lines: list[Line], *, docx: bool = False) -> str | None:
    """The cleaned lines as text: paragraphs dehyphenated and separated by a blank line; None if empty."""
    groups = [[line.text] for line in lines] if docx else group_paragraphs(lines)
    text = "\n\n".join(join_clean_lines(group) for group in groups if group)
    return text.strip() or None


def group_paragraphs(lines: list[Line]) -> list[list[str]]:
    groups: list[list[str]] = []
    counters = _Counters()
    spacing = _typical_spacing(lines)
    previous: Line | None = None
    for line in lines:
        labelled = counters.starts_paragraph(line.text)  # always called: it tracks the numbering
        if previous is None or labelled or _has_gap(previous, line, spacing):
            groups.append([])
        groups[-1].append(line.text)
        previous = line
    return groups


class _Counters:
    """Tracks the running numbering so a wrapped "1. Januar" mid-paragraph is not a new item."""

    def __init__(self) -> None:
        self.number = 0
        self.letter = "`"  # the character before "a"

    def starts_paragraph(self, text: str) -> bool:
        if match := _NUMBER_LABEL.match(text):
            value = int(match.group(1))
            if value in (1, self.number + 1):
                self.number, self.letter = value, "`"
                return True
            return False
        if match := _LETTER_LABEL.match(text):
            letter = match.group(1)
            if letter == "a" or ord(letter) == ord(self.letter) + 1:
                self.letter = letter
                return True
            return False
        return bool(_BULLET.match(text))


def _typical_spacing(lines: list[Line]) -> float | None:
    gaps = [
        b.top - a.top
        for a, b in zip(lines, lines[1:])
        if a.top is not None and b.top is not None and a.page == b.page and b.top > a.top
    ]
    return median(gaps) if len(gaps) >= 3 else None


def _has_gap(previous: Line, line: Line, spacing: float | None) -> bool:
    if spacing is None or previous.top is None or line.top is None or previous.page != line.page:
        return False
    return line.top - previous.top > spacing * _GAP_FACTOR
