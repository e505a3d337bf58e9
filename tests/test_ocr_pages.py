"""The OCR stage's page handling: scan pixels or rendering, turned pages, straightening, the text
layer written from hOCR, the PDF/A fallback, and how a batch is split into Prefect tasks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from extractors.ocr import extract_scanned
from extractors.ocr_pages import PageImage, estimate_skew, write_page_images
from extractors.ocr_runner import read_page_texts, run_ocr
from extractors.ocr_text_layer import HocrPage, TextLine, Word, render_text_layer
from pipeline.digitize.batch import PAGES_PER_TASK, Batch, split_tasks
from tests.fixtures.layouts import Fixture
from tests.fixtures.sample import CORPUS, SAMPLE_FIELDS
from tests.fixtures.scans import write_scan, write_turned_pdf

ACROFORM = CORPUS / "ocrmypdf-tests/tests/resources/acroform.pdf"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ocr-pages")


@pytest.fixture(scope="module")
def skewed(original: Fixture, folder: Path) -> Path:
    """Skewed by 1.5° counter-clockwise: enough to be turned before Tesseract reads it."""
    return write_scan(original.path, folder / "schief.pdf", dpi=200, skew_degrees=1.5, noise=0.01, seed=3)


def render_page(path: Path, index: int = 0, dpi: int = 100) -> Image.Image:
    document = pdfium.PdfDocument(str(path))
    try:
        return document[index].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        document.close()


def write_first_page_image(path: Path, folder: Path) -> PageImage:
    with pikepdf.open(path) as pdf:
        return write_page_images(path, pdf, [1], folder, replace=set())[0]


# ----------------------------------------------------------------------------- page images


def test_a_scan_page_hands_over_its_own_pixels_and_resolution(original: Fixture, folder: Path, tmp_path: Path):
    scan = write_scan(original.path, folder / "gerade.pdf", dpi=200, seed=1)
    with pikepdf.open(scan) as pdf:
        embedded = next(iter(pdf.pages[0].get_images().values()))
        size = (int(embedded.Width), int(embedded.Height))

    image = write_first_page_image(scan, tmp_path)

    with Image.open(image.path) as written:
        assert written.size == size and round(written.info["dpi"][0]) == 200
    assert image.turned == 0.0 and not image.replace
    assert (image.width, image.height) == pytest.approx((595.3, 841.9), abs=1)


def test_a_turned_page_is_rendered_upright(original: Fixture, folder: Path, tmp_path: Path):
    scan = write_scan(original.path, folder / "gerade-200.pdf", dpi=200, seed=2)
    lying = write_turned_pdf(scan, folder / "quer.pdf")

    image = write_first_page_image(lying, tmp_path)

    with Image.open(image.path) as written:
        assert written.width < written.height  # upright again, as a viewer shows it
    assert image.to_user.a == 0 and image.to_user.b == 1  # displayed x runs up the stored page


def test_skew_is_estimated_from_the_pixels(skewed: Path, original: Fixture, tmp_path: Path):
    assert estimate_skew(render_page(skewed, dpi=200)) == pytest.approx(1.5, abs=0.15)
    assert estimate_skew(render_page(original.path, dpi=200)) == pytest.approx(0.0, abs=0.1)
    assert estimate_skew(Image.new("L", (400, 600), 255)) == 0.0  # nothing to measure
    image = write_first_page_image(skewed, tmp_path)
    assert image.turned == pytest.approx(1.5, abs=0.15)  # 1° or more: turned before OCR


# ----------------------------------------------------------------------------- whole files


@pytest.mark.slow
def test_the_searchable_copy_is_straight_and_gives_the_fields(skewed: Path, folder: Path):
    result = run_ocr(skewed, folder / "gerade-gerueckt.pdf")
    records = extract_scanned(skewed, folder / "gerade-gerueckt.pdf", result)

    assert result.skew_degrees == pytest.approx((1.5, 1.5), abs=0.2)
    assert estimate_skew(render_page(folder / "gerade-gerueckt.pdf", dpi=200)) == pytest.approx(0.0, abs=0.15)
    assert records[0].title == SAMPLE_FIELDS["title"] and records[0].top == SAMPLE_FIELDS["top"]
    assert len(records[0].decision_text.split("\n\n")) == SAMPLE_FIELDS["paragraphs"]
    with pikepdf.open(folder / "gerade-gerueckt.pdf") as pdf, pikepdf.open(skewed) as scan:
        kept, scanned = (next(iter(p.pages[0].get_images().values())) for p in (pdf, scan))
        assert kept.read_raw_bytes() == scanned.read_raw_bytes()  # the scan's own image, not re-encoded


@pytest.mark.slow
def test_without_deskew_the_page_keeps_its_skew(skewed: Path, tmp_path: Path):
    result = run_ocr(skewed, tmp_path / "schief.pdf", deskew=False)

    assert result.skew_degrees == (0.0, 0.0)
    assert estimate_skew(render_page(tmp_path / "schief.pdf", dpi=200)) == pytest.approx(1.5, abs=0.15)
    assert "Migrationsberatung" in read_page_texts(tmp_path / "schief.pdf")[0]


@pytest.mark.slow
def test_a_turned_scan_gives_the_fields_of_the_upright_one(original: Fixture, folder: Path, tmp_path: Path):
    lying = write_turned_pdf(write_scan(original.path, tmp_path / "scan.pdf", dpi=200, seed=4), tmp_path / "quer.pdf")

    result = run_ocr(lying, tmp_path / "out.pdf")
    record = extract_scanned(lying, tmp_path / "out.pdf", result)[0]

    assert (record.title, record.top, record.applicants) == (
        SAMPLE_FIELDS["title"], SAMPLE_FIELDS["top"], SAMPLE_FIELDS["applicants"])
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        assert all(int(page.Rotate) == 90 for page in pdf.pages)  # the page itself is kept as it was


@pytest.mark.slow
def test_relative_paths_work_as_make_demo_gives_them(original: Fixture, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # INTMK_HOME=var/demo: the work folder under a relative path
    Path("var/ocr-arbeit").mkdir(parents=True)
    Path("out").mkdir()
    scan = write_scan(original.path, Path("scan.pdf"), dpi=100)

    result = run_ocr(scan, Path("out") / "scan.pdf", temp_root=Path("var/ocr-arbeit"))

    assert result.ocr_pages == 2 and (tmp_path / "out" / "scan.pdf").is_file()
    assert list((tmp_path / "var" / "ocr-arbeit").iterdir()) == []


@pytest.mark.slow
def test_without_ghostscript_a_form_stays_a_plain_pdf(tmp_path: Path):
    programs = tmp_path / "bin"  # Tesseract only
    programs.mkdir()
    (programs / "tesseract").symlink_to(shutil.which("tesseract"))

    result = run_ocr(ACROFORM, tmp_path / "out.pdf", env={"PATH": str(programs)})

    assert result.pdfa is None and "perfectly" in read_page_texts(tmp_path / "out.pdf")[0]
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        assert "pdfaid:part" not in pdf.open_metadata()
    assert os.environ["PATH"] != str(programs)


# ----------------------------------------------------------------------------- text layer


def test_text_layer_sets_every_line_level_on_the_straightened_page():
    page = HocrPage(1000, 1400, [TextLine((100, 100, 900, 130), slope=-0.026, offset=-5, size=25, words=[
        Word("Ausbau", (100, 100, 300, 130), 95), Word("und", (320, 95, 400, 125), 90),
        Word("Öffnung", (420, 90, 700, 122), 88)])])

    content = render_text_layer(page, 500, 700, 1.5, "OCR").decode("ascii")

    placements = [line.split(" Tm ")[0].split()[-6:] for line in content.splitlines() if " Tm " in line]
    assert [p[:4] for p in placements] == [["1", "0", "0", "1"]] * 3  # unrotated glyphs
    assert len({p[5] for p in placements}) == 1  # one baseline for the whole line
    assert [float(p[4]) for p in placements] == sorted(float(p[4]) for p in placements)
    assert "3 Tr" in content and content.count(" Tj") == 3
    assert "00D6" in content  # "Ö" as its Unicode code for the glyph-less font


# ----------------------------------------------------------------------------- tasks


@pytest.mark.parametrize(("pages", "workers", "expected"), [
    ([1] * 24, 2, [6, 6, 6, 6]),  # a quarter each: two per worker
    ([1] * 3, 2, [1, 1, 1]),
    ([1] * 100, 2, [PAGES_PER_TASK] * 12 + [4]),
    ([30, 1, 1, 30], 2, [30, 2, 30]),  # large files alone, small ones together
])
def test_a_batch_is_split_into_tasks_of_a_few_pages(pages: list[int], workers: int, expected: list[int]):
    files = [Path(f"/archiv/{index}.pdf") for index in range(len(pages))]
    batch = Batch(Path("/archiv"), pages=dict(zip(files, pages)))

    groups = split_tasks(batch, workers)

    assert [sum(batch.pages[path] for path in group) for group in groups] == expected
    assert [path for group in groups for path in group] == files  # every file once, in order
