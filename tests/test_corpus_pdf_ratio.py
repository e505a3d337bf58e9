"""Evidence for issues 18 and 19: every PDF answered, no bug, and no text silently lost.

Every PDF of the shared corpus plus damaged variants of the real sample (truncated at several
lengths, single bytes flipped at many offsets, a font or page dictionary made invalid, a broken
xref, a stray far-off text box, attachment-only encryption) goes through ``read_pdf`` in the
same limited child process the inbox uses (``pipeline.isolation.run_isolated``), in one batch.

Invariants: every path gets an answer, none is ``internal`` (or a crash, timeout, memory
limit), no traceback reaches stderr or the log; and where a document keeps far less text than
the best other reader (pypdfium2's raw ``get_text_range``, poppler's ``pdftotext``), it says so
with a problem. Run with ``-s`` for the outcome counts, the median kept ratio and the worst files.
"""

from __future__ import annotations

import logging
import shutil
import statistics
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from extractors.pdf import read_pdf
from pipeline.isolation import run_isolated
from schemas.errors import InputError, IntmkError
from tests.fixtures.pdf import write_pdf
from tests.fixtures.pdf_raw import (
    damage_xref,
    encryption_values,
    flip_bytes,
    text_page_objects,
    write_attachment_encrypted_pdf,
    write_raw_pdf,
)
from tests.fixtures.sample import load_sample
from tests.test_corpus_pdf import CORPUS, LIMITS, RUNNER_FAILURES, corpus_pdfs

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

TRUNCATIONS = (0.1, 0.25, 0.5, 0.75, 0.9, 0.97, 0.995)
FLIPS = 40  # single-byte flips, evenly spread over the sample file
MAX_LOSS_RATIO = 0.5  # a document keeping less than this share of the best other reader ...
MIN_CHARS_AT_STAKE = 200  # ... with more characters than this missing must carry a problem
BUDGET_S = 120.0  # ~40 s on an idle 2-core machine; the bound only catches a runaway


def count_pdfium_chars(path: str) -> int:
    """Visible characters of pypdfium2's raw text of every page (run in a limited child)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return 0
    chars = 0
    for index in range(len(document)):
        try:
            page = document[index]
            textpage = page.get_textpage()
            chars += len("".join(textpage.get_text_range().split()))
            textpage.close()
            page.close()
        except (pdfium.PdfiumError, AssertionError):
            continue
    return chars


def count_pdftotext_chars(path: Path) -> int:
    if shutil.which("pdftotext") is None:
        return 0
    try:
        done = subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return 0
    return len("".join(done.stdout.decode("utf-8", "replace").split()))


def read_and_count(path: str) -> dict:
    """In the limited child: ``read_pdf``'s outcome as plain data, and pypdfium2's raw count."""
    try:
        document = read_pdf(Path(path))
    except IntmkError as error:
        if error.code in RUNNER_FAILURES or not isinstance(error, InputError):
            raise
        row = {"outcome": str(error.code), "kept": 0, "problems": [], "detail": error.message}
    else:
        row = {"outcome": "text", "kept": sum(len("".join(line.text.split())) for line in document.lines),
               "problems": [problem.code for problem in document.problems], "detail": ""}
    row["pdfium"] = count_pdfium_chars(path)
    return row


# ----------------------------------------------------------------------------- variants of the sample


def write_variants(folder: Path) -> list[Path]:
    sample = load_sample()
    base = write_pdf(folder / "sample.pdf", sample.pages, header=sample.pages[0][0], page_marker="- {n} -")
    data = base.read_bytes()
    variants = [base]

    def add(name: str, content: bytes) -> None:
        path = folder / name
        path.write_bytes(content)
        variants.append(path)

    for share in TRUNCATIONS:
        add(f"truncated-{share}.pdf", data[: int(len(data) * share)])
    for i in range(FLIPS):
        offset = 8 + i * (len(data) - 9) // FLIPS
        add(f"flip-{offset}.pdf", flip_bytes(data, offset))
    add("font-dictionary-invalid.pdf", _replace(data, b"/Name /F1 /Subtype", b"/Name     /Subtype"))
    add("page-dictionary-invalid.pdf", _replace(data, b"/MediaBox", b"         "))
    add("xref-damaged.pdf", damage_xref(data))
    lines = [line for page in sample.pages for line in page][:40]
    far = b"BT /F1 11 Tf 1 0 0 1 500000000 400 Tm (xyz) Tj ET\n"
    variants.append(write_raw_pdf(folder / "stray-box.pdf", text_page_objects(lines, extra_content=far)))
    values, permissions = encryption_values(folder, user_password="attachment", owner_password="owner")
    variants.append(write_attachment_encrypted_pdf(folder / "attachment-encrypted.pdf", lines[:20], values, permissions))
    return variants


def _replace(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data, old
    return data.replace(old, new, 1)


# ----------------------------------------------------------------------------- the batch


def test_every_pdf_is_answered_without_a_bug_and_lost_text_is_flagged(tmp_path, capfd, caplog):
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not present at {CORPUS}")
    caplog.set_level(logging.ERROR)
    files = [(str(p.relative_to(CORPUS)), p) for p in corpus_pdfs()]
    files += [(f"variant/{p.name}", p) for p in write_variants(tmp_path)]
    started = time.monotonic()

    rows = [measure(name, path) for name, path in files]

    elapsed = time.monotonic() - started
    stderr = capfd.readouterr().err
    with capfd.disabled():
        print_ratio_summary(rows, elapsed)
    failures = [f"{r['name']}: {r['detail']}" for r in rows if r["outcome"] == "FAIL"]
    unflagged = [f"{r['name']}: kept {r['kept']} of {r['best']} characters, no problem"
                 for r in rows if r["outcome"] == "text" and loses_text(r) and not r["problems"]]
    assert len(rows) == len(files)  # every path answered
    assert not failures, "\n".join(failures)
    assert not unflagged, "\n".join(unflagged)
    assert "Traceback" not in stderr
    assert not [r.getMessage() for r in caplog.records if "Traceback" in r.getMessage()]
    assert elapsed < BUDGET_S


def measure(name: str, path: Path) -> dict:
    """One file through the isolated child runner; "FAIL" for a bug, crash, timeout or memory limit."""
    try:
        row = run_isolated(read_and_count, str(path), limits=LIMITS)
    except IntmkError as error:
        row = {"outcome": "FAIL", "kept": 0, "problems": [], "pdfium": 0, "detail": f"{error.code}: {error.message}"}
    if row["outcome"] == "FAIL" or not isinstance(row.get("kept"), int):
        row["outcome"] = "FAIL"
    row["name"], row["best"] = name, max(row["pdfium"], count_pdftotext_chars(path))
    return row


def _status(row: dict) -> str:
    if row["outcome"] == "text":
        return "partial" if row["problems"] else "success"
    return row["outcome"]


def loses_text(row: dict) -> bool:
    return row["best"] - row["kept"] > MIN_CHARS_AT_STAKE and row["kept"] < MAX_LOSS_RATIO * row["best"]


def print_ratio_summary(rows: list[dict], elapsed: float) -> None:
    print(f"\n{len(rows)} PDFs in {elapsed:.1f} s")
    for label, part in (("corpus", [r for r in rows if not r["name"].startswith("variant/")]),
                        ("sample variants", [r for r in rows if r["name"].startswith("variant/")])):
        outcomes = Counter(_status(r) for r in part)
        print(f"  {label} ({len(part)}): " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    measured = [r for r in rows if r["outcome"] == "text" and r["best"] > 0]
    ratios = sorted(((r["kept"] / r["best"], r) for r in measured), key=lambda item: item[0])
    if ratios:
        print(f"kept ratio (ours / best of pypdfium2 raw and pdftotext) over {len(ratios)} documents: "
              f"median {statistics.median(x for x, _ in ratios):.3f}")
    print("worst kept ratios:")
    for ratio, r in ratios[:8]:
        print(f"  {ratio:6.3f}  {r['kept']:7} / {r['best']:7}  {r['name']}  problems={r['problems']}")
    rejected = sorted((r for r in rows if r["outcome"] not in ("text", "FAIL") and r["best"] > MIN_CHARS_AT_STAKE),
                      key=lambda r: -r["best"])
    for r in rejected[:5]:
        print(f"  rejected with {r['best']} characters readable elsewhere: {r['name']} ({r['outcome']})")
