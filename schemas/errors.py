"""The one exception tree of the product, with stable error codes and exit codes.

Classification follows RELIABILITY.md rule 4: input (quarantine with a reason), transient
(retry), environment (keep the input, alert), bug (keep the input, alert, stack trace).
Library exceptions (pypdf, pdfminer, lxml, PIL, zipfile) are mapped to these at the edge of
``extractors/``; only ``pipeline.cli`` turns them into exit codes.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class ExitCode(IntEnum):
    """Process exit codes of ``intmk``; stable, documented in the README."""

    OK = 0
    USAGE = 2
    INPUT_FILE = 3
    ENVIRONMENT = 4
    TRANSIENT = 5
    CONFIG = 6
    INTERNAL = 15
    INTERRUPTED = 130


class ErrorCode(StrEnum):
    """Stable machine-readable codes in error objects (``{"error": {"code": ...}}``)."""

    # input: the file itself is the problem -> quarantine with a reason
    EMPTY_FILE = "empty_file"
    UNSUPPORTED_FORMAT = "unsupported_format"
    LEGACY_DOC = "legacy_doc"
    DAMAGED_FILE = "damaged_file"
    ENCRYPTED = "encrypted"
    HOSTILE_FILE = "hostile_file"
    LIMIT_EXCEEDED = "limit_exceeded"
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    PARSER_CRASHED = "parser_crashed"
    NEEDS_OCR = "needs_ocr"
    NO_AGENDA_ITEM = "no_agenda_item"
    # usage: data a clerk entered or asked for is wrong (exit code 2)
    INVALID_DATA = "invalid_data"
    NOT_FOUND = "not_found"
    # environment: keep the input, alert
    FILE_ACCESS = "file_access"
    MISSING_DEPENDENCY = "missing_dependency"
    CONFIG = "config"
    # transient: retry later
    TRANSIENT = "transient"
    # bug: keep the input, alert with a stack trace
    INTERNAL = "internal"


class IntmkError(Exception):
    """Base of every error the product raises on purpose."""

    code: ErrorCode = ErrorCode.INTERNAL
    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InputError(IntmkError):
    """The file cannot be used as it is; it goes to quarantine with this message as reason."""

    code = ErrorCode.DAMAGED_FILE
    exit_code = ExitCode.INPUT_FILE


class UsageProblem(IntmkError):
    """Data a clerk entered (votes, register, conference file) or asked for is wrong or unknown.

    The message names the line and the problem; nothing is stored from the bad input.
    """

    code = ErrorCode.INVALID_DATA
    exit_code = ExitCode.USAGE


class EnvironmentProblem(IntmkError):
    """Disk, permissions, a missing program or a bad setting: keep the input, alert."""

    code = ErrorCode.FILE_ACCESS
    exit_code = ExitCode.ENVIRONMENT


class ConfigError(EnvironmentProblem):
    code = ErrorCode.CONFIG
    exit_code = ExitCode.CONFIG


class TransientError(IntmkError):
    """Worth retrying later (database locked, service briefly unavailable)."""

    code = ErrorCode.TRANSIENT
    exit_code = ExitCode.TRANSIENT


class InternalError(IntmkError):
    """A bug: keep the input and report with a stack trace."""

    code = ErrorCode.INTERNAL
    exit_code = ExitCode.INTERNAL
