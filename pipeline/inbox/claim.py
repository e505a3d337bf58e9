"""Finding finished files in the inbox and claiming them (RELIABILITY.md rule 7).

A file is ready when its size and modification time have not changed for ``settle_seconds``.
Claiming is one atomic rename into a fresh folder ``processing/<claim id>/``: whoever renames
first owns the file, and the claim id records when it was first seen.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.inbox.folders import Folders
from pipeline.receipt import find_sidecar, is_sidecar
from schemas.errors import EnvironmentProblem, ErrorCode

# Names a clerk's tools leave behind while writing, or that are not documents.
IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".swp")
IGNORED_NAMES = {"thumbs.db", "desktop.ini"}
CLAIM_TIME = "%Y%m%dT%H%M%S%fZ"
ATTACHMENTS = ".anhaenge"  # e-mail attachments are written here inside a claim folder


@dataclass(frozen=True, slots=True)
class Claim:
    """A file the pipeline owns now: ``processing/<claim_id>/<name>``."""

    claim_id: str
    folder: Path
    name: str

    @property
    def path(self) -> Path:
        return self.folder / self.name

    @property
    def claimed_at(self) -> dt.datetime:
        return dt.datetime.strptime(self.claim_id.split("-")[0], CLAIM_TIME).replace(tzinfo=dt.UTC)


@dataclass(slots=True)
class InboxScan:
    ready: list[Path]
    waiting: list[Path]  # still being written
    ignored: list[Path]  # temporary names, links, FIFOs, folders


def is_ignored_name(name: str) -> bool:
    lowered = name.lower()
    return name.startswith((".", "~$")) or lowered in IGNORED_NAMES or lowered.endswith(IGNORED_SUFFIXES)


def scan_inbox(inbox: Path, settle_seconds: float, clock: Callable[[], float] = time.time) -> InboxScan:
    """Sort the inbox into files ready to claim, files still being written, and files never read.

    ``lstat`` only: symlinks, FIFOs and devices are never opened or followed.
    """
    scan = InboxScan([], [], [])
    try:
        entries = sorted(inbox.iterdir())
    except OSError as exc:
        raise EnvironmentProblem(f"Eingangsordner nicht lesbar: {inbox} ({exc.strerror})", code=ErrorCode.FILE_ACCESS) from exc
    now = clock()
    for entry in entries:
        if is_ignored_name(entry.name) or is_sidecar(entry):
            continue  # sidecars travel with their document
        try:
            info = entry.lstat()
        except FileNotFoundError:
            continue  # deleted meanwhile: never ours
        if not stat.S_ISREG(info.st_mode):
            scan.ignored.append(entry)
        elif now - info.st_mtime < settle_seconds:
            scan.waiting.append(entry)
        else:
            scan.ready.append(entry)
    return scan


def wait_until_settled(
    inbox: Path, settle_seconds: float, max_wait: float, clock: Callable[[], float] = time.time
) -> InboxScan:
    """Scan, and while files are still being written wait for them, at most ``max_wait`` seconds."""
    deadline = clock() + max_wait
    scan = scan_inbox(inbox, settle_seconds, clock)
    while scan.waiting and clock() < deadline:
        time.sleep(min(max(settle_seconds / 4, 0.05), max(deadline - clock(), 0)))
        scan = scan_inbox(inbox, settle_seconds, clock)
    return scan


def new_claim_id(now: dt.datetime | None = None) -> str:
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"{moment.strftime(CLAIM_TIME)}-{secrets.token_hex(4)}"


def claim_file(path: Path, folders: Folders) -> Claim | None:
    """Move ``path`` into a fresh claim folder by one atomic rename; None if it vanished or changed.

    A sidecar ``NAME.toml`` beside it moves along afterwards.
    """
    try:
        before = path.lstat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(before.st_mode):
        return None
    claim_id = new_claim_id()
    folder = folders.processing / claim_id
    try:
        folder.mkdir()
        os.rename(path, folder / path.name)
    except FileNotFoundError:
        folder.rmdir()
        return None
    except OSError as exc:
        _remove_empty(folder)
        raise EnvironmentProblem(f"Datei kann nicht übernommen werden: {path.name} ({exc.strerror})") from exc
    _move_sidecar(path, folder)
    return Claim(claim_id, folder, path.name)


def adopt_sidecar(claim: Claim, inbox: Path) -> None:
    """A run killed between claiming a file and moving its sidecar left the sidecar in the inbox."""
    if claim.name:
        _move_sidecar(inbox / claim.name, claim.folder)


def _move_sidecar(document: Path, folder: Path) -> None:
    sidecar = find_sidecar(document)
    if sidecar is None:
        return
    try:
        os.rename(sidecar, folder / sidecar.name)
    except FileNotFoundError:
        pass


def _remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def list_open_claims(folders: Folders) -> list[Claim]:
    """Claims a crashed or interrupted run left in ``processing/`` (oldest first)."""
    claims = []
    for folder in sorted(folders.processing.iterdir()):
        if not folder.is_dir() or folder.is_symlink():
            continue
        documents = [p for p in folder.iterdir() if not is_sidecar(p) and p.name != ATTACHMENTS]
        if documents:
            claims.append(Claim(folder.name, folder, documents[0].name))
        else:
            claims.append(Claim(folder.name, folder, ""))  # only the clean-up is left
    return claims


