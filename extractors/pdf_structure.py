"""The pypdf side of the PDF reader: encryption, page count, metadata, outline, bomb screening.

pypdf runs first because it stops decompression bombs at its own output limit (75 MB per
stream, DESIGN.md "Known traps"); those limits are left at pypdf's defaults on purpose.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.filters import decode_stream_data
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from schemas.errors import ErrorCode, InputError

log = logging.getLogger(__name__)

MAX_OUTLINE_DEPTH = 16
MAX_OUTLINE_ENTRIES = 5000
MAX_METADATA_VALUE = 2000  # characters kept per metadata value
FONT_FILE_KEYS = ("/FontFile", "/FontFile2", "/FontFile3")

MSG_DAMAGED = "Die PDF-Datei ist beschädigt oder unvollständig und kann nicht gelesen werden."
MSG_ENCRYPTED = (
    "Die PDF-Datei ist mit einem Kennwort geschützt und kann nicht geöffnet werden. "
    "Bitte eine Fassung ohne Kennwort einreichen."
)


@dataclass(slots=True)
class Inspection:
    """What pypdf learned about the file (None as a whole if pypdf cannot read it)."""

    reader: PdfReader
    page_count: int
    metadata: dict[str, str]
    outline: list[tuple[int, str, int | None]]


def inspect_with_pypdf(path: Path) -> Inspection | None:
    """Open with pypdf; None if pypdf cannot read the file (pypdfium2 may still manage).

    Raises ``ENCRYPTED`` when the file needs a user password and ``HOSTILE_FILE`` when pypdf
    stops a decompression bomb.
    """
    try:
        reader = PdfReader(path, strict=False)
    except LimitReachedError as exc:
        raise hostile_error(exc) from exc
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure: let pypdfium2 try
        log.debug("pypdf cannot open %s: %r", path, exc)
        return None
    try:
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise InputError(MSG_ENCRYPTED, code=ErrorCode.ENCRYPTED)
        page_count = len(reader.pages)
    except LimitReachedError as exc:
        reader.close()
        raise hostile_error(exc) from exc
    except InputError:
        reader.close()
        raise
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - unsupported security handler, broken page tree
        log.debug("pypdf cannot read %s: %r", path, exc)
        reader.close()
        return None
    if page_count == 0:
        reader.close()
        return None
    return Inspection(reader, page_count, read_metadata(reader), read_outline(reader))


def read_metadata(reader: PdfReader) -> dict[str, str]:
    """The document information dictionary as ``{"Title": ..., "CreationDate": ...}``."""
    try:
        info = reader.metadata or {}
        items = list(info.items())
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - metadata is optional; a broken one is skipped
        log.debug("unreadable metadata: %r", exc)
        return {}
    metadata = {}
    for key, value in items[:100]:
        try:
            text = str(value.get_object() if isinstance(value, IndirectObject) else value)
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001
            continue
        if text.strip():
            metadata[str(key).lstrip("/")] = text.strip()[:MAX_METADATA_VALUE]
    return metadata


def read_outline(reader: PdfReader) -> list[tuple[int, str, int | None]]:
    """Flatten the outline into ``(level, title, 1-based page or None)``, bounded in depth and size."""
    try:
        with apply_configuration(outline_maximum_depth=MAX_OUTLINE_DEPTH,
                                 outline_maximum_entries=MAX_OUTLINE_ENTRIES):
            nested = reader.outline
            entries: list[tuple[int, str, int | None]] = []
            _flatten_outline(reader, nested, 0, entries)
            return entries
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken or cyclic outline is skipped, not fatal
        log.debug("unreadable outline: %r", exc)
        return []


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
    try:
        for key, stream in _page_streams(reader.pages[index]):
            if key not in seen:
                seen.add(key)
                decode_stream_data(stream)
    except LimitReachedError as exc:
        raise hostile_error(exc) from exc
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - broken streams are pypdfium2's business
        log.debug("stream screening skipped on page %d: %r", index + 1, exc)


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
    log.warning("pypdf limit reached: %s", exc)
    return InputError(
        "Die PDF-Datei enthält Daten, die entpackt ein Vielfaches ihrer Größe ergäben oder "
        "übermäßig verschachtelt sind (mögliche Kompressionsbombe); sie wird nicht verarbeitet.",
        code=ErrorCode.HOSTILE_FILE,
    )
