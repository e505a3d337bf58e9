"""Property tests: the field parsers never raise, return well-typed data and stay fast on
adversarial input (guards against catastrophic regex backtracking and quadratic loops)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.fields import (
    find_laender,
    is_decision_intro,
    looks_like_toc_line,
    parse_absent,
    parse_applicants,
    parse_conference_header,
    parse_date_span,
    parse_numbered_item_heading,
    parse_outcome,
    parse_statement_heading,
    parse_top_heading,
    parse_vote_counts,
    parse_vote_lists,
    split_statement,
)
from schemas import LAENDER, Outcome, VoteCounts, Votes

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text built from the pieces the parsers look for, so that examples reach deep branches.
PIECES = [
    "TOP ", "2.12", "2.9 b", "I 1", "A3", "Punkt ", " der Tagesordnung:", "1.", "16.", "/", "–",
    "bis", "und", " März ", "Dez.", "2017", "29.04.21", "30.11./01.12.2023", "31. Februar 2020",
    "Bayern", "Sachsen", "-Anhalt", "Nieder", "BE", "BY", "NRW", "M-V", "Alle Länder", "außer",
    "Ja:", "Nein:", "Enthaltung", "13:1:2", " : ", "Ja-Stimmen", "Rest", "einstimmig",
    "mehrheitlich", "abgelehnt", "zurückgezogen", "beschlossen:", "Bei Abwesenheit von ",
    "Protokollerklärung ", "erklärt:", "IntMK", "Integrationsministerkonferenz", " in ", "Halle",
    " (Saale)", "am ", ". ", ", ", " ", "\n", ":", "(", ")", "....",
]  # fmt: skip
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
)


@FAST
@given(texts)
def test_parse_date_span_is_valid(text: str) -> None:
    span = parse_date_span(text)
    if span is not None:
        start, end = span
        assert isinstance(start, dt.date) and isinstance(end, dt.date)
        assert start <= end


@FAST
@given(texts)
def test_parse_top_heading_is_well_typed(text: str) -> None:
    for parse in (parse_top_heading, parse_numbered_item_heading):
        heading = parse(text)
        if heading is not None:
            assert heading.top and heading.top == heading.top.strip()
            assert isinstance(heading.rest, str)
    assert isinstance(looks_like_toc_line(text), bool)


@FAST
@given(texts)
def test_laender_are_codes_without_duplicates(text: str) -> None:
    for codes in (find_laender(text), find_laender(text, adjectives=True), parse_absent(text)):
        assert all(code in LAENDER for code in codes)
        assert len(codes) == len(set(codes))
    codes, all_flag = parse_applicants(text)
    assert all(code in LAENDER for code in codes) and len(codes) == len(set(codes))
    assert not all_flag or sorted(codes) == sorted(LAENDER)


@FAST
@given(texts)
def test_votes_are_well_typed(text: str) -> None:
    counts = parse_vote_counts(text)
    assert counts is None or isinstance(counts, VoteCounts)
    votes = parse_vote_lists(text)
    if votes is not None:
        assert isinstance(votes, Votes)
        for codes in (votes.yes, votes.no, votes.abstain, votes.absent):
            assert all(code in LAENDER for code in codes)


@FAST
@given(texts)
def test_remaining_parsers_never_raise(text: str) -> None:
    outcome = parse_outcome(text)
    assert outcome is None or isinstance(outcome, Outcome)
    assert isinstance(is_decision_intro(text), bool)
    by = parse_statement_heading(text)
    assert by is None or all(code in LAENDER for code in by)
    codes, rest = split_statement(text)
    assert all(code in LAENDER for code in codes) and isinstance(rest, str)
    header = parse_conference_header(text.splitlines())
    if header is not None and header.conference.start and header.conference.end:
        assert header.conference.start <= header.conference.end


ADVERSARIAL = {
    "top": "TOP " * 25_000,
    "ordinals": "1." * 50_000,
    "laender": "Bayern, " * 12_000,
    "digits_colons": "1:2:" * 25_000,
    "digits": "1" * 100_000,
    "dots": "." * 100_000,
    "dotted_digits": "1.2." * 25_000,
    "spaces": " " * 100_000,
    "date_parts": "16./" * 25_000,
    "month_days": "16. März " * 10_000,
    "votes": "13 Ja, " * 14_000,
    "labels": "Ja: BE; " * 12_000,
    "absence": "Bei Abwesenheit von " * 5_000,
    "words": "Die IntMK hat " * 7_000,
    "statement": "Protokollerklärung " * 5_000,
    "codes": "BE " * 33_000,
}
PARSERS: dict[str, Callable[[str], object]] = {
    "parse_date_span": parse_date_span,
    "parse_top_heading": parse_top_heading,
    "parse_numbered_item_heading": parse_numbered_item_heading,
    "looks_like_toc_line": looks_like_toc_line,
    "find_laender": find_laender,
    "parse_applicants": parse_applicants,
    "parse_vote_counts": parse_vote_counts,
    "parse_vote_lists": parse_vote_lists,
    "parse_absent": parse_absent,
    "parse_outcome": parse_outcome,
    "is_decision_intro": is_decision_intro,
    "parse_statement_heading": parse_statement_heading,
    "split_statement": split_statement,
    "parse_conference_header": lambda text: parse_conference_header([text]),
}


@pytest.mark.parametrize("parser", list(PARSERS))
def test_adversarial_inputs_finish_fast(parser: str) -> None:
    parse = PARSERS[parser]
    parse("warm up")  # builds the cached spaCy pipeline outside the timing
    for name, text in ADVERSARIAL.items():
        started = time.perf_counter()
        parse(text)
        elapsed = time.perf_counter() - started
        assert elapsed < 2.0, f"{parser} braucht {elapsed:.2f} s für {name}"
