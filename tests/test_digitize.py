"""``intmk digitize``: scans made from the real sample text become searchable PDF/A and stored
records equal to those of the born-digital original; a batch resumes after kill -9 without doing a
file twice; a real ``distributed.LocalCluster`` runs a batch through Prefect's DaskTaskRunner."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.digitize.batch import plan_batch, write_report
from pipeline.digitize.process import digitize_file
from pipeline.service import extract_file
from pipeline.settings import Settings
from pipeline.storage import connect
from pipeline.storage.documents import load_records
from pipeline.storage.models import DigitizationRow, DocumentRow
from pipeline.version import PIPELINE_VERSION
from schemas.errors import ExitCode
from tests.fixtures.cli import INTMK, run_intmk
from tests.fixtures.layouts import PDF_LAYOUTS
from tests.fixtures.motions import write_motion
from tests.fixtures.scans import write_scan

pytestmark = pytest.mark.slow
FIELDS = ("body", "top", "title", "applicants", "outcome")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, Path]:
    """An archive tree: the sample minutes as a skewed, noisy 300 dpi scan, and its born-digital original."""
    base = tmp_path_factory.mktemp("archive")
    (base / "digital").mkdir()
    original = PDF_LAYOUTS["sample_as_printed"](base / "digital").path
    tree = base / "archiv"
    (tree / "2017").mkdir(parents=True)
    write_scan(original, tree / "2017" / "top-2-12.pdf", dpi=300, skew_degrees=1.5, noise=0.02, seed=7)
    return tree, original


@pytest.fixture(scope="module")
def digitized(archive, tmp_path_factory):
    tree, original = archive
    settings = Settings(home=tmp_path_factory.mktemp("home"))
    scan = tree / "2017" / "top-2-12.pdf"
    before = sha256_of(scan)
    outcome = digitize_file(scan, tree, settings)
    return settings, scan, before, outcome, original


def test_a_scan_gives_the_fields_of_the_born_digital_original(digitized):
    settings, scan, before, outcome, original = digitized
    assert outcome.outcome == "digitalisiert", outcome.reason
    assert outcome.ocr_pages == outcome.pages >= 1 and 50 <= outcome.confidence <= 100
    with connect(settings).session() as session:
        records = load_records(session, outcome.sha256, PIPELINE_VERSION)
        document = session.get(DocumentRow, outcome.sha256)
        assert document.received is None and document.received_source == "archive"
    born = extract_file(original, settings).records
    assert [[getattr(r, f) for f in FIELDS] for r in records] == [[getattr(r, f) for f in FIELDS] for r in born]
    assert all(r.source.ocr and r.source.sha256 == before and r.source.path == str(scan) for r in records)
    assert records[0].conference.number == born[0].conference.number == 12


def test_the_original_stays_untouched_and_a_searchable_pdfa_lies_in_out(digitized):
    settings, scan, before, outcome, _ = digitized
    assert sha256_of(scan) == before
    output = Path(outcome.output)
    assert output.parent == settings.home / "out" / "digitalisat" / "2017"
    reader = PdfReader(output)
    assert "Migrationsberatung" in reader.pages[0].extract_text()
    assert b"pdfaid:part" in output.read_bytes() and outcome.pdfa == "2B"
    report = write_report([outcome], settings.home / "bericht.csv")
    rows = list(csv.DictReader(report.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0]["ausgabe"] == outcome.output and rows[0]["pdfa"] == "PDF/A-2b"


def test_a_done_file_is_skipped_and_a_bad_one_is_reported(digitized, tmp_path):
    settings, scan, _, _, _ = digitized
    assert digitize_file(scan, scan.parents[1], settings).outcome == "übersprungen"
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(scan.read_bytes()[:700])
    bad = digitize_file(broken, tmp_path, settings)
    assert bad.outcome == "fehler" and bad.reason_code and bad.reason and bad.exit_code == ExitCode.INPUT_FILE
    report = write_report([bad], tmp_path / "bericht.csv")
    rows = list(csv.DictReader(report.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0]["ergebnis"] == "fehler" and rows[0]["grund_code"] == bad.reason_code and rows[0]["pdfa"] == ""
    assert {r.sha256 for r in plan_batch(scan.parents[1], settings).skipped} == {sha256_of(scan)}


def test_pages_are_counted_in_a_limited_child_and_a_crash_there_spares_the_batch(tmp_path, monkeypatch):
    from pipeline.digitize import batch as digitize_batch
    from tests.fixtures import misbehaving

    tree = tmp_path / "archiv"
    tree.mkdir()
    motion = write_motion(tree, "antrag.pdf")
    broken = tree / "kaputt.pdf"
    broken.write_bytes(motion.read_bytes()[:600])
    settings = Settings(home=tmp_path / "home")
    planned = plan_batch(tree, settings)
    assert planned.pages == {motion: len(PdfReader(motion).pages), broken: 0}
    monkeypatch.setattr(digitize_batch, "count_pages", misbehaving.crash_hard)  # pdfium dying on a file
    crashed = plan_batch(tree, settings)
    assert list(crashed.pages) == list(planned.pages) and crashed.pages == {motion: 0, broken: 0}


def build_motion_scans(folder: Path, count: int) -> list[Path]:
    """One-page motions from the sample text, scanned at 200 dpi (fast to OCR)."""
    scans = []
    (folder / "archiv").mkdir(parents=True, exist_ok=True)
    for index in range(count):
        born = write_motion(folder / "digital", f"antrag-{index}.pdf", reasoning=[f"Antrag Nummer {index}."])
        scans.append(write_scan(born, folder / "archiv" / f"antrag-{index}.pdf", dpi=200, seed=index))
    return scans


def count_rows(home: Path, table: str, where: str = "1=1") -> int:
    if not (home / "intmk.sqlite3").exists():
        return 0
    try:
        with sqlite3.connect(f"file:{home / 'intmk.sqlite3'}?mode=ro", uri=True) as db:
            return db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
    except sqlite3.OperationalError:  # not migrated yet, or locked for a moment
        return 0


def test_a_batch_killed_with_sigkill_resumes_without_doing_a_file_twice(tmp_path):
    scans = build_motion_scans(tmp_path, 3)
    home = tmp_path / "home"
    env = {**os.environ, "INTMK_HOME": str(home), "PREFECT_HOME": str(home / "prefect"), "INTMK_WORKERS": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    first = subprocess.Popen([str(INTMK), "digitize", str(tmp_path / "archiv")], env=env, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while count_rows(home, "digitizations") < 1 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    done_before = count_rows(home, "digitizations")
    assert 1 <= done_before < 3, "der Lauf sollte mitten im Stapel abgebrochen werden"
    second = run_intmk("digitize", str(tmp_path / "archiv"), home=home, env={"INTMK_WORKERS": "1"})
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"übersprungen: {done_before}" in second.stdout
    assert count_rows(home, "digitizations", "outcome = 'digitalisiert'") == 3
    assert count_rows(home, "documents") == 3 and count_rows(home, "extractions") == 3
    outputs = sorted((home / "out" / "digitalisat").glob("*.pdf"))
    assert len(outputs) == 3 and all(len(PdfReader(p).pages) == 1 for p in outputs)
    assert not [p for p in (home / "out" / "digitalisat").rglob("*") if p.name.startswith(".")]
    assert [sha256_of(s) for s in scans] == [r.sha256 for r in load_sorted_rows(home)]


def load_sorted_rows(home: Path) -> list[DigitizationRow]:
    with connect(Settings(home=home)).session() as session:
        rows = session.query(DigitizationRow).order_by(DigitizationRow.source_path).all()
        session.expunge_all()
        return rows


def test_a_batch_runs_through_a_real_dask_cluster(tmp_path):
    from distributed import LocalCluster

    build_motion_scans(tmp_path, 2)
    shutil.copy(tmp_path / "archiv" / "antrag-0.pdf", tmp_path / "archiv" / "zweitschrift.pdf")
    home = tmp_path / "home"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run_intmk("digitize", str(tmp_path / "archiv"), "--dask-address", cluster.scheduler_address, home=home)
        ran = {prefix for prefix in cluster.scheduler.task_prefixes}
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr
    assert any("digitalisieren" in prefix or "digitize" in prefix for prefix in ran), ran
    assert "Digitalisiert: 2" in result.stdout  # the copy with the same bytes is done once
    assert count_rows(home, "documents") == 2
