"""The whole extraction of one file: sniff -> read -> clean -> fields -> records."""

from __future__ import annotations

from pathlib import Path

from extractors.hashing import sha256_file
from extractors.limits import DEFAULT_LIMITS, ExtractionLimits
from extractors.sniff import sniff_format
from schemas import ExtractionRecord
from schemas.errors import ErrorCode, InputError


def read_document(path: Path, limits: ExtractionLimits = DEFAULT_LIMITS):
    """Read a PDF or DOCX into a ``TextDocument`` (format from the bytes, not the name)."""
    _check_size(path, limits)
    file_format = sniff_format(path)
    digest = sha256_file(path)
    if file_format == "pdf":
        from extractors.pdf import read_pdf

        return read_pdf(path, limits, sha256=digest)
    from extractors.docx import read_docx

    return read_docx(path, limits, sha256=digest)


def extract_document(path: str | Path, limits: ExtractionLimits = DEFAULT_LIMITS) -> list[ExtractionRecord]:
    """Return one record per agenda item in the file, or raise a classified ``IntmkError``."""
    from extractors.records import build_records

    document = read_document(Path(path), limits)
    return build_records(document)


def _check_size(path: Path, limits: ExtractionLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise InputError(
            f"Die Datei ist {size / 1e6:.0f} MB groß; erlaubt sind höchstens "
            f"{limits.max_file_bytes / 1e6:.0f} MB.",
            code=ErrorCode.LIMIT_EXCEEDED,
        )
