"""outputs/pdf.py: Word → PDF through LibreOffice, bookmarks and attachments, PDF/A-2b, PNG preview.

The Word files are built with python-docx from the real IntMK sample; the fast tests run a fake
``soffice`` (a shell script) to pin down the command line, the throw-away profile and the timeout.
"""

from __future__ import annotations

import io
import os
import stat
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

from outputs.pdf import (
    PDFA2B_FILTER,
    add_bookmarks,
    convert_to_pdf,
    find_soffice,
    read_pdf_text,
    render_page_png,
)
from schemas.documents import Attachment
from schemas.errors import EnvironmentProblem, ErrorCode, InputError, InternalError
from tests.fixtures.docx import Block, write_docx
from tests.fixtures.pdf import encrypt_pdf, write_pdf
from tests.fixtures.sample import load_sample, unwrap

SAMPLE = load_sample()
TOPS = [
    "TOP 1 Genehmigung der Tagesordnung",
    f"{SAMPLE.top_line} {SAMPLE.title}",
    "TOP 3 Verschiedenes",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TIMEOUT = 60.0


def squash(text: str) -> str:
    return " ".join(text.split())


def compact(text: str) -> str:
    """Without any whitespace: LibreOffice breaks lines after hard hyphens ("EU-\nZuwanderung")."""
    return "".join(text.split())


def meeting_blocks() -> list[Block]:
    """Agenda page listing every TOP (the trap for a text search), then one TOP per page.

    The sample's TOP has five long paragraphs, so it runs over onto a second page.
    """
    blocks: list[Block] = [("heading", "Niederschrift", 0)]
    blocks += [("para", line) for line in SAMPLE.header]
    blocks += [("para", "Tagesordnung")] + [("para", top) for top in TOPS]
    blocks += [("page_break",), ("heading", TOPS[0], 1), ("para", "Die Tagesordnung wird genehmigt.")]
    blocks += [("page_break",), ("heading", TOPS[1], 1), ("para", unwrap(SAMPLE.applicant_lines)),
               ("heading", "Beschluss", 2), ("para", SAMPLE.intro)]
    blocks += [("para", paragraph) for paragraph in SAMPLE.paragraphs]
    blocks += [("page_break",), ("heading", TOPS[2], 1), ("para", "Keine Wortmeldungen.")]
    return blocks


@pytest.fixture(scope="module")
def soffice() -> str:
    return find_soffice()


@pytest.fixture(scope="module")
def meeting_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docx(tmp_path_factory.mktemp("docx") / "niederschrift.docx", meeting_blocks())


@pytest.fixture(scope="module")
def meeting_pdf(meeting_docx: Path, soffice: str) -> bytes:
    return convert_to_pdf(meeting_docx, soffice=soffice, timeout=TIMEOUT)


@pytest.fixture(scope="module")
def meeting_pdfa(meeting_docx: Path, soffice: str) -> bytes:
    return convert_to_pdf(meeting_docx, soffice=soffice, timeout=TIMEOUT, pdfa=True)


def outline_entries(pdf: bytes) -> list[tuple[str, int]]:
    """Top-level bookmarks as (title, 0-based page); fails on nested bookmarks."""
    reader = PdfReader(io.BytesIO(pdf))
    entries = []
    for item in reader.outline:
        assert isinstance(item, Destination), "only top-level bookmarks expected"
        entries.append((item.title, reader.get_destination_page_number(item)))
    return entries


def fake_program(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state == "Z"  # killed, waiting for a parent that is not ours to reap it


# --- finding LibreOffice -------------------------------------------------------------------------

def test_find_soffice_finds_the_installed_libreoffice() -> None:
    found = Path(find_soffice())
    assert found.name in {"soffice", "libreoffice"} and os.access(found, os.X_OK)


def test_find_soffice_missing_gives_german_missing_dependency() -> None:
    with pytest.raises(EnvironmentProblem) as caught:
        find_soffice("/nonexistent/soffice")
    assert caught.value.code == ErrorCode.MISSING_DEPENDENCY
    message = caught.value.message
    assert "LibreOffice ist nicht installiert" in message and "„/nonexistent/soffice“" in message
    assert "Word-Dateien wurden erzeugt" in message
    assert "apt-get install libreoffice-writer-nogui" in message


def test_find_soffice_falls_back_to_libreoffice_then_fails(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EnvironmentProblem, match="„soffice“ nicht gefunden"):
        find_soffice()
    fake = fake_program(tmp_path / "libreoffice", "exit 0\n")
    assert find_soffice() == str(fake)


# --- the command line, the throw-away profile and the timeout (fake soffice, fast) ----------------

def recording_soffice(tmp_path: Path, produced: Path) -> Path:
    """A fake soffice that logs its arguments and HOME, then 'converts' by copying ``produced``."""
    log = tmp_path / "calls.log"
    return fake_program(tmp_path / "soffice", f"""
outdir=""; prev=""
for arg in "$@"; do
  echo "arg=$arg" >> {log}
  [ "$prev" = "--outdir" ] && outdir="$arg"
  prev="$arg"
done
echo "home=$HOME" >> {log}
echo "---" >> {log}
cp {produced} "$outdir/niederschrift.pdf"
""")


def logged_calls(tmp_path: Path) -> list[list[str]]:
    calls = (tmp_path / "calls.log").read_text(encoding="utf-8").split("---\n")
    return [call.splitlines() for call in calls if call.strip()]


def test_each_conversion_gets_its_own_profile_and_home_removed_afterwards(tmp_path: Path) -> None:
    produced = write_pdf(tmp_path / "produced.pdf", [["TOP 1 Genehmigung der Tagesordnung"]])
    docx = write_docx(tmp_path / "niederschrift.docx", [("para", "x")])
    soffice = recording_soffice(tmp_path, produced)

    first = convert_to_pdf(docx, soffice=str(soffice), timeout=10)
    convert_to_pdf(docx, soffice=str(soffice), timeout=10, pdfa=True)

    assert first == produced.read_bytes()
    calls = logged_calls(tmp_path)
    assert len(calls) == 2
    profiles = []
    for call, wanted_filter in zip(calls, ["pdf", PDFA2B_FILTER], strict=True):
        args = [line.removeprefix("arg=") for line in call if line.startswith("arg=")]
        home = Path(next(line.removeprefix("home=") for line in call if line.startswith("home=")))
        assert {"--headless", "--norestore"} <= set(args)
        assert args[args.index("--convert-to") + 1] == wanted_filter
        assert Path(args[-1]).name == docx.name and Path(args[-1]).is_relative_to(home)  # a copy
        profile_arg = next(arg for arg in args if arg.startswith("-env:UserInstallation="))
        url = urlparse(profile_arg.removeprefix("-env:UserInstallation="))
        profile = Path(unquote(url.path))
        assert url.scheme == "file" and profile.parent == home
        assert not home.exists(), "the temporary profile folder must be removed"
        profiles.append(profile)
    assert profiles[0] != profiles[1]


def test_failing_soffice_gives_environment_problem_with_its_message(tmp_path: Path) -> None:
    docx = write_docx(tmp_path / "niederschrift.docx", [("para", "x")])
    failing = fake_program(tmp_path / "failing", "echo 'Error: source file could not be loaded' >&2\nexit 1\n")
    with pytest.raises(EnvironmentProblem) as caught:
        convert_to_pdf(docx, soffice=str(failing), timeout=10)
    assert "niederschrift.docx" in caught.value.message
    assert "source file could not be loaded" in caught.value.message

    silent = fake_program(tmp_path / "silent", "exit 0\n")  # LibreOffice's exit code 0 without output
    with pytest.raises(EnvironmentProblem, match="nicht in PDF umwandeln"):
        convert_to_pdf(docx, soffice=str(silent), timeout=10)


def test_missing_word_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="fehlt"):
        convert_to_pdf(tmp_path / "weg.docx", soffice="/bin/true", timeout=10)


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    docx = write_docx(tmp_path / "haengt.docx", [("para", "x")])
    pids = tmp_path / "pids"
    sleeper = fake_program(tmp_path / "soffice", f"echo $$ > {pids}\nsleep 30 &\necho $! >> {pids}\nwait\n")

    started = time.monotonic()
    with pytest.raises(EnvironmentProblem) as caught:
        convert_to_pdf(docx, soffice=str(sleeper), timeout=1)
    assert time.monotonic() - started < 5
    assert caught.value.code == ErrorCode.FILE_ACCESS
    assert "haengt.docx" in caught.value.message and "innerhalb von 1 Sekunde " in caught.value.message

    started_pids = [int(line) for line in pids.read_text().split()]
    assert len(started_pids) == 2  # the script and its child
    deadline = time.monotonic() + 3
    while not all(process_gone(pid) for pid in started_pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(process_gone(pid) for pid in started_pids)


# --- real LibreOffice -----------------------------------------------------------------------------

@pytest.mark.slow
def test_conversion_keeps_the_sample_text(meeting_pdf: bytes) -> None:
    assert meeting_pdf.startswith(b"%PDF-")
    pages = [squash(text) for text in read_pdf_text(meeting_pdf)]
    assert len(pages) >= 4
    whole = compact(" ".join(pages))
    assert compact(SAMPLE.title) in whole  # umlauts survive
    for paragraph in SAMPLE.paragraphs:
        assert compact(paragraph) in whole
    assert pages[1].startswith(TOPS[0]) and pages[2].startswith(TOPS[1]) and pages[-1].startswith(TOPS[2])
    assert PdfReader(io.BytesIO(meeting_pdf)).xmp_metadata is None  # plain PDF, not PDF/A


@pytest.mark.slow
def test_bookmarks_land_on_the_heading_pages_not_on_the_agenda(meeting_pdf: bytes) -> None:
    result = add_bookmarks(meeting_pdf, TOPS)

    entries = outline_entries(result)  # only ours: LibreOffice's nested "Beschluss" is gone
    page_count = len(read_pdf_text(meeting_pdf))
    assert entries == [(TOPS[0], 1), (TOPS[1], 2), (TOPS[2], page_count - 1)]
    assert page_count - 1 > 3, "the sample TOP runs over two pages"
    assert PdfReader(io.BytesIO(result)).page_mode == "/UseOutlines"
    pages = read_pdf_text(result)
    for title, page in entries:
        assert squash(pages[page]).startswith(title)


@pytest.mark.slow
def test_attachments_are_appended_with_their_bookmarks(meeting_pdf: bytes, tmp_path: Path) -> None:
    motion = write_pdf(tmp_path / "antrag.pdf", [SAMPLE.pages[0], ["Begründung", "Seite zwei des Antrags"]])
    annex = encrypt_pdf(write_pdf(tmp_path / "plain.pdf", [["Anlage: Übersicht der Beratungsstellen"]]),
                        tmp_path / "anlage.pdf", user_password="", owner_password="geheim")
    attachments = [
        Attachment(title="Antrag TOP 2.12", path=motion, bookmark="Anlage 1: Antrag"),
        Attachment(title="Übersicht", path=annex, bookmark="Anlage 2: Übersicht"),
    ]
    document_pages = len(read_pdf_text(meeting_pdf))

    result = add_bookmarks(meeting_pdf, TOPS, attachments)

    pages = read_pdf_text(result)
    assert len(pages) == document_pages + 3
    entries = outline_entries(result)
    assert [title for title, _ in entries] == TOPS + ["Anlage 1: Antrag", "Anlage 2: Übersicht"]
    assert entries[-2:] == [("Anlage 1: Antrag", document_pages), ("Anlage 2: Übersicht", document_pages + 2)]
    assert SAMPLE.title in pages[document_pages]
    assert "Seite zwei des Antrags" in pages[document_pages + 1]
    assert "Übersicht der Beratungsstellen" in pages[document_pages + 2]


@pytest.mark.slow
def test_pdfa_2b_is_declared_and_survives_bookmarks_and_title(meeting_pdfa: bytes) -> None:
    xmp = PdfReader(io.BytesIO(meeting_pdfa)).xmp_metadata
    assert xmp is not None
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "B")

    result = add_bookmarks(meeting_pdfa, TOPS, title="Niederschrift (intern)")

    reader = PdfReader(io.BytesIO(result))
    assert reader.pdf_header == PdfReader(io.BytesIO(meeting_pdfa)).pdf_header != "%PDF-1.3"
    xmp = reader.xmp_metadata
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "B")
    assert reader.metadata.title == "Niederschrift (intern)"
    assert xmp.dc_title == {"x-default": "Niederschrift (intern)"}  # info and XMP agree (PDF/A)
    assert [title for title, _ in outline_entries(result)] == TOPS


@pytest.mark.slow
def test_two_conversions_in_parallel_both_succeed(tmp_path: Path, soffice: str) -> None:
    docs = {
        name: write_docx(tmp_path / f"{name}.docx", [("heading", top, 1), ("para", SAMPLE.paragraphs[i])])
        for i, (name, top) in enumerate([("eins", TOPS[0]), ("zwei", TOPS[1])])
    }
    results: dict[str, bytes | BaseException] = {}

    def convert(name: str) -> None:
        try:
            results[name] = convert_to_pdf(docs[name], soffice=soffice, timeout=TIMEOUT)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            results[name] = error

    threads = [threading.Thread(target=convert, args=(name,)) for name in docs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, (name, top) in enumerate([("eins", TOPS[0]), ("zwei", TOPS[1])]):
        assert isinstance(results[name], bytes), results[name]
        text = squash(" ".join(read_pdf_text(results[name])))
        assert text.startswith(top) and compact(SAMPLE.paragraphs[i]) in compact(text)


# --- bookmarks without LibreOffice's outline, and bad input (fast) --------------------------------

def test_bookmark_found_by_text_across_a_line_break_and_after_the_previous_one(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "ohne.pdf", [
        ["Hinweis", "Tagesordnung"],
        ["TOP 2.12 Ausbau und Öffnung", "der Migrationsberatung", "Text"],
        ["Hinweis", "Ende"],
    ]).read_bytes()
    result = add_bookmarks(pdf, ["TOP 2.12 Ausbau und Öffnung der Migrationsberatung", "Hinweis"])
    assert outline_entries(result) == [("TOP 2.12 Ausbau und Öffnung der Migrationsberatung", 1),
                                       ("Hinweis", 2)]


def test_heading_missing_from_the_pdf_is_a_bug(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "a.pdf", [["TOP 1 Genehmigung der Tagesordnung"]]).read_bytes()
    with pytest.raises(InternalError, match="„TOP 9 Gibt es nicht“"):
        add_bookmarks(pdf, ["TOP 1 Genehmigung der Tagesordnung", "TOP 9 Gibt es nicht"])


def test_damaged_attachment_is_an_input_error_naming_it(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "a.pdf", [["TOP 1"]]).read_bytes()
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage\n")
    attachment = Attachment(title="Antrag Hamburg", path=broken, bookmark="Anlage 1")
    with pytest.raises(InputError) as caught:
        add_bookmarks(pdf, ["TOP 1"], [attachment])
    assert caught.value.code == ErrorCode.DAMAGED_FILE and "„Antrag Hamburg“" in caught.value.message


def test_password_protected_attachment_is_an_input_error(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "a.pdf", [["TOP 1"]]).read_bytes()
    locked = encrypt_pdf(write_pdf(tmp_path / "plain.pdf", [["geheim"]]), tmp_path / "locked.pdf",
                         user_password="lesen", owner_password="aendern")
    attachment = Attachment(title="Stellungnahme Bayern", path=locked, bookmark="Anlage 1")
    with pytest.raises(InputError) as caught:
        add_bookmarks(pdf, ["TOP 1"], [attachment])
    assert caught.value.code == ErrorCode.ENCRYPTED and "„Stellungnahme Bayern“" in caught.value.message


def test_missing_attachment_file_is_an_environment_problem(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "a.pdf", [["TOP 1"]]).read_bytes()
    attachment = Attachment(title="Antrag", path=tmp_path / "weg.pdf", bookmark="Anlage 1")
    with pytest.raises(EnvironmentProblem, match="„Antrag“"):
        add_bookmarks(pdf, ["TOP 1"], [attachment])


def test_read_pdf_text_rejects_garbage() -> None:
    with pytest.raises(InputError):
        read_pdf_text(b"not a pdf at all")


# --- preview --------------------------------------------------------------------------------------

def test_render_page_png_writes_a_png_of_the_page_size(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "zwei.pdf", [["Seite eins"], ["Seite zwei"]])
    box = PdfReader(pdf).pages[1].mediabox

    preview = render_page_png(pdf, tmp_path / "vorschau", page=2, dpi=60)
    named = render_page_png(pdf, tmp_path / "vorschau-1.png")

    assert preview == tmp_path / "vorschau.png" and named == tmp_path / "vorschau-1.png"
    assert not (tmp_path / "vorschau-1.png.png").exists()
    for path in (preview, named):
        assert path.read_bytes().startswith(PNG_SIGNATURE)
        with Image.open(path) as image:
            width, height = image.size
        assert abs(width - float(box.width) / 72 * 60) <= 2
        assert abs(height / width - float(box.height) / float(box.width)) < 0.01


@pytest.mark.slow
def test_render_page_png_of_a_converted_document(meeting_pdf: bytes, tmp_path: Path) -> None:
    pdf = tmp_path / "niederschrift.pdf"
    pdf.write_bytes(meeting_pdf)
    with Image.open(render_page_png(pdf, tmp_path / "seite2", page=2)) as image:
        assert image.format == "PNG" and image.getextrema() != ((255, 255), (255, 255), (255, 255))


def test_render_page_png_errors(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "eins.pdf", [["Seite eins"]])
    with pytest.raises(EnvironmentProblem) as caught:
        render_page_png(pdf, tmp_path / "x", pdftoppm="/nonexistent/pdftoppm")
    assert caught.value.code == ErrorCode.MISSING_DEPENDENCY and "poppler-utils" in caught.value.message
    with pytest.raises(InternalError, match="keine Seite 5"):
        render_page_png(pdf, tmp_path / "x", page=5)
    garbage = tmp_path / "kaputt.pdf"
    garbage.write_bytes(b"kein pdf")
    with pytest.raises(InputError):
        render_page_png(garbage, tmp_path / "x")
