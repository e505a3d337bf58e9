"""Issues 14/18 and 19: a record's decision text is read, or the record says why it is not.

- An IMK collection with each resolution at the top of a new page after "(freigegeben)": the
  "Beschluss:" lines stand at one place on most pages and the reader takes them for a running
  header; each resolution must still come out with its own decision text.
- An item without any decision text is never a full success (a withdrawn item has none).
- A decision text far too long for one item is flagged as a missed segmentation.
"""

from __future__ import annotations

from extractors.extract import extract_document, read_document
from extractors.records import (
    MAX_DECISION_CHARS,
    NO_DECISION_TEXT,
    check_decision_text,
    find_removed_intro,
)
from schemas import Outcome
from schemas.errors import ErrorCode
from tests.fixtures.collections import (
    write_imk_page_per_resolution,
    write_item_without_text,
    write_motion_with_whole_journal,
)
from tests.fixtures.motions import write_motion


def test_imk_resolutions_starting_a_new_page_keep_their_decision_text(tmp_path):
    collection = write_imk_page_per_resolution(tmp_path)
    records = extract_document(collection.path)
    assert [r.top for r in records] == ["1", "2", "3", "4"]
    assert [r.title for r in records] == collection.titles
    assert [r.decision_text for r in records] == collection.decisions
    assert [r.source.pages for r in records] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert all(r.outcome is Outcome.EINSTIMMIG and r.released is True for r in records)
    assert all(r.status == "success" for r in records)


def test_collection_fixture_really_loses_its_beschluss_lines_to_the_header_band(tmp_path):
    """The precondition of the test above: the reader removes the page-top "Beschluss:" lines."""
    document = read_document(write_imk_page_per_resolution(tmp_path).path)
    assert find_removed_intro(document) == "Beschluss:"
    assert [line.text for line in document.lines].count("Beschluss:") == 1


def test_item_without_decision_text_is_partial_and_withdrawn_item_is_not(tmp_path):
    with_intro, withdrawn = extract_document(write_item_without_text(tmp_path))
    assert (with_intro.top, with_intro.decision_text, with_intro.status) == ("3.1", None, "partial")
    assert [(e.code, e.message) for e in with_intro.errors] == [(ErrorCode.DAMAGED_FILE, NO_DECISION_TEXT)]
    assert with_intro.errors[0].pages == [1]
    assert (withdrawn.top, withdrawn.outcome, withdrawn.status) == ("3.2", Outcome.ZURUECKGEZOGEN, "success")


def test_decision_text_of_a_whole_document_is_flagged(tmp_path):
    [record] = extract_document(write_motion_with_whole_journal(tmp_path, repeat=60))
    assert len(record.decision_text) > MAX_DECISION_CHARS
    assert record.status == "partial"
    [problem] = record.errors
    assert problem.code == ErrorCode.LIMIT_EXCEEDED
    assert "ungewöhnlich lang" in problem.message and "bitte im Original prüfen" in problem.message
    assert problem.pages[0] == 1 and len(problem.pages) > 10


def test_ordinary_motion_stays_a_success(tmp_path):
    [record] = extract_document(write_motion(tmp_path, "antrag.pdf"))
    assert record.status == "success" and record.errors == []
    assert 0 < len(record.decision_text) < MAX_DECISION_CHARS


def test_check_decision_text_limits():
    assert check_decision_text("x" * MAX_DECISION_CHARS, None, [1]) == []
    assert [p.code for p in check_decision_text("x" * (MAX_DECISION_CHARS + 1), None, [1])] == ["limit_exceeded"]
    assert [p.code for p in check_decision_text(None, Outcome.ABGELEHNT, [2])] == ["damaged_file"]
    assert check_decision_text(None, Outcome.ZURUECKGEZOGEN, [2]) == []
