"""The OCR stage: scans made from the real sample must give the fields of the born-digital original.

Each scan is OCRed once per module (Tesseract ``deu``, one thread); the tests then look at the
same result from several sides. How often other seeds of the same kinds of scan give every field
is measured by benchmarks/ocr_fields.py, not here.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from rapidfuzz import fuzz

from extractors.extract import extract_document
from extractors.hashing import sha256_file
from extractors.ocr import extract_scanned, inspect_text_layer, mark_ocr, repair_ocr_line, repair_ocr_text
from extractors.ocr_runner import OcrResult, classify_failure, read_page_texts, run_ocr
from extractors.ocr_text_layer import read_hocr, skew_from_slopes
from schemas import ExtractionRecord, Source, Statement
from schemas.errors import EnvironmentProblem, ErrorCode, InputError, InternalError
from tests.fixtures.layouts import Fixture
from tests.fixtures.pdf import encrypt_pdf, write_pdf
from tests.fixtures.sample import CORPUS, SAMPLE_FIELDS, flat, load_sample
from tests.fixtures.scans import write_mojibake_pdf, write_scan

SCANS = {  # name: write_scan options
    "300dpi-skewed-noisy": {"dpi": 300, "skew_degrees": 1.5, "noise": 0.04, "seed": 2},
    "200dpi": {"dpi": 200, "skew_degrees": -0.5, "noise": 0.02, "seed": 5},
}
CORPUS_SCANS = {  # small image-only files of other projects, read in place: (path, words OCR must find, PDF/A)
    # an image that is also another's mask: pikepdf's validator cannot check it, so a plain PDF
    "masks": (CORPUS / "ocrmypdf-tests/tests/resources/masks.pdf", ["Linux", "Wikipedia", "Betriebssysteme"], None),
    # form fields: PDF/A only after Ghostscript's rewrite, which pikepdf then approves
    "acroform": (CORPUS / "ocrmypdf-tests/tests/resources/acroform.pdf", ["perfectly", "word"], "2B"),
}


@dataclass
class Ocred:
    scan: Path
    output: Path
    result: OcrResult
    hash_before: str
    records: list[ExtractionRecord]


def ocr_once(scan: Path, folder: Path, **options) -> Ocred:
    hash_before = sha256_file(scan)
    output = folder / f"{scan.stem}.ocr.pdf"
    result = run_ocr(scan, output, **options)
    return Ocred(scan, output, result, hash_before, extract_scanned(scan, output, result))


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ocr")


@pytest.fixture(scope="module")
def original_records(original: Fixture) -> list[ExtractionRecord]:
    return extract_document(original.path)


@pytest.fixture(scope="module", params=list(SCANS))
def scan(request: pytest.FixtureRequest, original: Fixture, folder: Path) -> Path:
    return write_scan(original.path, folder / f"scan-{request.param}.pdf", **SCANS[request.param])


@pytest.fixture(scope="module")
def ocred(scan: Path, folder: Path) -> Ocred:
    return ocr_once(scan, folder)


@pytest.fixture(scope="module")
def mojibake(folder: Path) -> Path:
    return write_mojibake_pdf(folder / "mojibake.pdf")


@pytest.fixture(scope="module")
def mojibake_ocred(mojibake: Path, folder: Path) -> Ocred:
    return ocr_once(mojibake, folder, force=inspect_text_layer(mojibake).needs_forced_ocr)


# ----------------------------------------------------------------------------- text layer


def test_born_digital_original_needs_no_ocr(original: Fixture):
    layer = inspect_text_layer(original.path)

    assert (layer.pages, layer.without_text, layer.mojibake) == (2, [], [])
    assert not layer.needs_ocr and not layer.needs_forced_ocr


def test_scan_has_no_text_layer_on_any_page(scan: Path):
    layer = inspect_text_layer(scan)

    assert layer.pages == 2
    assert layer.without_text == [1, 2] and layer.empty == [1, 2]
    assert layer.needs_ocr and not layer.needs_forced_ocr


def test_scan_is_deterministic_for_a_seed(original: Fixture, tmp_path: Path):
    options = {"dpi": 150, "skew_degrees": 1.0, "noise": 0.05}
    first = write_scan(original.path, tmp_path / "a.pdf", seed=1, **options).read_bytes()
    again = write_scan(original.path, tmp_path / "b.pdf", seed=1, **options).read_bytes()
    other = write_scan(original.path, tmp_path / "c.pdf", seed=2, **options).read_bytes()

    assert first == again
    assert first != other


def test_scan_keeps_the_physical_page_size(scan: Path, original: Fixture):
    sizes = []
    for path in (scan, original.path):
        document = pdfium.PdfDocument(str(path))
        sizes.append([value for page in document for value in page.get_size()])
        document.close()

    assert sizes[0] == pytest.approx(sizes[1], abs=0.5)


def test_mojibake_layer_is_junk_and_forces_ocr(mojibake: Path):
    layer = inspect_text_layer(mojibake)

    assert layer.mojibake == [1, 2] and layer.without_text == []
    assert layer.needs_ocr and layer.needs_forced_ocr
    with pytest.raises(InputError) as caught:  # the normal reader cannot use it either
        extract_document(mojibake)
    assert caught.value.code is ErrorCode.NEEDS_OCR


def test_damaged_and_encrypted_files_are_input_errors(original: Fixture, tmp_path: Path):
    locked = encrypt_pdf(original.path, tmp_path / "locked.pdf", user_password="geheim", owner_password="x")
    cases = [
        (CORPUS / "ocrmypdf-tests/tests/resources/invalid.pdf", ErrorCode.DAMAGED_FILE),
        (locked, ErrorCode.ENCRYPTED),
    ]
    for path, code in cases:
        for call in (inspect_text_layer, lambda p: run_ocr(p, tmp_path / "out.pdf")):
            with pytest.raises(InputError) as caught:
                call(path)
            assert caught.value.code is code, (path, caught.value.message)
    assert not (tmp_path / "out.pdf").exists()


# ----------------------------------------------------------------------------- OCR of the scans


@pytest.mark.slow
def test_scan_gives_the_fields_of_the_original(ocred: Ocred, original_records: list[ExtractionRecord]):
    assert len(ocred.records) == len(original_records) == 1
    scanned, born = ocred.records[0], original_records[0]

    assert flat(scanned) == flat(born)
    assert scanned.title == SAMPLE_FIELDS["title"]
    assert len(scanned.decision_text.split("\n\n")) == SAMPLE_FIELDS["paragraphs"]
    assert fuzz.ratio(scanned.decision_text, born.decision_text) >= 95
    assert scanned.source.pages == born.source.pages


@pytest.mark.slow
def test_scan_records_are_marked_as_ocr_of_the_original(ocred: Ocred):
    source = ocred.records[0].source

    assert source.ocr is True
    assert 50 <= source.ocr_confidence <= 100
    assert source.ocr_confidence == ocred.result.confidence
    assert source.path == str(ocred.scan)
    assert source.sha256 == sha256_file(ocred.scan) != sha256_file(ocred.output)


@pytest.mark.slow
def test_ocr_result_counts_pages(ocred: Ocred):
    result = ocred.result

    assert (result.pages, result.ocr_pages, result.ocr_page_numbers) == (2, 2, (1, 2))
    assert result.mode == "scan"
    assert 0 < result.seconds < 60


@pytest.mark.slow
def test_output_is_searchable_pdfa_2(ocred: Ocred):
    assert ocred.output.read_bytes()[:5] == b"%PDF-"
    with pikepdf.open(ocred.output) as pdf:
        assert pdf.open_metadata().get("pdfaid:part") == "2"
    assert ocred.result.pdfa == "2B"
    assert not inspect_text_layer(ocred.output).needs_ocr


@pytest.mark.slow
def test_original_stays_untouched_and_no_temporary_files_remain(ocred: Ocred):
    assert sha256_file(ocred.scan) == ocred.hash_before
    assert not list(ocred.output.parent.glob("*.part.pdf"))


@pytest.mark.slow
def test_mojibake_is_re_ocred_and_gives_the_real_title(mojibake_ocred: Ocred):
    record = mojibake_ocred.records[0]

    assert mojibake_ocred.result.mode == "force"
    assert record.title == SAMPLE_FIELDS["title"]
    assert record.top == SAMPLE_FIELDS["top"] and record.applicants == SAMPLE_FIELDS["applicants"]
    assert record.source.ocr is True
    assert inspect_text_layer(mojibake_ocred.output).mojibake == []


@pytest.mark.slow
def test_mixed_file_ocrs_only_the_scanned_page_and_keeps_the_text_page(tmp_path: Path):
    pages = load_sample().pages
    mixed = write_pdf(tmp_path / "gemischt.pdf", pages, image_pages={2})  # page 2 is a picture

    result = run_ocr(mixed, tmp_path / "out.pdf")

    assert result.mode == "skip" and result.ocr_page_numbers == (2,)
    before, after = read_page_texts(mixed), read_page_texts(tmp_path / "out.pdf")
    assert after[0] == before[0]  # the born-digital page keeps its own text layer
    assert "Herkunft und Status" in after[1]
    records = extract_scanned(mixed, tmp_path / "out.pdf", result)
    assert records[0].source.ocr is True and records[0].title == SAMPLE_FIELDS["title"]


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize("name", list(CORPUS_SCANS))
def test_image_only_corpus_file_gets_text(name: str, tmp_path: Path):
    path, words, pdfa = CORPUS_SCANS[name]
    hash_before = sha256_file(path)

    result = run_ocr(path, tmp_path / "out.pdf")

    text = " ".join(read_page_texts(tmp_path / "out.pdf"))
    assert all(word in text for word in words), text[:300]
    assert result.ocr_pages == result.pages == 1
    assert result.confidence is not None and result.confidence > 50
    assert result.pdfa == pdfa
    with pikepdf.open(tmp_path / "out.pdf") as pdf:  # a plain PDF must not claim PDF/A
        assert pdf.open_metadata().get("pdfaid:part") == ("2" if pdfa else None)
    assert sha256_file(path) == hash_before


# ----------------------------------------------------------------------------- failures


def processes_mentioning(marker: str) -> dict[int, str]:
    """Live processes whose environment mentions ``marker`` (all of the OCR child's group)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found[int(entry.name)] = (entry / "comm").read_text().strip()
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_timeout_kills_every_process_and_leaves_no_file(original: Fixture, tmp_path: Path):
    scan = write_scan(original.path, tmp_path / "scan.pdf", dpi=300)
    work = tmp_path / "work"
    work.mkdir()
    seen: dict[int, str] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(processes_mentioning(str(work)))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.monotonic()
    try:
        with pytest.raises(InputError) as caught:
            run_ocr(scan, tmp_path / "out.pdf", timeout=1.5, temp_root=work)
    finally:
        done.set()
        watcher.join()

    assert caught.value.code is ErrorCode.TIMEOUT
    assert "scan.pdf" in caught.value.message and "1,5 Sekunden" in caught.value.message
    assert time.monotonic() - started < 10
    assert seen, "the watcher saw no OCR process"
    assert processes_mentioning(str(work)) == {}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.pdf", "work"]
    assert list(work.iterdir()) == []


@pytest.mark.slow
def test_missing_tesseract_is_an_environment_problem(original: Fixture, tmp_path: Path):
    scan = write_scan(original.path, tmp_path / "scan.pdf", dpi=100)
    programs = tmp_path / "bin"  # no Tesseract on the PATH
    programs.mkdir()

    with pytest.raises(EnvironmentProblem) as caught:
        run_ocr(scan, tmp_path / "out.pdf", env={"PATH": str(programs)})

    assert caught.value.code is ErrorCode.MISSING_DEPENDENCY
    assert "Tesseract" in caught.value.message
    assert "apt-get install tesseract-ocr tesseract-ocr-deu" in caught.value.message
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.slow
def test_missing_language_pack_is_named(original: Fixture, tmp_path: Path):
    scan = write_scan(original.path, tmp_path / "scan.pdf", dpi=100)

    with pytest.raises(EnvironmentProblem) as caught:
        run_ocr(scan, tmp_path / "out.pdf", language="kli")

    assert caught.value.code is ErrorCode.MISSING_DEPENDENCY
    assert "„kli“" in caught.value.message and "tesseract-ocr-kli" in caught.value.message


def test_target_must_not_be_the_original(original: Fixture):
    with pytest.raises(InternalError):
        run_ocr(original.path, original.path)


@pytest.mark.parametrize(("returncode", "stderr", "kind", "code"), [
    (1, "Error opening data file /usr/share/tesseract-ocr/5/tessdata/kli.traineddata\n"
        "Failed loading language 'kli'\nTesseract couldn't load any languages!", EnvironmentProblem,
     ErrorCode.MISSING_DEPENDENCY),
    (-9, "", InputError, ErrorCode.PARSER_CRASHED),
    (-11, "Segmentation fault", InputError, ErrorCode.PARSER_CRASHED),
    (1, "read_params_file: Can't open bogus", InternalError, ErrorCode.INTERNAL),
])
def test_tesseract_failures_are_classified(returncode, stderr, kind, code):
    error = classify_failure(returncode, stderr, "kli")

    assert type(error) is kind and error.code is code
    assert error.message
    if kind is EnvironmentProblem:
        assert "„kli“" in error.message and "apt-get install tesseract-ocr-kli" in error.message


def test_hocr_gives_lines_words_skew_and_confidence_per_page(tmp_path: Path):
    def page(number: int, *lines: str) -> str:
        return (f"<div class='ocr_page' id='page_{number}' title='image \"x.tif\"; bbox 0 0 1000 1400; "
                f"ppageno {number}'>{''.join(lines)}</div>")

    def line(kind: str, left: int, right: int, slope: str, *words: tuple[str, int]) -> str:
        spans = "".join(f"<span class='ocrx_word' title='bbox {left} 12 {left + 40} 40; x_wconf {conf}'>{text}</span> "
                        for text, conf in words)
        return f"<span class='{kind}' title=\"bbox {left} 10 {right} 40; baseline {slope} -3; x_size 30\">{spans}</span>"

    hocr = tmp_path / "ocr.hocr"
    hocr.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<html xmlns='http://www.w3.org/1999/xhtml'><body>"
        + page(0, line("ocr_line", 100, 900, "-0.026", ("Über", 90)), line("ocr_header", 100, 800, "-0.027", ("TOP", 80)),
               line("ocr_line", 100, 150, "0.5", ("kurz", 70)))  # short: no say in the skew
        + page(1, line("ocr_caption", 10, 60, "0.01", ("Bild", 60)))
        + page(2) + "</body></html>", encoding="utf-8")

    first, second, empty = read_hocr(hocr)

    assert first.slopes == [-0.026, -0.027] and first.confidences == [90, 80, 70]
    assert [word.text for line in first.lines for word in line.words] == ["Über", "TOP", "kurz"]
    assert first.lines[0].box == (100, 10, 900, 40) and first.lines[0].size == 30 and first.lines[0].offset == -3
    assert second.slopes == [0.01] and second.confidences == [60]  # only short lines: all count
    assert (empty.width, empty.height, empty.lines) == (1000, 1400, [])
    assert skew_from_slopes(first.slopes) == pytest.approx(1.518, abs=0.01)  # rising lines: counter-clockwise
    assert skew_from_slopes([]) == 0.0


def test_extract_scanned_describes_the_original_and_marks_only_recognized_pages(original: Fixture, tmp_path: Path):
    archived = tmp_path / "original-scan.pdf"
    archived.write_bytes(b"%PDF-1.4 the archived scan")
    untouched = OcrResult(pages=2, confidence=None, seconds=1.0)
    recognized = OcrResult(pages=2, confidence=91.0, seconds=1.0, ocr_page_numbers=(2,))

    plain = extract_scanned(archived, original.path, untouched)[0]
    marked = extract_scanned(archived, original.path, recognized)[0]

    assert plain.source.path == marked.source.path == str(archived)
    assert plain.source.sha256 == marked.source.sha256 == sha256_file(archived)
    assert plain.source.ocr is False and plain.source.ocr_confidence is None
    assert marked.source.ocr is True and marked.source.ocr_confidence == 91.0
    assert marked.source.pages == (1, 2) and marked.title == SAMPLE_FIELDS["title"]


# ----------------------------------------------------------------------------- text repair


@pytest.mark.parametrize(("ocr", "repaired"), [
    ("nach $ 3 Abs. 2", "nach § 3 Abs. 2"),
    ("$$ 3 und 4 AufenthG", "§§ 3 und 4 AufenthG"),
    ("$3 Abs. 1", "§3 Abs. 1"),
    ("gemäß $ 60a AufenthG", "gemäß § 60a AufenthG"),
    ("($ 23 SGB II)", "(§ 23 SGB II)"),
    ("Kosten von 5 $", "Kosten von 5 $"),
    ("US$ 5", "US$ 5"),
    ("Preis: 5 $ pro Stück", "Preis: 5 $ pro Stück"),
    ("$ allein", "$ allein"),
    ("ohne Zeichen", "ohne Zeichen"),
])
def test_repair_ocr_text(ocr: str, repaired: str):
    assert repair_ocr_text(ocr) == repaired


@pytest.mark.parametrize(("ocr", "repaired"), [
    ("10P 2.12", "TOP 2.12"),
    ("1T0P 212", "TOP 212"),
    ("TOP. 2.12 Ausbau", "TOP 2.12 Ausbau"),
    ("TOP:2.12", "TOP 2.12"),
    ("I0P 3", "TOP 3"),
    ("TOP 2.12", "TOP 2.12"),
    ("TOPIC 3", "TOPIC 3"),
    ("Gemäß $ 3 Abs. 2", "Gemäß § 3 Abs. 2"),
    ("STOP 3", "STOP 3"),
])
def test_repair_ocr_line(ocr: str, repaired: str):
    assert repair_ocr_line(ocr) == repaired


def test_mark_ocr_sets_source_and_repairs_every_text_field():
    record = ExtractionRecord(
        source=Source(path="/archiv/scan.pdf", sha256="0" * 64, pages=(1, 2)),
        title="Umsetzung von $ 45a AufenthG", subtitle="zu $$ 3 und 4", decision_text="1. Nach $ 3 gilt …",
        reasoning="Siehe $ 7.", statements=[Statement(by=["BY"], text="Bayern verweist auf $ 9.")],
    )

    marked = mark_ocr([record], 87.5)[0]

    assert marked.source.ocr is True and marked.source.ocr_confidence == 87.5
    assert (marked.title, marked.subtitle) == ("Umsetzung von § 45a AufenthG", "zu §§ 3 und 4")
    assert (marked.decision_text, marked.reasoning) == ("1. Nach § 3 gilt …", "Siehe § 7.")
    assert marked.statements[0].text == "Bayern verweist auf § 9." and marked.statements[0].by == ["BY"]
    assert record.source.ocr is False and record.title.endswith("$ 45a AufenthG")  # input unchanged
    ExtractionRecord.model_validate(marked.model_dump())  # still a valid record
