"""PDF output: Word → PDF through LibreOffice headless, bookmarks and appended attachments with
pypdf, a PNG preview of one page with pdftoppm.

Every conversion runs LibreOffice on a copy of the Word file with its own throw-away user profile
(and ``HOME``) in a fresh temporary folder, in its own process session: parallel conversions never
share a profile, a crashed LibreOffice never poisons the next one nor leaves a lock file beside
the original, and a timeout kills the whole process group.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.errors import FileNotDecryptedError, PyPdfError
from pypdf.generic import Destination, NameObject

from schemas.documents import Attachment
from schemas.errors import EnvironmentProblem, ErrorCode, InputError, InternalError

LIBREOFFICE_PACKAGE = "libreoffice-writer-nogui"
POPPLER_PACKAGE = "poppler-utils"
PLAIN_PDF_FILTER = "pdf"
# PDF/A-2b; the JSON filter options are understood by LibreOffice 7.4 and newer.
PDFA2B_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
STDERR_TAIL_CHARS = 600
KILL_GRACE_SECONDS = 5.0
# What pypdf raises on broken files besides its own errors.
PDF_READ_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                   RecursionError, zlib.error, struct.error)
_NOISE = re.compile(r"^Warning: failed to launch javaldx.*$", re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_NS = "http://www.w3.org/XML/1998/namespace"


@dataclass(frozen=True)
class _Finished:
    returncode: int
    stderr: str


class _TimedOut(Exception):
    """Internal signal of ``_run_in_own_session``; mapped to a German message by the caller."""


def find_soffice(configured: str | None = None) -> str:
    """Return the LibreOffice program: ``configured`` (path or name), else ``soffice``, else ``libreoffice``."""
    candidates = [configured] if configured else ["soffice", "libreoffice"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    raise EnvironmentProblem(
        f"LibreOffice ist nicht installiert (Programm „{candidates[0]}“ nicht gefunden). "
        "Die Word-Dateien wurden erzeugt; für PDF bitte installieren: "
        f"apt-get install {LIBREOFFICE_PACKAGE}",
        code=ErrorCode.MISSING_DEPENDENCY,
    )


def convert_to_pdf(docx: Path, *, soffice: str, timeout: float, pdfa: bool = False) -> bytes:
    """Convert ``docx`` with LibreOffice headless and return the PDF bytes (PDF/A-2b if ``pdfa``)."""
    docx = Path(docx).resolve()
    if not docx.is_file():
        raise EnvironmentProblem(f"Die Word-Datei „{docx}“ fehlt; sie kann nicht in PDF umgewandelt werden.")
    with tempfile.TemporaryDirectory(prefix="intmk-lo-", ignore_cleanup_errors=True) as work:
        work_dir = Path(work)
        profile, indir, outdir = work_dir / "profile", work_dir / "in", work_dir / "out"
        indir.mkdir()
        outdir.mkdir()
        source = _copy_input(docx, indir)  # a killed LibreOffice leaves no lock file beside the original
        command = [
            soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", PDFA2B_FILTER if pdfa else PLAIN_PDF_FILTER,
            "--outdir", str(outdir), str(source),
        ]
        env = {**os.environ, "HOME": str(work_dir)}
        try:
            finished = _run_in_own_session(command, timeout=timeout, env=env)
        except _TimedOut:
            raise EnvironmentProblem(
                f"LibreOffice hat „{docx.name}“ nicht innerhalb von {_seconds(timeout)} in PDF "
                "umgewandelt und wurde abgebrochen. Die Word-Datei ist erhalten."
            ) from None
        except OSError as error:
            raise EnvironmentProblem(
                f"LibreOffice („{soffice}“) konnte nicht gestartet werden: {error.strerror or error}",
                code=ErrorCode.MISSING_DEPENDENCY,
            ) from error
        return _read_single_pdf(outdir, docx, finished)


def add_bookmarks(
    pdf: bytes,
    bookmarks: Sequence[str],
    attachments: Sequence[Attachment] = (),
    *,
    title: str | None = None,
) -> bytes:
    """Give ``pdf`` one top-level bookmark per heading in ``bookmarks`` and append ``attachments``.

    A bookmark goes to the page of LibreOffice's own heading bookmark of that text, else to the
    first page (at or after the previous bookmark's page) whose text contains it. Each attachment
    gets a bookmark at its first page. The viewer opens with the bookmarks shown.
    """
    reader = _open_reader(io.BytesIO(pdf), "Das erzeugte PDF")
    pages = _bookmark_pages(reader, bookmarks)
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # pypdf would write %PDF-1.3 under PDF 1.6 features
    if "/Outlines" in writer.root_object:
        del writer.root_object[NameObject("/Outlines")]
    for text, page in zip(bookmarks, pages, strict=True):
        writer.add_outline_item(title=text, page_number=page)
    for attachment in attachments:
        _append_attachment(writer, attachment)
    if title:
        _set_title(writer, title)
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def render_page_png(
    pdf: Path,
    target: Path,
    *,
    page: int = 1,
    dpi: int = 60,
    pdftoppm: str = "pdftoppm",
    timeout: float = 60.0,
) -> Path:
    """Render one page of ``pdf`` as a PNG at ``target`` (".png" added when missing) and return its path."""
    if page < 1:
        raise InternalError(f"Seitenzahl {page} ist ungültig (die erste Seite ist 1).")
    program = shutil.which(pdftoppm)
    if program is None:
        raise EnvironmentProblem(
            f"Das Programm „{pdftoppm}“ fehlt; für die Vorschau bitte installieren: "
            f"apt-get install {POPPLER_PACKAGE}",
            code=ErrorCode.MISSING_DEPENDENCY,
        )
    target = Path(target).resolve()
    if target.suffix != ".png":
        target = target.with_name(target.name + ".png")
    command = [program, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
               str(Path(pdf).resolve()), str(target.with_suffix(""))]
    try:
        finished = _run_in_own_session(command, timeout=timeout, env=None)
    except _TimedOut:
        raise EnvironmentProblem(
            f"Die Vorschau von „{Path(pdf).name}“ wurde nach {_seconds(timeout)} abgebrochen."
        ) from None
    _check_rendered(finished, Path(pdf), target, page)
    return target


def check_attachable(path: Path, what: str) -> None:
    """Raise the error ``add_bookmarks`` would raise for this attachment: missing, encrypted, damaged."""
    if not Path(path).is_file():
        raise EnvironmentProblem(f"{what} fehlt.", code=ErrorCode.FILE_ACCESS)
    _open_reader(Path(path), what)


def read_pdf_text(pdf: bytes) -> list[str]:
    """Return the extracted text of each page of ``pdf`` (pypdf)."""
    return _page_texts(_open_reader(io.BytesIO(pdf), "Das PDF"))


def _run_in_own_session(command: list[str], *, timeout: float, env: dict[str, str] | None) -> _Finished:
    """Run ``command`` in a new session; on timeout (or interruption) kill its whole process group."""
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env, start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise _TimedOut() from None
    except BaseException:
        _kill_group(process)
        raise
    return _Finished(process.returncode, stderr.decode("utf-8", errors="replace"))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.communicate(timeout=KILL_GRACE_SECONDS)
    except subprocess.TimeoutExpired:  # a grandchild left the group and holds the pipes
        process.kill()
        process.wait()


def _copy_input(docx: Path, folder: Path) -> Path:
    try:
        return Path(shutil.copy2(docx, folder / docx.name))
    except OSError as error:
        raise EnvironmentProblem(
            f"Die Word-Datei „{docx}“ kann nicht gelesen werden: {error.strerror or error}"
        ) from error


def _read_single_pdf(outdir: Path, docx: Path, finished: _Finished) -> bytes:
    produced = sorted(outdir.glob("*.pdf"))
    if finished.returncode != 0 or len(produced) != 1:
        raise EnvironmentProblem(
            f"LibreOffice konnte „{docx.name}“ nicht in PDF umwandeln "
            f"(Rückgabewert {finished.returncode}). Meldung: {_stderr_tail(finished.stderr)}"
        )
    return produced[0].read_bytes()


def _seconds(value: float) -> str:
    """German: "1 Sekunde", "0,5 Sekunden", "60 Sekunden"."""
    return "1 Sekunde" if value == 1 else f"{value:g} Sekunden".replace(".", ",")


def _stderr_tail(stderr: str) -> str:
    text = _NOISE.sub("", stderr).strip()
    if not text:
        return "(keine)"
    return text if len(text) <= STDERR_TAIL_CHARS else "…" + text[-STDERR_TAIL_CHARS:]


def _check_rendered(finished: _Finished, pdf: Path, target: Path, page: int) -> None:
    if finished.returncode == 0 and target.is_file():
        return
    if "Wrong page range" in finished.stderr:
        raise InternalError(f"„{pdf.name}“ hat keine Seite {page}; die Vorschau ist nicht möglich.")
    if finished.returncode == 1:
        raise InputError(f"„{pdf.name}“ ist kein lesbares PDF; die Vorschau ist nicht möglich.")
    raise EnvironmentProblem(
        f"Die Vorschau von „{pdf.name}“ konnte nicht erzeugt werden "
        f"(Rückgabewert {finished.returncode}). Meldung: {_stderr_tail(finished.stderr)}"
    )


def _open_reader(source: io.BytesIO | Path, what: str) -> PdfReader:
    """Open a PDF with pypdf and touch its pages, so damage shows here (as ``InputError``)."""
    try:
        reader = PdfReader(source)
        if len(reader.pages) == 0:
            raise InputError(f"{what} hat keine Seiten.", code=ErrorCode.DAMAGED_FILE)
        return reader
    except FileNotDecryptedError:
        raise InputError(f"{what} ist mit einem Kennwort geschützt.", code=ErrorCode.ENCRYPTED) from None
    except PDF_READ_ERRORS as error:
        raise InputError(f"{what} ist beschädigt und kann nicht gelesen werden ({error}).",
                         code=ErrorCode.DAMAGED_FILE) from error


def _page_texts(reader: PdfReader) -> list[str]:
    try:
        return [page.extract_text() or "" for page in reader.pages]
    except PDF_READ_ERRORS as error:
        raise InputError(f"Der Text des PDF kann nicht gelesen werden ({error}).") from error


def _bookmark_pages(reader: PdfReader, bookmarks: Sequence[str]) -> list[int]:
    """The 0-based page of each heading in ``bookmarks``, in order, never before the previous one."""
    headings = _heading_pages(reader)
    texts: list[str] | None = None
    pages: list[int] = []
    cursor, page = 0, 0
    for text in bookmarks:
        wanted = _squash(text)
        match = next((i for i in range(cursor, len(headings))
                      if headings[i][0] == wanted and headings[i][1] >= page), None)
        if match is not None:
            cursor, page = match + 1, headings[match][1]
        else:
            texts = texts if texts is not None else [_squash(t) for t in _page_texts(reader)]
            page = _find_text_page(texts, wanted, text, start=page)
        pages.append(page)
    return pages


def _heading_pages(reader: PdfReader) -> list[tuple[str, int]]:
    """LibreOffice's own bookmarks (one per Word heading) as ``(squashed title, page)`` in order."""
    found: list[tuple[str, int]] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif isinstance(item, Destination):
                number = reader.get_destination_page_number(item)
                if number is not None and number >= 0:
                    found.append((_squash(str(item.title or "")), number))

    try:
        walk(list(reader.outline))
    except PDF_READ_ERRORS:
        return []
    return found


def _find_text_page(texts: list[str], wanted: str, original: str, *, start: int) -> int:
    for number in range(start, len(texts)):
        if wanted and wanted in texts[number]:
            return number
    raise InternalError(
        f"Die Überschrift „{original}“ steht nicht im PDF (ab Seite {start + 1}); "
        "das Lesezeichen kann nicht gesetzt werden."
    )


def _squash(text: str) -> str:
    """Compare form: NFC, no soft hyphens, no whitespace at all (LibreOffice and pypdf move line breaks)."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return _WHITESPACE.sub("", text)


def _append_attachment(writer: PdfWriter, attachment: Attachment) -> None:
    what = f"Die Anlage „{attachment.title}“ ({attachment.path.name})"
    if not attachment.path.is_file():
        raise EnvironmentProblem(f"{what} fehlt; das PDF kann nicht zusammengestellt werden.")
    reader = _open_reader(attachment.path, what)
    first_page = len(writer.pages)
    try:
        writer.append(reader, import_outline=False)
    except PDF_READ_ERRORS as error:
        raise InputError(f"{what} ist beschädigt und kann nicht angehängt werden ({error}).",
                         code=ErrorCode.DAMAGED_FILE) from error
    writer.add_outline_item(title=attachment.bookmark, page_number=first_page)


def _set_title(writer: PdfWriter, title: str) -> None:
    """Set the title in the document info and, when present, in the XMP metadata (PDF/A wants both).

    pypdf's own ``dc_title`` setter writes ``dc:title`` without declaring its namespace when the
    first ``rdf:Description`` is not the Dublin Core one (LibreOffice's PDF/A), so lxml does it.
    """
    writer.add_metadata({"/Title": title})
    metadata = writer.root_object.get("/Metadata")
    if metadata is None:
        return
    stream = metadata.get_object()
    try:
        stream.set_data(_xmp_with_title(stream.get_data(), title))
    except (etree.XMLSyntaxError, ValueError) as error:
        raise InputError(f"Die XMP-Metadaten des PDF sind beschädigt ({error}).") from error


def _xmp_with_title(xmp: bytes, title: str) -> bytes:
    """Replace every ``dc:title`` in the XMP packet by one ``x-default`` title."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    root = etree.fromstring(xmp, parser)
    rdf = root if root.tag == f"{{{RDF_NS}}}RDF" else root.find(f".//{{{RDF_NS}}}RDF")
    if rdf is None:
        raise ValueError("kein rdf:RDF")
    for old in list(root.iter(f"{{{DC_NS}}}title")):
        old.getparent().remove(old)
    description = etree.SubElement(rdf, f"{{{RDF_NS}}}Description", {f"{{{RDF_NS}}}about": ""},
                                   nsmap={"dc": DC_NS})
    alt = etree.SubElement(etree.SubElement(description, f"{{{DC_NS}}}title"), f"{{{RDF_NS}}}Alt")
    item = etree.SubElement(alt, f"{{{RDF_NS}}}li", {f"{{{XML_NS}}}lang": "x-default"})
    item.text = title
    return etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=False)
