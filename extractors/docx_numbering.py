"""Styles and automatic numbering of WordprocessingML, turned into what Word prints.

python-docx exposes neither effective style properties nor list labels, so this module reads
``styles.xml`` and ``numbering.xml`` (already parsed by python-docx) directly:

* ``StyleTable``: style names, ``basedOn`` inheritance, numbering, outline level and bold of a style.
* ``NumberingCounter``: the printed label of each numbered paragraph, fed in document order.

Counting follows Word (ECMA-376 §17.9), not a naive reading: the running counters belong to the
abstract numbering definition, so several ``w:num`` instances of one definition continue one
sequence; a ``w:startOverride`` restarts its level the first time its ``w:num`` is used (that is
how Word writes "restart numbering"); advancing a level resets the deeper ones unless their
``w:lvlRestart`` says otherwise. Bullets are printed as an en dash ("–").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.styles import BabelFish
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BULLET = "–"
_MAX_LEVELS = 9
_MAX_LETTER_VALUE = 26 * 30  # "a" … "zzz…z" (30 letters); beyond that decimal, never a huge string
_MAX_CHAIN = 32  # basedOn / numStyleLink chains longer than this are treated as cycles
_FALSE_VALUES = ("0", "false", "off")


def w_val(element: etree._Element | None, tag: str) -> str | None:
    """The ``w:val`` of the child ``w:<tag>`` of ``element``, or ``None``."""
    if element is None:
        return None
    child = element.find(f"{W}{tag}")
    return None if child is None else child.get(f"{W}val")


def toggle_value(element: etree._Element | None, tag: str) -> bool | None:
    """A boolean property such as ``w:b``: ``None`` if absent, else its value (absent val = on)."""
    if element is None:
        return None
    child = element.find(f"{W}{tag}")
    if child is None:
        return None
    return (child.get(f"{W}val") or "1").lower() not in _FALSE_VALUES


def parse_int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class Style:
    style_id: str
    name: str
    kind: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline_level: int | None
    bold: bool | None


class StyleTable:
    """Paragraph and character styles by id, with inherited properties resolved on demand."""

    def __init__(self, styles_root: etree._Element | None) -> None:
        self.styles: dict[str, Style] = {}
        self.default_paragraph: str | None = None
        self.default_bold = False
        if styles_root is None:
            return
        defaults = styles_root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.default_bold = bool(toggle_value(defaults, "b"))
        for element in styles_root.iter(f"{W}style"):
            style = read_style(element)
            self.styles.setdefault(style.style_id, style)
            if style.kind == "paragraph" and (element.get(f"{W}default") or "").lower() in ("1", "true", "on"):
                self.default_paragraph = self.default_paragraph or style.style_id

    def chain(self, style_id: str | None) -> list[Style]:
        """The style and its ``basedOn`` ancestors, nearest first (cycles cut)."""
        found: list[Style] = []
        while style_id and style_id in self.styles and len(found) < _MAX_CHAIN:
            style = self.styles[style_id]
            if style in found:
                break
            found.append(style)
            style_id = style.based_on
        return found

    def paragraph_style_id(self, paragraph: etree._Element) -> str | None:
        """The paragraph's own style id, or the document's default paragraph style."""
        style_id = w_val(paragraph.find(f"{W}pPr"), "pStyle")
        return style_id if style_id in self.styles else self.default_paragraph

    def name(self, style_id: str | None) -> str | None:
        return self.styles[style_id].name if style_id in self.styles else None

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """``(numId, ilvl)`` a paragraph style gives its paragraphs (inherited), else ``(None, None)``."""
        for style in self.chain(style_id):
            if style.num_id is not None:
                ilvl = style.ilvl
                if ilvl is None:
                    ilvl = next((s.ilvl for s in self.chain(style_id) if s.ilvl is not None), None)
                return style.num_id, ilvl
        return None, None

    def outline_level(self, style_id: str | None) -> int | None:
        return next((s.outline_level for s in self.chain(style_id) if s.outline_level is not None), None)

    def bold(self, style_id: str | None) -> bool | None:
        return next((s.bold for s in self.chain(style_id) if s.bold is not None), None)


def read_style(element: etree._Element) -> Style:
    """One ``w:style`` element as a ``Style``."""
    p_pr = element.find(f"{W}pPr")
    num_pr = p_pr.find(f"{W}numPr") if p_pr is not None else None
    name = w_val(element, "name") or element.get(f"{W}styleId", "")
    return Style(
        style_id=element.get(f"{W}styleId", ""),
        name=BabelFish.internal2ui(name),
        kind=element.get(f"{W}type", "paragraph"),
        based_on=w_val(element, "basedOn"),
        num_id=w_val(num_pr, "numId"),
        ilvl=parse_int(w_val(num_pr, "ilvl")),
        outline_level=parse_int(w_val(p_pr, "outlineLvl")),
        bold=toggle_value(element.find(f"{W}rPr"), "b"),
    )


@dataclass(frozen=True, slots=True)
class Level:
    start: int = 1
    num_fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: 0 = never, n = when level n (1-based) or higher is used
    legal: bool = False  # w:isLgl: show every level as a decimal number
    style_id: str | None = None  # w:pStyle: the paragraph style linked to this level


def read_level(element: etree._Element) -> Level:
    return Level(
        start=parse_int(w_val(element, "start"), 1) or 0,
        num_fmt=w_val(element, "numFmt") or "decimal",
        text=w_val(element, "lvlText") or "",
        restart=parse_int(w_val(element, "lvlRestart")),
        legal=bool(toggle_value(element, "isLgl")),
        style_id=w_val(element, "pStyle"),
    )


def read_levels(container: etree._Element) -> dict[int, Level]:
    levels: dict[int, Level] = {}
    for element in container.findall(f"{W}lvl"):
        ilvl = parse_int(element.get(f"{W}ilvl"))
        if ilvl is not None and 0 <= ilvl < _MAX_LEVELS:
            levels[ilvl] = read_level(element)
    return levels


@dataclass(slots=True)
class Instance:
    """A ``w:num``: the abstract definition it uses plus its level overrides."""

    abstract_id: str
    levels: dict[int, Level]
    start_overrides: dict[int, int] = field(default_factory=dict)


class NumberingCounter:
    """Turns ``(numId, ilvl)`` of successive paragraphs into their printed labels."""

    def __init__(self, numbering_root: etree._Element | None, styles: StyleTable) -> None:
        self.styles = styles
        self.abstracts: dict[str, etree._Element] = {}
        self.nums: dict[str, etree._Element] = {}
        self.instances: dict[str, Instance] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.used: set[str] = set()
        if numbering_root is None:
            return
        for element in numbering_root.findall(f"{W}abstractNum"):
            self.abstracts.setdefault(element.get(f"{W}abstractNumId", ""), element)
        for element in numbering_root.findall(f"{W}num"):
            self.nums.setdefault(element.get(f"{W}numId", ""), element)
        for num_id, element in self.nums.items():
            self.read_instance(num_id, element)

    def read_instance(self, num_id: str, element: etree._Element) -> None:
        abstract_id = self.resolve_abstract(w_val(element, "abstractNumId"))
        if abstract_id is None:
            return
        levels = read_levels(self.abstracts[abstract_id])
        instance = Instance(abstract_id, levels)
        for override in element.findall(f"{W}lvlOverride"):
            ilvl = parse_int(override.get(f"{W}ilvl"))
            if ilvl is None or not 0 <= ilvl < _MAX_LEVELS:
                continue
            start = parse_int(w_val(override, "startOverride"))
            if start is not None:
                instance.start_overrides[ilvl] = start
            level = override.find(f"{W}lvl")
            if level is not None:
                levels[ilvl] = read_level(level)
        self.instances[num_id] = instance

    def resolve_abstract(self, abstract_id: str | None) -> str | None:
        """Follow ``w:numStyleLink`` (a numbering style) to the definition that holds the levels."""
        for _ in range(_MAX_CHAIN):
            if abstract_id not in self.abstracts:
                return None
            link = w_val(self.abstracts[abstract_id], "numStyleLink")
            if link is None:
                return abstract_id
            num_id, _ilvl = self.styles.numbering(link)
            num = self.nums.get(num_id or "")
            abstract_id = w_val(num, "abstractNumId") if num is not None else None
        return None

    def label_for(self, paragraph: etree._Element, style_id: str | None) -> str:
        """The printed label of ``paragraph`` ("1.", "a)", "–"), or "" if it is not numbered."""
        num_id, ilvl = self.paragraph_numbering(paragraph, style_id)
        if num_id is None or num_id not in self.instances:
            return ""
        return self.advance(num_id, ilvl)

    def paragraph_numbering(self, paragraph: etree._Element, style_id: str | None) -> tuple[str | None, int]:
        """``(numId, ilvl)`` from the paragraph's own ``w:numPr``, else from its style."""
        num_pr = paragraph.find(f"{W}pPr/{W}numPr")
        style_num, style_ilvl = self.styles.numbering(style_id)
        num_id = w_val(num_pr, "numId") or style_num
        if num_id is None or num_id == "0":
            return None, 0
        ilvl = parse_int(w_val(num_pr, "ilvl"))
        if ilvl is None and num_id != style_num:
            ilvl = 0
        if ilvl is None:
            ilvl = style_ilvl if style_ilvl is not None else self.level_linked_to(num_id, style_id)
        return num_id, min(max(ilvl, 0), _MAX_LEVELS - 1)

    def level_linked_to(self, num_id: str, style_id: str | None) -> int:
        """The level whose ``w:pStyle`` names the paragraph's style (Word's style-linked lists)."""
        instance = self.instances.get(num_id)
        if instance is not None and style_id is not None:
            for ilvl, level in sorted(instance.levels.items()):
                if level.style_id == style_id:
                    return ilvl
        return 0

    def advance(self, num_id: str, ilvl: int) -> str:
        """Count one paragraph at ``ilvl`` of ``num_id`` and return its label."""
        instance = self.instances[num_id]
        counters = self.counters.setdefault(instance.abstract_id, [None] * _MAX_LEVELS)
        if num_id not in self.used:
            self.used.add(num_id)
            for level_index in instance.start_overrides:
                counters[level_index] = None
        level = instance.levels.get(ilvl, Level())
        current = counters[ilvl]
        counters[ilvl] = self.start_of(instance, ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            restart = instance.levels.get(deeper, Level()).restart
            if restart is None or (restart > 0 and ilvl < restart):
                counters[deeper] = None
        if level.num_fmt == "bullet":
            return BULLET
        return self.render(instance, counters, level)

    def start_of(self, instance: Instance, ilvl: int) -> int:
        if ilvl in instance.start_overrides:
            return instance.start_overrides[ilvl]
        return instance.levels.get(ilvl, Level()).start

    def render(self, instance: Instance, counters: list[int | None], level: Level) -> str:
        """Fill ``%1``…``%9`` of the level text with the formatted counters."""
        text = level.text
        for index in range(_MAX_LEVELS, 0, -1):
            placeholder = f"%{index}"
            if placeholder not in text:
                continue
            value = counters[index - 1]
            if value is None:
                value = self.start_of(instance, index - 1)
            fmt = instance.levels.get(index - 1, Level()).num_fmt
            text = text.replace(placeholder, format_number(value, "decimal" if level.legal else fmt))
        return text.strip()


def format_number(value: int, num_fmt: str) -> str:
    """One counter value in a ``w:numFmt`` (unknown formats fall back to decimal)."""
    if num_fmt == "none" or num_fmt == "bullet":
        return ""
    if num_fmt in ("lowerLetter", "upperLetter") and 0 < value <= _MAX_LETTER_VALUE:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if num_fmt == "lowerLetter" else letter.upper()
    if num_fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        roman = to_roman(value)
        return roman.lower() if num_fmt == "lowerRoman" else roman
    if num_fmt == "decimalZero" and 0 <= value < 10:
        return f"0{value}"
    if num_fmt == "decimalEnclosedParen":
        return f"({value})"
    return str(value)


def to_roman(value: int) -> str:
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )
    result = []
    for number, numeral in numerals:
        count, value = divmod(value, number)
        result.append(numeral * count)
    return "".join(result)
