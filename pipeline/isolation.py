"""Run a parser on untrusted bytes in a child process with memory, CPU and wall-clock limits.

RELIABILITY.md rule 5: Prefect and thread timeouts cannot stop a CPU-bound loop in a parser, and
no PDF library offers a timeout. The child is forked from a clean fork server (no threads of the
parent are copied), limits itself with ``setrlimit`` and sends back either the result or a
classified error. Whatever happens in the child, the caller gets a result or an ``IntmkError``.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from schemas.errors import ErrorCode, InputError, IntmkError, InternalError

T = TypeVar("T")
log = logging.getLogger(__name__)

# Imported once by the fork server (parsers, spaCy pipeline), so a child starts in milliseconds.
PRELOAD = ["extractors.preload"]


@dataclass(frozen=True, slots=True)
class ProcessLimits:
    timeout_s: float = 120.0
    cpu_s: int = 120
    memory_mb: int = 2048


def run_isolated(func: Callable[..., T], *args: Any, limits: ProcessLimits = ProcessLimits()) -> T:
    """Call ``func(*args)`` in a limited child process and return its result.

    ``func`` must be importable (a module-level function), and a script calling this needs the
    ``if __name__ == "__main__":`` guard (the fork server prepares children like ``spawn``). Raises the child's ``IntmkError``
    unchanged, ``InputError`` (timeout, memory, crash) when the limits stop it, and
    ``InternalError`` with the child's stack trace for an unexpected exception.
    """
    allow_children()
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(sender, limits, func, args), daemon=True)
    child.start()
    sender.close()
    try:
        message = _receive(receiver, child, limits)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    return _unpack(message, child.exitcode, limits)


def allow_children() -> None:
    """Dask starts its workers as daemon processes, and Python refuses a daemon any child; the parser
    must still run in its limited child, which this process kills anyway. Cleared for good, not
    around each call: the worker's other threads start children at the same time."""
    process = multiprocessing.current_process()
    if process.daemon:
        process.daemon = False


def _get_context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _receive(receiver: Connection, child: Any, limits: ProcessLimits) -> tuple | None:
    if receiver.poll(limits.timeout_s):
        try:
            return receiver.recv()
        except (EOFError, OSError):
            return None
    child.kill()
    return ("timeout",)


def _unpack(message: tuple | None, exitcode: int | None, limits: ProcessLimits) -> Any:
    if message is None:
        raise _classify_crash(exitcode, limits)
    kind = message[0]
    if kind == "ok":
        return message[1]
    if kind == "timeout":
        raise InputError(
            f"Verarbeitung nach {limits.timeout_s:g} s abgebrochen (Zeitlimit je Dokument).",
            code=ErrorCode.TIMEOUT,
        )
    if kind == "error":
        raise message[1]
    trace = message[1].rstrip()
    log.error("Programmfehler im Parser-Prozess:\n%s", trace)
    raise InternalError(f"Programmfehler im Parser-Prozess: {trace.splitlines()[-1]}")


def _classify_crash(exitcode: int | None, limits: ProcessLimits) -> IntmkError:
    if exitcode == -signal.SIGXCPU or exitcode == -signal.SIGKILL:
        return InputError(
            f"Verarbeitung nach {limits.cpu_s} s Rechenzeit abgebrochen (CPU-Limit je Dokument).",
            code=ErrorCode.TIMEOUT,
        )
    return InputError(
        f"Der Parser ist an dieser Datei abgestürzt (Exit-Code {exitcode}).",
        code=ErrorCode.PARSER_CRASHED,
    )


def _child_main(sender: Connection, limits: ProcessLimits, func: Callable[..., Any], args: tuple) -> None:
    _apply_limits(limits)
    # Library warnings (pypdf's "EOF marker not found", pdfminer's font notes) would reach the
    # clerk's terminal unformatted; the child reports through its result, the parent logs.
    logging.disable(logging.WARNING)
    try:
        message: tuple = ("ok", func(*args))
    except IntmkError as exc:
        message = ("error", exc)
    except MemoryError:
        message = ("error", InputError(
            f"Speicherlimit von {limits.memory_mb} MB überschritten (z. B. Kompressionsbombe).",
            code=ErrorCode.MEMORY_LIMIT,
        ))
    except RecursionError:
        message = ("error", InputError("Die Datei ist zu tief verschachtelt oder zyklisch aufgebaut.",
                                       code=ErrorCode.DAMAGED_FILE))
    except BaseException:  # noqa: BLE001 - everything else is a bug, reported with its trace
        message = ("bug", traceback.format_exc())
    try:
        sender.send(message)
    except Exception:  # noqa: BLE001 - e.g. an unpicklable library exception inside our error
        sender.send(("bug", traceback.format_exc()))
    finally:
        sender.close()


def _apply_limits(limits: ProcessLimits) -> None:
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))
