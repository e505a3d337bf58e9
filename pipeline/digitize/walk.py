"""The files of an archive tree that ``intmk digitize`` takes: PDFs, found by their bytes."""

from __future__ import annotations

import os
from pathlib import Path

from extractors.sniff import sniff_format
from schemas.errors import InputError, UsageProblem


def find_scans(root: Path, *, exclude: Path | None = None) -> list[Path]:
    """Every regular PDF below ``root`` in a stable order; links, hidden names and ``exclude`` skipped."""
    if not root.is_dir():
        raise UsageProblem(f"{root} ist kein Ordner.")
    skip = exclude.resolve() if exclude is not None else None
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (skip is None or (here / d).resolve() != skip))
        for name in sorted(files):
            path = here / name
            if not name.startswith(".") and not path.is_symlink() and is_pdf(path):
                found.append(path)
    return found


def is_pdf(path: Path) -> bool:
    """By its bytes, the same way the inbox decides (``extractors.sniff``)."""
    try:
        return sniff_format(path) == "pdf"
    except (InputError, OSError):
        return False


def count_pages(paths: list[str]) -> list[int]:
    """Pages of each PDF for the progress bar, 0 where one cannot be opened (the stage reports why).

    Parses untrusted files: call it through ``pipeline.isolation.run_isolated`` (``plan_batch``).
    """
    import pypdfium2

    counts = []
    for path in paths:
        try:
            document = pypdfium2.PdfDocument(path)
        except Exception:  # noqa: BLE001 - any failure here only affects the ETA
            counts.append(0)
            continue
        try:
            counts.append(len(document))
        finally:
            document.close()
    return counts
