"""Read e-mails saved as ``.eml`` that Länder ministries send to the Geschäftsstelle.

The attachments (PDF, DOCX) are the motions; the ``Date`` header is the time of receipt and the
``From`` header names the sender. Parsing is left to the standard library (``email`` with
``email.policy.default``, which also decodes RFC 2047 encoded words and RFC 2231 parameters);
this module only walks the parts, decides each attachment's format by its bytes (never by its
name or Content-Type) and turns file names into safe ones.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import errors as email_errors
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from pathlib import Path
from typing import Literal

from extractors.docx_safety import OLE2_MAGIC, sniff_container
from extractors.limits import ExtractionLimits
from extractors.sniff import describe_head
from schemas.errors import EnvironmentProblem, ErrorCode, InputError

AttachmentFormat = Literal["pdf", "docx"]

_HEAD_BYTES = 4096  # is_email_file looks at this much
_MAX_MESSAGE_DEPTH = 5  # forwarded mails inside forwarded mails …
_MAX_MIME_DEPTH = 32  # nested multiparts of any kind
_MAX_NAME_BYTES = 200
_MAX_HEADER_CHARS = 998  # RFC 5322 line length; longer values are cut
_KNOWN_HEADERS = frozenset({
    "from", "date", "subject", "mime-version", "received", "return-path", "message-id", "to", "cc",
    "reply-to", "sender", "content-type", "content-transfer-encoding", "delivered-to", "x-mailer",
    "user-agent", "dkim-signature", "authentication-results", "in-reply-to", "references",
    "thread-topic", "thread-index", "x-originating-ip", "importance",
})
_HEADER_LINE = re.compile(rb"^([!-9;-~]+)[ \t]*:")  # field name: printable ASCII without ":"
_MBOX_FROM_LINE = re.compile(rb"^From \S")  # "From - Mon Jan 1 …" written by Thunderbird
_CORRUPT_BASE64 = (email_errors.InvalidBase64CharactersDefect, email_errors.InvalidBase64LengthDefect)
# What the stdlib parser and its header classes may raise on malformed input.
_PARSE_ERRORS = (email_errors.MessageError, ValueError, TypeError, IndexError, KeyError, LookupError,
                 AttributeError, OverflowError, RecursionError)
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError)
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)
_EXTENSIONS: dict[str, str] = {"pdf": ".pdf", "docx": ".docx"}


@dataclass(frozen=True, slots=True)
class Attachment:
    """One motion attached to the e-mail; ``name`` is safe to use as a file name."""

    name: str
    data: bytes
    format: AttachmentFormat


@dataclass(frozen=True, slots=True)
class EmailContent:
    """What the pipeline needs from one e-mail: receipt time, sender and the motions."""

    date: datetime | None  # timezone-aware; None if missing or unparsable
    sender: str | None  # the From header, e.g. "Max Muster <max.muster@mi.niedersachsen.de>"
    subject: str | None
    message_id: str | None
    attachments: list[Attachment]
    skipped: list[str]  # German notes about ignored parts, for the clerk


@dataclass(slots=True)
class _Walk:
    """Collects attachments and notes while the parts are walked."""

    limits: ExtractionLimits
    attachments: list[Attachment] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    total_bytes: int = 0
    taken_names: set[str] = field(default_factory=set)


def is_email_file(path: Path) -> bool:
    """Cheap sniff: do the first 4 kB look like RFC 5322 headers (two known names, or one in a
    head made only of header lines)? For routing ``.eml`` files and mails saved without extension."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return False
    return _looks_like_email(head)


def read_email(path: Path, limits: ExtractionLimits) -> EmailContent:
    """Read a saved e-mail and return its PDF/DOCX attachments, or raise a classified ``InputError``."""
    raw = _read_bytes(Path(path), limits)
    if not _looks_like_email(raw[:_HEAD_BYTES]):
        raise InputError(
            "Die Datei ist keine E-Mail (keine Kopfzeilen wie From, Date oder Content-Type gefunden).",
            code=ErrorCode.UNSUPPORTED_FORMAT,
        )
    message = _parse(raw)
    walk = _Walk(limits)
    _walk_part(message, walk, message_depth=0, mime_depth=0)
    if not walk.attachments:
        ignored = f" Ignoriert: {' '.join(walk.skipped)}" if walk.skipped else ""
        raise InputError(f"Die E-Mail enthält keinen PDF- oder Word-Anhang.{ignored}",
                         code=ErrorCode.UNSUPPORTED_FORMAT)
    return EmailContent(
        date=_read_date(message),
        sender=_read_header(message, "From"),
        subject=_read_header(message, "Subject"),
        message_id=_read_header(message, "Message-ID"),
        attachments=walk.attachments,
        skipped=walk.skipped,
    )


def _read_bytes(path: Path, limits: ExtractionLimits) -> bytes:
    """The whole file, after checking its size (before any parsing)."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            if size == 0:
                raise InputError("Die Datei ist leer (0 Byte).", code=ErrorCode.EMPTY_FILE)
            if size > limits.max_file_bytes:
                raise _too_large(size, limits)
            handle.seek(0)
            raw = handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise EnvironmentProblem(f"Die Datei {path.name!r} kann nicht gelesen werden: {exc.strerror}",
                                 code=ErrorCode.FILE_ACCESS) from exc
    if len(raw) > limits.max_file_bytes:  # the file grew after the size check
        raise _too_large(len(raw), limits)
    return raw


def _too_large(size: int, limits: ExtractionLimits) -> InputError:
    return InputError(
        f"Die E-Mail ist {size / 1e6:.1f} MB groß; erlaubt sind höchstens {limits.max_file_bytes / 1e6:.1f} MB.",
        code=ErrorCode.LIMIT_EXCEEDED,
    )


def _looks_like_email(head: bytes) -> bool:
    """Header lines (or folded continuations) up to the first non-header line, with two known
    names; a head made only of header lines (a long ``Received`` chain) needs one."""
    if b"\x00" in head:
        return False
    lines = head.removeprefix(b"\xef\xbb\xbf").splitlines()
    if lines and _MBOX_FROM_LINE.match(lines[0]):
        lines = lines[1:]
    known: set[bytes] = set()
    for index, line in enumerate(lines):
        if line[:1] in (b" ", b"\t") and line.strip():
            if index == 0:
                return False
            continue
        match = _HEADER_LINE.match(line)
        if match is None:  # blank line (end of headers) or body text
            return len(known) >= 2
        name = match.group(1).lower()
        if name.decode("ascii") in _KNOWN_HEADERS:
            known.add(name)
    return len(known) >= (1 if len(head) >= _HEAD_BYTES else 2)


def _parse(raw: bytes) -> EmailMessage:
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except _PARSE_ERRORS as exc:
        raise InputError(f"Die E-Mail ist beschädigt und kann nicht gelesen werden ({type(exc).__name__}).",
                         code=ErrorCode.DAMAGED_FILE) from exc
    assert isinstance(message, EmailMessage)  # guaranteed by policy.default
    return message


def _read_header(message: Message, name: str) -> str | None:
    """A header as decoded text on one line, or None if missing, empty or unreadable."""
    try:
        value = message[name]
        text = None if value is None else str(value)
    except _PARSE_ERRORS:
        return None
    if text is None:
        return None
    cleaned = " ".join(_remove_controls(text).split())[:_MAX_HEADER_CHARS]
    return cleaned or None


def _read_date(message: Message) -> datetime | None:
    """The Date header as an aware datetime; "-0000" (zone unknown) counts as UTC (RFC 5322 3.3)."""
    try:
        header = message["Date"]
        moment = getattr(header, "datetime", None)
    except _PARSE_ERRORS:
        return None
    if not isinstance(moment, datetime):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _walk_part(part: Message, walk: _Walk, *, message_depth: int, mime_depth: int) -> None:
    """Visit ``part`` and its children in document order, forwarded mails included."""
    if mime_depth > _MAX_MIME_DEPTH:
        walk.skipped.append("Teile in zu großer Verschachtelungstiefe ignoriert.")
        return
    if not part.is_multipart():
        _take_leaf(part, walk, message_depth=message_depth, mime_depth=mime_depth)
        return
    if part.get_content_maintype() == "message":  # message/rfc822: a forwarded mail
        if message_depth >= _MAX_MESSAGE_DEPTH:
            walk.skipped.append("Weitergeleitete E-Mail in zu großer Verschachtelungstiefe ignoriert.")
            return
        message_depth += 1
    children = part.get_payload()
    for child in children if isinstance(children, list) else []:
        if isinstance(child, Message):
            _walk_part(child, walk, message_depth=message_depth, mime_depth=mime_depth + 1)


def _take_leaf(part: Message, walk: _Walk, *, message_depth: int, mime_depth: int) -> None:
    """Keep a PDF/DOCX, descend into a mail sent as a plain file, note everything else."""
    name = _clean_name(_raw_filename(part))
    if _is_text_body(part, name):
        return
    label = _fit(name, "") if name else f"ohne Namen ({_remove_controls(part.get_content_type())})"
    data = _decode(part)
    if data is None:
        walk.skipped.append(f"Anhang {label} übersprungen (Kodierung beschädigt, nicht lesbar).")
        return
    kind = _detect_format(data)
    if kind is not None:
        _add_attachment(walk, name, data, kind)
    elif _looks_like_email(data[:_HEAD_BYTES]) and message_depth < _MAX_MESSAGE_DEPTH:
        _walk_attached_mail(data, label, walk, message_depth=message_depth, mime_depth=mime_depth)
    elif part.get_content_maintype() == "image" and part.get_content_disposition() != "attachment":
        walk.skipped.append(f"Eingebettetes Bild {label} ignoriert.")
    else:
        walk.skipped.append(f"Anhang {label} ignoriert (kein PDF oder Word-Dokument, sondern {_describe(data)}).")


def _walk_attached_mail(data: bytes, label: str, walk: _Walk, *, message_depth: int, mime_depth: int) -> None:
    """A forwarded mail that arrived as a plain file (``.eml`` as octet-stream, base64 rfc822)."""
    try:
        inner = _parse(data)
    except InputError:
        walk.skipped.append(f"Anhang {label} übersprungen (weitergeleitete E-Mail beschädigt).")
        return
    _walk_part(inner, walk, message_depth=message_depth + 1, mime_depth=mime_depth + 1)


def _is_text_body(part: Message, name: str | None) -> bool:
    """The text or HTML body of a mail: text/* without a file name, not marked as attachment."""
    return (part.get_content_maintype() == "text" and name is None
            and part.get_content_disposition() != "attachment")


def _raw_filename(part: Message) -> str | None:
    """Filename (Content-Disposition) or name (Content-Type), RFC 2231 and encoded words decoded."""
    try:
        value = part.get_filename()
    except _PARSE_ERRORS:
        return None
    return value if isinstance(value, str) else None


def _decode(part: Message) -> bytes | None:
    """The decoded payload, or None when its base64 is broken (the stdlib only records defects)."""
    known_defects = len(part.defects)
    try:
        data = part.get_payload(decode=True)
    except _PARSE_ERRORS:
        return None
    if any(isinstance(defect, _CORRUPT_BASE64) for defect in part.defects[known_defects:]):
        return None
    return data if isinstance(data, bytes) else b""


def _detect_format(data: bytes) -> AttachmentFormat | None:
    """``"pdf"`` or ``"docx"`` by the bytes (the same rules as ``extractors.sniff``), else None."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04") and _is_word_archive(data):
        return "docx"
    return None


def _is_word_archive(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except _ZIP_ERRORS:
        return False
    return "word/document.xml" in names or (
        "[Content_Types].xml" in names and any(name.startswith("word/") for name in names))


def _describe(data: bytes) -> str:
    """What a rejected attachment is instead, in words for the clerk."""
    if not data:
        return "eine leere Datei"
    if data.startswith(OLE2_MAGIC):
        try:
            sniff_container(io.BytesIO(data))
        except InputError as error:
            if error.code == ErrorCode.ENCRYPTED:
                return "ein mit Kennwort geschütztes Word-Dokument"
        return "ein altes Word-Dokument (.doc) – bitte als .docx oder PDF anfordern"
    if data.startswith(b"PK"):
        return "ein ZIP-Archiv"
    return describe_head(data[:1024])


def _add_attachment(walk: _Walk, name: str | None, data: bytes, kind: AttachmentFormat) -> None:
    walk.total_bytes += len(data)
    if walk.total_bytes > walk.limits.max_file_bytes:
        raise InputError(
            f"Die Anhänge der E-Mail sind zusammen über {walk.limits.max_file_bytes / 1e6:.1f} MB groß.",
            code=ErrorCode.LIMIT_EXCEEDED,
        )
    safe = _unique(_attachment_name(name, kind, len(walk.attachments) + 1), walk.taken_names)
    walk.attachments.append(Attachment(name=safe, data=data, format=kind))


def _attachment_name(name: str | None, kind: AttachmentFormat, number: int) -> str:
    """``name`` with the extension that fits the bytes (``antrag`` → ``antrag.pdf``)."""
    extension = _EXTENSIONS[kind]
    stem = name or ""
    if stem.lower().endswith(extension):
        stem, extension = stem[: -len(extension)], stem[-len(extension):]
    stem = _fit(stem, extension).rstrip(". ")
    if not stem or _WINDOWS_RESERVED.match(stem):
        return f"anhang-{number}{_EXTENSIONS[kind]}"
    return stem + extension


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2).pdf`` … if an earlier attachment has it (case-insensitive)."""
    stem, _, extension = name.rpartition(".")
    candidate, number = name, 2
    while candidate.casefold() in taken:
        suffix = f" ({number}).{extension}"
        candidate, number = _fit(stem, suffix) + suffix, number + 1
    taken.add(candidate.casefold())
    return candidate


def _clean_name(raw: str | None) -> str | None:
    """Basename only, NFC, no control characters, no leading dots; None when nothing is left."""
    if not raw:
        return None
    text = _remove_controls(unicodedata.normalize("NFC", raw))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE_NAME_CHARS.sub("_", " ".join(text.split()))
    text = text.lstrip(". ").rstrip(". ")
    return unicodedata.normalize("NFC", text) or None


def _fit(stem: str, extension: str) -> str:
    """Cut ``stem`` so that ``stem + extension`` has at most 200 bytes in UTF-8 (whole characters)."""
    room = _MAX_NAME_BYTES - len(extension.encode("utf-8"))
    return stem.encode("utf-8")[:max(room, 0)].decode("utf-8", errors="ignore")


def _remove_controls(text: str) -> str:
    """Control characters become spaces; format characters (bidi overrides …) and lone surrogates go."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            kept.append(" ")
        elif category not in ("Cf", "Cs"):
            kept.append(char)
    return "".join(kept)
