"""``intmk digitize DIR``: archive scans to searchable PDF/A and stored records, with a progress bar
(pages per minute, ETA) and a CSV report. Command-line parsing only; the work is in pipeline.digitize."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from pipeline.cli_inbox import run_with_prefect_errors
from pipeline.digitize.batch import (
    count_outcomes,
    default_report_path,
    plan_batch,
    report_progress,
    write_report,
)
from pipeline.digitize.process import DigitizeOutcome
from pipeline.inbox.folders import prepare_folders
from pipeline.search_service import refresh_index
from pipeline.service import worst_exit_code
from pipeline.settings import Settings
from pipeline.storage import connect


class PagesPerMinute(ProgressColumn):
    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed * 60:.1f} S./min" if speed else "– S./min")


class DigitizeProgress:
    """Rich progress over pages (files finish in any order; pages make the ETA honest)."""

    def __init__(self) -> None:
        self.progress = Progress(TextColumn("Digitalisierung"), BarColumn(), MofNCompleteColumn(), TextColumn("Seiten"),
                                 PagesPerMinute(), TimeRemainingColumn(), console=Console(stderr=True),
                                 disable=not sys.stderr.isatty())
        self.task: TaskID | None = None

    def start(self, files: int, pages: int) -> None:
        self.progress.start()
        self.task = self.progress.add_task("scans", total=pages)

    def advance(self, outcome: DigitizeOutcome, pages: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, pages)
        click.echo(describe_outcome(outcome))

    def stop(self) -> None:
        self.progress.stop()


def describe_outcome(outcome: DigitizeOutcome) -> str:
    short = (outcome.sha256 or "?" * 12)[:12]
    if outcome.outcome == "fehler":
        return f"[{short}] {outcome.path}: Fehler – {outcome.reason} [{outcome.reason_code}]"
    confidence = f", Konfidenz {outcome.confidence:.0f} %" if outcome.confidence is not None else ""
    ocr = f", {outcome.ocr_pages} per OCR{confidence}" if outcome.ocr_pages else ", Textebene vorhanden"
    return f"[{short}] {outcome.path}: {outcome.pages} Seiten{ocr}, {outcome.records} Datensätze"


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--dask-address", help="Laufender Dask-Cluster (tcp://HOST:8786); ohne Angabe lokale Prozesse.")
@click.option("--bericht", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="CSV-Bericht (Standard: out/digitalisat/bericht-<Zeit>.csv).")
@click.option("--zeitlimit", "timeout", type=click.FloatRange(min=1), help="Sekunden je Dokument (INTMK_OCR_TIMEOUT_SECONDS).")
@click.pass_obj
def digitize(settings: Settings, folder: Path, dask_address: str | None, report_path: Path | None, timeout: float | None) -> None:
    """Digitalisiert einen Ordnerbaum mit Scans: Texterkennung, durchsuchbare PDF/A, Datensätze, CSV-Bericht."""
    from pipeline.flows import run_digitize_flow  # noqa: PLC0415 - Prefect only for flow commands

    updates = {key: value for key, value in (("dask_address", dask_address), ("ocr_timeout_seconds", timeout)) if value}
    settings = settings.model_copy(update=updates)
    prepare_folders(settings)
    batch = plan_batch(folder, settings)
    started, bar = time.monotonic(), DigitizeProgress()
    try:
        with report_progress(bar):
            outcomes = run_with_prefect_errors(lambda: run_digitize_flow(batch, settings))
    finally:
        bar.stop()
    target = write_report(outcomes, report_path or default_report_path(settings))
    click.echo(summarize(outcomes, time.monotonic() - started, target))
    indexed = refresh_index(connect(settings), settings)  # intmk search finds the new resolutions at once
    click.echo(f"Suchindex: {indexed} Datensätze neu aufgenommen.")
    sys.exit(int(worst_exit_code(o.exit_code for o in outcomes)))


def summarize(outcomes: list[DigitizeOutcome], seconds: float, report: Path) -> str:
    counts = count_outcomes(outcomes)
    pages = sum(o.pages for o in outcomes if o.outcome == "digitalisiert")
    rate = f", {pages / seconds * 60:.1f} Seiten/min" if seconds > 0 and pages else ""
    return (f"Digitalisiert: {counts['digitalisiert']}, übersprungen: {counts['übersprungen']}, "
            f"Fehler: {counts['fehler']} ({pages} Seiten in {seconds:.0f} s{rate}). Bericht: {report}")


def register(cli: click.Group) -> None:
    cli.add_command(digitize)
