"""The `intmk` command as a clerk and a script use it: real processes, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from schemas import ErrorRecord, ExtractionRecord
from schemas.errors import ExitCode
from tests.fixtures.cli import INTMK, run_intmk
from tests.fixtures.layouts import PDF_LAYOUTS



@pytest.fixture(scope="module")
def good_and_bad(generated) -> tuple[Path, Path, Path]:
    good = PDF_LAYOUTS["sample_as_printed"](generated).path
    minutes = PDF_LAYOUTS["minutes_2018"](generated).path
    bad = generated / "kaputt.pdf"
    bad.write_bytes(good.read_bytes()[:500])
    return good, bad, minutes


def test_json_lines_follow_the_contract_and_a_bad_file_does_not_stop_the_batch(good_and_bad):
    good, bad, minutes = good_and_bad
    result = run_intmk("extract", "--json", str(good), str(bad), str(minutes))
    assert result.returncode == ExitCode.INPUT_FILE
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row.get("top") for row in rows] == ["2.12", None, "1", "2.1", "2.9b", "2.11"]
    records = [ExtractionRecord.model_validate(r) for r in rows if "error" not in r]
    assert records[0].source.path == str(good) and records[0].source.pages == (1, 2)
    error = ErrorRecord.model_validate(rows[1])
    assert error.path == str(bad) and error.error.code == "damaged_file"
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and str(bad) in result.stderr


def test_human_summary_is_german_and_exit_code_zero_when_all_files_are_read(good_and_bad):
    good, _, _ = good_and_bad
    result = run_intmk("extract", str(good))
    assert result.returncode == ExitCode.OK, result.stderr
    assert "TOP 2.12: Ausbau und Öffnung der Migrationsberatung" in result.stdout
    assert "Friedrichshafen" in result.stdout and "mehrheitlich" in result.stdout
    assert "Zusammenfassung: 1 Datei(en), 1 gelesen" in result.stdout


def test_missing_file_is_an_environment_error(tmp_path):
    result = run_intmk("extract", str(tmp_path / "fehlt.pdf"))
    assert result.returncode == ExitCode.ENVIRONMENT
    assert "nicht gefunden" in result.stderr and "Traceback" not in result.stderr


def test_schema_prints_the_record_contract():
    result = run_intmk("schema")
    schema = json.loads(result.stdout)
    for name in ("source", "body", "conference", "document_type", "top", "label", "title", "subtitle",
                 "applicants", "applicants_all", "outcome", "decision_text", "reasoning", "statements",
                 "votes", "vote_counts"):
        assert name in schema["properties"], name
    assert "error" in json.loads(run_intmk("schema", "error").stdout)["properties"]


def test_bad_setting_is_a_usage_error_not_a_traceback(tmp_path):
    env_result = subprocess.run(
        [str(INTMK), "extract", "x.pdf"], capture_output=True, text=True,
        env={**os.environ, "INTMK_MAX_PAGES": "viele"}, timeout=60,
    )
    assert env_result.returncode == ExitCode.USAGE
    assert "INTMK_" in env_result.stderr and "Traceback" not in env_result.stderr
