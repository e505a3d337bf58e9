"""Tesseract's hOCR read into words on lines, and written back as an invisible, level text layer.

Tesseract's own PDF renderer sets some blocks along their baseline and others level, with
word offsets in between; once the page is turned straight, such lines drift by several points
and run into their neighbours for the text extraction. So the text layer is written here from
the hOCR, as OCRmyPDF does: each line starts where its baseline starts on the straightened page,
and its words follow exactly level, unrotated (pdfium breaks lines wrongly between rotated text
objects). The glyph-less font comes from Tesseract's text-only PDF (``extractors.ocr_pages``).
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

MIN_LINE_SHARE = 0.25  # lines at least this share of the page wide measure the skew
GLYPH_WIDTH = 0.5  # advance of every glyph of Tesseract's GlyphLessFont, in em (/DW 500)
LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
_NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    box: tuple[int, int, int, int]  # left, top, right, bottom in image pixels (y downwards)
    confidence: int | None


@dataclass(slots=True)
class TextLine:
    box: tuple[int, int, int, int]
    slope: float = 0.0  # baseline: y = bottom + offset + slope × (x − left), image pixels
    offset: float = 0.0
    size: float | None = None  # Tesseract's x_size: the line's text height in pixels
    words: list[Word] = field(default_factory=list)


@dataclass(slots=True)
class HocrPage:
    width: int  # pixels
    height: int
    lines: list[TextLine] = field(default_factory=list)

    @property
    def confidences(self) -> list[int]:
        return [word.confidence for line in self.lines for word in line.words if word.confidence is not None]

    @property
    def slopes(self) -> list[float]:
        """Baseline slopes of the wide lines (of all lines if none is wide)."""
        wide = [line.slope for line in self.lines if line.box[2] - line.box[0] >= MIN_LINE_SHARE * self.width]
        return wide or [line.slope for line in self.lines]


def read_hocr(path: Path) -> list[HocrPage]:
    """The pages of a Tesseract hOCR file, with their lines and words."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    pages = []
    for element in tree.iter():
        kind = element.get("class")
        properties = _properties(element.get("title", ""))
        if kind == "ocr_page":
            box = properties.get("bbox", [0, 0, 0, 0])
            pages.append(HocrPage(int(box[2]), int(box[3])))
        elif kind in LINE_CLASSES and pages:
            slope, offset = (properties.get("baseline") or [0.0, 0.0])[:2]
            size = (properties.get("x_size") or [None])[0]  # type: ignore[list-item]
            pages[-1].lines.append(TextLine(_box(properties), slope, offset, size))
        elif kind == "ocrx_word" and pages and pages[-1].lines:
            text = "".join(element.itertext()).strip()
            if text:
                confidence = properties.get("x_wconf")
                pages[-1].lines[-1].words.append(Word(text, _box(properties), int(confidence[0]) if confidence else None))
    return pages


def _properties(title: str) -> dict[str, list[float]]:
    """hOCR's ``title`` ("bbox 1 2 3 4; baseline 0.01 -5; x_wconf 96") as numbers per name."""
    found = {}
    for part in title.split(";"):
        name, _, values = part.strip().partition(" ")
        if name and name != "image":
            found[name] = [float(number) for number in _NUMBERS.findall(values)]
    return found


def _box(properties: dict[str, list[float]]) -> tuple[int, int, int, int]:
    left, top, right, bottom = (int(value) for value in (properties.get("bbox") or [0, 0, 0, 0])[:4])
    return left, top, right, bottom


def skew_from_slopes(slopes: list[float]) -> float:
    """Counter-clockwise skew in degrees from Tesseract's baseline slopes (image y downwards)."""
    return round(-math.degrees(math.atan(statistics.median(slopes))), 3) if slopes else 0.0


def render_text_layer(page: HocrPage, width: float, height: float, skew_degrees: float, font: str) -> bytes:
    """Content stream of invisible text over a ``width`` × ``height`` pt frame showing the page image
    turned straight by ``-skew_degrees`` about its centre (``extractors.ocr_pages.straighten``).

    Each line starts where Tesseract found its baseline, turned with the page; its words follow
    level, each stretched (``Tz``) to the width Tesseract found for it, with a space after it.
    """
    scale = width / page.width if page.width else 1.0
    angle = math.radians(skew_degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    centre_x, centre_y = width / 2, height / 2
    commands = ["BT", "3 Tr"]
    for line in page.lines:
        if not line.words:
            continue
        left, _, _, bottom = line.box
        x, y = left * scale - centre_x, height - (bottom + line.offset) * scale - centre_y
        start_x, start_y = centre_x + x * cos + y * sin, centre_y - x * sin + y * cos  # turned by −skew
        size = max(1.0, (line.size or (line.box[3] - line.box[1])) * scale)
        commands.append(f"/{font} {size:.2f} Tf")
        for number, word in enumerate(line.words):
            text = word.text if number == len(line.words) - 1 else word.text + " "
            stretch = 100 * (word.box[2] - word.box[0]) * scale / (len(word.text) * GLYPH_WIDTH * size)
            along = (word.box[0] - left) * scale
            commands.append(f"{stretch:.2f} Tz 1 0 0 1 {start_x + along:.2f} {start_y:.2f} Tm <{_utf16(text)}> Tj")
    commands.append("ET")
    return ("\n".join(commands) + "\n").encode("ascii")


def _utf16(text: str) -> str:
    """Identity-H codes of Tesseract's glyph-less font: UTF-16BE (its ToUnicode maps code = Unicode)."""
    return text.encode("utf-16-be").hex().upper()
