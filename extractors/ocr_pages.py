"""Page images for Tesseract and the searchable copy: take out the scan, graft the text layer, PDF/A.

``write_page_images`` gives Tesseract one TIFF per page that needs OCR. A typical scan page (one
image covering the page, upright, no mask) hands over its own pixels (about 20 ms per page);
any other page is rendered by pypdfium2 at the resolution of its images (about 90 ms); a page
skewed by 1° or more is turned straight first. The words Tesseract read are then laid over the
untouched page as invisible text (``graft_text_layers``, text from ``extractors.ocr_text_layer``),
and the page is turned straight by a transform when ``deskew`` is on; pages whose own text layer
is junk (mojibake) are replaced by their rendered image instead. ``save_searchable`` writes
PDF/A-2b with pikepdf's PDF/A module, which validates what it wrote, or a plain PDF where the page
content cannot be PDF/A (e.g. fonts that are not embedded).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf
import pikepdf.pdfa
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from extractors.ocr_text_layer import HocrPage, render_text_layer

DEFAULT_DPI = 300  # pages without images (vector text with a junk layer)
DPI_RANGE = (150, 400)  # Tesseract reads well between; higher only costs time
COVER_TOLERANCE_PT = 2.0  # an image covers the page if its edges are this close to the page's
JPEG_QUALITY = 85  # pages replaced by their rendering (mojibake)
FONT_KEY = "/f-0-0"  # Tesseract's name for its glyph-less font
# Tesseract reads a page skewed by 1.5° worse ("4." as "A.", lost paragraphs) than one turned
# straight first, but one skewed by 0.5° better than one turned; nearest-neighbour turning (14 ms
# a page) read better than bilinear (70 ms). Measured with benchmarks/ocr_fields.py.
MIN_TURN_DEGREES = 1.0
MASK_KEYS = ("/SMask", "/Mask", "/ImageMask", "/Decode")  # pixels alone would not show the page


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page as Tesseract sees it: the image file and where it lies on the page.

    ``to_user`` maps the image's frame in points (origin bottom left, ``width`` × ``height``,
    as the page is displayed) to the page's user space.
    """

    number: int  # 1-based page number
    path: Path
    width: float
    height: float
    to_user: pikepdf.Matrix
    replace: bool = False  # the page's own content is dropped for the image (junk text layer)
    turned: float = 0.0  # degrees the image was turned clockwise before OCR (its skew, counter-clockwise)


def write_page_images(source: Path, pdf: pikepdf.Pdf, numbers: list[int], folder: Path, *, replace: set[int],
                      deskew: bool = True) -> list[PageImage]:
    """A TIFF (with its resolution) per page in ``numbers`` in ``folder``; pages in ``replace`` (junk
    text layer) are rendered in colour, to stand in for the page. ``pdf`` is ``source`` opened by pikepdf."""
    document = pdfium.PdfDocument(str(source))
    try:
        return [_write_page_image(document, pdf.pages[n - 1], n, folder, n in replace, deskew) for n in numbers]
    finally:
        document.close()


def _write_page_image(document: pdfium.PdfDocument, pike_page: pikepdf.Page, number: int, folder: Path,
                      replace: bool, deskew: bool) -> PageImage:
    page = document[number - 1]
    try:
        left, bottom, right, top = page.get_cropbox()
        scan = None if replace else _scan_image(page, pike_page)
        if scan is not None:
            image, dpi = scan
        else:
            dpi = _render_dpi(page)
            image = page.render(scale=dpi / 72, grayscale=not replace, draw_annots=True).to_pil()
        turned = estimate_skew(image) if deskew else 0.0
        if abs(turned) >= MIN_TURN_DEGREES:
            white = 255 if image.mode in ("L", "1") else (255, 255, 255)
            image = image.rotate(-turned, resample=Image.Resampling.NEAREST, fillcolor=white)
        else:
            turned = 0.0
        path = folder / f"seite-{number:05}.tif"
        image.save(path, format="TIFF", dpi=(dpi, dpi))
        width, height = image.width * 72 / dpi, image.height * 72 / dpi
        frame = visual_to_user(page.get_rotation(), (left, bottom, right, top))
        return PageImage(number, path, width, height, frame, replace, turned)
    finally:
        page.close()


def _scan_image(page: pdfium.PdfPage, pike_page: pikepdf.Page) -> tuple[Image.Image, int] | None:
    """The pixels of a page that is just one upright image covering it, and its resolution."""
    if page.get_rotation() != 0:
        return None
    objects = list(page.get_objects(max_depth=2))
    images = pike_page.get_images()
    if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE or len(images) != 1:
        return None
    stream = next(iter(images.values()))
    if any(key in stream for key in MASK_KEYS):
        return None
    image = objects[0]
    a, b, c, d, e, f = image.get_matrix().get()
    page_box = page.get_cropbox()
    if b or c or a <= 0 or d <= 0 or not _covers((e, f, e + a, f + d), page_box):
        return None
    metadata = image.get_metadata()
    dpi = round(metadata.width * 72 / a)
    if not DPI_RANGE[0] <= dpi <= 600 or metadata.bits_per_pixel not in (1, 8, 24):
        return None
    bitmap = image.get_bitmap(render=False)
    return bitmap.to_pil(), dpi


def estimate_skew(image: Image.Image) -> float:
    """Counter-clockwise skew in degrees (within ±5°) from the rows of dark pixels at a quarter size."""
    small = np.asarray(image.convert("L").reduce(4))
    rows, columns = np.nonzero(small < 128)
    if len(rows) < 200:
        return 0.0

    def sharpness(degrees: float) -> float:
        bins = np.round(rows + columns * math.tan(math.radians(degrees))).astype(np.int64)
        counts = np.bincount(bins - bins.min()).astype(np.float64)
        return float(np.sum(np.diff(counts) ** 2))

    coarse = max(np.arange(-5.0, 5.01, 0.5), key=sharpness)
    return round(float(max(np.arange(coarse - 0.5, coarse + 0.51, 0.05), key=sharpness)), 2)


def _covers(box: tuple[float, ...], page_box: tuple[float, ...]) -> bool:
    return all(abs(x - y) <= COVER_TOLERANCE_PT for x, y in zip(box, page_box))


def _render_dpi(page: pdfium.PdfPage) -> int:
    """The highest effective resolution of the page's images, within ``DPI_RANGE``."""
    found = [
        max(image.get_metadata().horizontal_dpi, image.get_metadata().vertical_dpi)
        for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)
    ]
    dpi = round(max(found)) if found else DEFAULT_DPI
    return min(max(dpi, DPI_RANGE[0]), DPI_RANGE[1])


def visual_to_user(rotation: int, box: tuple[float, float, float, float]) -> pikepdf.Matrix:
    """Map the displayed page (crop box turned by ``/Rotate`` clockwise, origin bottom left) to user space."""
    left, bottom, right, top = box
    a, b, c, d, e, f = {
        0: (1, 0, 0, 1, left, bottom),
        90: (0, 1, -1, 0, right, bottom),
        180: (-1, 0, 0, -1, right, top),
        270: (0, -1, 1, 0, left, top),
    }[rotation % 360]
    return pikepdf.Matrix(a, b, c, d, e, f)


def straighten(image: PageImage, skew_degrees: float) -> pikepdf.Matrix:
    """Turn the displayed page by ``-skew_degrees`` (counter-clockwise skew) about its centre."""
    centre_x, centre_y = image.width / 2, image.height / 2
    return (pikepdf.Matrix().translated(-centre_x, -centre_y)
            @ pikepdf.Matrix().rotated(-skew_degrees)
            @ pikepdf.Matrix().translated(centre_x, centre_y))


def graft_text_layers(pdf: pikepdf.Pdf, font_source: pikepdf.Pdf, images: list[PageImage],
                      readings: list[HocrPage], residuals: list[float]) -> None:
    """Lay the words Tesseract read on ``images[i]`` over its page, and turn the page straight.

    The page turns by the image's own turn plus the skew Tesseract still found on it
    (``residuals[i]``); a page replaced by its image, which is straight already, by the latter
    only. ``font_source`` is Tesseract's text-only PDF: its glyph-less font is copied once.
    """
    font = pdf.copy_foreign(font_source.pages[0].Resources.Font[FONT_KEY])
    for image, reading, residual in zip(images, readings, residuals):
        page = pdf.pages[image.number - 1]
        skew = residual
        if image.replace:
            _replace_with_image(pdf, page, image)
        else:
            skew += image.turned
        if skew:
            turn = straighten(image, skew)
            in_user = image.to_user.inverse() @ turn @ image.to_user  # user → displayed, turn, back
            page.contents_add(b"q " + in_user.encode() + b" cm\n", prepend=True)
            page.contents_add(b"\nQ\n")
        layer = pdf.make_stream(render_text_layer(reading, image.width, image.height, residual, "OCR"))
        layer.Type, layer.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        layer.BBox = [0, 0, image.width, image.height]
        layer.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(OCR=font))
        name = page.add_resource(layer, pikepdf.Name.XObject, prefix="OCR")
        page.contents_add(b"q " + image.to_user.encode() + b" cm " + name.unparse() + b" Do Q\n")


def _replace_with_image(pdf: pikepdf.Pdf, page: pikepdf.Page, image: PageImage) -> None:
    """Drop the page's content and resources (a junk text layer) for its rendered image as JPEG."""
    with Image.open(image.path) as picture:
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=JPEG_QUALITY)
        mode, size = picture.mode, picture.size
    stream = pikepdf.Stream(pdf, buffer.getvalue())
    stream.Type, stream.Subtype, stream.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, pikepdf.Name.DCTDecode
    stream.Width, stream.Height, stream.BitsPerComponent = size[0], size[1], 8
    stream.ColorSpace = pikepdf.Name.DeviceGray if mode == "L" else pikepdf.Name.DeviceRGB
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Scan=stream))
    placed = pikepdf.Matrix().scaled(image.width, image.height) @ image.to_user
    page.Contents = pdf.make_stream(b"q " + placed.encode() + b" cm /Scan Do Q\n")
    if "/Annots" in page:
        del page.Annots


def save_searchable(pdf: pikepdf.Pdf, target: Path, *, pdfa: bool) -> str | None:
    """Write ``pdf``; PDF/A-2b where pikepdf's validator approves the written bytes. Returns "2B" or None."""
    if pdfa:
        try:
            pikepdf.pdfa.save(pdf, target, "2b")
            return "2B"
        except pikepdf.pdfa.PdfaError:  # e.g. fonts of kept born-digital pages not embedded
            _withdraw_pdfa_claim(pdf)
    pdf.save(target)
    return None


def _withdraw_pdfa_claim(pdf: pikepdf.Pdf) -> None:
    """The failed attempt declared PDF/A in the XMP metadata; a plain PDF must not claim it."""
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as metadata:
        for key in ("pdfaid:part", "pdfaid:conformance"):
            if key in metadata:
                del metadata[key]
