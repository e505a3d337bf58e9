"""Golden tests: the real sample in the layouts of several conferences must yield its fields."""

from __future__ import annotations

import pytest

from extractors.extract import extract_document
from tests.fixtures.layouts import DOCX_LAYOUTS, PDF_LAYOUTS, Fixture

LAYOUTS = {**PDF_LAYOUTS, **DOCX_LAYOUTS}


def get_field(record: dict, dotted: str):
    value = record
    for key in dotted.split("."):
        value = value[key]
    return value


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def layout(request, generated) -> tuple[Fixture, list[dict]]:
    fixture = LAYOUTS[request.param](generated)
    records = [r.model_dump(mode="json") for r in extract_document(fixture.path)]
    return fixture, records


def test_one_record_per_agenda_item(layout):
    fixture, records = layout
    assert [r["top"] for r in records] == [item.get("top") for item in fixture.items]


def test_fields_match_the_golden_values(layout):
    fixture, records = layout
    for expected, record in zip(fixture.items, records, strict=True):
        mismatches = {
            key: (get_field(record, key), value)
            for key, value in expected.items()
            if get_field(record, key) != value
        }
        assert not mismatches, f"TOP {expected.get('top')}: (got, expected) {mismatches}"


def test_sample_has_five_numbered_paragraphs(generated):
    record = extract_document(PDF_LAYOUTS["sample_as_printed"](generated).path)[0]
    paragraphs = record.decision_text.split("\n\n")
    assert [p.split(" ", 1)[0] for p in paragraphs] == ["1.", "2.", "3.", "4.", "5."]
    assert "Hamburg" not in record.decision_text and "EU-Zuwanderung" in record.decision_text


def test_running_header_and_page_markers_never_reach_the_text(generated):
    record = extract_document(PDF_LAYOUTS["sample_header_markers"](generated).path)[0]
    assert "Friedrichshafen" not in record.decision_text
    assert "- 2 -" not in record.decision_text
    assert record.source.pages == (1, 3)
