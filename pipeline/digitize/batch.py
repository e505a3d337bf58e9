"""A digitization batch: which files to do, progress hooks, the CSV report. No Prefect here."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from extractors.hashing import sha256_file
from outputs.excel_csv import render_excel_csv
from pipeline.digitize.process import OCR_TEMP_FOLDER, OUTPUT_FOLDER, DigitizeOutcome
from pipeline.digitize.walk import count_pages, find_scans
from pipeline.inbox.folders import resolve_folders
from pipeline.isolation import ProcessLimits, run_isolated
from pipeline.progress import Hooks
from pipeline.service import remove_stale_files, write_bytes_atomically
from pipeline.settings import Settings
from pipeline.storage import connect
from pipeline.storage.models import DigitizationRow
from pipeline.version import PIPELINE_VERSION
from schemas.errors import IntmkError

log = logging.getLogger(__name__)
PAGES_PER_TASK = 8  # at most this many pages of small files share a task
COUNT_SECONDS, COUNT_SECONDS_PER_FILE = 30, 1.0  # time limit of the child counting pages (a few ms per file)
REPORT_COLUMNS = ("datei", "sha256", "ergebnis", "grund_code", "grund", "seiten", "ocr_seiten", "konfidenz",
                  "datensaetze", "sekunden", "ausgabe", "pdfa")


@dataclass(slots=True)
class Batch:
    root: Path
    pages: dict[Path, int] = field(default_factory=dict)  # the files to do, in order, with their page counts
    skipped: list[DigitizeOutcome] = field(default_factory=list)

    @property
    def total_pages(self) -> int:
        return sum(self.pages.values())


def split_tasks(batch: Batch, workers: int) -> list[list[Path]]:
    """The files in groups of a few pages, one Prefect task each.

    Each task run costs Prefect about 35 ms (API calls, states), 3–4 % of a one-page scan; a group
    of small files shares it. Groups stay small enough for every worker to get at least two, so
    the last one does not leave a core idle for long; a large file is a group of its own.
    """
    size = min(PAGES_PER_TASK, max(1, math.ceil(batch.total_pages / (2 * max(1, workers)))))
    groups: list[list[Path]] = []
    pages = size
    for path, count in batch.pages.items():
        count = max(1, count)
        if pages >= size or count >= size:
            groups.append([])
            pages = 0
        groups[-1].append(path)
        pages += count
    return groups


class ProgressHook(Protocol):
    def start(self, files: int, pages: int) -> None: ...
    def advance(self, outcome: DigitizeOutcome, pages: int) -> None: ...


_hooks: Hooks[ProgressHook] = Hooks()
report_progress = _hooks.attach  # the CLI's progress bar in pages per minute


def notify_start(batch: Batch) -> None:
    for hook in _hooks:
        hook.start(len(batch.pages), batch.total_pages)


def notify_done(outcome: DigitizeOutcome, batch: Batch) -> None:
    for hook in _hooks:
        hook.advance(outcome, batch.pages.get(Path(outcome.path), 0))


def plan_batch(root: Path, settings: Settings) -> Batch:
    """Every PDF below ``root``; files already done (same bytes, same pipeline version) are skipped."""
    output = resolve_folders(settings).out / OUTPUT_FOLDER
    # what a killed run left: half-written searchable PDFs (``.NAME.part.pdf``), OCR work folders
    stale_after = max(settings.stale_temp_seconds, settings.ocr_timeout_seconds * 2)
    remove_stale_files(output, ".*.part.pdf", stale_after)
    remove_stale_files(settings.home / OCR_TEMP_FOLDER, "intmk-ocr-*", stale_after)
    batch, todo = Batch(root), []
    done, first_of = load_done(settings), dict[str, Path]()
    for path in find_scans(root, exclude=output):
        try:
            sha256 = sha256_file(path)
        except OSError:
            sha256 = None  # the stage reports it
        if sha256 in done or sha256 in first_of:
            reason = "bereits digitalisiert" if sha256 in done else f"inhaltsgleich mit {first_of[sha256]}"
            batch.skipped.append(DigitizeOutcome(str(path), sha256, "übersprungen", reason=reason))
            continue
        if sha256 is not None:
            first_of[sha256] = path
        todo.append(path)
    batch.pages = count_all_pages(todo, settings)
    return batch


def count_all_pages(paths: list[Path], settings: Settings) -> dict[Path, int]:
    """Pages per file for the progress bar and the task groups, read in one limited child
    (RELIABILITY.md rule 5: pdfium parses untrusted bytes). If that child fails, every count is 0:
    only the ETA and the grouping suffer, the files are read by the stage as always."""
    if not paths:
        return {}
    seconds = COUNT_SECONDS + COUNT_SECONDS_PER_FILE * len(paths)
    limits = ProcessLimits(timeout_s=seconds, cpu_s=math.ceil(seconds), memory_mb=settings.memory_mb)
    try:
        counts = run_isolated(count_pages, [str(path) for path in paths], limits=limits)
    except IntmkError as exc:
        log.warning("Seitenzahlen für die Fortschrittsanzeige nicht lesbar: %s", exc)
        counts = [0] * len(paths)
    return dict(zip(paths, counts))


def load_done(settings: Settings) -> set[str]:
    query = select(DigitizationRow.sha256).where(
        DigitizationRow.pipeline_version == PIPELINE_VERSION, DigitizationRow.outcome == "digitalisiert")
    with connect(settings).session() as session:
        return set(session.scalars(query))


def write_report(outcomes: Sequence[DigitizeOutcome], target: Path) -> Path:
    """CSV for Excel: every file with its outcome and reason."""
    rows = [describe_report_row(o) for o in sorted(outcomes, key=lambda o: o.path)]
    return write_bytes_atomically(target, render_excel_csv(REPORT_COLUMNS, rows))


def describe_report_row(o: DigitizeOutcome) -> list[object]:
    confidence = f"{o.confidence:.1f}".replace(".", ",") if o.confidence is not None else ""
    return [o.path, o.sha256 or "", o.outcome, o.reason_code or "", o.reason or "", o.pages, o.ocr_pages, confidence,
            o.records, f"{o.seconds:.2f}".replace(".", ","), o.output or "", describe_pdfa(o)]


def describe_pdfa(outcome: DigitizeOutcome) -> str:
    """"PDF/A-2b", "nein" (a plain searchable PDF) or empty (no OCR copy written)."""
    if not outcome.output:
        return ""
    return f"PDF/A-{outcome.pdfa[0]}{outcome.pdfa[1:].lower()}" if outcome.pdfa else "nein"


def default_report_path(settings: Settings, now: dt.datetime | None = None) -> Path:
    moment = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d-%H%M%S")
    return resolve_folders(settings).out / OUTPUT_FOLDER / f"bericht-{moment}.csv"


def count_outcomes(outcomes: Iterable[DigitizeOutcome]) -> Counter[str]:
    return Counter(o.outcome for o in outcomes)
