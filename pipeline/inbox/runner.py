"""One pass over the inbox as plain functions: recover, claim, process in batches, export.

``pipeline.flows`` runs the same steps as a Prefect flow; ``run_inbox_pass`` runs them without
Prefect (tests, benchmarks, and the fallback of ``intmk watch``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import queue
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Protocol

from pipeline.inbox.checking import CheckCache
from pipeline.inbox.claim import (
    Claim,
    adopt_sidecar,
    claim_file,
    list_open_claims,
    scan_inbox,
    wait_until_settled,
)
from pipeline.inbox.counts import InboxCounts, count_pass
from pipeline.inbox.folders import Folders, prepare_folders
from pipeline.inbox.moves import remove_stale_temp_files
from pipeline.inbox.outcome import DocumentOutcome
from pipeline.inbox.process import PassContext, process_claim
from pipeline.progress import Hooks
from pipeline.service import worst_exit_code, write_bytes_atomically
from pipeline.settings import Settings
from pipeline.storage import connect
from pipeline.storage.documents import export_records, latest_extraction_time
from pipeline.version import PIPELINE_VERSION
from schemas.errors import ExitCode


class ProgressHook(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, outcome: DocumentOutcome) -> None: ...


_progress: Hooks[ProgressHook] = Hooks()  # set by the CLI around a pass; tasks run in threads of this process
report_progress = _progress.attach


@dataclass(slots=True)
class PassReport:
    """What one pass did, for the summary table and the exit code."""

    outcomes: list[DocumentOutcome] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # still being written: next pass
    ignored: list[str] = field(default_factory=list)  # links, FIFOs, folders: never read
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def exit_code(self) -> ExitCode:
        return worst_exit_code(o.exit_code for o in self.outcomes)

    @property
    def counts(self) -> InboxCounts:
        """Files and attachments this pass finished, as ``intmk status`` counts them (inbox.counts)."""
        return count_pass(self.outcomes, len(self.waiting))


def open_pass(settings: Settings) -> PassContext:
    """Folders checked and created, the store opened (once per process)."""
    folders = prepare_folders(settings)
    db = connect(settings)
    return PassContext(settings, folders, db, CheckCache(db, settings))


@contextmanager
def hold_pass_lock(folders: Folders) -> Iterator[None]:
    """One pass at a time per home (``run``, ``watch`` and ``serve`` may overlap): later ones wait."""
    with (folders.processing / ".intmk-lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def collect_claims(ctx: PassContext, *, wait: bool) -> tuple[list[Claim], PassReport]:
    """Claims left by an interrupted run first (reconciliation), then every settled inbox file."""
    settings, report = ctx.settings, PassReport()
    remove_stale_temp_files(ctx.folders, settings.stale_temp_seconds)
    claims = list_open_claims(ctx.folders)
    for claim in claims:
        adopt_sidecar(claim, ctx.folders.inbox)
    if wait:
        scan = wait_until_settled(ctx.folders.inbox, settings.settle_seconds, settings.settle_wait_seconds)
    else:
        scan = scan_inbox(ctx.folders.inbox, settings.settle_seconds)
    report.waiting = [p.name for p in scan.waiting]
    report.ignored = [p.name for p in scan.ignored]
    for path in scan.ready:
        claim = claim_file(path, ctx.folders)
        if claim is not None:
            claims.append(claim)
    for hook in _progress:
        hook.start(len(claims))
    return claims, report


class ClaimQueue:
    """The claims of one pass, handed out one at a time to whichever worker is free.

    One task per worker takes claims until the queue is empty: the workers balance themselves (a
    long file holds up only its own worker), and Prefect records a task run per worker instead of
    one per batch; each task run costs its API about 30 ms CPU (benchmarks/inbox.py).
    """

    def __init__(self, claims: Sequence[Claim]) -> None:
        self._pending: queue.SimpleQueue[tuple[int, Claim]] = queue.SimpleQueue()
        for position, claim in enumerate(claims):
            self._pending.put((position, claim))
        self.size = len(claims)

    def take(self) -> tuple[int, Claim] | None:
        try:
            return self._pending.get_nowait()
        except queue.Empty:
            return None


def count_tasks(files: int, workers: int) -> int:
    """One task per worker, but no idle ones."""
    return min(workers, files)


def process_claims(claims: ClaimQueue, ctx: PassContext) -> list[tuple[int, DocumentOutcome]]:
    """Claims from the pass's queue, one after the other, each with its place in the pass."""
    outcomes = []
    while (taken := claims.take()) is not None:
        position, claim = taken
        outcome = process_claim(claim, ctx)
        if outcome is not None:
            outcomes.append((position, outcome))
            for hook in _progress:
                hook.advance(outcome)
    return outcomes


def add_outcomes(report: PassReport, results: Iterable[list[tuple[int, DocumentOutcome]]]) -> None:
    """The workers' outcomes in the order the files were claimed."""
    report.outcomes.extend(outcome for _, outcome in sorted(chain.from_iterable(results), key=itemgetter(0)))


def finish_pass(ctx: PassContext, report: PassReport) -> PassReport:
    """Export the stored records when anything new was stored or the export is missing or older."""
    target = ctx.folders.out / "records.jsonl"
    with ctx.db.session() as session:
        newest = latest_extraction_time(session)
    exported = dt.datetime.fromtimestamp(target.stat().st_mtime, dt.UTC) if target.exists() else None
    if any(o.outcome == "processed" for o in report.outcomes) or (newest and (exported is None or exported < newest)):
        export_stored_records(ctx)
    return report


def export_stored_records(ctx: PassContext) -> None:
    with ctx.db.session() as session:
        lines = [record.model_dump_json() + "\n" for record in export_records(session, PIPELINE_VERSION)]
    write_bytes_atomically(ctx.folders.out / "records.jsonl", "".join(lines).encode("utf-8"))


def run_inbox_pass(settings: Settings, *, wait: bool = True) -> PassReport:
    """One pass without Prefect: the same stages, ``settings.workers`` threads sharing the claims."""
    ctx = open_pass(settings)
    with hold_pass_lock(ctx.folders):
        claims, report = collect_claims(ctx, wait=wait)
        pending = ClaimQueue(claims)
        tasks = count_tasks(pending.size, settings.workers)
        with ThreadPoolExecutor(max_workers=max(1, tasks)) as pool:
            add_outcomes(report, pool.map(lambda _: process_claims(pending, ctx), range(tasks)))
        return finish_pass(ctx, report)
