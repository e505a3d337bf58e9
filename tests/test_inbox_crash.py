"""``kill -9`` at each step of an inbox pass, in a real process (RELIABILITY.md, faults to inject).

Each test drops files, runs ``tests.fixtures.crash_runner`` until it SIGKILLs itself at one step,
looks at what the crash left, runs a normal pass in a fresh process, and then checks the
invariants: conservation, each document stored exactly once, no claim folder or temporary file
left, and ``out/records.jsonl`` complete with one line per stored record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from pipeline.inbox.folders import Folders, resolve_folders
from pipeline.settings import Settings
from pipeline.storage import open_database
from pipeline.storage.models import ArrivalRow, DocumentRow, ExtractionRow
from pipeline.version import PIPELINE_VERSION
from schemas import ExtractionRecord
from tests.fixtures.crash_runner import CRASH_POINT, READY
from tests.fixtures.inbox import Drops, assert_conservation, make_settings, motion_bytes, new_drops

pytestmark = pytest.mark.timeout(240)

REPO = Path(__file__).resolve().parents[1]
RUN_TIMEOUT_S = 120
BAD_PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"  # truncated: quarantined
SIDECAR = 'received = 2027-04-08T16:30:00+02:00\nland = "RP"\n'
SIDECAR_RECEIVED = dt.datetime(2027, 4, 8, 14, 30, tzinfo=dt.UTC)


# --- running the crash runner -------------------------------------------------------------------


def runner_command(home: Path, step: str) -> list[str]:
    return [sys.executable, "-m", "tests.fixtures.crash_runner", str(home), step]


def runner_env() -> dict[str, str]:
    """Our environment without INTMK_ settings: the runner takes everything from its arguments."""
    return {key: value for key, value in os.environ.items() if not key.startswith("INTMK_")}


def run_runner(home: Path, step: str) -> subprocess.CompletedProcess:
    return subprocess.run(runner_command(home, step), cwd=REPO, env=runner_env(), capture_output=True,
                          text=True, timeout=RUN_TIMEOUT_S)


def crash_at(home: Path, step: str) -> dict[str, str]:
    """Run the pass until it kills itself at ``step``; what it was doing then."""
    proc = run_runner(home, step)
    assert proc.returncode == -signal.SIGKILL, f"rc={proc.returncode}\n{proc.stdout}\n{proc.stderr[-3000:]}"
    point_file = home / CRASH_POINT
    point = json.loads(point_file.read_text(encoding="utf-8"))
    point_file.unlink()
    assert point["step"] == step.partition(":")[0]
    return point


def recover(home: Path) -> list[dict]:
    """A normal pass in a fresh process, as after a restart; its outcomes."""
    proc = run_runner(home, "none")
    assert proc.returncode == 0, f"rc={proc.returncode}\n{proc.stdout}\n{proc.stderr[-3000:]}"
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == READY
    return json.loads(lines[-1])


# --- reading the store --------------------------------------------------------------------------


@dataclass
class StoreView:
    arrivals: list[tuple[str, str, str | None, str, str | None]]  # claim id, name, sha256, outcome, location
    documents: dict[str, DocumentRow]
    document_rows: int
    records: dict[str, int]  # sha256 → records stored by this pipeline version (not failures)

    def outcome_of(self, name: str) -> str:
        return next(a[3] for a in self.arrivals if a[1] == name)


def read_store(settings: Settings) -> StoreView:
    db = open_database(settings.resolved_database_url)
    try:
        with db.session() as session:
            arrivals = [(a.claim_id, a.original_name, a.sha256, a.outcome, a.location)
                        for a in session.scalars(select(ArrivalRow))]
            documents = list(session.scalars(select(DocumentRow)))
            extractions = session.scalars(select(ExtractionRow).where(
                ExtractionRow.pipeline_version == PIPELINE_VERSION, ExtractionRow.status != "failure"))
            records = {row.sha256: len(row.records) for row in extractions}
    finally:
        db.dispose()
    return StoreView(arrivals, {d.sha256: d for d in documents}, len(documents), records)


# --- the invariants -----------------------------------------------------------------------------


def claim_folders(folders: Folders) -> list[Path]:
    return sorted(p for p in folders.processing.iterdir() if p.name != ".intmk-lock")


def temp_files(home: Path) -> list[Path]:
    return sorted(home.rglob(".tmp-*"))


def read_exported(path: Path) -> Counter:
    """An export as complete JSON lines: records per document's SHA-256."""
    assert path.is_file(), f"{path.name} fehlt, obwohl Datensätze gespeichert sind"
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n"), f"{path.name} endet mitten in einer Zeile"
    return Counter(ExtractionRecord.model_validate_json(line).source.sha256 for line in text.splitlines())


def assert_recovered(settings: Settings, drops: Drops, expected: Counter) -> StoreView:
    """Conservation, exactly once, nothing left behind, every stored record exported once."""
    folders = resolve_folders(settings)
    outcomes = assert_conservation(settings, drops)
    assert outcomes == expected
    store = read_store(settings)
    assert len(store.arrivals) == len(drops.dropped), store.arrivals
    assert store.document_rows == len(set(drops.dropped.values()))
    assert set(store.documents) == set(drops.dropped.values())
    assert claim_folders(folders) == [], "Arbeitsordner nach dem Wiederanlauf nicht aufgeräumt"
    assert sorted(p.name for p in folders.inbox.iterdir()) == [], "im Eingang liegt noch etwas"
    assert temp_files(settings.home) == [], "temporäre Dateien sichtbar"
    processed = {sha for sha, doc in store.documents.items() if doc.state == "processed"}
    assert processed and all(store.records.get(sha, 0) >= 1 for sha in processed)
    assert read_exported(folders.out / "records.jsonl") == expected_export(store)
    return store


def expected_export(store: StoreView) -> Counter:
    """One line per stored record of each processed document."""
    processed = {sha for sha, doc in store.documents.items() if doc.state == "processed"}
    return Counter({sha: store.records[sha] for sha in processed})


def expect(**counts: int) -> Counter:
    return Counter({key: value for key, value in counts.items() if value})


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def motions(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    scratch = tmp_path_factory.mktemp("motions")
    return [motion_bytes(scratch, index) for index in range(20)]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "home")


@pytest.fixture
def drops(settings: Settings) -> Drops:
    return new_drops(settings)


def drop_mixed_batch(drops: Drops, motions: list[bytes]) -> None:
    """Two motions, one of them twice under another name, and one truncated PDF."""
    drops.drop("antrag-a.pdf", motions[0])
    drops.drop("antrag-b.pdf", motions[1])
    drops.drop("antrag-b-kopie.pdf", motions[1])
    drops.drop("kaputt.pdf", BAD_PDF)


MIXED = expect(processed=2, duplicate=1, quarantined=1)


def drop_late(drops: Drops, motions: list[bytes]) -> None:
    """A motion arriving after the restart: the recovery pass then surely processes something new,
    whichever documents the killed pass had committed (its export is pinned by the export test)."""
    drops.drop("nachzuegler.pdf", motions[19])


def drop_with_sidecar(drops: Drops, name: str, data: bytes) -> None:
    drops.drop(name, data)
    (drops.folders.inbox / f"{name}.toml").write_text(SIDECAR, encoding="utf-8")


def assert_sidecar_beside_original(settings: Settings, store: StoreView, data: bytes) -> None:
    sha256 = hashlib.sha256(data).hexdigest()
    document = store.documents[sha256]
    original = resolve_folders(settings).resolve(document.location)
    sidecar = original.with_name(original.name + ".toml")
    assert sidecar.is_file(), f"Begleitdatei fehlt neben {original}"
    assert sidecar.read_text(encoding="utf-8") == SIDECAR
    assert document.submitted_by == "RP"
    assert document.received == SIDECAR_RECEIVED


# --- kill -9 at each step -----------------------------------------------------------------------


def test_kill_after_claim_finishes_claimed_and_waiting_files(settings, drops, motions):
    drop_mixed_batch(drops, motions)
    point = crash_at(settings.home, "claimed")
    folders = drops.folders
    claimed = Path(point["claim"])
    assert claimed.is_file() and claimed.parent.parent == folders.processing
    assert len(list(folders.inbox.iterdir())) == 3  # the others were not claimed yet
    assert read_store(settings).arrivals == []

    recover(settings.home)
    assert_recovered(settings, drops, MIXED)


def test_kill_between_claim_and_sidecar_move_keeps_the_sidecar(settings, drops, motions):
    drop_with_sidecar(drops, "antrag-rp.pdf", motions[2])
    drops.drop("antrag-a.pdf", motions[0])
    point = crash_at(settings.home, "sidecar_pending")
    folders = drops.folders
    assert Path(point["folder"], "antrag-rp.pdf").is_file()
    assert (folders.inbox / "antrag-rp.pdf.toml").is_file()  # the rename of the sidecar never happened

    recover(settings.home)
    store = assert_recovered(settings, drops, expect(processed=2))
    assert_sidecar_beside_original(settings, store, motions[2])


def test_kill_during_extraction_reprocesses_once_and_leaves_no_child(settings, drops, motions):
    drop_mixed_batch(drops, motions)
    point = crash_at(settings.home, "extracting")
    document = Path(point["document"])
    sha256 = hashlib.sha256(document.read_bytes()).hexdigest()
    assert document.parent.parent == drops.folders.processing
    store = read_store(settings)
    assert (document.parent.name, document.name, sha256, "queued", None) in store.arrivals
    assert sha256 not in store.documents
    child_pid = int(point["child_pid"])

    recover(settings.home)
    assert_recovered(settings, drops, MIXED)
    assert_process_ends(child_pid, within_s=15)


def assert_process_ends(pid: int, within_s: float) -> None:
    """The parser child of the killed run ends by itself (gone, or a zombie nobody waits for)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not is_running(pid):
            return
        time.sleep(0.1)
    pytest.fail(f"Parser-Prozess {pid} des abgebrochenen Laufs läuft nach {within_s} s noch")


def is_running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "Z" not in state.split()[1] and b"multiprocessing" in cmdline  # pid reuse: another program


def test_kill_between_reason_temp_write_and_rename(settings, drops, motions):
    drop_mixed_batch(drops, motions)
    point = crash_at(settings.home, "note_written")
    temp, target = Path(point["temp"]), Path(point["target"])
    assert temp.is_file() and temp.parent == target.parent and not target.exists()
    assert target.parent.parent == drops.folders.quarantine
    assert (next(drops.folders.processing.glob("*/kaputt.pdf"))).read_bytes() == BAD_PDF

    drop_late(drops, motions)
    recover(settings.home)
    assert_recovered(settings, drops, MIXED + expect(processed=1))
    assert "kaputt.pdf" in target.read_text(encoding="utf-8")


def test_kill_after_publish_before_commit(settings, drops, motions):
    drop_mixed_batch(drops, motions)
    point = crash_at(settings.home, "published")
    source, target = Path(point["source"]), Path(point["target"])
    assert target.is_file() and not source.exists()
    sha256 = hashlib.sha256(target.read_bytes()).hexdigest()
    store = read_store(settings)
    assert sha256 not in store.documents
    assert store.outcome_of(source.name) == "queued"

    recover(settings.home)
    assert_recovered(settings, drops, MIXED)


def test_kill_after_commit_before_sidecar_move(settings, drops, motions):
    drop_with_sidecar(drops, "antrag-rp.pdf", motions[3])
    drops.drop("antrag-a.pdf", motions[0])
    drops.drop("kaputt.pdf", BAD_PDF)
    point = crash_at(settings.home, "committed")
    document, target = Path(point["document"]), Path(point["target"])
    assert target.is_file() and not document.exists()
    assert Path(f"{document}.toml").is_file()  # still in the claim folder
    assert read_store(settings).outcome_of("antrag-rp.pdf") == "processed"

    recover(settings.home)
    store = assert_recovered(settings, drops, expect(processed=2, quarantined=1))
    assert_sidecar_beside_original(settings, store, motions[3])


def test_kill_during_records_export_leaves_nothing_partial(settings, drops, motions):
    drop_mixed_batch(drops, motions)
    point = crash_at(settings.home, "exporting")
    temp, target = Path(point["temp"]), Path(point["target"])
    assert target == drops.folders.out / "records.jsonl" and not target.exists()
    store = read_store(settings)
    assert read_exported(temp) == expected_export(store)  # complete and fsynced, never renamed
    assert store.outcome_of("antrag-a.pdf") == "processed"

    recover(settings.home)
    assert_recovered(settings, drops, MIXED)


# --- kills from outside at random moments --------------------------------------------------------


def kill_after(home: Path, delay_s: float) -> int | None:
    """Start a normal pass, SIGKILL it ``delay_s`` after it began (imports done); its return code."""
    proc = subprocess.Popen(runner_command(home, "none"), cwd=REPO, env=runner_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout.readline().strip() == READY
        time.sleep(delay_s)
        proc.send_signal(signal.SIGKILL)
        return proc.wait(RUN_TIMEOUT_S)
    finally:
        proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow  # four runs of the pipeline: about 15 s on an idle machine, 28 s under load
def test_random_kills_then_a_full_pass_keep_every_file_once(settings, drops, motions):
    rng = random.Random(20270408)
    for index in range(17):
        drops.drop(f"antrag-{index:02d}.pdf", motions[index])
    drops.drop("antrag-03-nochmal.pdf", motions[3])
    drops.drop("antrag-11-nochmal.pdf", motions[11])
    drops.drop("kaputt.pdf", BAD_PDF)

    codes = [kill_after(settings.home, rng.uniform(0.2, 2.0)) for _ in range(3)]
    assert all(code in (-signal.SIGKILL, 0) for code in codes), codes

    drop_late(drops, motions)
    recover(settings.home)
    assert_recovered(settings, drops, expect(processed=18, duplicate=2, quarantined=1))
