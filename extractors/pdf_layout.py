"""Page layout logic of the PDF reader: columns, running headers and footers, page markers, junk.

Pure functions on plain data (boxes, words, ``Line``); no PDF library is imported here, so the
rules can be tested without building PDFs. Coordinates are in points, measured from the top
left corner of the page (``top`` grows downwards).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from statistics import median

from extractors.document import Line

# --- columns
ROW_TOLERANCE = 3.0  # boxes whose vertical centres differ by less belong to one printed row
GUTTER_BIN = 2.0  # resolution of the gutter search
GUTTER_WINDOW = (0.35, 0.65)  # the gutter lies in this part of the text's width
MIN_COLUMN_TEXT_WIDTH = 200.0  # narrower text cannot hold two columns
MAX_TEXT_WIDTH = 14_400.0  # points; the largest page PDF allows (200 inches): wider is a broken box
MIN_COLUMN_ROWS = 5  # rows of text needed in each column
MIN_SIDE_BY_SIDE_ROWS = 3  # rows with text in both columns
MAX_SPANNING_SHARE = 0.15  # share of rows allowed to cross the gutter (titles, centred markers)
MIN_COLUMN_FILL = 0.5  # share of a column's rows with text at every x inside the column
MIN_WIDTH_RATIO = 0.4  # the narrower column is at least this share of the wider one
WORD_TOUCH = 0.5  # points; closer words were one word split by a change of font or size

# --- running headers, footers and page markers
BAND = 0.12  # top and bottom share of the page height where headers and footers stand
POSITION_TOLERANCE = 4.0  # points; "about the same vertical position"
ISOLATION_FACTOR = 2.0  # a header with a changing number stands this many line heights apart
DEFAULT_LINE_HEIGHT = 11.0  # points, when the font size is unknown

# --- pages without a usable text layer
MIN_TEXT_CHARS = 20  # fewer non-space characters (with an image on the page): a scan
MAX_JUNK_SHARE = 0.5  # more junk among the non-space characters: broken font mapping

HYPHEN_MARKERS = "\ufffe\x02"  # pypdfium2's line-end hyphen in get_text_range / get_text_bounded
_JUNK = re.compile("[\ufffd\x00\x01\x03-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff\U000f0000-\U0010ffff]")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_PAGE_MARKERS = [
    re.compile(r"[-–—]\s*\d{1,4}\s*[-–—]"),  # - 2 -, – 2 –, -2-
    re.compile(r"(?:seite|page|s\.)\s*\|?\s*\d{1,4}", re.IGNORECASE),  # Seite 2, Seite | 2
    re.compile(r"\|\s*\d{1,4}|\d{1,4}\s*\|"),  # | 2, 2 |
]
_PAGE_OF_TOTAL = re.compile(r"(?:(?:seite|page|s\.)\s*\|?\s*)?(\d{1,4})\s*(?:von|of|/)\s*(\d{1,4})", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"\d{1,4}")
# Lines that are never running headers even if they repeat with changing numbers ("TOP 3").
_PROTECTED = re.compile(r"(?:TOP|Punkt|Tagesordnungspunkt)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Box:
    """A text rectangle (a run of characters or a word)."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str = ""
    size: float | None = None
    bold: bool = False

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


# ----------------------------------------------------------------------------- columns


def group_rows(boxes: Iterable[Box]) -> list[list[Box]]:
    """Group boxes into printed rows (top to bottom), each row sorted left to right."""
    rows: list[list[Box]] = []
    row_middle = float("-inf")
    for box in sorted(boxes, key=lambda b: (b.middle, b.x0)):
        if box.middle - row_middle > ROW_TOLERANCE:
            rows.append([])
            row_middle = box.middle
        rows[-1].append(box)
    return [sorted(row, key=lambda b: b.x0) for row in rows]


def find_gutter(boxes: Sequence[Box], page_span: tuple[float, float] | None = None) -> float | None:
    """Return the x position of the gap between two text columns, or None for other layouts.

    The gutter is the x position in the middle part of the text that the fewest boxes cross;
    it counts only if few rows cross it and both columns hold full lines of text side by side
    (a table with a short label column is not a two-column page). Boxes are cut to
    ``page_span`` (the page box's left and right edge): one at x = 5e8 asked for 75 million bins.
    """
    boxes = [b for b in _clip_to_page(boxes, page_span) if b.x1 - b.x0 > 0.5]
    if len(boxes) < 2 * MIN_COLUMN_ROWS:
        return None
    left = min(b.x0 for b in boxes)
    right = max(b.x1 for b in boxes)
    if not MIN_COLUMN_TEXT_WIDTH <= right - left <= MAX_TEXT_WIDTH:
        return None
    low = left + GUTTER_WINDOW[0] * (right - left)
    high = left + GUTTER_WINDOW[1] * (right - left)
    coverage = _coverage(boxes, low, high)
    fewest = min(coverage)
    rows = group_rows(boxes)
    if fewest > max(2, MAX_SPANNING_SHARE * len(rows)):
        return None
    start, end = _longest_run(coverage, fewest)
    gutter = low + (start + end + 1) / 2 * GUTTER_BIN
    return gutter if _looks_like_columns(rows, gutter) else None


def _clip_to_page(boxes: Sequence[Box], page_span: tuple[float, float] | None) -> list[Box]:
    if page_span is None:
        return list(boxes)
    low, high = page_span
    return [replace(b, x0=max(b.x0, low), x1=min(b.x1, high)) for b in boxes if b.x1 > low and b.x0 < high]


def _coverage(boxes: Sequence[Box], low: float, high: float) -> list[int]:
    """Number of boxes covering each bin of ``[low, high]`` (difference array, linear time)."""
    bins = _bin_count(low, high)
    delta = [0] * (bins + 1)
    for box in boxes:
        if box.x1 <= low or box.x0 >= high:
            continue
        delta[max(0, int((box.x0 - low) / GUTTER_BIN))] += 1
        delta[min(bins, int((box.x1 - low) / GUTTER_BIN) + 1)] -= 1
    coverage, running = [], 0
    for step in delta[:bins]:
        running += step
        coverage.append(running)
    return coverage


def _bin_count(low: float, high: float) -> int:
    return int((high - low) / GUTTER_BIN) + 1


def _longest_run(values: list[int], target: int) -> tuple[int, int]:
    best, start = (0, -1), None
    for i, value in enumerate([*values, None]):
        if value == target and start is None:
            start = i
        elif value != target and start is not None:
            if i - 1 - start > best[1] - best[0]:
                best = (start, i - 1)
            start = None
    return best


def _looks_like_columns(rows: list[list[Box]], gutter: float) -> bool:
    """Both sides hold running text: enough rows, side by side, that fill their column.

    "Fill": at every x position inside the column (its outer tenths aside) at least half of
    the column's rows have text. The cells of a table or form leave gaps that no row covers.
    """
    left = [b for row in rows for b in row if b.x1 <= gutter]
    right = [b for row in rows for b in row if b.x0 >= gutter]
    side_by_side = sum(1 for row in rows if row[0].x1 <= gutter <= row[-1].x0)
    if side_by_side < MIN_SIDE_BY_SIDE_ROWS or min(len(left), len(right)) < MIN_COLUMN_ROWS:
        return False
    extents = [_extent(part) for part in (left, right)]
    widths = sorted(high - low for low, high in extents)
    if widths[0] < MIN_WIDTH_RATIO * widths[1]:
        return False  # a label column beside a text column, not two text columns
    return all(_fills_column(part, *extent) for part, extent in zip((left, right), extents))


def _extent(boxes: list[Box]) -> tuple[float, float]:
    """Left and right edge of a column, ignoring stray outliers (a page number, a wide table)."""
    return _percentile([b.x0 for b in boxes], 0.1), _percentile([b.x1 for b in boxes], 0.9)


def _fills_column(boxes: list[Box], low: float, high: float) -> bool:
    rows = group_rows(boxes)
    if len(rows) < MIN_COLUMN_ROWS or high - low < 2 * GUTTER_BIN:
        return False
    inset = 0.1 * (high - low)
    coverage = [0] * _bin_count(low + inset, high - inset)
    for row in rows:
        for covered in _row_bins(row, low + inset, high - inset, len(coverage)):
            coverage[covered] += 1
    return min(coverage) >= MIN_COLUMN_FILL * len(rows)


def _row_bins(row: list[Box], low: float, high: float, bins: int) -> set[int]:
    covered: set[int] = set()
    for box in row:
        first = max(0, int((box.x0 - low) / GUTTER_BIN))
        last = min(bins - 1, int((box.x1 - low) / GUTTER_BIN))
        covered.update(range(first, last + 1))
    return covered


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def lines_from_words(words: Sequence[Box], page: int, gutter: float | None = None) -> list[Line]:
    """Build printed lines from words in reading order.

    With a ``gutter``, rows are cut at it; the left column is read before the right one
    within each stretch between rows that cross the gutter (titles spanning both columns).
    """
    lines: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for row in group_rows(words):
        if gutter is None or any(w.x0 < gutter < w.x1 for w in row):
            lines += left + right
            left, right = [], []
            lines.append(_make_line(row, page))
            continue
        left_part = [w for w in row if w.x1 <= gutter]
        right_part = [w for w in row if w.x0 >= gutter]
        if left_part:
            left.append(_make_line(left_part, page))
        if right_part:
            right.append(_make_line(right_part, page))
    return lines + left + right


def _make_line(words: Sequence[Box], page: int) -> Line:
    sizes = [w.size for w in words if w.size]
    parts = [words[0].text]
    for before, word in zip(words, words[1:]):
        # Words split only by a change of font or size touch each other: no space between.
        parts.append(word.text if word.x0 - before.x1 < WORD_TOUCH else " " + word.text)
    return Line(
        text="".join(parts),
        page=page,
        top=round(min(w.top for w in words), 2),
        x0=round(words[0].x0, 2),
        size=round(median(sizes), 2) if sizes else None,
        bold=all(w.bold for w in words),
    )


def order_lines(lines: list[Line]) -> list[Line]:
    """Keep the content-stream order unless it runs mostly upwards; then sort top to bottom.

    The stream order keeps the lines of one table cell together, so it is trusted as long as
    most steps go down the page; a stream written bottom-up or scrambled is sorted.
    """
    steps = [b.top - a.top for a, b in zip(lines, lines[1:]) if a.top is not None and b.top is not None]
    upward = sum(1 for step in steps if step < -ROW_TOLERANCE)
    downward = sum(1 for step in steps if step > ROW_TOLERANCE)
    if upward <= downward:
        return lines
    return sorted(lines, key=lambda line: (line.top if line.top is not None else 0.0, line.x0 or 0.0))


# ----------------------------------------------------------------------------- text quality


def classify_page_text(text: str) -> str:
    """Return ``"text"``, ``"short"`` (almost no characters) or ``"junk"`` (mojibake)."""
    visible = len(_SPACE.sub("", text))
    if visible < MIN_TEXT_CHARS:
        return "short"
    if len(_JUNK.findall(text)) > MAX_JUNK_SHARE * visible:
        return "junk"
    return "text"


# ----------------------------------------------------------------------------- headers, footers


def remove_page_furniture(lines: list[Line], page_heights: dict[int, float]) -> tuple[list[Line], list[str]]:
    """Drop running headers/footers and page markers; keep everything else in order.

    Returns the kept lines and the distinct texts of the removed running headers and footers,
    most frequent first (they name the conference, see ``TextDocument.running_headers``).
    """
    zones = [_zone(line, page_heights) for line in lines]
    markers = {i for i, line in enumerate(lines) if is_page_marker(line.text, zones[i] is not None)}
    running = _find_running_lines(lines, zones, markers)
    kept = [line for i, line in enumerate(lines) if i not in running and i not in markers]
    return kept, _running_texts(lines, zones, running)


def is_page_marker(text: str, in_band: bool = False) -> bool:
    """True for a line that is only a page number: ``- 2 -``, ``Seite 2 von 7``, ``2/7`` …

    A bare number counts only in the top or bottom band of the page (``in_band``).
    """
    text = _SPACE.sub(" ", text.translate({ord(c): "-" for c in HYPHEN_MARKERS})).strip()
    if any(p.fullmatch(text) for p in _PAGE_MARKERS):
        return True
    match = _PAGE_OF_TOTAL.fullmatch(text)
    if match:
        return 0 < int(match.group(1)) <= int(match.group(2))
    return in_band and _BARE_NUMBER.fullmatch(text) is not None


def _zone(line: Line, page_heights: dict[int, float]) -> str | None:
    height = page_heights.get(line.page)
    if line.top is None or not height:
        return None
    if line.top < BAND * height:
        return "top"
    if line.top > (1 - BAND) * height:
        return "bottom"
    return None


def _find_running_lines(lines: list[Line], zones: list[str | None], markers: set[int]) -> set[int]:
    """Indexes of lines that repeat at about the same place in the top or bottom band.

    The same text on a majority of the pages (on both pages of a two-page document) is a
    running header or footer. With three or more pages, a line whose text changes from page
    to page also is one if only numbers change, they run with the page number, and the line
    stands apart from the body text (a gap of at least two line heights).
    """
    text_pages = len({line.page for line in lines})
    if text_pages < 2:
        return set()
    needed = 2 if text_pages == 2 else text_pages // 2 + 1
    exact: dict[tuple[str, str], list[int]] = defaultdict(list)
    loose: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        text = _SPACE.sub(" ", line.text).strip()
        if zones[index] is None or not text or index in markers:
            continue
        exact[(zones[index], text)].append(index)
        if text_pages >= 3 and not _PROTECTED.match(text):
            loose[(zones[index], _DIGITS.sub("#", text))].append(index)
    running: set[int] = set()
    for group in exact.values():
        running |= _repeated_in_place(lines, group, needed)
    body_tops = _tops_by_page(lines, running | markers)
    for group in loose.values():
        found = _repeated_in_place(lines, group, needed) - running
        if found and _numbers_follow_pages([lines[i] for i in found]):
            apart = {i for i in found if _stands_apart(lines[i], body_tops[lines[i].page], found)}
            if len({lines[i].page for i in apart}) >= needed:
                running |= apart
    return running


def _repeated_in_place(lines: list[Line], group: list[int], needed: int) -> set[int]:
    if len({lines[i].page for i in group}) < needed:
        return set()
    middle = median(lines[i].top for i in group)
    near = {i for i in group if abs(lines[i].top - middle) <= POSITION_TOLERANCE}
    return near if len({lines[i].page for i in near}) >= needed else set()


def _tops_by_page(lines: list[Line], excluded: set[int]) -> defaultdict[int, list[tuple[float, int]]]:
    tops: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for index, line in enumerate(lines):
        if index not in excluded and line.top is not None:
            tops[line.page].append((line.top, index))
    return tops


def _stands_apart(line: Line, page_tops: list[tuple[float, int]], candidates: set[int]) -> bool:
    """True if the page has body text and none of it comes closer than two line heights.

    Lines on the same row do not count; a page holding nothing but the candidate keeps it
    (then it is the content, like "Anlage 3").
    """
    distance = ISOLATION_FACTOR * (line.size or DEFAULT_LINE_HEIGHT)
    body = [(top, index) for top, index in page_tops if index not in candidates]
    return bool(body) and not any(ROW_TOLERANCE < abs(top - line.top) < distance for top, _ in body)


def _running_texts(lines: list[Line], zones: list[str | None], running: set[int]) -> list[str]:
    counts: dict[str, list] = {}
    for index in sorted(running):
        text = _SPACE.sub(" ", lines[index].text).strip()
        entry = counts.setdefault(text, [0, zones[index] != "top", lines[index].top])
        entry[0] += 1
    return sorted(counts, key=lambda t: (-counts[t][0], counts[t][1], counts[t][2]))


def _numbers_follow_pages(lines: list[Line]) -> bool:
    """True if the texts differ only in numbers that run with the page number (n = page + k)."""
    runs = [_standalone_numbers(line.text) for line in lines]
    if len({len(r) for r in runs}) != 1:
        return False
    for position in range(len(runs[0])):
        column = [r[position] for r in runs]
        if len(set(column)) == 1:
            continue
        if None in column or len({n - line.page for n, line in zip(column, lines)}) != 1:
            return False
    return True


def _standalone_numbers(text: str) -> list[int | None]:
    """Numbers in ``text``; None for one that is part of "2.12" or "3,5" (never a page number)."""
    numbers: list[int | None] = []
    for match in _DIGITS.finditer(text):
        before, after = text[max(0, match.start() - 2):match.start()], text[match.end():match.end() + 2]
        dotted = re.fullmatch(r"\d[.,]", before) or re.fullmatch(r"[.,]\d", after)
        numbers.append(None if dotted else int(match.group()))
    return numbers
