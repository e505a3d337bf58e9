"""Every PDF of the shared corpus ends in a document or a classified rejection, never in a crash.

Each file is read by ``read_pdf`` in a child process with memory, CPU and wall-clock limits
(``pipeline.isolation.run_isolated``, RELIABILITY.md rule 5). A library exception that escapes
the reader, a crash of the child, a MemoryError or a timeout fails the test, naming the file.
Run with ``-s`` to see the outcome counts and the slowest files.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from extractors.document import TextDocument
from extractors.pdf import read_pdf
from pipeline.isolation import ProcessLimits, run_isolated
from schemas.errors import ErrorCode, InputError, IntmkError

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
LIMITS = ProcessLimits(timeout_s=30.0, cpu_s=30, memory_mb=2048)
TOTAL_BUDGET_S = 180.0
# Codes that only the isolation runner produces: the reader itself must never end this way.
RUNNER_FAILURES = {ErrorCode.TIMEOUT, ErrorCode.MEMORY_LIMIT, ErrorCode.INTERNAL, ErrorCode.PARSER_CRASHED}

# What the MANIFEST.md files say these files are (outcome code, or "text" for a document).
EXPECTED = {
    "froide-testdata/froide/tests/testdata/test.pdf": "text",
    "nwuensche-bundesrat-scraper/bremen/935.pdf": "text",
    "nwuensche-bundesrat-scraper/bremen/962.pdf": "text",
    "py-pdf-sample-files/009-pdflatex-geotopo/GeoTopo-komprimiert.pdf": "text",
    "openpreserve-format-corpus/pdfCabinetOfHorrors/encryption_notextaccess.pdf": "text",
    "qpdf-tests/qpdf/qtest/qpdf/leading-junk.pdf": "text",
    "pdfminer-six-samples/samples/simple1.pdf": "text",  # pypdf cannot open it, pypdfium2 can
    "pdfplumber-tests/tests/pdfs/empty.pdf": ErrorCode.EMPTY_FILE,
    "ocrmypdf-tests/tests/resources/invalid.pdf": ErrorCode.DAMAGED_FILE,
    "qpdf-tests/qpdf/qtest/qpdf/bad1.pdf": ErrorCode.UNSUPPORTED_FORMAT,
    "pdfminer-six-samples/samples/encryption/rc4-40.pdf": ErrorCode.ENCRYPTED,
    "pdfminer-six-samples/samples/encryption/aes-256-r6.pdf": ErrorCode.ENCRYPTED,
    "pdfplumber-tests/tests/pdfs/password-example.pdf": ErrorCode.ENCRYPTED,
    "py-pdf-sample-files/005-libreoffice-writer-password/libreoffice-writer-password.pdf": ErrorCode.ENCRYPTED,
    "ocrmypdf-tests/tests/resources/masks.pdf": ErrorCode.NEEDS_OCR,
    "ocrmypdf-tests/tests/resources/hugemono.pdf": ErrorCode.NEEDS_OCR,
    "pymupdf-tests-selected/tests/resources/img-regular.pdf": ErrorCode.NEEDS_OCR,
}
# German text that must come out right (umlauts from an old Mac font encoding, tables).
EXPECTED_TEXT = {
    "froide-testdata/froide/tests/testdata/test.pdf": ["Informationsfreiheitsgesetz", "Bürgerinnen", "Gebühren"],
    "nwuensche-bundesrat-scraper/bremen/935.pdf": ["Bundesrat", "Vermittlungsausschusses", "Rechtshilfe"],
}


def corpus_pdfs() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")


def read_isolated(path: Path) -> tuple[str, object]:
    """``("text", document)``, ``(code, error)`` or ``("FAIL", reason)`` for one file."""
    try:
        document = run_isolated(read_pdf, path, limits=LIMITS)
    except IntmkError as error:
        if error.code in RUNNER_FAILURES:
            return "FAIL", f"{error.code}: {error.message}"
        if not isinstance(error, InputError):
            return "FAIL", f"not an input error: {type(error).__name__}: {error.message}"
        return error.code, error
    if not isinstance(document, TextDocument):
        return "FAIL", f"returned {type(document).__name__}"
    return "text", document


@pytest.mark.corpus
def test_every_corpus_pdf_ends_in_a_document_or_a_classified_rejection():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not present at {CORPUS}")
    files = corpus_pdfs()
    assert len(files) > 50, "the corpus lost its PDFs"
    outcomes: Counter[str] = Counter()
    durations: list[tuple[float, str]] = []
    failures: list[str] = []
    started = time.monotonic()
    for path in files:
        name = str(path.relative_to(CORPUS))
        begin = time.monotonic()
        outcome, detail = read_isolated(path)
        durations.append((time.monotonic() - begin, name))
        outcomes[str(outcome)] += 1
        failures += check_outcome(name, outcome, detail)
    elapsed = time.monotonic() - started
    print_summary(outcomes, durations, elapsed)
    assert not failures, "\n".join(failures)
    assert elapsed < TOTAL_BUDGET_S


def check_outcome(name: str, outcome: object, detail: object) -> list[str]:
    problems = []
    if outcome == "FAIL":
        problems.append(f"{name}: {detail}")
    expected = EXPECTED.get(name)
    if expected is not None and outcome != expected:
        problems.append(f"{name}: expected {expected}, got {outcome} ({detail})")
    if outcome == "text":
        text = "\n".join(line.text for line in detail.lines)
        missing = [word for word in EXPECTED_TEXT.get(name, []) if word not in text]
        if missing:
            problems.append(f"{name}: text lacks {missing}")
        if "\ufffd" in text and name in EXPECTED_TEXT:
            problems.append(f"{name}: replacement characters in the text")
    elif isinstance(detail, InputError) and not detail.message:
        problems.append(f"{name}: {outcome} without a message")
    return problems


def print_summary(outcomes: Counter, durations: list[tuple[float, str]], elapsed: float) -> None:
    print(f"\n{sum(outcomes.values())} PDFs in {elapsed:.1f} s")
    for outcome, count in outcomes.most_common():
        print(f"  {outcome:20} {count}")
    print("slowest:")
    for seconds, name in sorted(durations, reverse=True)[:5]:
        print(f"  {seconds:6.2f} s  {name}")


@pytest.mark.corpus
def test_whole_extraction_of_every_corpus_pdf_gives_records_or_a_classified_error():
    """The service path (isolation, reader, fields, records) as `intmk extract` runs it."""
    from pipeline.service import extract_files
    from pipeline.settings import Settings

    settings = Settings(timeout_seconds=LIMITS.timeout_s, cpu_seconds=LIMITS.cpu_s, memory_mb=LIMITS.memory_mb)
    outcomes: Counter[str] = Counter()
    failures = []
    for result in extract_files(corpus_pdfs(), settings):
        code = result.error.code if result.error else "records"
        outcomes[code] += 1
        if code in RUNNER_FAILURES:
            failures.append(f"{result.path}: {result.error.code}: {result.error.message}")
        for record in result.records:
            assert record.source.sha256 and record.source.pages[0] <= record.source.pages[1]
    print(f"\nwhole extraction: {dict(outcomes)}")
    assert not failures, "\n".join(failures)
    assert outcomes["records"] > 0
