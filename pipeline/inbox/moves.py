"""Moving originals between the folders without ever rewriting or losing one (RELIABILITY.md rule 1).

Publishing is ``link`` then ``unlink``: a hard link fails when the target exists, so two copies of
the same bytes can never overwrite each other, and a crash between the two steps leaves both names
on one inode, which the next run recognises. Across filesystems the file is copied to a temporary
name, fsynced and linked into place before the source is removed.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from pipeline.service import remove_stale_files, write_bytes_atomically
from schemas.errors import EnvironmentProblem, ErrorCode

SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")
REASON_FILE = "GRUND.txt"
NOTE_FILE = "HINWEIS.txt"


def archive_path(archive: Path, sha256: str, name: str) -> Path:
    """Content-addressed: ``archive/ab/abcdef….pdf`` (the suffix only if it is a plain one)."""
    suffix = SAFE_SUFFIX.search(name)
    return archive / sha256[:2] / (sha256 + (suffix.group(0).lower() if suffix else ""))


def quarantine_path(quarantine: Path, sha256: str, name: str) -> Path:
    return quarantine / sha256[:12] / name


def duplicate_path(duplicates: Path, claim_id: str, name: str) -> Path:
    return duplicates / claim_id / name


def note_path(original: Path, note_name: str) -> Path:
    """The clerk's note beside an original; never the original's own name."""
    if original.name == note_name:
        return original.with_name("_" + note_name)
    return original.with_name(note_name)


class TargetTaken(Exception):
    """Another file already holds the target name (not the same file)."""


def publish(source: Path, target: Path) -> None:
    """Move ``source`` to ``target``; never replaces an existing file. Idempotent after a crash."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(source, target)
        os.unlink(source)
    except OSError as exc:
        raise describe_os_error(exc, target) from exc


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except FileExistsError:
        if not os.path.samefile(source, target):
            raise TargetTaken(str(target)) from None
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP):
            raise
        _copy_into_place(source, target)


def _copy_into_place(source: Path, target: Path) -> None:
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".tmp-", delete=False) as handle:
        temp = Path(handle.name)
    try:
        shutil.copyfile(source, temp)
        with temp.open("rb") as synced:
            os.fsync(synced.fileno())
        try:
            os.link(temp, target)
        except FileExistsError:
            raise TargetTaken(str(target)) from None
    finally:
        temp.unlink(missing_ok=True)


def take_back(target: Path, source: Path) -> None:
    """Undo a publish when the store commit failed: the original returns to its claim folder."""
    if target.exists() and not source.exists():
        publish(target, source)


def write_note(path: Path, text: str) -> None:
    write_bytes_atomically(path, text.encode("utf-8"))


def describe_os_error(exc: OSError, target: Path) -> EnvironmentProblem:
    """Disk full, read-only or missing rights: an environment problem, the input stays queued."""
    reasons = {
        errno.ENOSPC: "der Datenträger ist voll",
        errno.EDQUOT: "das Speicherkontingent ist erschöpft",
        errno.EROFS: "der Ordner ist schreibgeschützt",
        errno.EACCES: "keine Schreibrechte",
        errno.EPERM: "keine Schreibrechte",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return EnvironmentProblem(f"Ablage in {target.parent} nicht möglich: {reason}.", code=ErrorCode.FILE_ACCESS)


def remove_stale_temp_files(folders, older_than_s: float) -> int:
    """Temporary files (``.tmp-*``) a killed run left behind in the folders it writes to."""
    roots = (folders.out, folders.archive, folders.quarantine, folders.duplicates)
    return sum(remove_stale_files(root, ".tmp-*", older_than_s) for root in roots)
