"""Run OCRmyPDF on a PDF: command line, child process with timeout, exit codes, hOCR confidence.

``run_ocr`` runs OCRmyPDF in a child process of its own session with one Tesseract thread
(``OMP_THREAD_LIMIT=1``, DESIGN.md), our own temporary folder and a timeout that kills the whole
process group; the original is only read, the output is renamed into place.

Modes: ``force`` for mojibake; a file without any text uses OCRmyPDF's default mode, so PDF/A may
use Ghostscript; mixed files use ``--skip-text``, for which OCRmyPDF refuses Ghostscript
10.0–10.02: there PDF/A is made without it (``--pdfa-backend internal``, 17.13+) where pikepdf's
validator approves, else the output is a plain PDF (``OcrResult.pdfa`` tells which).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pikepdf

from extractors.limits import DEFAULT_LIMITS, ExtractionLimits
from extractors.ocr import inspect_text_layer
from extractors.pdf_structure import MSG_ENCRYPTED
from schemas.errors import EnvironmentProblem, ErrorCode, InputError, InternalError

KILL_GRACE_SECONDS = 5.0  # wait this long for a killed process group to disappear
STDERR_TAIL_LINES = 12
PDFA_BACKEND_VERSION = (17, 13)  # first OCRmyPDF with --pdfa-backend
GHOSTSCRIPT_FIXED = (10, 2, 1)  # 10.0.0–10.02.0 corrupt kept text; OCRmyPDF refuses them for --skip-text
_WORD_CONFIDENCE = re.compile(rb"x_wconf\s+(\d+)")
_HOCR_PAGE = re.compile(r"^(\d+)_")

# OCRmyPDF exit codes (ocrmypdf.exceptions.ExitCode, stable; importing it costs 0.26 s)
EXIT_OK, EXIT_INPUT_FILE, EXIT_MISSING_DEPENDENCY, EXIT_FILE_ACCESS, EXIT_ALREADY_DONE = 0, 2, 3, 5, 6
EXIT_CHILD_PROCESS, EXIT_ENCRYPTED, EXIT_INVALID_CONFIG, EXIT_PDFA_FAILED = 7, 8, 9, 10
_INPUT_FAILURES = {  # exit code: our code, German message
    EXIT_INPUT_FILE: (ErrorCode.DAMAGED_FILE, "OCRmyPDF kann {name} nicht verarbeiten"),
    EXIT_CHILD_PROCESS: (ErrorCode.PARSER_CRASHED, "Die Texterkennung ist bei {name} abgestürzt"),
    EXIT_PDFA_FAILED: (ErrorCode.UNSUPPORTED_FORMAT, "Aus {name} lässt sich keine PDF/A-Datei erzeugen"),
}


@dataclass(frozen=True, slots=True)
class OcrResult:
    pages: int
    ocr_pages: int
    confidence: float | None  # mean Tesseract word confidence (0–100) over all recognized words
    seconds: float
    ocr_page_numbers: tuple[int, ...] = ()
    pdfa: str | None = None  # PDF/A part and level of the output ("2B"), None for a plain PDF
    mode: str = "skip"  # "force", "scan" (no text anywhere) or "skip"


def run_ocr(
    source: Path,
    target: Path,
    *,
    language: str = "deu",
    force: bool = False,
    timeout: float = 600,
    jobs: int = 1,
    pdfa: bool = True,
    deskew: bool = True,
    limits: ExtractionLimits = DEFAULT_LIMITS,
    env: Mapping[str, str] | None = None,
    temp_root: Path | None = None,
) -> OcrResult:
    """OCR ``source`` into a searchable PDF (PDF/A-2b if ``pdfa``) at ``target``.

    ``source`` is only read. ``env`` adds to or overrides the child's environment (tests);
    ``temp_root`` is where the temporary folder goes (default: the system's).
    """
    source, target = Path(source), Path(target)
    if source.resolve() == target.resolve():
        raise InternalError("Die OCR-Fassung darf das Original nicht überschreiben.")
    started = time.monotonic()
    layer = inspect_text_layer(source, limits)
    mode = "force" if force or layer.needs_forced_ocr else "scan" if len(layer.empty) == layer.pages else "skip"
    work = Path(tempfile.mkdtemp(prefix="intmk-ocr-", dir=temp_root))
    partial = target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.part.pdf")
    options = {"language": language, "jobs": jobs, "pdfa": pdfa, "deskew": deskew, "timeout": timeout, "env": env}
    try:
        mode = _run_ocrmypdf(source, partial, work, mode=mode, deadline=started + timeout, **options)
        pages, pdfa_status = _read_output(partial)
        os.replace(partial, target)
        ocred, confidence = read_hocr_confidence(work / "tmp")
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    if not ocred:  # no hOCR kept (another renderer): trust the inspection
        ocred = tuple(range(1, layer.pages + 1)) if mode == "force" else tuple(layer.without_text)
    return OcrResult(
        pages=pages, ocr_pages=len(ocred), confidence=confidence, seconds=round(time.monotonic() - started, 3),
        ocr_page_numbers=ocred, pdfa=pdfa_status, mode=mode,
    )


def _run_ocrmypdf(source: Path, partial: Path, work: Path, *, mode: str, deadline: float, timeout: float,
                  env: Mapping[str, str] | None, **options) -> str:
    """Run OCRmyPDF (again with ``--skip-text`` if it finds text pypdfium2 missed); return the mode used."""
    returncode = _run_child(build_arguments(source, partial, mode=mode, **options), work, deadline, env)
    if returncode == EXIT_ALREADY_DONE and mode == "scan":
        mode = "skip"
        returncode = _run_child(build_arguments(source, partial, mode=mode, **options), work, deadline, env)
    if returncode is None:
        raise _timeout_error(source, timeout)
    if returncode != EXIT_OK:
        raise map_exit_code(returncode, _stderr_tail(work), source, options["language"])
    return mode


def build_arguments(
    source: Path, target: Path, *, language: str, mode: str, jobs: int = 1, pdfa: bool = True, deskew: bool = True
) -> list[str]:
    """The OCRmyPDF command line (accepted by OCRmyPDF 16.10 and 17)."""
    arguments = [*_ocrmypdf_command(), "-l", language, "--jobs", str(max(1, jobs)), "--keep-temporary-files"]
    if deskew:  # straight lines: the paragraph rules read indents, which a skew shifts
        arguments.append("--deskew")
    if mode == "force":
        arguments.append("--force-ocr")
    elif mode == "skip":
        arguments.append("--skip-text")
    if not pdfa:
        arguments += ["--output-type", "pdf"]
    elif mode == "skip" and _ghostscript_version() < GHOSTSCRIPT_FIXED and _ocrmypdf_version() >= PDFA_BACKEND_VERSION:
        # Best-effort PDF/A without this Ghostscript, which would damage the kept text pages.
        arguments += ["--output-type", "auto", "--pdfa-backend", "internal"]
    else:
        arguments += ["--output-type", "pdfa-2"]
    # Absolute paths: a file name starting with "-" must not be read as an option.
    return arguments + [str(source.absolute()), str(target.absolute())]


def _timeout_error(source: Path, timeout: float) -> InputError:
    seconds = f"{timeout:g}".replace(".", ",")
    return InputError(
        f"Die Texterkennung (OCR) von „{source.name}“ dauerte länger als {seconds} Sekunden "
        "und wurde abgebrochen.",
        code=ErrorCode.TIMEOUT,
    )


def _ocrmypdf_command() -> list[str]:
    if importlib.util.find_spec("ocrmypdf") is None:
        raise EnvironmentProblem(
            "OCRmyPDF ist nicht installiert; bitte die Abhängigkeiten von intmk neu installieren.",
            code=ErrorCode.MISSING_DEPENDENCY,
        )
    script = Path(sys.executable).with_name("ocrmypdf")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "ocrmypdf"]


def _ocrmypdf_version() -> tuple[int, ...]:
    try:
        return _parse_version(version("ocrmypdf"), parts=2)
    except PackageNotFoundError:
        return (0,)


@cache
def _ghostscript_version() -> tuple[int, ...]:
    try:
        output = subprocess.run(["gs", "--version"], check=False, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return (0,)
    return _parse_version(output, parts=3)


def _parse_version(text: str, parts: int) -> tuple[int, ...]:
    """The first ``parts`` numbers of a version string ("10.02.1" → (10, 2, 1)); (0,) if none."""
    return tuple(int(part) for part in re.findall(r"\d+", text)[:parts]) or (0,)


def _run_child(arguments: Sequence[str], work: Path, deadline: float, env: Mapping[str, str] | None) -> int | None:
    """Run OCRmyPDF in its own session; at ``deadline`` (monotonic) kill its process group and return None."""
    child_env = dict(os.environ)  # the child needs PATH, locale, TESSDATA_PREFIX …
    child_env.update(env or {})
    (work / "tmp").mkdir(exist_ok=True)
    child_env.update(OMP_THREAD_LIMIT="1", TMPDIR=str(work / "tmp"))
    with (work / "stderr.txt").open("wb") as stderr:
        try:
            process = subprocess.Popen(
                arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                env=child_env, start_new_session=True,
            )
        except OSError as exc:
            raise EnvironmentProblem(
                f"OCRmyPDF kann nicht gestartet werden: {exc.strerror or exc}", code=ErrorCode.MISSING_DEPENDENCY,
            ) from exc
        try:
            return process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            kill_process_group(process)
            return None
        finally:
            if process.returncode is None:  # interrupted while waiting
                kill_process_group(process)


def kill_process_group(process: subprocess.Popen) -> None:
    """Kill the child's process group (OCRmyPDF, Tesseract, Ghostscript) and wait until it is gone."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    deadline = time.monotonic() + KILL_GRACE_SECONDS
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


def map_exit_code(returncode: int, stderr: str, source: Path, language: str) -> Exception:
    """Turn an OCRmyPDF exit code into one of our exceptions (messages in German)."""
    name = f"„{source.name}“"
    if returncode == EXIT_MISSING_DEPENDENCY:
        return EnvironmentProblem(_missing_dependency_message(stderr, language), code=ErrorCode.MISSING_DEPENDENCY)
    if returncode == EXIT_ENCRYPTED:
        return InputError(MSG_ENCRYPTED, code=ErrorCode.ENCRYPTED)
    if returncode in _INPUT_FAILURES or returncode < 0:  # < 0: killed by a signal (out of memory)
        code, message = _INPUT_FAILURES.get(returncode, _INPUT_FAILURES[EXIT_CHILD_PROCESS])
        return InputError(f"{message.format(name=name)}: {_last_line(stderr)}", code=code)
    if returncode == EXIT_FILE_ACCESS:
        return EnvironmentProblem(f"OCRmyPDF kann eine Datei nicht lesen oder schreiben:\n{stderr}")
    if returncode == EXIT_INVALID_CONFIG:
        return EnvironmentProblem(f"Die OCR-Einstellungen sind ungültig:\n{stderr}", code=ErrorCode.CONFIG)
    return InternalError(f"OCRmyPDF ist bei {name} mit Fehlercode {returncode} beendet worden:\n{stderr}")


def _missing_dependency_message(stderr: str, language: str) -> str:
    text = stderr.lower()
    if "language data" in text or "language pack" in text:
        return (f"Das Tesseract-Sprachpaket „{language}“ ist nicht installiert; "
                f"apt-get install tesseract-ocr-{language.split('+')[0]}")
    if "tesseract" in text:
        return "Tesseract (Texterkennung) ist nicht installiert; apt-get install tesseract-ocr tesseract-ocr-deu"
    if "ghostscript" in text or "'gs'" in text:
        return ("Ghostscript fehlt oder ist in einer fehlerhaften Version installiert; "
                "apt-get install ghostscript (Version 10.02.1 oder neuer)")
    return f"Ein von OCRmyPDF benötigtes Programm fehlt:\n{stderr}"


def _stderr_tail(work: Path) -> str:
    try:
        text = (work / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join([line for line in text.splitlines() if line.strip()][-STDERR_TAIL_LINES:])


def _last_line(stderr: str) -> str:
    return stderr.rsplit("\n", 1)[-1].strip() or "ohne Meldung"


def _read_output(path: Path) -> tuple[int, str | None]:
    """Page count and PDF/A status ("2B") of OCRmyPDF's output."""
    try:
        with pikepdf.open(path) as pdf:
            status = pdf.open_metadata().pdfa_status
            return len(pdf.pages), status or None
    except (pikepdf.PdfError, OSError) as exc:
        raise InternalError(f"OCRmyPDF hat eine unlesbare Ausgabedatei erzeugt: {exc}") from exc


def read_hocr_confidence(folder: Path) -> tuple[tuple[int, ...], float | None]:
    """Pages recognized (from Tesseract's hOCR files) and the mean word confidence (0–100)."""
    pages: set[int] = set()
    total = count = 0
    for hocr in sorted(folder.rglob("*.hocr")):
        match = _HOCR_PAGE.match(hocr.name)
        if match:
            pages.add(int(match.group(1)))
        for value in _WORD_CONFIDENCE.findall(hocr.read_bytes()):
            total += int(value)
            count += 1
    return tuple(sorted(pages)), (round(total / count, 2) if count else None)
