"""Service functions shared by the CLI, the Prefect flows and (later) a web page.

No command-line parsing and no Prefect here: plain functions returning data.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import shutil
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extractors.extract import extract_document
from pipeline.isolation import ProcessLimits, run_isolated
from pipeline.settings import Settings
from schemas import ErrorInfo, ErrorRecord, ExtractionRecord
from schemas.errors import EnvironmentProblem, ErrorCode, ExitCode, InputError, IntmkError

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FileResult:
    """The outcome of one file: records (success or partial) or one classified error."""

    path: str
    records: list[ExtractionRecord] = field(default_factory=list)
    error: ErrorInfo | None = None
    exit_code: ExitCode = ExitCode.OK

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> str:
        if self.error is not None:
            return "failure"
        return "partial" if any(r.status == "partial" for r in self.records) else "success"

    def to_error_record(self) -> ErrorRecord:
        assert self.error is not None
        return ErrorRecord(path=self.path, error=self.error)


def process_limits(settings: Settings) -> ProcessLimits:
    return ProcessLimits(
        timeout_s=settings.timeout_seconds, cpu_s=settings.cpu_seconds, memory_mb=settings.memory_mb
    )


def extract_file(path: Path, settings: Settings, *, isolate: bool = True) -> FileResult:
    """Extract one file; never raises for a bad file, returns its classified error instead."""
    shown = str(path)
    try:
        _check_readable(path)
        limits = settings.extraction_limits()
        if isolate:
            records = run_isolated(extract_document, str(path), limits, limits=process_limits(settings))
        else:
            records = extract_document(path, limits)
    except IntmkError as exc:
        log.info("%s: %s (%s)", shown, exc.message, exc.code)
        return FileResult(shown, error=ErrorInfo(code=str(exc.code), message=exc.message), exit_code=exc.exit_code)
    return FileResult(shown, records=records)  # build_records raises rather than return none


def extract_files(paths: Iterable[Path], settings: Settings, *, isolate: bool = True) -> Iterator[FileResult]:
    """Extract each file in turn; a bad file never stops the others."""
    for path in paths:
        yield extract_file(path, settings, isolate=isolate)


SEVERITY = [ExitCode.OK, ExitCode.INPUT_FILE, ExitCode.TRANSIENT, ExitCode.ENVIRONMENT, ExitCode.CONFIG, ExitCode.INTERNAL]


def worst_exit_code(codes: Iterable[ExitCode]) -> ExitCode:
    """The most serious exit code of a batch (a bug outranks the environment, which outranks input)."""
    return max(codes, key=SEVERITY.index, default=ExitCode.OK)


def combine_exit_codes(results: Iterable[FileResult]) -> ExitCode:
    return worst_exit_code(result.exit_code for result in results)


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise EnvironmentProblem(f"Datei nicht gefunden: {path}", code=ErrorCode.FILE_ACCESS)
    if not path.is_file():
        raise InputError(f"Keine reguläre Datei: {path}", code=ErrorCode.UNSUPPORTED_FORMAT)
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise EnvironmentProblem(f"Datei nicht lesbar: {path} ({exc.strerror})", code=ErrorCode.FILE_ACCESS) from exc


def write_bytes_atomically(target: Path, data: bytes) -> Path:
    """Temp file in the same folder, fsync, rename (RELIABILITY.md rule 2): never a partial file.

    The file gets the mode a plain ``open()`` would give it (0666 less the umask, and a default
    ACL of the folder), not tempfile's 0600: colleagues on a shared drive must be able to open it.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp, descriptor = create_temp_file(target.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise EnvironmentProblem(f"Ausgabe nicht schreibbar: {target} ({exc.strerror})") from exc
    return target


TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def create_temp_file(folder: Path, attempts: int = 100) -> tuple[Path, int]:
    """A new ``.tmp-*`` file in ``folder``, created with mode 0666 so the umask decides, as for open()."""
    for _ in range(attempts):
        path = folder / f".tmp-{secrets.token_hex(8)}"
        try:
            return path, os.open(path, TEMP_FLAGS, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "keine freie temporäre Datei", str(folder))


def remove_stale_files(root: Path, pattern: str, older_than_s: float) -> int:
    """Files or folders matching ``pattern`` below ``root`` that a killed run left behind.

    Only those unchanged for ``older_than_s``: another command may be writing its own temporary
    file at this moment (``intmk documents``, a reminder, a second ``intmk digitize``). Links are
    never followed or removed.
    """
    if not root.is_dir():
        return 0
    limit, removed = time.time() - older_than_s, 0
    for path in list(root.rglob(pattern)):
        try:
            info = path.lstat()
        except FileNotFoundError:  # removed with a stale folder above it, or by its writer
            continue
        if info.st_mtime >= limit or not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            continue
        if stat.S_ISDIR(info.st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed += 1
    return removed
