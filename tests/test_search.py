"""``intmk search``: German-aware full-text search over every stored record, on SQLite and PostgreSQL.

The store holds real documents built from the sample text (tests/fixtures/layouts.py: the sample as
printed for IntMK 12, the 2018 minutes with four TOPs, JFMK, IMK and a video conference) and three
motions for IntMK 23 (tests/fixtures/motions.py): one on time, one late, one citing a Bundesrat
Drucksache. The motions' Begründung carries a canary word that no search may find. Each file is
extracted once per module; each backend gets its own store.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.search import refresh as refresh_module
from pipeline.search.text import make_snippet, parse_query
from pipeline.search_service import SearchFilters, refresh_index, search
from pipeline.storage.bundesrat import upsert_procedures
from pipeline.storage.documents import store_extraction
from pipeline.version import PIPELINE_VERSION
from schemas import ErrorInfo
from schemas.errors import ExitCode, UsageProblem
from tests.fixtures.cli import run_intmk
from tests.fixtures.search_store import (  # noqa: F401 - cli_home, extracted and store are fixtures
    CANARY,
    PROCEDURE,
    Store,
    cli_home,
    extracted,
    open_filled_store,
    store,
)


def find(store: Store, query: str, **filters) -> list:
    return search(store.db, store.settings, query, SearchFilters(**filters), limit=100)


def label(hit) -> str:
    """'IntMK-13/2.9b'; a motion without TOP by its title."""
    return f"{hit.conference}/{hit.top or hit.title}"


def test_inflected_forms_find_each_other(store):
    singular = {label(hit) for hit in find(store, "Migrationsberatung")}
    plural = {label(hit) for hit in find(store, "Migrationsberatungen")}
    assert "IntMK-23/Finanzierung der Migrationsberatungen" in singular  # only the plural is printed there
    assert "IntMK-12/2.12" in plural  # only the singular is printed there
    assert singular == plural
    without_umlaut = {label(hit) for hit in find(store, "Lander stellen fest")}
    assert "IntMK-12/2.12" in without_umlaut and without_umlaut == {label(hit) for hit in find(store, "Länder stellen fest")}


FILTER_CASES = [
    ({"body": "JFMK"}, {"None/4.1"}),
    ({"body": "jfmk"}, {"None/4.1"}),
    ({"year": 2018}, {"IntMK-13/1", "IntMK-13/2.1", "IntMK-13/2.9b"}),
    ({"conference": "IntMK 12"}, {"IntMK-12/2.12"}),
    ({"conference": "IntMK-13", "outcome": "abgelehnt"}, {"IntMK-13/2.9b"}),
    ({"land": "BY"}, {"IntMK-13/1", "IntMK-13/2.9b", "IntMK-15/A3"}),
    ({"outcome": "einstimmig", "body": "IMK"}, {"IMK-210/1", "IMK-210/2"}),
    ({"late": True}, {"IntMK-23/Migrationsberatung für Geflüchtete"}),
    ({"bundesrat": True}, {"IntMK-23/Migrationsberatung im Aufenthaltsgesetz"}),
]


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES, ids=[str(case[0]) for case in FILTER_CASES])
def test_each_filter_narrows_to_exactly_its_records(store, filters, expected):
    everything = {label(hit) for hit in find(store, "Migrationsberatung")}
    assert expected < everything
    assert {label(hit) for hit in find(store, "Migrationsberatung", **filters)} == expected


def test_hits_carry_top_conference_page_and_flags(store):
    hit = next(h for h in find(store, "Migrationsberatung", conference="IntMK 13") if h.top == "2.1")
    assert (hit.body, hit.number, hit.year, hit.page, hit.outcome) == ("IntMK", 13, 2018, 3, "mehrheitlich")
    assert hit.applicants[:2] == ["BE", "BB"] and hit.late is None and hit.bundesrat is False and hit.ocr is False
    late = find(store, "Geflüchtete", late=True)[0]
    assert late.document_type == "beschlussvorschlag" and late.late is True and late.top is None
    on_time = find(store, "Finanzierung")[0]
    assert on_time.late is False and on_time.bundesrat is False


def test_title_matches_rank_before_text_matches(store):
    hits = find(store, "ländlichen")
    in_title = [bool(hit.title and "ländlich" in hit.title) for hit in hits]
    assert in_title.count(True) == 3 and in_title.count(False) >= 2  # 2.9b, JFMK 4.2, A3; text: 2.12, 2.1, …
    assert in_title == sorted(in_title, reverse=True), [(h.title, h.score) for h in hits]
    assert [hit.rank for hit in hits] == list(range(1, len(hits) + 1))


def test_snippet_marks_the_word_as_printed(store):
    hit = next(h for h in find(store, "Migrationsberatungen") if label(h) == "IntMK-12/2.12")
    assert "«Migrationsberatung»" in hit.snippet and "Migrationsberatung" in hit.highlights
    assert len(hit.snippet.split()) <= 40
    phrase = next(h for h in find(store, '"zunehmende Inanspruchnahme"') if label(h) == "IntMK-12/2.12")
    assert "«zunehmende» «Inanspruchnahme»" in phrase.snippet


def test_begruendung_is_not_searchable(store):
    assert find(store, CANARY) == []
    assert find(store, "Bundesrat befasst") == []  # the Bundesrat motion's Begründung
    assert all(CANARY not in hit.snippet for hit in find(store, "Migrationsberatung"))
    # yet the Begründung still counts for the Bundesrat check (Regularien 4.3)
    assert find(store, "Aufenthaltsgesetz", bundesrat=True)


def test_phrases_and_prefixes(store):
    phrase = {label(hit) for hit in find(store, '"Länder stellen fest"')}
    words = {label(hit) for hit in find(store, "Länder fest")}
    assert phrase and phrase <= words
    assert {label(hit) for hit in find(store, "Migrationsber*")} == {label(hit) for hit in find(store, "Migrationsberatung")}
    assert {label(hit) for hit in find(store, "Migrationsberatungen*")} == {label(hit) for hit in find(store, "Migrationsberatung")}
    assert find(store, "Migrationsberatung Wohnsitzregelung") and find(store, "Migrationsberatung Quantenphysik") == []


def test_limit_and_empty_query(store):
    assert len(search(store.db, store.settings, "Migrationsberatung", limit=2)) == 2
    with pytest.raises(UsageProblem, match="Suchwort"):
        search(store.db, store.settings, " – ")
    with pytest.raises(UsageProblem, match="Länderkürzel"):
        find(store, "Migrationsberatung", land="XX")


def test_snippet_window_and_marks_without_a_store():
    text = " ".join(["Wort"] * 50 + ["Migrationsberatungen", "stärken"] + ["Satz"] * 50)
    snippet = make_snippet(text, parse_query("Migrationsberatung"))
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "«Migrationsberatungen» stärken" in snippet and len(snippet.split()) <= 32
    assert make_snippet("Öffnung der Beratung.", parse_query("offnung")) == "«Öffnung» der Beratung."
    assert make_snippet("Ausweitung des Angebots", parse_query("Angebot*")) == "Ausweitung des «Angebots»"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path, extracted) -> Store:
    filled = open_filled_store(request, tmp_path, extracted)
    yield filled
    filled.db.dispose()


def test_refresh_is_incremental_and_follows_the_store(fresh, extracted):
    total = sum(len(item.result.records) for item in extracted)
    assert refresh_index(fresh.db, fresh.settings) == total
    assert refresh_index(fresh.db, fresh.settings) == 0
    sample = next(item for item in extracted if item.path.name == "intmk12-top2.12.pdf")
    sha = sample.result.records[0].source.sha256
    # read again by the same version (intmk reprocess), now only partly: the document is indexed anew
    problem = ErrorInfo(code="damaged_file", message="Seite 2 unlesbar", pages=[2])
    renamed = [sample.result.records[0].model_copy(update={"title": "Wohnsitzregelung neu gefasst", "status": "partial",
                                                           "errors": [problem]})]
    with fresh.db.session() as session:
        store_extraction(session, sha, PIPELINE_VERSION, renamed)
    assert refresh_index(fresh.db, fresh.settings) == 1
    assert [hit.title for hit in find(fresh, "neu gefasst")] == ["Wohnsitzregelung neu gefasst"]
    with fresh.db.session() as session:  # now unreadable: it leaves the index
        store_extraction(session, sha, PIPELINE_VERSION, [], ErrorInfo(code="damaged_file", message="kaputt"))
    assert refresh_index(fresh.db, fresh.settings) == 0 and find(fresh, "neu gefasst") == []


def test_new_pipeline_version_replaces_the_rows(fresh, extracted, monkeypatch):
    refresh_index(fresh.db, fresh.settings)
    minutes = next(item for item in extracted if item.path.name == "intmk13-niederschrift.pdf")
    sha = minutes.result.records[0].source.sha256
    upgraded = [record.model_copy(update={"title": f"{record.title} (Fassung 2)"}) for record in minutes.result.records]
    with fresh.db.session() as session:
        store_extraction(session, sha, "9.9.9+x9", upgraded)
    monkeypatch.setattr(refresh_module, "PIPELINE_VERSION", "9.9.9+x9")
    monkeypatch.setattr("pipeline.motion_service.PIPELINE_VERSION", "9.9.9+x9")
    # only the upgraded document has records of the new version; the others leave the index
    assert refresh_index(fresh.db, fresh.settings) == len(upgraded)
    titles = {hit.title for hit in find(fresh, "Migrationsberatung")}
    assert titles and all(title.endswith("(Fassung 2)") for title in titles)


def test_register_change_updates_the_bundesrat_flags(fresh, extracted):
    total = refresh_index(fresh.db, fresh.settings)
    assert [h.title for h in find(fresh, "Migrationsberatung", bundesrat=True)] == ["Migrationsberatung im Aufenthaltsgesetz"]
    with fresh.db.session() as session:
        upsert_procedures(session, [PROCEDURE.model_copy(update={"status": "verkündet"})])  # no longer pending
    assert refresh_index(fresh.db, fresh.settings) == total
    assert find(fresh, "Migrationsberatung", bundesrat=True) == []


def test_cli_search_json_and_text(cli_home):
    result = run_intmk("search", "Migrationsberatungen", "--konferenz", "IntMK 12", "--json", home=cli_home)
    assert result.returncode == ExitCode.OK, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(h["conference"], h["top"], h["page"], h["outcome"]) for h in hits] == [("IntMK-12", "2.12", 1, "mehrheitlich")]
    assert "«Migrationsberatung»" in hits[0]["snippet"] and len(hits[0]["short_hash"]) == 12
    text = run_intmk("search", "Migrationsberatung", "--verfristet", home=cli_home)
    assert text.returncode == ExitCode.OK, text.stderr
    assert "1. ohne TOP · 23. IntMK 2027 · S. 1 · Beschlussvorschlag" in text.stdout
    assert "Migrationsberatung für Geflüchtete" in text.stdout and "verfristet" in text.stdout
    none = run_intmk("search", "Quantenphysik", home=cli_home)
    assert none.returncode == ExitCode.OK and none.stdout.strip() == "Keine Treffer."


def test_index_is_invisible_to_the_migrations(fresh):
    """Alembic's comparison of models and migrations (tests/test_storage.py) still finds nothing to
    change once the index exists: it lives in its own file (SQLite) or schema (PostgreSQL)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from pipeline.storage.models import Base

    assert refresh_index(fresh.db, fresh.settings) > 0
    with fresh.db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if d[0] != "remove_table" or d[1].name != "alembic_version"] == []
