"""German-aware matching for the search index: tokens, stems, queries and snippets.

Index and query go through the same ``term_key``: lower case, Snowball's German stemmer
(``Migrationsberatungen`` and ``Migrationsberatung`` both become ``migrationsberat``), then umlauts
and accents folded (ä→a, ß→ss), so a query typed without umlauts finds them too.
Snippets mark the matching words of the original text with «guillemets».
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

import snowballstemmer

from schemas.errors import UsageProblem

WORD = re.compile(r"[^\W_]+")  # runs of letters and digits; hyphens and punctuation split
QUERY_PART = re.compile(r'"([^"]*)"?|(\S+)')
MARK_OPEN, MARK_CLOSE = "«", "»"
SNIPPET_WORDS = 30
MAX_QUERY_PARTS = 20
STEMMER_ID = f"snowball-german-{version('snowballstemmer')}"  # part of the index format: stems must not change

_stemmer = snowballstemmer.stemmer("german")


@lru_cache(maxsize=200_000)
def term_key(word: str) -> str:
    """The index form of one word: stemmed (German Snowball) and folded to ASCII where possible."""
    return fold(_stemmer.stemWord(word.lower()))


def fold(text: str) -> str:
    """ä→a, é→e, ß→ss: the stemmer already folds umlauts at its end; this catches the rest."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def index_terms(text: str | None) -> str:
    """The text as space-separated index terms, in order (phrases keep working)."""
    return " ".join(term_key(word) for word in WORD.findall(text or ""))


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A search as the clerk typed it: words (AND), "quoted phrases", and prefixes (``Migrat*``).

    ``words`` and ``phrases`` keep the typed words (PostgreSQL stems them itself); ``keys`` are the
    index terms of both, for SQLite and the snippet; prefixes are index terms too (a stem is a
    prefix of its word, so ``Migrationsberatung*`` still finds ``Migrationsberatungsstellen``).
    """

    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    prefixes: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        words = [*self.words, *(word for phrase in self.phrases for word in phrase)]
        return frozenset(term_key(word) for word in words)


def parse_query(query: str) -> ParsedQuery:
    """Split a query into words, phrases and prefixes; a query without any word is a usage error."""
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    prefixes: list[str] = []
    for match in QUERY_PART.finditer(query):
        phrase, token = match.groups()
        if phrase is not None:
            found = tuple(WORD.findall(phrase))
            if len(found) == 1:
                words.extend(found)
            elif found:
                phrases.append(found)
        elif token.endswith("*") and WORD.fullmatch(token.rstrip("*")):
            prefixes.append(term_key(token.rstrip("*")))  # stemmed: 'Migrationsberatung*' finds its forms
        else:
            words.extend(WORD.findall(token))
    parsed = ParsedQuery(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(phrases)), tuple(dict.fromkeys(prefixes)))
    if not (parsed.words or parsed.phrases or parsed.prefixes):
        raise UsageProblem("Bitte mindestens ein Suchwort angeben (Buchstaben oder Ziffern).")
    if len(parsed.words) + len(parsed.phrases) + len(parsed.prefixes) > MAX_QUERY_PARTS:
        raise UsageProblem(f"Höchstens {MAX_QUERY_PARTS} Suchwörter und Wortgruppen auf einmal.")
    return parsed


def render_fts5(query: ParsedQuery) -> str:
    """The query in FTS5 syntax over index terms: every part must match (AND)."""
    parts = [f'"{term_key(word)}"' for word in query.words]
    parts += ['"' + " ".join(term_key(word) for word in phrase) + '"' for phrase in query.phrases]
    parts += [f'"{prefix}"*' for prefix in query.prefixes]
    return " AND ".join(parts)


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    hit: bool


def make_snippet(text: str, query: ParsedQuery, width: int = SNIPPET_WORDS) -> str:
    """About ``width`` words of ``text`` around the densest match, matching words in «…»."""
    keys, prefixes = query.keys, query.prefixes
    tokens = [_Token(m.start(), m.end(), _matches(m.group(), keys, prefixes)) for m in WORD.finditer(text)]
    if not tokens:
        return ""
    first = _best_window(tokens, width)
    window = tokens[first : first + width]
    pieces, cursor = [], window[0].start
    for token in window:
        word = text[token.start : token.end]
        pieces += [text[cursor : token.start], f"{MARK_OPEN}{word}{MARK_CLOSE}" if token.hit else word]
        cursor = token.end
    body = " ".join("".join(pieces).split())
    end = window[-1].end
    if text[end : end + 1] in tuple(".,;:!?)"):
        body += text[end]
    return ("… " if first > 0 else "") + body + (" …" if first + width < len(tokens) else "")


def _matches(word: str, keys: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    key = term_key(word)
    return key in keys or any(key.startswith(prefix) for prefix in prefixes)


def _best_window(tokens: list[_Token], width: int) -> int:
    """Start of a window with the most matching words, centred on them (the earliest on ties)."""
    if len(tokens) <= width:
        return 0
    hits = [1 if token.hit else 0 for token in tokens]
    count = best = sum(hits[:width])
    start = 0
    for first in range(1, len(tokens) - width + 1):
        count += hits[first + width - 1] - hits[first - 1]
        if count > best:
            best, start = count, first
    inside = [i for i in range(start, start + width) if hits[i]]
    if not inside:
        return 0
    span = inside[-1] - inside[0] + 1
    return max(0, min(inside[0] - (width - span) // 2, len(tokens) - width))
