"""Exceptions of the parser libraries, told apart from our bugs and mapped to ours in one place.

DESIGN.md: library exceptions (pypdf, pdfminer, pypdfium2, pikepdf, lxml, PIL, zipfile) are
mapped to ``schemas.errors`` at the edge of ``extractors/``; ``internal`` is for our bugs only.
The libraries raise their own classes (``PSException``, ``PdfminerException``, ``PdfReadError``,
``PdfiumError``, ``XMLSyntaxError`` …) and, on bad input, plain ``ValueError``, ``KeyError``,
``TypeError``, ``struct.error`` and more from deep inside their code. So an exception counts as
the parser's when its class comes from a parser package or when it was raised while a parser
library's code ran (a frame of its traceback lies in one: ``base64`` raising inside pypdf's
ASCII85 filter counts); anything raised in our own code alone stays a bug.

* ``parser_errors(message)``: a block whose parser failure makes the whole file unreadable;
  raises ``InputError`` (``DAMAGED_FILE``, ``ENCRYPTED`` or ``HOSTILE_FILE``).
* ``tolerate_parser_errors(what)``: a block whose parser failure costs only a part (a page,
  the metadata); the outcome says whether it failed, a bug still propagates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from schemas.errors import ErrorCode, InputError, IntmkError

log = logging.getLogger(__name__)

# Top-level packages (and stdlib modules) that parse untrusted bytes for us.
PARSER_PACKAGES = frozenset({
    "pdfminer", "pdfplumber", "pypdf", "pypdfium2", "pypdfium2_raw", "pikepdf", "lxml", "PIL", "docx",
    "zipfile", "zlib", "gzip", "bz2", "lzma", "struct", "email", "xml",
})
MSG_ENCRYPTED = (
    "Die PDF-Datei ist mit einem Kennwort geschützt und kann nicht geöffnet werden. "
    "Bitte eine Fassung ohne Kennwort einreichen."
)
MSG_HOSTILE = (
    "Die PDF-Datei enthält Daten, die entpackt ein Vielfaches ihrer Größe ergäben oder "
    "übermäßig verschachtelt sind (mögliche Kompressionsbombe); sie wird nicht verarbeitet."
)


def is_parser_error(exc: BaseException) -> bool:
    """True if ``exc`` is a parser library's exception or was raised inside a parser library."""
    if isinstance(exc, (IntmkError, MemoryError)) or not isinstance(exc, Exception):
        return False
    if _package(type(exc).__module__) in PARSER_PACKAGES:
        return True
    return any(_package(module) in PARSER_PACKAGES for module in _frame_modules(exc))


def is_password_error(exc: BaseException) -> bool:
    """pdfminer's ``PDFPasswordIncorrect``, pikepdf's ``PasswordError``, pypdfium2's password code …"""
    for error in _chain(exc):
        if "password" in type(error).__name__.lower() or "notdecrypted" in type(error).__name__.lower():
            return True
        if type(error).__name__ == "PdfiumError" and getattr(error, "err_code", None) == _pdfium_password_code():
            return True
    return False


def is_limit_error(exc: BaseException) -> bool:
    """pypdf stopped at one of its limits (decompressed size, nesting, entries)."""
    from pypdf.errors import LimitReachedError

    return any(isinstance(error, LimitReachedError) for error in _chain(exc))


def to_input_error(exc: BaseException, damaged_message: str) -> InputError:
    """The ``InputError`` for a parser failure that makes the whole file unreadable."""
    if is_limit_error(exc):
        log.warning("pypdf limit reached: %s", exc)
        return InputError(MSG_HOSTILE, code=ErrorCode.HOSTILE_FILE)
    if is_password_error(exc):
        return InputError(MSG_ENCRYPTED, code=ErrorCode.ENCRYPTED)
    return InputError(damaged_message, code=ErrorCode.DAMAGED_FILE)


@contextmanager
def parser_errors(damaged_message: str) -> Iterator[None]:
    """Turn a parser failure inside the block into ``InputError``; our bugs propagate unchanged."""
    try:
        yield
    except Exception as exc:
        if not is_parser_error(exc):
            raise
        log.debug("parser failure: %r", exc)
        raise to_input_error(exc, damaged_message) from exc


@dataclass(slots=True)
class Outcome:
    """What happened in a ``tolerate_parser_errors`` block."""

    error: BaseException | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


@contextmanager
def tolerate_parser_errors(what: str) -> Iterator[Outcome]:
    """Swallow a parser failure inside the block (noting it in the outcome).

    A decompression bomb stopped by pypdf still raises ``HOSTILE_FILE``; our bugs, our own
    ``IntmkError`` and ``MemoryError`` propagate.
    """
    outcome = Outcome()
    try:
        yield outcome
    except Exception as exc:
        if not is_parser_error(exc):
            raise
        if is_limit_error(exc):
            raise to_input_error(exc, "") from exc
        log.debug("%s: %r", what, exc)
        outcome.error = exc


def _package(module: str) -> str:
    return module.split(".", 1)[0]


def _frame_modules(exc: BaseException) -> Iterator[str]:
    """Modules of the frames between where ``exc`` was caught and where it was raised."""
    traceback = exc.__traceback__
    while traceback is not None:
        yield traceback.tb_frame.f_globals.get("__name__", "")
        traceback = traceback.tb_next


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, the exceptions it wraps (pdfplumber's ``PdfminerException(e)``) and its causes."""
    seen: set[int] = set()
    todo = [exc]
    while todo and len(seen) < 20:
        error = todo.pop(0)
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        todo += [arg for arg in error.args if isinstance(arg, BaseException)]
        todo += [error.__cause__, error.__context__]


def _pdfium_password_code() -> int:
    import pypdfium2.raw as pdfium_c

    return pdfium_c.FPDF_ERR_PASSWORD
