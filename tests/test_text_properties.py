"""Properties of the text cleanup on arbitrary and adversarial input (hypothesis)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.text import dehyphenate_text, join_lines, normalize_line

# Characters the rules react to, mixed into arbitrary (surrogate-free) unicode.
SPECIAL = [
    "-", "-", " ", "  ", "\n", "\t", "\u00a0", "\u2009", "\u202f", "\u00ad", "\ufffe", "\x02",
    "\u200b", "\ufeff", "\ufb01", "\ufb03", "u\u0308", "\u0308", "\u2013", "\u2011",
    "und ", "wie", "so", "bzw.", "als auch", "Know", "how", "x", "EU", "18", "a", "A", "ß",
]
characters = st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(SPECIAL))
texts = st.lists(characters, max_size=60).map("".join)
line_lists = st.lists(texts, max_size=8)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def alphanumerics(text: str) -> Counter[str]:
    return Counter(ch for ch in text if ch.isalnum())


@PROPERTY_SETTINGS
@given(texts)
def test_normalize_line_is_idempotent(text: str) -> None:
    once = normalize_line(text)
    assert normalize_line(once) == once


@PROPERTY_SETTINGS
@given(texts)
def test_normalize_line_leaves_a_clean_single_line(text: str) -> None:
    line = normalize_line(text)
    assert line == line.strip()
    assert "  " not in line
    assert not any(ch in line for ch in "\n\t\u00a0\u00ad\ufffe\x02\u200b\ufeff\ufb01")


@PROPERTY_SETTINGS
@given(line_lists)
def test_join_lines_never_loses_letters(lines: list[str]) -> None:
    """Only hyphens and spaces change: the letters and digits of the lines all survive."""
    expected = sum((alphanumerics(normalize_line(line)) for line in lines), Counter())
    assert alphanumerics(join_lines(lines)) == expected


@PROPERTY_SETTINGS
@given(line_lists)
def test_join_lines_result_is_a_normalized_line(lines: list[str]) -> None:
    joined = join_lines(lines)
    assert normalize_line(joined) == joined
    assert join_lines([joined]) == joined


@PROPERTY_SETTINGS
@given(st.lists(texts, max_size=12).map("\n".join))
def test_dehyphenate_text_is_idempotent(text: str) -> None:
    once = dehyphenate_text(text)
    assert dehyphenate_text(once) == once
    assert "\n\n\n" not in once


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(["Ham", "burg", "-", " ", "und", "EU", "\n"]), max_size=40))
def test_hyphen_heavy_lines_join_with_at_most_one_space(tokens: list[str]) -> None:
    joined = join_lines("".join(tokens).split("\n"))
    assert "  " not in joined
    assert joined == joined.strip()


ADVERSARIAL = {
    "hyphens": "-" * 100_000,
    "hyphenated lines": "a-\n" * 30_000,
    "spaces": " " * 100_000,
    "soft hyphens": "\u00ad" * 50_000,
    "pdfium markers": "a\ufffe" * 50_000,
    "space-hyphen": " -" * 50_000,
    "long word": "a" * 100_000 + "-",
    "long compound": "Know-how-" * 11_000,
    "mixed": "x- und\u00a0\u200b-\ufffe" * 10_000,
}
FUNCTIONS: dict[str, Callable[[str], str]] = {
    "normalize_line": normalize_line,
    "join_lines (one line)": lambda text: join_lines([text, "fortsetzung"]),
    "join_lines (split lines)": lambda text: join_lines(text.split("\n")),
    "dehyphenate_text": dehyphenate_text,
}


@pytest.mark.parametrize("function_name", FUNCTIONS)
@pytest.mark.parametrize("case", ADVERSARIAL)
def test_adversarial_input_finishes_quickly(case: str, function_name: str) -> None:
    """No catastrophic backtracking: 100 kB inputs take well under the generous 2 s bound."""
    started = time.perf_counter()
    FUNCTIONS[function_name](ADVERSARIAL[case])
    assert time.perf_counter() - started < 2.0
