"""German text cleanup: normalise printed lines and undo line-end hyphenation.

Readers (``extractors.document``) deliver printed lines as the PDF shows them. This module

* normalises one line (``normalize_line``): NFC, ligatures, special spaces, invisible characters,
  soft hyphens and the hyphenation markers of pypdfium2;
* joins the lines of one paragraph (``join_lines``), deciding for every line-end hyphen whether it
  was a hyphenation hyphen ("Ham-" / "burg" -> "Hamburg") or belongs to the text
  ("Mecklenburg-" / "Vorpommern", "Sprach-" / "und Integrationskurse").

The joining rules are the table ``JOIN_RULES`` below, one small predicate per rule, tried in order.
They were measured on real IntMK documents; DESIGN.md ("Known traps") explains why a word list is
used only to KEEP known hyphenated words and never as the only permission to join.

Measured on pypdfium2 5.15 (``get_text_range``): a hyphenation hyphen at a line end is replaced by
U+FFFE and the line break is dropped ("Migrationsbera\\ufffetung", "Senats\\ufffeBeschluss");
``get_text_bounded`` writes U+0002 instead. ``normalize_line`` therefore treats such a marker
inside a line as "hyphen + line break" and resolves it with the same rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache, cached_property
from importlib import resources

from schemas.errors import InternalError

SOFT_HYPHEN = "\u00ad"
HYPHEN_MARKER = "\ufffe"  # pypdfium2: "a hyphen ended the line here"
PDFIUM_BOUNDED_MARKER = "\x02"  # the same marker in pypdfium2's get_text_bounded()
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
LIGATURES = "".join(chr(cp) for cp in range(0xFB00, 0xFB07))  # ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ
HYPHEN_VARIANTS = "\u2010\u2011"  # HYPHEN, NON-BREAKING HYPHEN; dashes (– —) stay punctuation

# NFKC only for the ligatures: on a whole line it would also turn "²" into "2", "½" into "1⁄2".
_CHAR_MAP: dict[int, str | None] = {
    **{ord(ch): unicodedata.normalize("NFKC", ch) for ch in LIGATURES},
    **{ord(ch): None for ch in ZERO_WIDTH},
    **{ord(ch): "-" for ch in HYPHEN_VARIANTS},
    ord(PDFIUM_BOUNDED_MARKER): HYPHEN_MARKER,
}
_SPACE_RUN = re.compile(r"\s+")  # NBSP, U+2007, U+202F, U+2009, tabs, ... (single class: linear)
_MARKER_RUN = re.compile(HYPHEN_MARKER + "+")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")  # letters/digits joined by single hyphens; each
# repetition must start with "-", so the match is unambiguous and cannot backtrack badly.

# Words after a suspended hyphen (Ergänzungsstrich): "Sprach- und Integrationskurse".
_CONJUNCTION = re.compile(
    r"(?:und|oder|sowie|wie|bis|noch|beziehungsweise|respektive|als auch)\b|(?:bzw|resp|u)\."
)
# A hyphenated word that happens to continue with a conjunction ("so-" / "wie" -> "sowie").
_WORDS_ENDING_IN_CONJUNCTION = frozenset({"sowie"})
# Endings accepted on the last part of a lexicon word ("Start-ups", "x-beliebigen").
_LEXICON_ENDINGS = ("s", "n", "e", "en", "er", "es", "em")
_LEXICON_RESOURCE = "data/hyphenated_words.txt"


# --------------------------------------------------------------------------- normalise one line


def normalize_line(text: str) -> str:
    """Return one printed line cleaned up; a hyphenation marker at its end becomes "-".

    Soft hyphens inside the line are removed; U+FFFE (or U+0002) inside the line is a line break
    pypdfium2 swallowed after a hyphen, and is resolved with the joining rules of ``join_lines``.
    """
    text = _SPACE_RUN.sub(" ", text.translate(_CHAR_MAP)).strip(" ")
    pieces = _MARKER_RUN.split(_mark_line_end(text))
    lines = [_clean_piece(piece) for piece in pieces]
    for index, raw in enumerate(pieces[:-1]):
        if _ends_in_word(raw) and lines[index] and not lines[index].endswith("-"):
            lines[index] += "-"
    return unicodedata.normalize("NFC", join_clean_lines(lines))


def _mark_line_end(text: str) -> str:
    """Turn soft hyphens ending the line into the one hyphenation marker."""
    if not text.endswith(SOFT_HYPHEN):
        return text
    return text.rstrip(SOFT_HYPHEN + HYPHEN_MARKER) + HYPHEN_MARKER


def _ends_in_word(raw: str) -> bool:
    """A marker right after a character (not after a space) stands for a hyphen."""
    return bool(raw) and not raw[-1].isspace()


def _clean_piece(piece: str) -> str:
    """Drop soft hyphens inside a line, collapse spaces, compose umlauts (NFC)."""
    piece = _SPACE_RUN.sub(" ", piece.replace(SOFT_HYPHEN, "")).strip(" ")
    return unicodedata.normalize("NFC", piece)


# --------------------------------------------------------------------------- join lines


class Join(Enum):
    """How two printed lines are glued together."""

    SPACE = " "  # "… Alltagsintegration -" + "…", "Sprach-" + "und …": one space between
    KEEP_HYPHEN = "keep"  # "Mecklenburg-" + "Vorpommern": hyphen stays, no space
    REMOVE_HYPHEN = "remove"  # "Ham-" + "burg" -> "Hamburg"


@dataclass(frozen=True)
class LineBreak:
    """The end of one line (which ends with "-") and the start of the next one."""

    before: str  # the previous line, ending with "-"
    after: str  # the next line, non-empty

    @cached_property
    def head(self) -> list[str]:
        """Word parts before the final hyphen: "Mecklenburg-Vorpom-" -> [Mecklenburg, Vorpom]."""
        match = _WORD.match(self.before[-2::-1])  # reversed text, so the match ends at the hyphen
        return match.group(0)[::-1].split("-") if match else []

    @cached_property
    def tail(self) -> list[str]:
        """Parts of the first word of the next line: "how-Transfer," -> [how, Transfer]."""
        match = _WORD.match(self.after)
        return match.group(0).split("-") if match else []


def is_lone_dash(brk: LineBreak) -> bool:
    """Rule "lone dash": "… Alltagsintegration -" is punctuation."""
    return len(brk.before) == 1 or brk.before[-2].isspace()


def is_known_hyphenated_word(brk: LineBreak) -> bool:
    """Rule "lexicon": "Know-" / "how", "Ad-" / "hoc-Gruppe", "Face-to-" / "face"."""
    lexicon, longest = load_hyphenated_words()
    for left in range(1, min(len(brk.head), longest - 1) + 1):
        for right in range(1, min(len(brk.tail), longest - left) + 1):
            candidate = "-".join(brk.head[-left:] + brk.tail[:right]).lower()
            if _is_in_lexicon(candidate, lexicon):
                return True
    return False


def starts_with_conjunction(brk: LineBreak) -> bool:
    """Rule "suspended hyphen": "Sprach-" / "und Integrationskurse" keeps "Sprach- ".

    Not when hyphen + conjunction is itself a word split at the line end ("so-" / "wie").
    """
    match = _CONJUNCTION.match(brk.after)
    if match is None:
        return False
    last = brk.head[-1] if brk.head else ""
    return (last + match.group(0)).lower() not in _WORDS_ENDING_IN_CONJUNCTION


def starts_without_word(brk: LineBreak) -> bool:
    """Rule "no word follows": "Forschungs-" / "& Entwicklung": keep the hyphen, add a space."""
    return not brk.after[0].isalnum()


def starts_without_lowercase(brk: LineBreak) -> bool:
    """Rule "uppercase or digit": "Mecklenburg-" / "Vorpommern", "COVID-" / "19"."""
    return not brk.after[0].islower()


def follows_non_letter(brk: LineBreak) -> bool:
    """Rule "digit before the hyphen": "18-" / "jährige", "3-" / "monatige", "(…)-" / "…".

    Words containing digits or brackets are never split into syllables.
    """
    last = brk.head[-1] if brk.head else ""
    return not brk.before[-2].isalpha() or any(ch.isdigit() for ch in last)


def follows_letter_or_abbreviation(brk: LineBreak) -> bool:
    """Rule "unsplittable head": "E-" / "learning", "EU-" / "weit", "IntMK-" / "intern".

    Hyphenation never leaves a single letter on a line and never splits abbreviations
    (two or more capitals).
    """
    last = brk.head[-1] if brk.head else ""
    return len(last) == 1 or sum(ch.isupper() for ch in last) >= 2


def always(brk: LineBreak) -> bool:
    """Rule "default": a lowercase continuation joins ("Migrationsbera-" / "tung")."""
    return True


# Tried in order for a line ending in a word-final "-"; the first rule that applies decides.
# Lines not ending in "-" (including an en dash "–") are joined with one space, and so is a next
# line starting with "-" ("Verwaltungsstrukturen und" / "-abläufe"); see ``decide_join``.
JOIN_RULES: tuple[tuple[str, Callable[[LineBreak], bool], Join], ...] = (
    ("lone dash", is_lone_dash, Join.SPACE),
    ("lexicon", is_known_hyphenated_word, Join.KEEP_HYPHEN),
    ("suspended hyphen", starts_with_conjunction, Join.SPACE),
    ("no word follows", starts_without_word, Join.SPACE),
    ("uppercase or digit", starts_without_lowercase, Join.KEEP_HYPHEN),
    ("digit before the hyphen", follows_non_letter, Join.KEEP_HYPHEN),
    ("unsplittable head", follows_letter_or_abbreviation, Join.KEEP_HYPHEN),
    ("default", always, Join.REMOVE_HYPHEN),
)


def decide_join(before: str, after: str) -> Join:
    """Decide how the non-empty normalised lines ``before`` and ``after`` are joined."""
    if not before.endswith("-"):
        return Join.SPACE
    brk = LineBreak(before, after)
    return next(join for _name, applies, join in JOIN_RULES if applies(brk))


def join_lines(lines: Sequence[str]) -> str:
    """Join the printed lines of ONE paragraph into one line, undoing hyphenation.

    Each line is normalised first (``normalize_line``), so raw reader output is fine; empty
    lines are skipped. A hyphen ending the last line stays.
    """
    if isinstance(lines, str):
        raise InternalError(
            "Interner Fehler: join_lines erwartet eine Liste von Zeilen, keinen Text."
        )
    return join_clean_lines([normalize_line(line) for line in lines])


def join_clean_lines(lines: Sequence[str]) -> str:
    """Join lines that ``normalize_line`` has already cleaned (empty ones skipped) by the rules
    of ``decide_join``; callers holding cleaned lines skip normalising them twice."""
    lines = [line for line in lines if line]
    parts = lines[:1]
    for before, after in zip(lines, lines[1:]):
        join = decide_join(before, after)
        if join is Join.REMOVE_HYPHEN:
            parts[-1] = parts[-1][:-1]
        elif join is Join.SPACE:
            parts.append(" ")
        parts.append(after)
    return "".join(parts)


def join_paragraphs(paragraphs: Sequence[Sequence[str]]) -> str:
    """Join each paragraph's lines and separate the paragraphs with a blank line."""
    joined = (join_lines(lines) for lines in paragraphs)
    return "\n\n".join(text for text in joined if text)


def dehyphenate_text(text: str) -> str:
    """Apply ``join_lines`` to plain text: lines split by newlines, paragraphs by blank lines."""
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        line = normalize_line(line)
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join(join_clean_lines(lines) for lines in paragraphs if lines)


# --------------------------------------------------------------------------- lexicon


@cache
def load_hyphenated_words() -> tuple[frozenset[str], int]:
    """Return the lexicon of known hyphenated words (lowercase) and its most parts per word."""
    try:
        raw = resources.files("extractors").joinpath(_LEXICON_RESOURCE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InternalError(
            "Die Wortliste für Bindestrich-Wörter (extractors/data/hyphenated_words.txt) "
            "fehlt oder ist beschädigt; bitte die Installation prüfen."
        ) from exc
    words = frozenset(parse_lexicon(raw))
    return words, max((word.count("-") + 1 for word in words), default=0)


def parse_lexicon(raw: str) -> list[str]:
    """Parse the lexicon format: one word per line, "#" starts a comment, case is ignored."""
    words = (line.split("#", 1)[0].strip() for line in raw.splitlines())
    return [unicodedata.normalize("NFC", word).lower() for word in words if word]


def _is_in_lexicon(candidate: str, lexicon: frozenset[str]) -> bool:
    """Look a word up, also with an inflection ending on its last part."""
    if candidate in lexicon:
        return True
    return any(
        candidate.endswith(ending) and candidate[: -len(ending)] in lexicon
        for ending in _LEXICON_ENDINGS
    )
