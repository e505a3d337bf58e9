"""Speed and memory of the PDF extraction against raw library calls.

    python benchmarks/extract.py            # all variants on 20 and 1000 pages
    python benchmarks/extract.py --pages 20 # one size only

Generates PDFs from the sample resolution (repeated, with a running header and "- n -" page
markers) into ``benchmarks/.data/`` and measures, each in a fresh child process:

* ``pdfplumber``  raw ``page.extract_text()`` per page, every page closed after use;
* ``pdftotext``   poppler's command-line tool (skipped if it is not installed:
  ``apt-get install poppler-utils``);
* ``read_pdf``    our reader alone;
* ``extraction``  our reader, then ``extractors.text.join_lines`` over the lines and
  ``extractors.records.build_records`` (each only if importable): the whole extraction.

Reported: pages per CPU-second (the work only, imports excluded; small documents are read
several times and the median counts), peak RSS of the process
(``ru_maxrss``; for pdftotext the tool's own), and the ratios of the whole extraction to
pdfplumber and to pdftotext.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the test fixtures write the PDFs

from tests.fixtures.sample import load_sample  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
HEADER = "12. Integrationsministerkonferenz 2017 – Beschlüsse"
VARIANTS = ("pdfplumber", "pdftotext", "read_pdf", "extraction")
SIZES = (20, 1000)
MIN_MEASURED_CPU_S = 1.0  # small documents are read repeatedly until this much CPU is spent
MAX_RUNS = 25  # ... and the median run is reported


# ----------------------------------------------------------------------------- fixtures


def sample_pages() -> list[list[str]]:
    """The sample's printed lines on its two pages (tests/fixtures/sample.py reads it in place)."""
    return load_sample().pages


def make_pdf(pages: int) -> Path:
    """Write (once) a PDF of ``pages`` pages: the sample repeated, with header and page markers."""
    from tests.fixtures.pdf import write_pdf

    path = DATA / f"sample-{pages}-pages.pdf"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        base = sample_pages()
        layout = [base[i % len(base)] for i in range(pages)]
        write_pdf(path, layout, header=HEADER, page_marker="- {n} -")
    return path


# ----------------------------------------------------------------------------- child side


def run_pdfplumber(path: Path) -> int:
    import pdfplumber

    chars = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += len(page.extract_text() or "")
            page.close()
    return chars


def run_read_pdf(path: Path) -> int:
    from extractors.pdf import read_pdf

    return sum(len(line.text) for line in read_pdf(path).lines)


def run_extraction(path: Path) -> int:
    """The whole extraction: read, clean up the text, build the records (where available)."""
    from extractors.pdf import read_pdf
    from schemas.errors import IntmkError

    document = read_pdf(path)
    chars = sum(len(line.text) for line in document.lines)
    try:
        from extractors.text import join_lines
    except ImportError:
        join_lines = None
    if join_lines is not None:
        chars = len(join_lines([line.text for line in document.lines]))
    try:
        from extractors.records import build_records
    except ImportError:
        return chars
    try:
        build_records(document)
    except IntmkError as error:  # the benchmark measures the work, not the outcome
        print(f"build_records: {error.code}", file=sys.stderr)
    return chars


def measure_in_child(variant: str, path: Path) -> dict:
    """Run one variant in this (fresh) process and return its measurements."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if variant == "pdftotext":
        runs = 0
        while runs == 0 or (_children_cpu() < MIN_MEASURED_CPU_S and runs < MAX_RUNS):
            subprocess.run(["pdftotext", "-q", str(path), "-"], check=True, stdout=subprocess.DEVNULL)
            runs += 1
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"cpu_s": _children_cpu() / runs, "runs": runs, "rss_kb": usage.ru_maxrss, "base_kb": 0}
    runner = {"pdfplumber": run_pdfplumber, "read_pdf": run_read_pdf, "extraction": run_extraction}[variant]
    # Imports and one-time set-up (spaCy pipeline, lexicons) are per process, not per page:
    # a warm-up run on a one-page PDF takes them out of the measured time and reports them.
    setup = time.process_time()
    runner(make_pdf(1))
    setup = time.process_time() - setup
    times: list[float] = []
    while not times or (sum(times) < MIN_MEASURED_CPU_S and len(times) < MAX_RUNS):
        cpu = time.process_time()
        chars = runner(path)
        times.append(time.process_time() - cpu)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": statistics.median(times), "runs": len(times), "setup_s": setup,
            "rss_kb": usage.ru_maxrss, "base_kb": before, "chars": chars}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ----------------------------------------------------------------------------- parent side


def measure(variant: str, path: Path) -> dict | None:
    if variant == "pdftotext" and shutil.which("pdftotext") is None:
        return None
    completed = subprocess.run(
        [sys.executable, __file__, "--child", variant, str(path)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def print_table(results: dict[tuple[int, str], dict | None]) -> None:
    print(f"\n{'pages':>6} {'variant':<11} {'CPU s':>8} {'pages/CPU-s':>12} {'ms/page':>8} {'setup s':>8} "
          f"{'peak RSS MB':>12} {'ours/this':>10}")
    for (pages, variant), result in results.items():
        if result is None:
            print(f"{pages:>6} {variant:<11} {'skipped: pdftotext not installed (apt-get install poppler-utils)'}")
            continue
        rate = pages / max(result["cpu_s"], 1e-9)
        ours = results.get((pages, "extraction"))
        ratio = ""
        if ours and variant != "extraction":
            ratio = f"{pages / max(ours['cpu_s'], 1e-9) / rate:.1f}x"
        setup = f"{result['setup_s']:.2f}" if "setup_s" in result else "-"
        print(f"{pages:>6} {variant:<11} {result['cpu_s']:>8.2f} {rate:>12.0f} {1000 / rate:>8.2f} {setup:>8} "
              f"{result['rss_kb'] / 1024:>12.0f} {ratio:>10}")
    print("\nours/this: pages per CPU-second of the whole extraction divided by this variant's.")
    print("setup s: CPU of a warm-up run on one page (imports, spaCy pipeline), excluded from the rate.")
    print("peak RSS: whole child process (interpreter and imports included); pdftotext: the tool alone.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, action="append", help="page counts (default: 20 and 1000)")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure_in_child(args.child[0], Path(args.child[1]))))
        return
    results: dict[tuple[int, str], dict | None] = {}
    for pages in args.pages or SIZES:
        path = make_pdf(pages)
        assert page_count(path) == pages
        for variant in VARIANTS:
            print(f"measuring {variant} on {pages} pages …", file=sys.stderr, flush=True)
            results[(pages, variant)] = measure(variant, path)
    print_table(results)


if __name__ == "__main__":
    main()
