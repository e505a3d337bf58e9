"""Recognise a file's format from its first bytes, never from its name alone."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

from extractors.docx_safety import OLE2_MAGIC, sniff_container
from schemas.errors import ErrorCode, InputError

Format = Literal["pdf", "docx"]

_KNOWN_OTHER = (
    (b"\x89PNG\r\n\x1a\n", "ein PNG-Bild"),
    (b"\xff\xd8\xff", "ein JPEG-Bild"),
    (b"GIF8", "ein GIF-Bild"),
    (b"II*\x00", "ein TIFF-Bild"),
    (b"MM\x00*", "ein TIFF-Bild"),
    (b"{\\rtf", "ein RTF-Dokument"),
)


def sniff_format(path: Path) -> Format:
    """Return ``"pdf"`` or ``"docx"``, or raise a classified ``InputError``."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head:
        raise InputError("Die Datei ist leer (0 Byte).", code=ErrorCode.EMPTY_FILE)
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(OLE2_MAGIC):
        with path.open("rb") as handle:
            sniff_container(handle)  # raises: legacy .doc, or a password-protected .docx
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    raise InputError(
        f"Die Datei ist weder PDF noch Word-Dokument (erkannt: {describe_head(head)}).",
        code=ErrorCode.UNSUPPORTED_FORMAT,
    )


def _sniff_zip(path: Path) -> Format:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"Beschädigtes ZIP/Word-Archiv: {exc}", code=ErrorCode.DAMAGED_FILE) from exc
    if "word/document.xml" in names or "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return "docx"
    if "word/document.xml" not in names and "[Content_Types].xml" in names:
        raise InputError("Office-Datei, aber kein Word-Dokument (z. B. Excel oder PowerPoint).",
                         code=ErrorCode.UNSUPPORTED_FORMAT)
    raise InputError("ZIP-Archiv statt PDF oder Word-Dokument.", code=ErrorCode.UNSUPPORTED_FORMAT)


def describe_head(head: bytes) -> str:
    """What the first bytes of a file that is neither PDF nor Word are, in words for the clerk."""
    for magic, label in _KNOWN_OTHER:
        if head.startswith(magic):
            return label
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "eine HTML-Seite"
    if lowered.startswith(b"<?xml"):
        return "eine XML-Datei"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "unbekannte Binärdaten"
    return "reiner Text"
