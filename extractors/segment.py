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
from extractors.fields.outcome import is_decision_intro, parse_outcome
from extractors.fields.statements import parse_statement_heading
from extractors.fields.top import TopHeading, looks_like_toc_line, parse_numbered_item_heading, parse_top_heading

# Words that show a block has a body of its own (and so is no table-of-contents entry).
_BODY_MARKERS = re.compile(
    r"^(Antragsteller|Antrag\s*:|-\s*Antrag\b|Beschluss|Begründung|Abstimmungsergebnis|Berichterstattung"
    r"|Veröffentlichung|Protokoll(erklärung|notiz))",
    re.IGNORECASE,
)

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


def split_items(lines: list[Line], *, numbered_headings: bool = False) -> tuple[list[Line], list[ItemBlock]]:
    """Return the preamble (cover page, letterhead) and the agenda items with a body.

    ``numbered_headings`` accepts IMK-style ``N. <title>`` headings where no ``TOP`` heading exists.
    """
    blocks = _cut_blocks(lines, parse_top_heading)
    if numbered_headings and not any(b.heading for b in blocks):
        blocks = _cut_blocks(lines, parse_numbered_item_heading)
    preamble = blocks[0].lines if blocks and blocks[0].heading is None else []
    items = [b for b in blocks if b.heading is not None and has_body(b)]
    if not items and has_body(ItemBlock(None, None, lines)):
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


def has_body(block: ItemBlock) -> bool:
    """Whether a block is a real item rather than a table-of-contents or cover entry."""
    for line in block.all_lines:
        text = line.text
        if _BODY_MARKERS.match(text) or is_decision_intro(text) or parse_statement_heading(text) is not None:
            return True
        if parse_outcome(text) is not None and len(text) < 80:
            return True
    return False


def _cut_blocks(lines: list[Line], parse_heading) -> list[ItemBlock]:
    blocks: list[ItemBlock] = [ItemBlock(None, None)]
    for line in lines:
        heading = None if looks_like_toc_line(line.text) else parse_heading(line.text)
        if heading is not None:
            blocks.append(ItemBlock(heading, line))
        else:
            blocks[-1].lines.append(line)
    return [b for b in blocks if b.heading is not None or b.lines]
