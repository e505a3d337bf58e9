"""How often a scan gives every field of its born-digital original, over many noise seeds.

    python benchmarks/ocr_fields.py                # 12 seeds per kind of scan
    python benchmarks/ocr_fields.py --seeds 24

The OCR tests check one seed per kind of scan, so they say nothing about how fragile the fields
are. Here the sample as printed (two pages, tests/fixtures) is scanned with each seed, OCRed
with ``run_ocr`` and read with ``extract_scanned``; a scan counts as right when every field of
``tests.test_ocr.FIELDS`` and the number of paragraphs of the decision equal the original's.
Mismatching fields are counted per field.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KINDS = {  # name: write_scan options without the seed
    "300 dpi, 1,5° schräg, Rauschen 0,02": {"dpi": 300, "skew_degrees": 1.5, "noise": 0.02},
    "300 dpi, 1,5° schräg, Rauschen 0,04": {"dpi": 300, "skew_degrees": 1.5, "noise": 0.04},
    "200 dpi, −0,5° schräg, Rauschen 0,02": {"dpi": 200, "skew_degrees": -0.5, "noise": 0.02},
}


def describe(record) -> dict:
    from tests.fixtures.sample import flat

    fields = flat(record)
    fields["paragraphs"] = len((record.decision_text or "").split("\n\n"))
    return fields


def main() -> None:
    from extractors.extract import extract_document
    from extractors.ocr import extract_scanned
    from extractors.ocr_runner import run_ocr
    from tests.fixtures.layouts import build_sample_as_printed
    from tests.fixtures.scans import write_scan

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intmk-ocr-fields-") as tmp:
        folder = Path(tmp)
        original = build_sample_as_printed(folder)
        expected = describe(extract_document(original.path)[0])
        for name, options in KINDS.items():
            right, wrong = 0, collections.Counter()
            for seed in range(args.seeds):
                scan = write_scan(original.path, folder / "scan.pdf", seed=seed, **options)
                result = run_ocr(scan, folder / "ocr.pdf")
                found = describe(extract_scanned(scan, folder / "ocr.pdf", result)[0])
                differing = [field for field, value in expected.items() if found[field] != value]
                right += not differing
                wrong.update(differing)
            details = ", ".join(f"{field} {count}×" for field, count in wrong.most_common()) or "–"
            print(f"{name}: {right} von {args.seeds} Scans mit allen Feldern richtig; abweichend: {details}")


if __name__ == "__main__":
    main()
