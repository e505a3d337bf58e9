"""OCR a PDF into a searchable copy: Tesseract on the pages without a usable text layer.

``run_ocr`` takes out (or renders) the pages that need OCR (``extractors.ocr_pages``), runs one
Tesseract process for all of them (the language model loads once per document) with one thread
(``OMP_THREAD_LIMIT=1``, DESIGN.md), in its own session and with a deadline that kills its whole
process group, lays the words of its hOCR as invisible text over the untouched pages, turns each
page straight by the skew found, and writes PDF/A-2b (pikepdf validates it; Ghostscript is the
second try) or a plain PDF. The original is only read; the output is renamed into place.

OCRmyPDF did this job before and cost 1.4–1.6× raw Tesseract per page plus 1.3 s per document
(it re-rasterizes to PNG and renders the hOCR itself; docs/benchmarks.md), too much for an
archive batch on two cores.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pypdfium2 as pdfium

from extractors.extract import extract_document
from extractors.limits import DEFAULT_LIMITS, ExtractionLimits
from extractors.ocr import TextLayer, extract_scanned, inspect_text_layer
from extractors.ocr_pages import PageImage, graft_text_layers, save_searchable, write_page_images
from extractors.ocr_text_layer import HocrPage, read_hocr, skew_from_slopes
from schemas import ExtractionRecord
from schemas.errors import EnvironmentProblem, ErrorCode, InputError, InternalError

KILL_GRACE_SECONDS = 5.0  # wait this long for a killed process group to disappear
STDERR_TAIL_LINES = 12
OUTPUT_STEM = "ocr"  # Tesseract writes ocr.pdf (text only) and ocr.hocr into the work folder
MSG_NO_TESSERACT = "Tesseract (Texterkennung) ist nicht installiert; apt-get install tesseract-ocr tesseract-ocr-deu"


@dataclass(frozen=True, slots=True)
class OcrResult:
    pages: int
    confidence: float | None  # mean Tesseract word confidence (0–100) over all recognized words
    seconds: float
    ocr_page_numbers: tuple[int, ...] = ()
    pdfa: str | None = None  # PDF/A part and level of the output ("2B"), None for a plain PDF
    mode: str = "skip"  # "force" (junk text layer), "scan" (no text anywhere) or "skip" (text pages kept)
    skew_degrees: tuple[float, ...] = ()  # per recognized page, counter-clockwise, as found

    @property
    def ocr_pages(self) -> int:
        return len(self.ocr_page_numbers)


def run_ocr(
    source: Path,
    target: Path,
    *,
    language: str = "deu",
    force: bool = False,
    timeout: float = 600,
    pdfa: bool = True,
    deskew: bool = True,
    limits: ExtractionLimits = DEFAULT_LIMITS,
    env: Mapping[str, str] | None = None,
    temp_root: Path | None = None,
    layer: TextLayer | None = None,
) -> OcrResult:
    """OCR ``source`` into a searchable PDF (PDF/A-2b if ``pdfa`` and possible) at ``target``.

    ``force`` recognizes every page (a junk text layer is replaced by the page's image);
    otherwise only pages without a usable text layer. ``source`` is only read. ``env`` adds to
    or overrides Tesseract's environment (tests); ``temp_root`` is where the work folder goes;
    ``layer`` is the caller's ``inspect_text_layer`` of ``source``, if it has one.
    """
    source, target = Path(source), Path(target)
    if source.resolve() == target.resolve():
        raise InternalError("Die OCR-Fassung darf das Original nicht überschreiben.")
    started = time.monotonic()
    layer = layer or inspect_text_layer(source, limits)
    forced = force or layer.needs_forced_ocr
    numbers = list(range(1, layer.pages + 1)) if forced else layer.without_text
    replace = {n for n in numbers if n not in layer.empty} if forced else set()
    mode = "force" if forced else "scan" if len(layer.empty) == layer.pages else "skip"
    work = Path(tempfile.mkdtemp(prefix="intmk-ocr-", dir=temp_root)).absolute()  # Tesseract runs inside it
    partial = target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.part.pdf")
    try:
        with pikepdf.open(source) as pdf:  # read for the page images, then given its text layer
            images = write_page_images(source, pdf, numbers, work, replace=replace, deskew=deskew)
            readings = run_tesseract(images, work, language, deadline=started + timeout, env=env) if images else []
            residuals = [skew_from_slopes(reading.slopes) if deskew else 0.0 for reading in readings]
            status = _write_searchable(pdf, work, images, readings, residuals, partial, pdfa=pdfa)
        if pdfa and status is None:
            status = convert_with_ghostscript(partial, work, deadline=started + timeout, env=env)
        os.replace(partial, target)
    except TimeoutError:
        raise _timeout_error(source, timeout) from None
    except pikepdf.PdfError as exc:
        raise InputError(f"Die durchsuchbare Fassung lässt sich nicht schreiben: {exc}",
                         code=ErrorCode.DAMAGED_FILE) from exc
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    confidences = [value for reading in readings for value in reading.confidences]
    return OcrResult(
        pages=layer.pages, seconds=round(time.monotonic() - started, 3),
        confidence=round(sum(confidences) / len(confidences), 2) if confidences else None,
        ocr_page_numbers=tuple(numbers), pdfa=status, mode=mode,
        skew_degrees=tuple(round(image.turned + residual, 2) for image, residual in zip(images, residuals)),
    )


@dataclass(frozen=True, slots=True)
class ScanReading:
    """A file of an archive batch read: its page count, the OCR done (None: it had text) and its records."""

    pages: int
    ocr: OcrResult | None
    records: list[ExtractionRecord]


def read_archive_file(source: Path, target: Path, *, language: str, timeout: float, deskew: bool,
                      limits: ExtractionLimits = DEFAULT_LIMITS, temp_root: Path | None = None) -> ScanReading:
    """OCR ``source`` into ``target`` where pages lack a usable text layer (junk: all of them), then
    extract its records; a file with text everywhere is only extracted. Meant for a limited child
    process (``pipeline.isolation.run_isolated``), since it parses the untrusted file."""
    layer = inspect_text_layer(source, limits)
    if not layer.needs_ocr:
        return ScanReading(layer.pages, None, extract_document(source, limits))
    target.parent.mkdir(parents=True, exist_ok=True)
    result = run_ocr(source, target, language=language, timeout=timeout, deskew=deskew, limits=limits,
                     temp_root=temp_root, layer=layer)
    return ScanReading(layer.pages, result, extract_scanned(source, target, result, limits=limits))


def _write_searchable(pdf: pikepdf.Pdf, work: Path, images: list[PageImage], readings: list[HocrPage],
                      residuals: list[float], partial: Path, *, pdfa: bool) -> str | None:
    if images:
        with pikepdf.open(work / f"{OUTPUT_STEM}.pdf") as text_pdf:
            graft_text_layers(pdf, text_pdf, images, readings, residuals)
    return save_searchable(pdf, partial, pdfa=pdfa)


def convert_with_ghostscript(path: Path, work: Path, *, deadline: float, env: Mapping[str, str] | None = None) -> str | None:
    """Second try at PDF/A-2b where pikepdf alone could not (e.g. form fields, odd images):
    Ghostscript rewrites ``path``, pikepdf declares and validates the result. Kept only if it passes
    and every page's text is unchanged (Ghostscript 10.0–10.02 can garble kept text); then it
    replaces ``path`` and "2B" is returned, else None and ``path`` stays a plain PDF."""
    if shutil.which("gs", path=(env or os.environ).get("PATH")) is None:
        return None
    rewritten, declared = work / "ghostscript.pdf", work / "pdfa.pdf"
    arguments = ["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-dPDFA=2", "-dPDFACompatibilityPolicy=1",
                 "-sColorConversionStrategy=RGB", "-sDEVICE=pdfwrite", f"-sOutputFile={rewritten}", str(path)]
    try:
        if _run_child(arguments, work, deadline, env) != 0:  # failed or out of time: a plain PDF
            return None
    except OSError:
        return None
    try:
        with pikepdf.open(rewritten) as pdf:
            pikepdf.pdfa.save(pdf, declared, "2b")
    except (pikepdf.PdfError, pikepdf.pdfa.PdfaError):
        return None
    if read_page_texts(declared) != read_page_texts(path):
        return None
    os.replace(declared, path)
    return "2B"


def read_page_texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [_page_text(document, index) for index in range(len(document))]
    finally:
        document.close()


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    textpage = page.get_textpage()
    try:
        return " ".join(textpage.get_text_range().split())
    finally:
        textpage.close()
        page.close()


# ----------------------------------------------------------------------------- Tesseract


def run_tesseract(images: list[PageImage], work: Path, language: str, *, deadline: float,
                  env: Mapping[str, str] | None = None) -> list[HocrPage]:
    """One Tesseract process over all ``images`` (a list file); its hOCR read per page.

    Raises ``TimeoutError`` at ``deadline`` (monotonic), after killing Tesseract's process group.
    """
    listing = work / "seiten.txt"
    listing.write_text("".join(f"{image.path}\n" for image in images), encoding="utf-8")
    arguments = ["tesseract", str(listing), str(work / OUTPUT_STEM), "-l", language,
                 "-c", "textonly_pdf=1", "pdf", "hocr"]
    try:
        returncode = _run_child(arguments, work, deadline, env)
    except FileNotFoundError as exc:
        raise EnvironmentProblem(MSG_NO_TESSERACT, code=ErrorCode.MISSING_DEPENDENCY) from exc
    except OSError as exc:
        raise EnvironmentProblem(f"Tesseract kann nicht gestartet werden: {exc.strerror or exc}",
                                 code=ErrorCode.MISSING_DEPENDENCY) from exc
    if returncode is None:
        raise TimeoutError
    if returncode != 0:
        raise classify_failure(returncode, _stderr_tail(work), language)
    return read_hocr(work / f"{OUTPUT_STEM}.hocr")


def _run_child(arguments: list[str], work: Path, deadline: float, env: Mapping[str, str] | None) -> int | None:
    """Run a program in its own session; at ``deadline`` (monotonic) kill its process group and return None.
    ``OSError`` if it cannot be started.

    The wait blocks (a timer kills at the deadline): ``Popen.wait(timeout)`` polls and notices the
    end up to 50 ms late, a core left idle for every file.
    """
    child_env = {**os.environ, **(env or {})}  # Tesseract needs PATH, locale, TESSDATA_PREFIX …
    (work / "tmp").mkdir(exist_ok=True)
    child_env.update(OMP_THREAD_LIMIT="1", TMPDIR=str(work / "tmp"))
    if time.monotonic() >= deadline:
        return None
    with (work / "stderr.txt").open("wb") as stderr:
        process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=stderr, cwd=work, env=child_env, start_new_session=True)
        expired = threading.Event()
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), _expire, (process, expired))
        timer.daemon = True
        timer.start()
        try:
            returncode = process.wait()
        finally:
            timer.cancel()
            if process.returncode is None:  # interrupted while waiting
                kill_process_group(process)
    if expired.is_set():
        kill_process_group(process)  # the group's other members, and wait until all are gone
        return None
    return returncode


def _expire(process: subprocess.Popen, expired: threading.Event) -> None:
    expired.set()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def kill_process_group(process: subprocess.Popen) -> None:
    """Kill the child's process group and wait until it is gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + KILL_GRACE_SECONDS
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


def classify_failure(returncode: int, stderr: str, language: str) -> Exception:
    """Tesseract's failure as one of our exceptions (messages in German)."""
    text = stderr.lower()
    if "failed loading language" in text or "couldn't load any languages" in text:
        return EnvironmentProblem(
            f"Das Tesseract-Sprachpaket „{language}“ ist nicht installiert; "
            f"apt-get install tesseract-ocr-{language.split('+')[0]}",
            code=ErrorCode.MISSING_DEPENDENCY,
        )
    if returncode < 0:  # killed by a signal: crashed or out of memory on this file's pages
        return InputError(f"Die Texterkennung ist abgestürzt (Signal {-returncode}).", code=ErrorCode.PARSER_CRASHED)
    return InternalError(f"Tesseract ist mit Fehlercode {returncode} beendet worden:\n{stderr}")


def _timeout_error(source: Path, timeout: float) -> InputError:
    seconds = f"{timeout:g}".replace(".", ",")
    return InputError(
        f"Die Texterkennung (OCR) von „{source.name}“ dauerte länger als {seconds} Sekunden "
        "und wurde abgebrochen.",
        code=ErrorCode.TIMEOUT,
    )


def _stderr_tail(work: Path) -> str:
    try:
        text = (work / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join([line for line in text.splitlines() if line.strip()][-STDERR_TAIL_LINES:])
