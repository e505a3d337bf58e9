"""PDF layout rules on plain data: page markers, running headers, columns, reading order, junk."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.document import Line
from extractors.pdf_layout import (
    Box,
    classify_page_text,
    find_gutter,
    is_page_marker,
    lines_from_words,
    order_lines,
    remove_page_furniture,
)


@pytest.mark.parametrize("text,in_band,expected", [
    ("- 2 -", False, True), ("– 12 –", False, True), ("-2-", False, True), ("Seite 2", False, True),
    ("Seite 2 von 7", False, True), ("Seite | 2", False, True), ("2 von 95", False, True),
    ("2/7", False, True), ("- 3 \ufffe", False, True), ("7", True, True),
    ("7", False, False), ("9 von 3", False, False), ("2. Die Länder", True, False),
    ("Seite an Seite", True, False), ("2024 wurde beschlossen", True, False), ("2/3-Mehrheit", False, False),
])
def test_page_marker_patterns(text, in_band, expected):
    assert is_page_marker(text, in_band) is expected


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:-", min_size=1,
                max_size=40).filter(lambda t: any(c.isalpha() for c in t))


@given(number=st.integers(1, 999), words=WORDS)
def test_numbered_content_line_is_never_a_page_marker(number, words):
    assert not is_page_marker(f"{number}. {words}", in_band=True)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(1, 5), st.floats(130, 700), WORDS), min_size=1, max_size=40))
def test_body_lines_are_never_removed(body):
    lines = [Line(text, page, top) for page, top, text in body]
    kept, running = remove_page_furniture(lines, {page: 842.0 for page in range(1, 6)})

    assert kept == [line for line in lines if not is_page_marker(line.text)]
    assert running == []


@settings(max_examples=60)
@given(pages=st.integers(2, 6), header=WORDS.filter(lambda t: not is_page_marker(t)), body=st.lists(WORDS, max_size=5))
def test_header_on_every_page_is_removed(pages, header, body):
    lines = []
    for page in range(1, pages + 1):
        lines.append(Line(header, page, 30.0))
        lines += [Line(text, page, 200.0 + 15 * i) for i, text in enumerate(body)]
    kept, running = remove_page_furniture(lines, {page: 842.0 for page in range(1, pages + 1)})

    assert running == [" ".join(header.split())]
    assert kept == [line for line in lines if line.top != 30.0 and not is_page_marker(line.text)]


def boxes_for_rows(rows: list[list[tuple[float, float]]], height: float = 12.0) -> list[Box]:
    return [Box(x0, x1, i * height, i * height + 10, text=f"w{i}-{x0:.0f}")
            for i, row in enumerate(rows) for x0, x1 in row]


def test_gutter_found_between_full_columns_but_not_in_a_label_table():
    columns = boxes_for_rows([[(56, 290), (312, 540)]] * 20)
    assert 290 <= find_gutter(columns) <= 312

    label_table = boxes_for_rows([[(56, 120), (312, 540)]] * 20)
    assert find_gutter(label_table) is None
    form = boxes_for_rows([[(56, 90), (150, 200), (250, 290), (312, 360), (420, 540)]] * 20)
    assert find_gutter(form) is None
    single = boxes_for_rows([[(56, 540)]] * 20)
    assert find_gutter(single) is None


def test_title_spanning_both_columns_separates_column_blocks():
    rows = [[(56, 540)]] + [[(56, 290), (312, 540)]] * 3 + [[(56, 540)]] + [[(56, 290), (312, 540)]] * 2
    lines = lines_from_words(boxes_for_rows(rows), page=1, gutter=300)
    order = [line.text for line in lines]

    assert order == [
        "w0-56", "w1-56", "w2-56", "w3-56", "w1-312", "w2-312", "w3-312",
        "w4-56", "w5-56", "w6-56", "w5-312", "w6-312",
    ]


def test_stream_written_bottom_up_is_sorted_but_cell_order_is_kept():
    reversed_stream = [Line(f"Zeile {i}", 1, 100.0 + 15 * i) for i in range(6)][::-1]
    assert [line.text for line in order_lines(reversed_stream)] == [f"Zeile {i}" for i in range(6)]
    # Table cells: "Senats-" / "Beschluss" beside "Keine Anrufung …" / "284/15", cell by cell.
    cells = [Line("Senats-", 1, 100.0, 56), Line("Beschluss", 1, 112.0, 56),
             Line("Keine Anrufung", 1, 100.0, 150), Line("284/15", 1, 112.0, 150), Line("Ergebnis BR", 1, 130.0, 56)]
    assert order_lines(cells) == cells


def test_junk_classification():
    assert classify_page_text("Die Länder " * 5) == "text"
    assert classify_page_text("  Seite 1  ") == "short"
    assert classify_page_text("\ue001\ue002\ue003 " * 10 + "Seite 1") == "junk"
    assert classify_page_text("\ufffd" * 30) == "junk"


def test_stray_box_far_outside_the_page_neither_widens_nor_bloats_the_gutter_search():
    """Issue 18: one box at x = 5e8 made the coverage list 75 million bins (1.85 GB)."""
    columns = boxes_for_rows([[(56, 290), (312, 540)]] * 20)
    stray = Box(5e8, 5e8 + 40, 300, 310, text="x")
    tracemalloc.start()
    try:
        gutter = find_gutter([*columns, stray], (0.0, 595.0))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert 290 <= gutter <= 312
    assert peak < 1_000_000


def test_text_wider_than_any_page_is_not_searched_for_columns():
    columns = boxes_for_rows([[(56, 290), (312, 540)]] * 20)
    huge_page = (0.0, 1e9)
    tracemalloc.start()
    try:
        gutter = find_gutter([*columns, Box(5e8, 5e8 + 40, 300, 310, text="x")], huge_page)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert gutter is None
    assert peak < 1_000_000
