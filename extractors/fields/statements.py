"""Protokollerklärungen: who makes a statement for the record, and where its text starts."""

from __future__ import annotations

import re

from extractors.fields.laender import ALL_LAENDER, find_laender
from schemas import LandCode

MAX_HEADING_CHARS = 1_000

_HEADING = re.compile(
    r"\W{0,3}(?:\d{1,2}\.\s)?"
    r"(?P<kind>(?:gemeinsame\s)?(?:Protokollerklärung|Protokollnotiz)(?:en)?"
    r"|Erklärung\s(?:zu\sProtokoll|zum\sProtokoll|für\sdas\sProtokoll))"
    r"(?![\wäöüß-])(?P<rest>.*)",
    re.IGNORECASE,
)
# Words a heading may contain besides Land names: "der Länder Bayern und Sachsen", "zu TOP 2.1"
_HEADING_WORDS = frozenset(
    {"des", "der", "die", "den", "dem", "von", "vom", "und", "sowie", "zu", "zur", "zum", "für",
     "aus", "gemäß", "nach", "folgender", "folgende", "gemeinsame", "gemeinsamen", "landes",
     "länder", "land", "freistaat", "freistaates", "freistaats", "freie", "freien", "hansestadt",
     "top", "tagesordnungspunkt", "punkt", "beschluss", "ziffer", "nr.", "alle", "aller",
     "sämtlicher", "staatsregierung", "landesregierung", "regierung", "senat", "senats",
     "senates", "ministerium", "ministeriums", "bundeslandes", "bundesländer", "vertreter",
     "vertreterin", "zeichnenden"}
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_][\wäöüß.-]*")
_ALL = re.compile(r"\balle[rn]?\s(?:(?:16|sechzehn)\s)?(?:Bundes)?länder\b", re.IGNORECASE)
_DECLARATION = re.compile(
    r"(?P<who>[^:]{1,200}?)\s(?:erklärt|erklären|gibt|geben)\b(?P<how>[^:]{0,80}):"
    r"\s?(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
_WHO_WORDS = frozenset(
    {"das", "der", "die", "land", "länder", "freistaat", "freie", "hansestadt", "senat", "und",
     "sowie", "vertreter", "vertreterin", "vertretung", "von", "des", "landes"}
)  # fmt: skip


def _names_only_parties(words: list[str], adjectives: bool) -> bool:
    """True when every word of a heading is a Land name part or a connecting word."""
    for word in words:
        if word.lower() in _HEADING_WORDS or word[0].isupper():
            continue
        if adjectives and find_laender(word, adjectives=True):
            continue
        return False
    return True


def parse_statement_heading(line: str) -> list[LandCode] | None:
    """Länder making the Protokollerklärung the line starts; ``[]`` when it names nobody,
    ``None`` when the line is no such heading.

    "Protokollerklärung Bayern:" -> [BY]; "Protokollerklärung der Länder Bayern und Sachsen:"
    -> [BY, SN]; "Protokollerklärung:" -> []; "Protokollerklärungen wurden nicht abgegeben." ->
    ``None``.
    """
    if len(line) > MAX_HEADING_CHARS:
        return None
    match = _HEADING.fullmatch(line.strip().strip("()"))
    if not match:
        return None
    who = match.group("rest").split(":", 1)[0].strip(" -–—()")
    if not _names_only_parties(_WORD.findall(who), adjectives=True):
        return None
    if _ALL.search(who):
        return list(ALL_LAENDER)
    return find_laender(who, adjectives=True)


def split_statement(text: str) -> tuple[list[LandCode], str]:
    """Split "Bayern erklärt: …" / "Das Land Bayern erklärt zu Protokoll: …" into the
    declaring Länder and the statement; ``([], text)`` when the text does not start so."""
    match = _DECLARATION.match(text.strip())
    if not match:
        return [], text
    who = match.group("who")
    codes = find_laender(who)
    leftover = [w for w in _WORD.findall(who) if w.lower() not in _WHO_WORDS]
    if not codes or not all(find_laender(word) for word in leftover):
        return [], text
    return codes, match.group("rest").strip()
