"""Prefect flows and deployments. The only module with Prefect decorators; every stage is a plain
function in ``pipeline.inbox`` (and the rule services), so tests can call them without Prefect.

The local ephemeral Prefect API is used unless ``PREFECT_API_URL`` points at a server. An inbox pass
runs one task per worker, each taking files from the pass's shared queue (DESIGN.md: the local API
persists only ~40 task runs per second, and each costs its server CPU that the parsers need).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from prefect import flow, serve, task
from prefect.cache_policies import NO_CACHE
from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings
from prefect.futures import as_completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from pipeline.bundesrat_service import sync_register
from pipeline.digitize.batch import Batch, notify_done, notify_start, split_tasks
from pipeline.digitize.process import DigitizeOutcome, digitize_file
from pipeline.inbox.outcome import DocumentOutcome
from pipeline.inbox.process import PassContext
from pipeline.inbox.runner import (
    ClaimQueue,
    PassReport,
    add_outcomes,
    collect_claims,
    count_tasks,
    finish_pass,
    hold_pass_lock,
    open_pass,
    process_claims,
)
from pipeline.report_rules import describe_upsert
from pipeline.reminder_service import format_reminder, list_due_deadlines, write_reminder
from pipeline.settings import Settings, get_settings
from pipeline.storage import connect
from schemas.errors import EnvironmentProblem

INBOX_FLOW = "intmk-eingang"
BUNDESRAT_FLOW = "intmk-bundesrat-abgleich"
REMINDER_FLOW = "intmk-fristenerinnerung"
DIGITIZE_FLOW = "intmk-digitalisierung"
BERLIN = "Europe/Berlin"


@task(name="dokumente-verarbeiten", cache_policy=NO_CACHE)
def process_claims_task(claims: ClaimQueue, ctx: PassContext) -> list[tuple[int, DocumentOutcome]]:
    """One worker's share of the claimed files, taken from the pass's queue: sniff, extract (each in
    a limited child), store, check, archive."""
    return process_claims(claims, ctx)


@flow(name=INBOX_FLOW, log_prints=False, validate_parameters=False)
def inbox_flow(wait: bool = True, settings: Settings | None = None) -> PassReport:
    """One pass over the inbox: recover interrupted claims, claim settled files, process them.

    Scheduled runs of ``intmk serve`` get no settings and read them from the environment.
    """
    settings = settings or get_settings()
    ctx = open_pass(settings)
    with hold_pass_lock(ctx.folders):
        claims, report = collect_claims(ctx, wait=wait)
        pending = ClaimQueue(claims)
        futures = [process_claims_task.submit(pending, ctx) for _ in range(count_tasks(pending.size, settings.workers))]
        add_outcomes(report, (future.result() for future in futures))
        return finish_pass(ctx, report)


@task(name="scans-digitalisieren", cache_policy=NO_CACHE)
def digitize_task(paths: list[str], root: str, settings: Settings) -> list[DigitizeOutcome]:
    """A few scanned files, one after another: OCR where needed, extract, store (``split_tasks``)."""
    return [digitize_file(Path(path), Path(root), settings) for path in paths]


@flow(name=DIGITIZE_FLOW, log_prints=False, validate_parameters=False)
def digitize_flow(batch: Batch, settings: Settings) -> list[DigitizeOutcome]:
    """The files of an archive batch on the task runner's workers; outcomes as they finish."""
    notify_start(batch)
    futures = [digitize_task.submit([str(path) for path in group], str(batch.root), settings)
               for group in split_tasks(batch, settings.workers)]
    outcomes = list(batch.skipped)
    for future in as_completed(futures):
        for outcome in future.result():
            notify_done(outcome, batch)
            outcomes.append(outcome)
    return outcomes


def choose_digitize_runner(settings: Settings) -> TaskRunner:
    """A running Dask cluster when ``INTMK_DASK_ADDRESS`` / ``--dask-address`` names one, else local threads.

    Threads suffice locally: each file is read in a limited child process, which runs one
    single-threaded Tesseract; ``workers`` of them use as many cores nearly linearly, without
    the seconds a process pool takes to start and import.
    """
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner  # noqa: PLC0415 - only when a cluster is named

        return DaskTaskRunner(address=settings.dask_address)
    return ThreadPoolTaskRunner(max_workers=settings.workers)


def run_digitize_flow(batch: Batch, settings: Settings) -> list[DigitizeOutcome]:
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return digitize_flow.with_options(task_runner=choose_digitize_runner(settings))(batch, settings)


@flow(name=BUNDESRAT_FLOW, log_prints=True)
def bundesrat_sync_flow() -> str:
    """Nightly: the pending Bundesrat procedures from DIP into the local register (Regularien 4.3)."""
    settings = get_settings()
    if settings.dip_api_key is None:
        message = "Bundesrat-Abgleich übersprungen: INTMK_DIP_API_KEY ist nicht gesetzt."
    else:
        report = sync_register(connect(settings), settings)
        message = f"DIP: {report.fetched} Bundesratsverfahren gelesen. {describe_upsert(report.counts)}"
    print(message)
    return message


@flow(name=REMINDER_FLOW, log_prints=True)
def deadline_reminder_flow(today: dt.date | None = None) -> str:
    """Daily: what falls due in the next days, as text in ``out/fristen-<datum>.txt``."""
    settings = get_settings()
    today = today or dt.date.today()
    due = list_due_deadlines(connect(settings), settings, today, settings.reminder_days)
    text = format_reminder(due, today, settings.reminder_days)
    path = write_reminder(settings, text, today)
    print(text)
    return str(path)


def run_inbox_flow(settings: Settings, *, wait: bool = True) -> PassReport:
    """``intmk run``: the inbox flow with the configured number of parallel batches.

    Without flow heartbeats: Prefect 3.8 waits for its heartbeat thread (1 s steps) at the end of
    every run, most of its overhead on a pass (benchmarks/inbox.py); a one-shot run needs none.
    """
    runner = ThreadPoolTaskRunner(max_workers=settings.workers)
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return inbox_flow.with_options(task_runner=runner)(wait=wait, settings=settings)


def serve_deployments(settings: Settings) -> None:
    """``intmk serve``: the three deployments with their schedules, until interrupted.

    Schedules need a Prefect server with its scheduler (the ephemeral API has none): the one
    ``PREFECT_API_URL`` names, or else a local ``prefect server start`` on 127.0.0.1, whose UI then
    shows every run.
    """
    configured = get_current_settings().api.url
    if configured:
        _serve(settings, pause_on_shutdown=True)
        return
    with running_prefect_server(settings.prefect_port) as url, temporary_settings({PREFECT_API_URL: url}):
        os.environ["PREFECT_API_URL"] = url  # for the flow-run processes the runner starts
        print(f"Prefect-Oberfläche: {url.removesuffix('/api')}")
        # Our own server ends with us: pausing its schedules is pointless, and a SIGTERM to the
        # whole process group has stopped it already, so the pause would wait for it (60 s and more).
        _serve(settings, pause_on_shutdown=False)


@contextmanager
def running_prefect_server(port: int, timeout_s: float = 120.0) -> Iterator[str]:
    """A local Prefect server as a child process, stopped on exit."""
    url = f"http://127.0.0.1:{port}/api"
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    # The scheduler looks for due runs every 60 s by default; short inbox intervals need it sooner.
    env = {**os.environ, "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5"}
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        wait_for_health(url, server, timeout_s)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


def wait_for_health(url: str, server: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise EnvironmentProblem(f"Der Prefect-Server ist beim Start beendet worden (Exit-Code {server.returncode}); "
                                     "ist der Port schon belegt (INTMK_PREFECT_PORT)?")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise EnvironmentProblem(f"Der Prefect-Server antwortet nicht innerhalb von {timeout_s:g} s.")


def _serve(settings: Settings, *, pause_on_shutdown: bool) -> None:
    inbox = inbox_flow.with_options(task_runner=ThreadPoolTaskRunner(max_workers=settings.workers))
    serve(
        inbox.to_deployment(name="eingang", interval=dt.timedelta(minutes=settings.inbox_interval_minutes)),
        bundesrat_sync_flow.to_deployment(name="bundesrat-nachts", schedule=Cron(settings.bundesrat_cron, timezone=BERLIN)),
        deadline_reminder_flow.to_deployment(name="fristen-taeglich", schedule=Cron(settings.reminder_cron, timezone=BERLIN)),
        print_starting_message=True,
        pause_on_shutdown=pause_on_shutdown,
    )
