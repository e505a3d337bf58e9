"""The inbox pipeline without Prefect: every race and fault of RELIABILITY.md, each ending with the
conservation invariant (tests/fixtures/inbox.py). Documents are motions built from the real sample."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import threading
import time
import unicodedata
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from sqlalchemy import select

import pipeline.service as service
from pipeline.inbox import moves
from pipeline.inbox.runner import run_inbox_pass
from pipeline.storage import open_database
from pipeline.storage.models import DocumentRow, ExtractionRow
from schemas.errors import ExitCode
from tests.fixtures import misbehaving
from tests.fixtures.inbox import assert_conservation, make_settings, motion_bytes, new_drops


@pytest.fixture(scope="module")
def motions(tmp_path_factory) -> list[bytes]:
    scratch = tmp_path_factory.mktemp("motions")
    return [motion_bytes(scratch, i) for i in range(6)]


@pytest.fixture
def home(tmp_path):
    return make_settings(tmp_path / "home")


def stored(settings) -> list[DocumentRow]:
    db = open_database(settings.resolved_database_url)
    try:
        with db.session() as session:
            return list(session.scalars(select(DocumentRow).order_by(DocumentRow.original_name)))
    finally:
        db.dispose()


def test_files_present_at_start_up_are_archived_by_hash_and_stored(home, motions):
    drops = new_drops(home)
    for i, data in enumerate(motions[:3]):
        drops.drop(f"antrag-{i}.pdf", data)
    report = run_inbox_pass(home)
    assert [o.outcome for o in report.outcomes] == ["processed"] * 3
    assert report.exit_code == ExitCode.OK
    for name, sha256 in drops.dropped.items():
        archived = drops.folders.archive / sha256[:2] / f"{sha256}.pdf"
        assert hashlib.sha256(archived.read_bytes()).hexdigest() == sha256
    assert not list(drops.folders.inbox.iterdir())
    records = (drops.folders.out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(records) == 3
    assert assert_conservation(home, drops) == {"processed": 3}


def test_same_bytes_under_two_names_and_in_a_later_pass_are_duplicates(home, motions):
    drops = new_drops(home)
    drops.drop("antrag.pdf", motions[0])
    drops.drop("antrag-kopie.pdf", motions[0])
    first = run_inbox_pass(home)
    assert sorted(o.outcome for o in first.outcomes) == ["duplicate", "processed"]
    drops.drop("antrag-nochmal.pdf", motions[0])
    second = run_inbox_pass(home)
    assert [o.outcome for o in second.outcomes] == ["duplicate"]
    notes = list(drops.folders.duplicates.rglob(moves.NOTE_FILE))
    assert len(notes) == 2 and "inhaltlich identisch" in notes[0].read_text(encoding="utf-8")
    assert len(stored(home)) == 1
    assert assert_conservation(home, drops) == {"processed": 1, "duplicate": 2}


def test_bad_files_are_quarantined_with_a_reason_and_the_batch_goes_on(home, motions):
    drops = new_drops(home)
    drops.drop("gut.pdf", motions[0])
    drops.drop("abgebrochen.pdf", motions[1][: len(motions[1]) // 3])
    drops.drop("leer.pdf", b"")
    drops.drop("bild.pdf", b"\x89PNG\r\n\x1a\n" + bytes(200))
    report = run_inbox_pass(home)
    outcomes = {o.name: o for o in report.outcomes}
    assert outcomes["gut.pdf"].outcome == "processed"
    assert {outcomes[n].reason_code for n in ("abgebrochen.pdf", "leer.pdf", "bild.pdf")} == {
        "damaged_file", "empty_file", "unsupported_format"}
    assert report.exit_code == ExitCode.INPUT_FILE
    reason = (drops.folders.quarantine / drops.dropped["leer.pdf"][:12] / moves.REASON_FILE).read_text(encoding="utf-8")
    assert "leer.pdf" in reason and "Was tun?" in reason and "empty_file" in reason
    assert assert_conservation(home, drops) == {"processed": 1, "quarantined": 3}


def test_temporary_hidden_and_office_lock_names_are_left_alone(home, motions):
    drops = new_drops(home)
    ignored = ["antrag.pdf.part", "antrag.tmp", "~$antrag.docx", ".versteckt.pdf", "Thumbs.db"]
    for name in ignored:
        (drops.folders.inbox / name).write_bytes(motions[0])
    assert run_inbox_pass(home).outcomes == []
    assert sorted(p.name for p in drops.folders.inbox.iterdir()) == sorted(ignored)
    assert assert_conservation(home, drops) == {}


def test_other_writers_temporary_files_are_kept_until_stale(tmp_path, motions):
    settings = make_settings(tmp_path / "home", stale_temp_seconds=3600)
    drops = new_drops(settings)
    being_written = drops.folders.out / "IntMK-23" / ".tmp-einladung"  # intmk documents, right now
    left_behind = drops.folders.quarantine / "0123456789ab" / ".tmp-grund"  # a killed pass, yesterday
    stale_folder = drops.folders.duplicates / ".tmp-ordner"
    outside = tmp_path / "fremd.txt"
    outside.write_text("bleibt", encoding="utf-8")
    for path in (being_written, left_behind):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"halb")
    stale_folder.mkdir(parents=True)
    link = drops.folders.out / ".tmp-verweis"
    link.symlink_to(outside)
    yesterday = time.time() - 86400
    for path in (left_behind, stale_folder, outside):
        os.utime(path, (yesterday, yesterday))
    os.utime(link, (yesterday, yesterday), follow_symlinks=False)
    drops.drop("a.pdf", motions[0])
    assert [o.outcome for o in run_inbox_pass(settings).outcomes] == ["processed"]
    assert being_written.read_bytes() == b"halb"
    assert not left_behind.exists() and not stale_folder.exists()
    assert link.is_symlink() and outside.read_text(encoding="utf-8") == "bleibt"
    assert assert_conservation(settings, drops) == {"processed": 1}


def test_part_file_renamed_when_complete_is_processed(home, motions):
    drops = new_drops(home)
    part = drops.folders.inbox / "antrag.pdf.part"
    part.write_bytes(motions[0][:500])
    assert run_inbox_pass(home).outcomes == []
    part.write_bytes(motions[0])
    part.rename(drops.folders.inbox / "antrag.pdf")
    drops.expect("antrag.pdf", motions[0])
    assert [o.outcome for o in run_inbox_pass(home).outcomes] == ["processed"]
    assert assert_conservation(home, drops) == {"processed": 1}


def test_slow_writer_is_claimed_only_when_complete(tmp_path, motions):
    settings = make_settings(tmp_path / "home", settle_seconds=0.6, settle_wait_seconds=20)
    drops = new_drops(settings)
    data = motions[2]
    target = drops.folders.inbox / "langsam.pdf"

    def write_slowly():
        with target.open("wb") as handle:
            for start in range(0, len(data), 100):
                handle.write(data[start : start + 100])
                handle.flush()
                time.sleep(0.002)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    time.sleep(0.05)
    report = run_inbox_pass(settings)  # waits while the file keeps changing
    writer.join()
    drops.expect("langsam.pdf", data)
    assert [o.outcome for o in report.outcomes] == ["processed"]
    assert report.outcomes[0].sha256 == hashlib.sha256(data).hexdigest()
    assert assert_conservation(settings, drops) == {"processed": 1}


def test_file_deleted_before_it_settled_leaves_no_trace(tmp_path, motions):
    settings = make_settings(tmp_path / "home", settle_seconds=5, settle_wait_seconds=0.5)
    drops = new_drops(settings)
    path = drops.folders.inbox / "zurueckgezogen.pdf"
    path.write_bytes(motions[0])
    report = run_inbox_pass(settings)
    assert report.waiting == ["zurueckgezogen.pdf"] and report.outcomes == []
    path.unlink()
    assert run_inbox_pass(settings).outcomes == []
    assert stored(settings) == []
    assert assert_conservation(settings, drops) == {}


def test_junk_names_are_processed_and_shown_escaped(home, motions):
    drops = new_drops(home)
    names = [
        "-rf.pdf",
        "zeile\numbruch.pdf",
        "ä" * 125 + ".pdf",  # 254 bytes in UTF-8
        unicodedata.normalize("NFC", "Förderung.pdf"),
        unicodedata.normalize("NFD", "Förderung.pdf"),
        "antrag\u202efdp.exe",  # right-to-left override
    ]
    for i, name in enumerate(names):
        drops.drop(name, motions[i])
    report = run_inbox_pass(home)
    assert sorted(o.outcome for o in report.outcomes) == ["processed"] * 6
    assert assert_conservation(home, drops) == {"processed": 6}
    quarantined = new_drops(home)
    quarantined.drop("kaputt\u202efdp.pdf", b"%PDF-")
    run_inbox_pass(home)
    note = next(drops.folders.quarantine.rglob(moves.REASON_FILE)).read_text(encoding="utf-8")
    assert "\\u202e" in note and "\u202e" not in note


def test_symlinks_fifos_and_folders_are_never_read(home, motions, tmp_path):
    drops = new_drops(home)
    outside = tmp_path / "geheim.pdf"
    outside.write_bytes(motions[0])
    (drops.folders.inbox / "link.pdf").symlink_to(outside)
    os.mkfifo(drops.folders.inbox / "fifo.pdf")
    (drops.folders.inbox / "ordner.pdf").mkdir()
    drops.drop("echt.pdf", motions[1])
    report = run_inbox_pass(home)
    assert [o.name for o in report.outcomes] == ["echt.pdf"]
    assert sorted(report.ignored) == ["fifo.pdf", "link.pdf", "ordner.pdf"]
    assert outside.read_bytes() == motions[0] and (drops.folders.inbox / "link.pdf").is_symlink()
    assert assert_conservation(home, drops) == {"processed": 1}


def test_two_hundred_files_at_once(tmp_path, generated):
    settings = make_settings(tmp_path / "home")
    drops = new_drops(settings)
    for i in range(200):
        drops.drop(f"antrag-{i:03d}.pdf", motion_bytes(generated, 1000 + i))
    report = run_inbox_pass(settings)
    assert len(report.outcomes) == 200
    assert assert_conservation(settings, drops) == {"processed": 200}
    assert len(stored(settings)) == 200


def test_workers_take_files_from_one_queue_and_report_in_claim_order(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from pipeline.inbox import runner

    worker_of = {}

    def process(claim, ctx):
        if claim == "gross.pdf":
            time.sleep(0.5)
        worker_of[claim] = threading.current_thread().name
        return f"Ergebnis {claim}"

    monkeypatch.setattr(runner, "process_claim", process)
    pending = runner.ClaimQueue(["gross.pdf", "a.pdf", "b.pdf", "c.pdf"])
    assert runner.count_tasks(pending.size, workers=8) == 4 and runner.count_tasks(pending.size, workers=2) == 2
    report = runner.PassReport()
    with ThreadPoolExecutor(max_workers=2) as pool:
        runner.add_outcomes(report, pool.map(lambda _: runner.process_claims(pending, None), range(2)))
    assert report.outcomes == ["Ergebnis gross.pdf", "Ergebnis a.pdf", "Ergebnis b.pdf", "Ergebnis c.pdf"]
    # the large file holds up only its own worker; the other one takes the rest
    assert worker_of["a.pdf"] == worker_of["b.pdf"] == worker_of["c.pdf"] != worker_of["gross.pdf"]


def test_sidecar_sets_receipt_and_land_and_travels_with_the_original(home, motions):
    drops = new_drops(home)
    drops.drop("antrag-rp.pdf", motions[0])
    (drops.folders.inbox / "antrag-rp.pdf.toml").write_text(
        'received = 2027-04-08T16:30:00+02:00\nland = "RP"\n', encoding="utf-8")
    run_inbox_pass(home)
    [document] = stored(home)
    assert (document.submitted_by, document.received_source) == ("RP", "sidecar")
    assert document.received.isoformat() == "2027-04-08T14:30:00+00:00"
    archived = drops.folders.resolve(document.location)
    assert archived.with_name(archived.name + ".toml").is_file()
    assert assert_conservation(home, drops) == {"processed": 1}


def test_email_attachments_are_motions_with_the_mail_date_as_receipt(home, motions):
    drops = new_drops(home)
    message = EmailMessage()
    message["From"] = "Referat 3 <referat3@mi.rlp.de>"
    message["To"] = "geschaeftsstelle@intmk.de"
    message["Subject"] = "Beschlussvorschläge zur 23. IntMK"
    message["Date"] = format_datetime(dt.datetime(2027, 4, 8, 23, 30, tzinfo=dt.UTC))
    message.set_content("Anbei unsere Anträge.")
    message.add_attachment(motions[0], maintype="application", subtype="pdf", filename="Antrag Förderung.pdf")
    message.add_attachment(motions[1], maintype="application", subtype="pdf", filename="antrag-2.pdf")
    drops.drop("post.eml", message.as_bytes())
    report = run_inbox_pass(home)
    [mail] = report.outcomes
    assert mail.outcome == "processed"
    assert [(a.name, a.outcome) for a in mail.attachments] == [("Antrag Förderung.pdf", "processed"), ("antrag-2.pdf", "processed")]
    documents = {d.original_name: d for d in stored(home)}
    attachment = documents["Antrag Förderung.pdf"]
    assert attachment.parent_sha256 == drops.dropped["post.eml"]
    assert attachment.received_source == "email" and attachment.sender == "Referat 3 <referat3@mi.rlp.de>"
    assert attachment.received.isoformat() == "2027-04-08T23:30:00+00:00"
    assert hashlib.sha256(drops.folders.resolve(attachment.location).read_bytes()).hexdigest() == hashlib.sha256(motions[0]).hexdigest()
    assert assert_conservation(home, drops) == {"processed": 1}


def test_disk_full_and_read_only_output_keep_the_input_queued(home, motions, monkeypatch):
    drops = new_drops(home)
    drops.drop("a.pdf", motions[0])
    drops.drop("b.pdf", motions[1])
    real_link = os.link
    for error in (errno.ENOSPC, errno.EROFS):
        def failing_link(src, dst, *args, _error=error, **kwargs):
            raise OSError(_error, os.strerror(_error))
        monkeypatch.setattr(moves.os, "link", failing_link)
        report = run_inbox_pass(home)
        assert {o.outcome for o in report.outcomes} == {"queued"}
        assert report.exit_code == ExitCode.ENVIRONMENT
        expected = "voll" if error == errno.ENOSPC else "schreibgeschützt"
        assert all(expected in o.reason for o in report.outcomes)
        assert assert_conservation(home, drops, queued_ok=["a.pdf", "b.pdf"]) == {"queued": 2}
    monkeypatch.setattr(moves.os, "link", real_link)
    report = run_inbox_pass(home)  # the next run picks the claims up again
    assert sorted(o.outcome for o in report.outcomes) == ["processed", "processed"]
    assert assert_conservation(home, drops) == {"processed": 2}


def test_locked_database_is_retried_then_kept_queued(tmp_path, motions):
    settings = make_settings(tmp_path / "home", db_busy_timeout_seconds=0.2, store_attempts=2)
    drops = new_drops(settings)
    drops.drop("a.pdf", motions[0])
    db = open_database(settings.resolved_database_url)
    locker = db.engine.raw_connection()
    locker.execute("BEGIN EXCLUSIVE")
    try:
        report = run_inbox_pass(settings)
    finally:
        locker.rollback()
        locker.close()
        db.dispose()
    assert [o.outcome for o in report.outcomes] == ["queued"]
    assert report.exit_code == ExitCode.TRANSIENT
    assert assert_conservation(settings, drops, queued_ok=["a.pdf"]) == {"queued": 1}
    assert [o.outcome for o in run_inbox_pass(settings).outcomes] == ["processed"]
    assert assert_conservation(settings, drops) == {"processed": 1}


def test_a_hung_parser_is_killed_and_quarantined(tmp_path, motions, monkeypatch):
    settings = make_settings(tmp_path / "home", timeout_seconds=1.0)
    drops = new_drops(settings)
    drops.drop("haengt.pdf", motions[0])
    drops.drop("gut.pdf", motions[1])
    monkeypatch.setattr(service, "extract_document", misbehaving.extract_unless_hanging)
    report = run_inbox_pass(settings)
    outcomes = {o.name: (o.outcome, o.reason_code) for o in report.outcomes}
    assert outcomes == {"haengt.pdf": ("quarantined", "timeout"), "gut.pdf": ("processed", None)}
    assert assert_conservation(settings, drops) == {"processed": 1, "quarantined": 1}


def test_an_upgrade_reads_again_without_duplicating_documents(home, motions, monkeypatch):
    from pipeline.inbox import reprocess
    from pipeline.inbox.runner import open_pass

    drops = new_drops(home)
    drops.drop("a.pdf", motions[0])
    run_inbox_pass(home)
    ctx = open_pass(home)
    assert reprocess.list_outdated(ctx) == []
    monkeypatch.setattr(reprocess, "PIPELINE_VERSION", "99.0-test")
    [sha256] = reprocess.list_outdated(ctx)
    outcome = reprocess.reprocess_document(ctx, sha256[:8])
    assert (outcome.outcome, outcome.records) == ("processed", 1)
    with ctx.db.session() as session:
        versions = sorted(session.scalars(select(ExtractionRow.pipeline_version).where(ExtractionRow.sha256 == sha256)))
    assert len(versions) == 2 and "99.0-test" in versions
    assert len(stored(home)) == 1
    assert assert_conservation(home, drops) == {"processed": 1}


def test_status_counts_every_state(home, motions):
    from pipeline.inbox.folders import resolve_folders
    from pipeline.inbox.status import read_status

    drops = new_drops(home)
    drops.drop("a.pdf", motions[0])
    drops.drop("a-kopie.pdf", motions[0])
    drops.drop("kaputt.pdf", b"%PDF-")
    run_inbox_pass(home)
    drops.drop("neu.pdf", motions[1])
    db = open_database(home.resolved_database_url)
    status = read_status(db, resolve_folders(home), home.settle_seconds)
    db.dispose()
    counts = status.as_json()
    assert {k: counts[k] for k in ("processed", "quarantined", "duplicates", "queued")} == {
        "processed": 1, "quarantined": 1, "duplicates": 1, "queued": 1}
    assert [w.name for w in status.waiting] == ["neu.pdf"]
    assert assert_conservation(home, drops, queued_ok=["neu.pdf"]) == {
        "processed": 1, "duplicate": 1, "quarantined": 1, "queued": 1}


@pytest.mark.parametrize("overrides, problem", [
    ({"archive_dir": "{home}/inbox/archiv"}, "überschneiden sich"),
    ({"out_dir": "{home}/inbox"}, "überschneiden sich"),
    ({"inbox_dir": "{repo}/pipeline/eingang"}, "Programmcode"),
])
def test_folders_must_be_disjoint_and_outside_the_code(tmp_path, overrides, problem):
    from pathlib import Path

    from pipeline.inbox.folders import prepare_folders
    from schemas.errors import ConfigError

    repo = Path(__file__).resolve().parents[1]
    values = {k: v.format(home=tmp_path / "home", repo=repo) for k, v in overrides.items()}
    with pytest.raises(ConfigError, match=problem):
        prepare_folders(make_settings(tmp_path / "home", **values))
    assert not (repo / "pipeline" / "eingang").exists()
