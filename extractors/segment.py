"""Split a document's lines into agenda items (TOPs).

A minutes document holds many TOPs; a motion usually one. A table of contents and a cover page
are not TOPs (their entries have no body), and the running header is not a new item (the
readers remove it before this stage).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.document import Line
from extractors.fields.conference import parse_conference_header
from extractors.fields.outcome import is_decision_intro, parse_outcome_statement
from extractors.fields.statements import parse_statement_heading
from extractors.fields.top import (
    TopHeading,
    looks_like_toc_line,
    parse_numbered_item_heading,
    parse_top_heading,
)

# Words that show a block has a body of its own (and so is no table-of-contents entry). Whole
# words only: "Antragsteller oder …", "Begründungspflicht" and "Veröffentlichungspflichten" in
# running prose are no markers (Issue 19).
_BODY_MARKERS = re.compile(
    r"^(?:Antragsteller(?:in|innen|/in)?\s*(?::|$)|Antragstellende\s+Länder|Antrag\s*:|-\s*Antrag\b"
    r"|(?:Beschluss(?:vorschlag|empfehlung|fassung)?|Begründung|Abstimmungsergebnis|Berichterstattung"
    r"|Veröffentlichung|Protokoll(?:erklärung|notiz))(?![a-zäöüß]))",
    re.IGNORECASE,
)
# IMK: "(freigegeben)" / "(nicht freigegeben)" closes a resolution (extractors.zones).
_RELEASE = re.compile(r"^\(\s*(?:nicht\s+)?freigegeben\s*\)$", re.IGNORECASE)
# The title line of a Land's motion to a conference ("Beschlussvorlage" and "Beschlussempfehlung"
# title council and Bundestag papers too, so they are no sign of a conference).
_MOTION_TITLE = re.compile(r"^Beschlussvorschlag\b(?!\s*:)", re.IGNORECASE)
_APPLICANTS_LINE = re.compile(r"^(?:Antragsteller(?:in|innen|/in)?|Antragstellende\s+Länder|Antrag)\s*:", re.IGNORECASE)
_COVER_LINES = 15

# A document's own title line, e.g. "Beschlussvorschlag des Landes Bremen".
_DOCUMENT_KIND = re.compile(
    r"^(Beschlussvorschlag|Beschlussvorlage|Antrag|Niederschrift|Ergebnisniederschrift)\b(?!\s*:)", re.IGNORECASE
)


@dataclass(slots=True)
class ItemBlock:
    """One agenda item: its heading line and the lines up to the next heading."""

    heading: TopHeading | None
    heading_line: Line | None
    lines: list[Line] = field(default_factory=list)

    @property
    def all_lines(self) -> list[Line]:
        return ([self.heading_line] if self.heading_line else []) + self.lines


def split_items(
    lines: list[Line], *, numbered_headings: bool = False, body_known: bool = False
) -> tuple[list[Line], list[ItemBlock]]:
    """Return the preamble (cover page, letterhead) and the agenda items with a body.

    ``numbered_headings`` accepts IMK-style ``N. <title>`` headings where no ``TOP`` heading exists.
    ``body_known``: the document's header names a conference body; without a TOP heading the
    document is one item only if it shows a conference item (``shows_conference_item``).
    """
    blocks = _cut_blocks(lines, parse_top_heading)
    numbered = numbered_headings and not any(b.heading for b in blocks)
    if numbered:
        blocks = _cut_blocks(lines, parse_numbered_item_heading)
    preamble = blocks[0].lines if blocks and blocks[0].heading is None else []
    items = [b for b in blocks if b.heading is not None and has_body(b, strict=numbered)]
    if not items and shows_conference_item(lines, body_known=body_known):
        head = _count_cover_lines(lines)
        return lines[:head], [ItemBlock(None, None, lines[head:])]
    return preamble, items


def _count_cover_lines(lines: list[Line]) -> int:
    """Leading lines naming the document kind or the conference, e.g. of a motion without a TOP."""
    count = 0
    for line in lines:
        if not (_DOCUMENT_KIND.match(line.text) or parse_conference_header([line.text])):
            break
        count += 1
    return count


def has_body(block: ItemBlock, *, strict: bool = False) -> bool:
    """Whether a block is a real item rather than a table-of-contents or cover entry.

    ``strict`` (numbered ``N. <title>`` headings, which any numbered text has): only a decision
    intro, a release marker or a statement heading counts, not a word such as "Beschluss der …"
    or "Begründung" at the start of a line of prose.
    """
    for line in block.all_lines:
        text = line.text
        if _RELEASE.match(text) or is_decision_intro(text) or parse_statement_heading(text) is not None:
            return True
        if not strict and (_BODY_MARKERS.match(text) or parse_outcome_statement(text) is not None):
            return True
    return False


def shows_conference_item(lines: list[Line], *, body_known: bool) -> bool:
    """Whether a document without TOP headings is still a conference's motion or resolution.

    It needs a sign of an item (a "Beschlussvorschlag" title, a decision intro such as "Beschluss:"
    or "Die IntMK möge beschließen:", an "Antragsteller:" line) and a sign of a conference (a body
    in the header, a "Beschlussvorschlag" title, or a body named in the intro). Journals, theses,
    gazettes and press releases that merely use such words in prose are no item (Issue 19).
    """
    titled = any(_MOTION_TITLE.match(line.text) for line in lines[:_COVER_LINES])
    intros = [line.text for line in lines if is_decision_intro(line.text)]
    applicants = any(_APPLICANTS_LINE.match(line.text) for line in lines)
    if not (titled or intros or applicants):
        return False
    return body_known or titled or any(_names_body(intro) for intro in intros[:_COVER_LINES])


def _names_body(text: str) -> bool:
    header = parse_conference_header([text])
    return header is not None and header.body is not None


def _cut_blocks(lines: list[Line], parse_heading) -> list[ItemBlock]:
    blocks: list[ItemBlock] = [ItemBlock(None, None)]
    for line in lines:
        heading = None if looks_like_toc_line(line.text) else parse_heading(line.text)
        if heading is not None:
            blocks.append(ItemBlock(heading, line))
        else:
            blocks[-1].lines.append(line)
    return [b for b in blocks if b.heading is not None or b.lines]
