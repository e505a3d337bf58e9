"""``intmk export``: a Beschlusssammlung of a conference or a search as CSV, JSON and Word.

Same store as tests/test_search.py (real layouts and motions built from the sample text). The
motions' Begründung carries a canary word and a Bundesrat citation; neither may reach any file.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import docx
import pytest

from outputs.docx_writer import read_docx_text
from pipeline.export_service import export_collection
from pipeline.search_service import SearchFilters
from schemas.errors import ErrorCode, ExitCode, UsageProblem
from tests.fixtures.cli import run_intmk
from tests.fixtures.search_store import CANARY, cli_home, extracted, store  # noqa: F401 - fixtures

INTERNAL = (CANARY, "BR-Drs. 450/26", "Bundesrat befasst")  # only in the motions' Begründung




def read_outputs(paths: list[Path]) -> tuple[list[dict], dict, str]:
    """CSV rows (as Excel would read them), the JSON document and the Word text with its header."""
    by_suffix = {path.suffix: path for path in paths}
    assert sorted(by_suffix) == [".csv", ".docx", ".json"]
    raw = by_suffix[".csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    data = json.loads(by_suffix[".json"].read_text(encoding="utf-8"))
    document = docx.Document(str(by_suffix[".docx"]))
    assert document.paragraphs  # python-docx opens it
    return rows, data, read_docx_text(by_suffix[".docx"].read_bytes(), with_header=True)


def read_stable(path: Path) -> bytes | str:
    """CSV and JSON as bytes; the Word file as its text (its core properties carry the time)."""
    return read_docx_text(path.read_bytes(), with_header=True) if path.suffix == ".docx" else path.read_bytes()


def assert_nothing_internal(paths: list[Path]) -> None:
    rows, data, text = read_outputs(paths)
    everything = json.dumps(rows, ensure_ascii=False) + json.dumps(data, ensure_ascii=False) + text
    for canary in INTERNAL:
        assert canary not in everything
    assert all("reasoning" not in entry for entry in data["resolutions"])


def test_conference_collection_in_three_formats(store, tmp_path):
    result = export_collection(store.db, store.settings, filters=SearchFilters(conference="IntMK 13"), target=tmp_path)
    assert result.stem == "beschlusssammlung-IntMK-13" and result.count == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"beschlusssammlung-IntMK-13.{s}" for s in ("csv", "docx", "json")]
    rows, data, text = read_outputs(result.paths)
    assert [row["top"] for row in rows] == ["1", "2.1", "2.9b", "2.11"]  # natural TOP order
    assert [row["ergebnis"] for row in rows] == ["einstimmig", "mehrheitlich", "abgelehnt", "zurückgezogen"]
    assert rows[1]["antragsteller"].split()[:2] == ["BE", "BB"] and rows[1]["seite"] == "3"
    assert "Protokollerklärung" not in rows[0]["protokollerklaerungen"] and rows[1]["protokollerklaerungen"].startswith("Bayern und Sachsen: ")
    assert data["count"] == 4 and data["filters"] == {"conference": "IntMK 13"}
    assert data["resolutions"][2]["decision_text"].startswith("1. Die Länder unterstreichen")
    assert "TOP 2.9b: Migrationsberatung im ländlichen Raum" in text.splitlines()
    assert "13. IntMK 2018 · abgelehnt · Antragsteller: Bayern und Hamburg · S. 5" in text
    assert "nicht veröffentlichte Beschlüsse" in text  # a rejected resolution: not for the public (Regularien 5.3)
    properties = docx.Document(str(tmp_path / "beschlusssammlung-IntMK-13.docx")).core_properties
    assert properties.author == store.settings.office_name and properties.title == "Beschlusssammlung"


def test_search_collection_has_no_begruendung(store, tmp_path):
    filters = SearchFilters(year=2027)
    result = export_collection(store.db, store.settings, query="Migrationsberatung", filters=filters, target=tmp_path)
    assert result.stem.startswith("beschlusssammlung-suche-") and len(result.stem) == len("beschlusssammlung-suche-") + 12
    assert result.count == 3  # the three motions for IntMK 23
    assert_nothing_internal(result.paths)
    rows, data, _ = read_outputs(result.paths)
    assert {row["verfristet"] for row in rows} == {"ja", "nein"} and data["query"] == "Migrationsberatung"
    again = export_collection(store.db, store.settings, query="Migrationsberatung", filters=filters, target=tmp_path)
    assert again.stem == result.stem
    assert [read_stable(p) for p in again.paths] == [read_stable(p) for p in result.paths]
    other = export_collection(store.db, store.settings, query="Migrationsberatung", filters=SearchFilters(year=2018), target=tmp_path)
    assert other.stem != result.stem
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_nothing_found_writes_nothing(store, tmp_path):
    with pytest.raises(UsageProblem) as error:
        export_collection(store.db, store.settings, query="Quantenphysik", target=tmp_path)
    assert error.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(UsageProblem, match="Keine Beschlüsse"):  # IntMK 23 has motions only, no resolutions yet
        export_collection(store.db, store.settings, filters=SearchFilters(conference="IntMK 23"), target=tmp_path)
    with pytest.raises(UsageProblem, match="Konferenz"):
        export_collection(store.db, store.settings, target=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cli_export_of_a_conference_and_a_search(cli_home, tmp_path):
    result = run_intmk("export", "IntMK", "13", home=cli_home)
    assert result.returncode == ExitCode.OK, result.stderr
    paths = [Path(line) for line in result.stdout.splitlines()[:3]]
    assert [p.parent for p in paths] == [(cli_home / "out").resolve()] * 3 and all(p.is_file() for p in paths)
    assert paths[0].name == "beschlusssammlung-IntMK-13.csv" and "4 Tagesordnungspunkt(e)" in result.stdout
    searched = run_intmk("export", "--suche", "Migrationsberatung", "--jahr", "2027", "--ziel", str(tmp_path), home=cli_home)
    assert searched.returncode == ExitCode.OK, searched.stderr
    found = sorted(tmp_path.iterdir())
    assert len(found) == 3
    assert_nothing_internal(found)
    both = run_intmk("export", "IntMK", "13", "--suche", "Migrationsberatung", home=cli_home)
    assert both.returncode == ExitCode.USAGE
