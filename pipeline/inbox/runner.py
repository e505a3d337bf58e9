"""One pass over the inbox as plain functions: recover, claim, process in batches, export.

``pipeline.flows`` runs the same steps as a Prefect flow; ``run_inbox_pass`` runs them without
Prefect (tests, benchmarks, and the fallback of ``intmk watch``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
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
    remove_stale_temp_files(ctx.folders)
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


def split_batches(claims: Sequence[Claim], size: int, workers: int) -> list[list[Claim]]:
    """Batches of at most ``size``, but at least one per worker so that both cores work."""
    size = max(1, min(size, -(-len(claims) // workers)))
    return [list(claims[i : i + size]) for i in range(0, len(claims), size)]


def process_batch(claims: Sequence[Claim], ctx: PassContext) -> list[DocumentOutcome]:
    """The claims of one batch one after the other; each parser still runs in its own child."""
    outcomes = []
    for claim in claims:
        outcome = process_claim(claim, ctx)
        if outcome is not None:
            outcomes.append(outcome)
            for hook in _progress:
                hook.advance(outcome)
    return outcomes


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
    """One pass without Prefect: the same stages, batches spread over ``settings.workers`` threads."""
    ctx = open_pass(settings)
    with hold_pass_lock(ctx.folders):
        claims, report = collect_claims(ctx, wait=wait)
        batches = split_batches(claims, settings.batch_size, settings.workers)
        with ThreadPoolExecutor(max_workers=settings.workers) as pool:
            for outcomes in pool.map(lambda batch: process_batch(batch, ctx), batches):
                report.outcomes.extend(outcomes)
        return finish_pass(ctx, report)
