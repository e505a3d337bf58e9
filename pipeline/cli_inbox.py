"""Commands of the inbox pipeline: run, watch, serve, status, reprocess."""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from pipeline import report_inbox
from pipeline.inbox.folders import prepare_folders
from pipeline.inbox.outcome import DocumentOutcome
from pipeline.inbox.runner import PassReport, hold_pass_lock, open_pass, report_progress
from pipeline.inbox.status import audit_folders, read_status
from pipeline.settings import Settings
from pipeline.storage import connect
from schemas.errors import ExitCode, IntmkError, TransientError

T = TypeVar("T")

PROGRESS_FROM = 10  # a bar only for batches worth watching


class ProgressBar:
    """A rich progress bar on stderr, shown only on a terminal and for longer batches."""

    def __init__(self) -> None:
        console = Console(stderr=True)
        self.progress = Progress(TextColumn("Dokumente"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                 console=console, transient=True, disable=not console.is_terminal)
        self.task = None

    def start(self, total: int) -> None:
        if total >= PROGRESS_FROM:
            self.progress.start()
            self.task = self.progress.add_task("dokumente", total=total)

    def advance(self, outcome: DocumentOutcome) -> None:
        if self.task is not None:
            self.progress.advance(self.task)

    def stop(self) -> None:
        self.progress.stop()


def run_pass_with_prefect(settings: Settings, *, wait: bool) -> PassReport:
    from pipeline.flows import run_inbox_flow  # noqa: PLC0415 - Prefect only for flow commands

    bar = ProgressBar()
    try:
        with report_progress(bar):
            return run_with_prefect_errors(lambda: run_inbox_flow(settings, wait=wait),
                                           "die Dateien bleiben im Eingang und werden beim nächsten Lauf gelesen.")
    finally:
        bar.stop()


def run_with_prefect_errors(call: Callable[[], T], consequence: str = "der nächste Lauf setzt fort.") -> T:
    """A Prefect API that cannot be reached is a transient problem (exit 5), with what it means for the files."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - Prefect's API errors come from httpx and Prefect alike
        if is_prefect_unreachable(exc):
            raise TransientError(
                f"Die Prefect-API ist nicht erreichbar (PREFECT_API_URL). Es wurde nichts verarbeitet; {consequence}"
            ) from exc
        raise


def is_prefect_unreachable(exc: BaseException) -> bool:
    import httpx  # noqa: PLC0415

    while exc is not None:
        if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, ConnectionError)):
            return True
        if type(exc).__name__ in {"PrefectHTTPStatusError", "ServerUnavailable"}:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def print_report(report: PassReport, *, as_json: bool = False) -> None:
    if as_json:
        click.echo(json.dumps(report_inbox.report_as_json(report), ensure_ascii=False, indent=2))
        return
    for outcome in report.outcomes:
        click.echo("\n".join(report_inbox.format_outcome(outcome)))
    report_inbox.print_table(report_inbox.build_summary_table(report))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Ergebnis als JSON (Zähler wie »intmk status --json«).")
@click.pass_obj
def run(settings: Settings, as_json: bool) -> None:
    """Ein Durchlauf über den Eingang (Prefect-Flow): übernehmen, lesen, prüfen, speichern, archivieren."""
    prepare_folders(settings)  # a bad folder layout stops here, before Prefect starts
    report = run_pass_with_prefect(settings, wait=True)
    print_report(report, as_json=as_json)
    sys.exit(int(report.exit_code))


@click.command()
@click.option("--polling", is_flag=True, default=None, help="Ordner regelmäßig abfragen (Netzlaufwerke).")
@click.option("--ohne-prefect", "plain", is_flag=True, help="Durchläufe ohne Prefect-Flow ausführen.")
@click.pass_obj
def watch(settings: Settings, polling: bool | None, plain: bool) -> None:
    """Beobachtet den Eingang und verarbeitet neue Dateien nach wenigen Sekunden (Strg+C beendet)."""
    from pipeline.inbox.runner import run_inbox_pass  # noqa: PLC0415
    from pipeline.inbox_watch import WatchOptions, watch_folder  # noqa: PLC0415

    folders = prepare_folders(settings)
    options = WatchOptions(
        polling=settings.watch_polling if polling is None else polling,
        poll_seconds=settings.watch_poll_seconds,
        rescan_seconds=settings.rescan_seconds,
        settle_seconds=settings.settle_seconds,
    )

    def run_once() -> int:
        try:
            report = run_inbox_pass(settings, wait=False) if plain else run_pass_with_prefect(settings, wait=False)
        except IntmkError:
            raise
        except Exception as exc:  # noqa: BLE001 - a failed flow must not end the watch; files stay queued
            logging.getLogger(__name__).exception("Durchlauf fehlgeschlagen")
            raise TransientError(f"Durchlauf fehlgeschlagen: {exc}") from exc
        if report.outcomes:
            print_report(report)
        return len(report.waiting)  # files still being written: look again soon

    click.echo(f"Beobachte {folders.inbox} (Strg+C beendet) …")
    stop = threading.Event()
    try:
        watch_folder(folders.inbox, run_once, options, stop)
    except KeyboardInterrupt:
        stop.set()
        click.echo("Beobachtung beendet.")


@click.command()
@click.pass_obj
def serve(settings: Settings) -> None:
    """Startet die Prefect-Deployments: Eingang alle paar Minuten, Bundesrat nachts, Fristen täglich."""
    from pipeline.flows import serve_deployments  # noqa: PLC0415

    prepare_folders(settings)
    serve_deployments(settings)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Zählerstände als JSON.")
@click.option("--pruefen", "audit", is_flag=True, help="Archiv gegen Datenbank prüfen (Hashes aller Originale).")
@click.pass_obj
def status(settings: Settings, as_json: bool, audit: bool) -> None:
    """Zeigt, wie viele Dateien verarbeitet, in Quarantäne, doppelt oder wartend sind."""
    folders = prepare_folders(settings)
    db = connect(settings)
    state = read_status(db, folders, settings.settle_seconds)
    problems = audit_folders(db, folders) if audit else []
    if as_json:
        data = state.as_json() | ({"problems": problems} if audit else {})
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(report_inbox.format_status(state)))
        if audit:
            click.echo("Prüfung: " + ("keine Abweichungen." if not problems else f"{len(problems)} Abweichung(en):"))
            for problem in problems:
                click.echo(f"  {problem}")
    if problems:
        sys.exit(int(ExitCode.INTERNAL))


@click.command()
@click.argument("hashes", nargs=-1)
@click.option("--veraltete", "outdated", is_flag=True, help="Alle Dokumente, die eine ältere Version gelesen hat.")
@click.pass_obj
def reprocess(settings: Settings, hashes: tuple[str, ...], outdated: bool) -> None:
    """Liest gespeicherte Originale erneut (SHA-256 oder eindeutiger Anfang, mindestens 6 Zeichen)."""
    from pipeline.inbox.reprocess import list_outdated, reprocess_document  # noqa: PLC0415

    ctx = open_pass(settings)
    with hold_pass_lock(ctx.folders):
        targets = list(hashes) + (list_outdated(ctx) if outdated else [])
        if not targets:
            raise click.UsageError("Bitte einen Hash angeben oder --veraltete wählen.")
        report = PassReport(outcomes=[reprocess_document(ctx, target) for target in targets])
    print_report(report)
    sys.exit(int(report.exit_code))


def register(cli: click.Group) -> None:
    for command in (run, watch, serve, status, reprocess):
        cli.add_command(command)
