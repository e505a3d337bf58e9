"""The pypdf side of the PDF reader: encryption, page count, metadata, outline, bomb screening.

pypdf runs first because it stops decompression bombs at its own output limit (75 MB per
stream, DESIGN.md "Known traps"); those limits are left at pypdf's defaults on purpose.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.filters import decode_stream_data
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from extractors.parser_errors import (
    MSG_ENCRYPTED,
    to_input_error,
    tolerate_parser_errors,
)
from schemas.errors import EnvironmentProblem, ErrorCode, InputError

__all__ = ["MSG_DAMAGED", "MSG_ENCRYPTED", "Inspection", "inspect_with_pypdf", "screen_page_streams"]

log = logging.getLogger(__name__)

MAX_OUTLINE_DEPTH = 16
MAX_OUTLINE_ENTRIES = 5000
MAX_METADATA_VALUE = 2000  # characters kept per metadata value
FONT_FILE_KEYS = ("/FontFile", "/FontFile2", "/FontFile3")

MSG_DAMAGED = "Die PDF-Datei ist beschädigt oder unvollständig und kann nicht gelesen werden."
_ENCRYPT_REFERENCE = re.compile(rb"/Encrypt\s*\d+\s+\d+\s+R")


@dataclass(slots=True)
class Inspection:
    """What pypdf learned about the file (None as a whole if pypdf cannot read it)."""

    reader: PdfReader
    page_count: int
    metadata: dict[str, str]
    outline: list[tuple[int, str, int | None]]
    # The file's bytes with its /Encrypt entry blanked, when only attachments are encrypted
    # (pages and strings in clear text): every reader reads these instead of the file.
    clear_bytes: bytes | None = None


def inspect_with_pypdf(path: Path) -> Inspection | None:
    """Open with pypdf; None if pypdf cannot read the file (pypdfium2 may still manage).

    Raises ``ENCRYPTED`` when the file needs a user password for its pages and ``HOSTILE_FILE``
    when pypdf stops a decompression bomb. A file encrypted with an owner password only, or
    whose encryption covers only its attachments, is read.
    """
    reader, clear = _open_reader(path), None
    if reader is None:
        return None
    try:
        with tolerate_parser_errors("pypdf") as outcome:
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                clear = clear_text_copy(path, reader)
                reader.close()
                reader = _open_reader(io.BytesIO(clear))
            page_count = len(reader.pages) if reader is not None else 0
    except BaseException:
        if reader is not None:
            reader.close()
        raise
    if outcome.failed or page_count == 0:
        if reader is not None:
            reader.close()
        return None
    return Inspection(reader, page_count, read_metadata(reader), read_outline(reader), clear)


def _open_reader(source: Path | io.BytesIO) -> PdfReader | None:
    with tolerate_parser_errors("pypdf, opening") as outcome:
        reader = PdfReader(source, strict=False)
    return None if outcome.failed else reader


def clear_text_copy(path: Path, reader: PdfReader) -> bytes:
    """The file with its /Encrypt reference blanked, if the encryption spares pages and strings.

    PDF 1.5+ crypt filters may encrypt only embedded files (``/StmF`` and ``/StrF`` are
    ``/Identity``, ``/EFF`` names a real filter): Acrobat's "encrypt only file attachments".
    The page content is then in clear text and needs no password; blanking the reference
    (same length, so every offset stays valid) lets all readers read it as a plain file.
    Raises ``ENCRYPTED`` when the pages themselves are encrypted.
    """
    encrypt = _resolve(reader.trailer.get("/Encrypt"))
    if not isinstance(encrypt, DictionaryObject) or not _spares_pages_and_strings(encrypt):
        raise InputError(MSG_ENCRYPTED, code=ErrorCode.ENCRYPTED)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise EnvironmentProblem(f"Die Datei kann nicht gelesen werden: {exc.strerror or exc}") from exc
    clear, count = _ENCRYPT_REFERENCE.subn(lambda match: b" " * len(match.group()), data)
    if count == 0:
        raise InputError(MSG_ENCRYPTED, code=ErrorCode.ENCRYPTED)
    log.info("only attachments are encrypted; reading the pages without a password")
    return clear


def _spares_pages_and_strings(encrypt: DictionaryObject) -> bool:
    version = encrypt.get("/V", 0)
    if not isinstance(version, int) or version < 4:
        return False  # before crypt filters (V 4), everything is encrypted
    filters = _resolve(encrypt.get("/CF"))
    filters = filters if isinstance(filters, DictionaryObject) else DictionaryObject()
    return all(_is_identity(encrypt.get(key, "/Identity"), filters) for key in ("/StmF", "/StrF"))


def _is_identity(name: object, filters: DictionaryObject) -> bool:
    if name == "/Identity":
        return True
    definition = _resolve(filters.get(name))
    return isinstance(definition, DictionaryObject) and definition.get("/CFM") == "/None"


def read_metadata(reader: PdfReader) -> dict[str, str]:
    """The document information dictionary as ``{"Title": ..., "CreationDate": ...}``."""
    with tolerate_parser_errors("pypdf, metadata") as outcome:  # optional: a broken one is skipped
        info = reader.metadata or {}
        items = list(info.items())
    if outcome.failed:
        return {}
    metadata = {}
    for key, value in items[:100]:
        with tolerate_parser_errors("pypdf, metadata value") as outcome:
            text = str(value.get_object() if isinstance(value, IndirectObject) else value)
        if not outcome.failed and text.strip():
            metadata[str(key).lstrip("/")] = text.strip()[:MAX_METADATA_VALUE]
    return metadata


def read_outline(reader: PdfReader) -> list[tuple[int, str, int | None]]:
    """Flatten the outline into ``(level, title, 1-based page or None)``, bounded in depth and size."""
    entries: list[tuple[int, str, int | None]] = []
    limits = apply_configuration(outline_maximum_depth=MAX_OUTLINE_DEPTH, outline_maximum_entries=MAX_OUTLINE_ENTRIES)
    with tolerate_parser_errors("pypdf, outline") as outcome, limits:  # a broken or cyclic outline is skipped
        _flatten_outline(reader, reader.outline, 0, entries)
    return [] if outcome.failed else entries


def _flatten_outline(reader: PdfReader, nested: list, level: int, out: list) -> None:
    for item in nested:
        if len(out) >= MAX_OUTLINE_ENTRIES:
            return
        if isinstance(item, list):
            if level < MAX_OUTLINE_DEPTH:
                _flatten_outline(reader, item, level + 1, out)
            continue
        page = reader.get_destination_page_number(item)
        title = str(item.title or "").strip()
        out.append((level, title, page + 1 if page is not None and page >= 0 else None))


def screen_page_streams(reader: PdfReader, index: int, seen: set[int]) -> None:
    """Decode the page's content, form and font streams with pypdf's output limit.

    pypdfium2 has no such limit (a bomb grows it to 2.6 GB), so this runs before it touches
    the page. Streams are decoded without caching the result; shared ones only once (``seen``).
    """
    with tolerate_parser_errors(f"stream screening, page {index + 1}"):  # broken streams: pypdfium2's business
        for key, stream in _page_streams(reader.pages[index]):
            if key not in seen:
                seen.add(key)
                decode_stream_data(stream)


def _page_streams(page: DictionaryObject) -> Iterator[tuple[int, StreamObject]]:
    """``(object id, stream)`` for the page's contents, form XObjects and embedded fonts."""
    contents = page.get("/Contents")
    resolved = _resolve(contents)
    candidates = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    resources = _resolve(page.get("/Resources"))
    resources = resources if isinstance(resources, DictionaryObject) else DictionaryObject()
    for reference, xobject in _dict_items(resources.get("/XObject")):
        if xobject.get("/Subtype") == "/Form":
            candidates.append(reference)
    for _reference, font in _dict_items(resources.get("/Font")):
        descendants = _resolve(font.get("/DescendantFonts"))
        fonts = [font, *(_resolve(f) for f in descendants)] if isinstance(descendants, ArrayObject) else [font]
        for item in fonts:
            descriptor = _resolve(item.get("/FontDescriptor")) if isinstance(item, DictionaryObject) else None
            if isinstance(descriptor, DictionaryObject):
                candidates.extend(descriptor.get(key) for key in FONT_FILE_KEYS)
    for candidate in candidates:
        stream = _resolve(candidate)
        if isinstance(stream, StreamObject):
            yield (candidate.idnum if isinstance(candidate, IndirectObject) else id(stream)), stream


def _resolve(value):
    return value.get_object() if value is not None else None


def _dict_items(value) -> list[tuple[object, DictionaryObject]]:
    """``(reference, resolved dictionary)`` for the first 500 values of a resource dictionary."""
    value = _resolve(value)
    if not isinstance(value, DictionaryObject):
        return []
    items = [(v, _resolve(v)) for v in list(value.values())[:500]]
    return [(ref, v) for ref, v in items if isinstance(v, DictionaryObject)]


def hostile_error(exc: Exception) -> InputError:
    """pypdf stopped at one of its limits (decompressed size, nesting, entries)."""
    return to_input_error(exc, MSG_DAMAGED)
