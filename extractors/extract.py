"""The whole extraction of one file: sniff -> read -> clean -> fields -> records."""

from __future__ import annotations

from pathlib import Path

from extractors.document import TextDocument
from extractors.docx import read_docx
from extractors.hashing import sha256_file
from extractors.limits import DEFAULT_LIMITS, ExtractionLimits
from extractors.pdf import read_pdf
from extractors.records import build_records
from extractors.sniff import sniff_format
from schemas import ExtractionRecord
from schemas.errors import ErrorCode, InputError


def read_document(path: Path, limits: ExtractionLimits = DEFAULT_LIMITS) -> TextDocument:
    """Read a PDF or DOCX into a ``TextDocument`` (format from the bytes, not the name)."""
    _check_size(path, limits)
    reader = read_pdf if sniff_format(path) == "pdf" else read_docx
    return reader(path, limits, sha256=sha256_file(path))


def extract_document(path: str | Path, limits: ExtractionLimits = DEFAULT_LIMITS) -> list[ExtractionRecord]:
    """Return one record per agenda item in the file, or raise a classified ``IntmkError``."""
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
