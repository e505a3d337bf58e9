"""One count for the inbox: a pass's summary and ``intmk status`` use the same units (issue 18).

A file is one thing dropped into the inbox (an e-mail is one file); an e-mail's PDF/DOCX
attachments are counted apart, as attachments. The demo's inbox made ``intmk run`` say
"verarbeitet 16" (files and attachments mixed) while ``intmk status`` said "verarbeitet 14", and
a duplicate attachment appeared in the run but nowhere in the status.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from email.message import EmailMessage

import pytest
from rich.console import Console

from pipeline import report_inbox
from pipeline.inbox.folders import resolve_folders
from pipeline.inbox.runner import PassReport, run_inbox_pass
from pipeline.inbox.status import read_status
from pipeline.storage import open_database
from tests.fixtures.cli import run_intmk
from tests.fixtures.inbox import assert_conservation, make_settings, motion_bytes, new_drops

KEYS = ("processed", "quarantined", "duplicates", "queued", "in_inbox", "in_processing", "attachments")


@pytest.fixture(scope="module")
def motions(tmp_path_factory) -> list[bytes]:
    scratch = tmp_path_factory.mktemp("motions")
    return [motion_bytes(scratch, 700 + i) for i in range(4)]


def build_email(*attachments: tuple[str, bytes]) -> bytes:
    message = EmailMessage()
    message["From"] = "Referat 3 <referat3@mi.rlp.de>"
    message["To"] = "geschaeftsstelle@intmk.de"
    message["Subject"] = "Beschlussvorschläge"
    message["Date"] = "Thu, 08 Apr 2027 10:00:00 +0200"
    message.set_content("Anbei unsere Anträge.")
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return message.as_bytes()


def read_status_json(settings) -> dict:
    db = open_database(settings.resolved_database_url)
    try:
        return read_status(db, resolve_folders(settings), settings.settle_seconds).as_json()
    finally:
        db.dispose()


def add_passes(passes: list[dict]) -> dict:
    """Finished counts add up over passes; what is waiting is the last pass's snapshot."""
    total: Counter = Counter()
    attachments: Counter = Counter()
    for counts in passes:
        total.update({k: counts[k] for k in ("processed", "quarantined", "duplicates")})
        attachments.update(counts["attachments"])
    last = passes[-1]
    return {**total, **{k: last[k] for k in ("queued", "in_inbox", "in_processing")},
            "attachments": dict(attachments)}


def drop_first_pass(drops, motions) -> None:
    drops.drop("a.pdf", motions[0])
    drops.drop("a-kopie.pdf", motions[0])  # same bytes twice
    drops.drop("kaputt.pdf", b"%PDF-")  # a bad file


def drop_second_pass(drops, motions) -> None:
    # two attachments: a new motion and one identical to a.pdf of the first pass
    drops.drop("post.eml", build_email(("antrag-neu.pdf", motions[1]), ("antrag-alt.pdf", motions[0])))
    drops.drop("b.pdf", motions[2])


def test_pass_counts_add_up_to_the_status_counts(tmp_path, motions):
    settings = make_settings(tmp_path / "home")
    drops = new_drops(settings)
    drop_first_pass(drops, motions)
    first = run_inbox_pass(settings).counts.as_json()
    assert {k: first[k] for k in KEYS} == {k: read_status_json(settings)[k] for k in KEYS}
    assert first["attachments"] == {"processed": 0, "quarantined": 0, "duplicates": 0}
    drop_second_pass(drops, motions)
    second = run_inbox_pass(settings).counts.as_json()
    assert (second["processed"], second["attachments"]) == (2, {"processed": 1, "quarantined": 0, "duplicates": 1})
    status = read_status_json(settings)
    assert {k: status[k] for k in KEYS} == add_passes([first, second]) == {
        "processed": 3, "quarantined": 1, "duplicates": 1, "queued": 0, "in_inbox": 0, "in_processing": 0,
        "attachments": {"processed": 1, "quarantined": 0, "duplicates": 1}}
    assert status["documents"] == 5  # a.pdf, kaputt.pdf, post.eml, antrag-neu.pdf, b.pdf
    assert assert_conservation(settings, drops) == {"processed": 3, "quarantined": 1, "duplicate": 1}


def test_two_identical_attachments_in_one_mail_are_one_document_and_one_duplicate(tmp_path, motions):
    """The second copy was reported "verarbeitet (nach Abbruch fortgesetzt)": it has the same parent."""
    settings = make_settings(tmp_path / "home")
    drops = new_drops(settings)
    drops.drop("post.eml", build_email(("antrag.pdf", motions[3]), ("antrag-nochmal.pdf", motions[3])))
    [mail] = run_inbox_pass(settings).outcomes
    assert [(a.name, a.outcome, a.recovered) for a in mail.attachments] == [
        ("antrag.pdf", "processed", False), ("antrag-nochmal.pdf", "duplicate", False)]
    assert read_status_json(settings)["attachments"] == {"processed": 1, "quarantined": 0, "duplicates": 1}


def summary_numbers(text: str, label: str) -> tuple[int, int]:
    """The files and attachments columns of one row, from the summary table or the status text."""
    match = re.search(rf"^\W*{label}\W+(\d+)\W+(\d+)", text, re.MULTILINE)
    assert match, f"keine Zeile {label!r} in:\n{text}"
    return int(match[1]), int(match[2])


def render_summary(report: PassReport) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=140, color_system=None).print(report_inbox.build_summary_table(report))
    return buffer.getvalue()


def test_summary_table_and_status_text_show_the_same_rows(tmp_path, motions):
    settings = make_settings(tmp_path / "home")
    drops = new_drops(settings)
    drop_first_pass(drops, motions)
    drop_second_pass(drops, motions)
    summary = render_summary(run_inbox_pass(settings))
    db = open_database(settings.resolved_database_url)
    status = "\n".join(report_inbox.format_status(read_status(db, resolve_folders(settings), 0.0)))
    db.dispose()
    for label in ("verarbeitet", "Quarantäne", "Dubletten"):
        assert summary_numbers(summary, label) == summary_numbers(status, label), (summary, status)
    assert "Dateien" in summary and "E-Mail-Anhänge" in summary and "E-Mail-Anhänge" in status


@pytest.mark.slow
def test_run_json_and_status_json_agree_from_the_command_line(tmp_path, motions):
    home = tmp_path / "home"
    drops = new_drops(make_settings(home))
    drop_first_pass(drops, motions)
    drop_second_pass(drops, motions)
    run = run_intmk("run", "--json", home=home, env={"INTMK_SETTLE_SECONDS": "0"})
    assert run.returncode == 3, run.stderr  # kaputt.pdf went to quarantine
    status = run_intmk("status", "--json", home=home)
    ran, stood = json.loads(run.stdout), json.loads(status.stdout)
    assert {k: ran[k] for k in KEYS} == {k: stood[k] for k in KEYS}
    assert (ran["processed"], ran["attachments"]["duplicates"]) == (3, 1)
