"""Files the pipeline writes for the clerks: readable by colleagues on a shared drive (the umask
decides, as for a plain ``open()``), never left half-written (RELIABILITY.md rule 2)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import select

from outputs.docx_writer import read_docx_text
from outputs.pdf import find_soffice
from pipeline.cli_documents import documents
from pipeline.cli_rules import calendar
from pipeline.conference_service import import_conferences
from pipeline.documents_service import (
    AttachmentConverter,
    DocumentOptions,
    DocumentsReport,
    build_documents,
    prepare_attachments,
)
from pipeline.export_service import export_collection
from pipeline.inbox.folders import resolve_folders
from pipeline.inbox.moves import archive_path
from pipeline.motion_service import add_motion_files
from pipeline.reminder_service import write_reminder
from pipeline.service import write_bytes_atomically
from pipeline.settings import Settings
from pipeline.storage import Database, open_database
from pipeline.storage.models import DocumentRow
from schemas.documents import Attachment, DocumentKind, DocumentSpec
from schemas.errors import ExitCode
from tests.fixtures.docx import write_docx
from tests.fixtures.motions import write_motion
from tests.fixtures.pdf import encrypt_pdf, write_pdf
from tests.fixtures.sample import load_sample

REPO = Path(__file__).resolve().parents[1]
CONFERENCES = REPO / "examples" / "conferences.toml"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def store(settings: Settings) -> Iterator[Database]:
    """A SQLite store with the example conferences and one motion for IntMK 23 (from the sample)."""
    database = open_database(settings.resolved_database_url)
    import_conferences(database, settings, CONFERENCES)
    motion = write_motion(settings.home / "eingang", "antrag.pdf", title="Finanzierung der Migrationsberatungen")
    [stored] = add_motion_files(database, settings, [motion], received=dt.datetime(2027, 4, 1, 9, tzinfo=dt.UTC), land="RP")
    assert stored.result.ok, stored.result.error
    yield database
    database.dispose()


@pytest.fixture(params=[0o022, 0o077, 0o002], ids=["umask-022", "umask-077", "umask-002"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_every_output(store: Database, settings: Settings, folder: Path) -> list[Path]:
    """A meeting document, an export (CSV, JSON, Word), the calendar file and the reminder."""
    documents = build_documents(store, settings, "IntMK", 23, [DocumentKind.TAGESORDNUNG], DocumentOptions(pdf=False))
    exported = export_collection(store, settings, query="Migrationsberatungen", target=folder)
    ics = folder / "fristen.ics"
    result = CliRunner().invoke(calendar, ["IntMK", "23", "--ics", str(ics)], obj=settings)
    assert result.exit_code == 0, result.output
    reminder = write_reminder(settings, "Keine Fristen.\n", dt.date(2027, 4, 1))
    return [documents.built[0].docx, *exported.paths, ics, reminder]


def test_outputs_get_the_mode_the_umask_allows(store, settings, tmp_path, umask):
    """Regression: tempfile's 0600 made every output unreadable for colleagues on a shared drive."""
    paths = write_every_output(store, settings, tmp_path / "export")
    assert sorted(p.suffix for p in paths) == [".csv", ".docx", ".docx", ".ics", ".json", ".txt"]
    for path in paths:
        assert file_mode(path) == 0o666 & ~umask, path


def test_replacing_a_file_gives_the_new_one_the_umask_mode(tmp_path, umask):
    target = tmp_path / "bericht.csv"
    target.write_bytes(b"alt")
    target.chmod(0o600)
    write_bytes_atomically(target, b"neu")
    assert target.read_bytes() == b"neu" and file_mode(target) == 0o666 & ~umask


def test_reminder_goes_to_the_chosen_output_folder(tmp_path):
    """Regression: the reminder ignored INTMK_OUT_DIR and always wrote to <home>/out."""
    settings = Settings(home=tmp_path / "home", out_dir=tmp_path / "laufwerk")
    path = write_reminder(settings, "Keine Fristen.\n", dt.date(2027, 4, 1))
    assert path == tmp_path / "laufwerk" / "fristen-2027-04-01.txt" and path.read_text(encoding="utf-8") == "Keine Fristen.\n"
    assert not (tmp_path / "home" / "out").exists()


def test_failed_write_leaves_neither_temp_file_nor_target(tmp_path, monkeypatch):
    from pipeline import service
    from schemas.errors import EnvironmentProblem

    def refuse(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(service.os, "replace", refuse)
    with pytest.raises(EnvironmentProblem, match="Ausgabe nicht schreibbar"):
        write_bytes_atomically(tmp_path / "a.txt", b"x")
    assert list(tmp_path.iterdir()) == []


# --- a PDF that is not rebuilt does not stay beside its new Word file ------------------------------


def test_word_only_run_removes_the_stale_pdf_of_that_kind_only(store, settings, tmp_path):
    """Regression: ``--ohne-pdf`` rewrote the .docx and left the previous, now wrong, .pdf beside it."""
    folder = resolve_folders(settings).out / "IntMK-23"
    folder.mkdir(parents=True, exist_ok=True)
    stale, other = folder / "IntMK-23-tagesordnung.pdf", folder / "IntMK-23-einladung.pdf"
    for path in (stale, other):
        path.write_bytes(b"%PDF-1.4 alter Stand\n")
    report = build_documents(store, settings, "IntMK", 23, [DocumentKind.TAGESORDNUNG], DocumentOptions(pdf=False))
    assert not stale.exists() and other.read_bytes() == b"%PDF-1.4 alter Stand\n"
    assert report.built[0].removed_pdf == stale and report.built[0].pdf is None
    assert f"Veraltete PDF-Datei entfernt (passt nicht mehr zur neuen Word-Datei): {stale}" in report.warnings
    again = build_documents(store, settings, "IntMK", 23, [DocumentKind.TAGESORDNUNG], DocumentOptions(pdf=False))
    assert again.built[0].removed_pdf is None and not any("Veraltete" in w for w in again.warnings)


def test_missing_libreoffice_removes_the_stale_pdf_too(store, settings, tmp_path):
    folder = resolve_folders(settings).out / "IntMK-23"
    folder.mkdir(parents=True, exist_ok=True)
    stale = folder / "IntMK-23-tagesordnung.pdf"
    stale.write_bytes(b"%PDF-1.4 alter Stand\n")
    no_office = settings.model_copy(update={"soffice": str(tmp_path / "kein-soffice")})
    report = build_documents(store, no_office, "IntMK", 23, [DocumentKind.TAGESORDNUNG])
    assert report.pdf_problem is not None and "LibreOffice ist nicht installiert" in report.pdf_problem.message
    assert not stale.exists() and report.built[0].removed_pdf == stale


# --- Word originals behind the Sitzungsunterlagen ----------------------------------------------------

HEADER_23 = "für die 23. Integrationsministerkonferenz am 10. und 11. Juni 2027 in Mainz"
BERLIN = dt.timezone(dt.timedelta(hours=2))
ORIGINALS = {  # file → (title, received); TOP 3, 4 and 5 in order of receipt
    "antrag-rp.pdf": ("Finanzierung der Migrationsberatungen", dt.datetime(2027, 4, 1, 9, tzinfo=BERLIN)),
    "antrag-hh.docx": ("Migrationsberatung in den Stadtstaaten", dt.datetime(2027, 4, 2, 9, tzinfo=BERLIN)),
    "antrag-hb.docx": ("Migrationsberatung für Geflüchtete", dt.datetime(2027, 4, 3, 9, tzinfo=BERLIN)),
}
UNCONVERTIBLE = "antrag-hb.docx"


def write_word_motion(folder: Path, name: str, title: str) -> Path:
    """A motion as a Land sends it in Word: the sample's decision text under its own title."""
    sample = load_sample()
    lines = ["Beschlussvorschlag", HEADER_23, title, "Antragsteller: Hamburg, Bremen",
             "Die IntMK möge beschließen:", *sample.paragraphs[:2], "Begründung:", sample.paragraphs[4]]
    return write_docx(folder / name, [("para", line) for line in lines])


def archive_original(db: Database, settings: Settings, sha256: str, source: Path) -> Path:
    """Put the file where the inbox would have archived it and record that location."""
    folders = resolve_folders(settings)
    target = archive_path(folders.archive, sha256, source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    with db.session() as session:
        session.scalars(select(DocumentRow).where(DocumentRow.sha256 == sha256)).one().location = folders.locate("archive", target)
    return target


def write_failing_soffice(folder: Path, archived: Path) -> Path:
    """LibreOffice that fails on one archived original (as on a Word file it cannot load)."""
    script = folder / "soffice"
    script.write_text(f'#!/bin/sh\ncase "$*" in *{archived.name}*) echo "Error: source file could not be loaded" >&2; exit 1;; esac\n'
                      f'exec {find_soffice()} "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return script


@pytest.fixture(scope="module")
def with_originals(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, Settings, dict[str, Path]]:
    """IntMK 23 with a PDF motion and two Word motions, archived as the inbox would; LibreOffice
    cannot convert the second Word file."""
    home = tmp_path_factory.mktemp("originale")
    settings = Settings(home=home)
    db = open_database(settings.resolved_database_url)
    import_conferences(db, settings, CONFERENCES)
    archived = {}
    for name, (title, received) in ORIGINALS.items():
        if name.endswith(".pdf"):
            path = write_motion(home / "eingang", name, title=title)
        else:
            path = write_word_motion(home / "eingang", name, title)
        [stored] = add_motion_files(db, settings, [path], received=received, land="HH")
        assert stored.result.ok, stored.result.error
        archived[name] = archive_original(db, settings, stored.sha256, path)
    soffice = write_failing_soffice(home, archived[UNCONVERTIBLE])
    yield db, settings.model_copy(update={"soffice": str(soffice)}), archived
    db.dispose()


@pytest.fixture(scope="module")
def pack_with_originals(with_originals):
    """``intmk documents IntMK 23 --kind sitzungsunterlagen --originale``, in this process."""
    db, settings, _ = with_originals
    result = CliRunner().invoke(documents, ["IntMK", "23", "--kind", "sitzungsunterlagen", "--originale"], obj=settings)
    folder = resolve_folders(settings).out / "IntMK-23"
    return result, folder / "IntMK-23-sitzungsunterlagen.docx", folder / "IntMK-23-sitzungsunterlagen.pdf"


def test_word_originals_are_converted_and_appended(pack_with_originals, with_originals):
    """Regression: ``--originale`` appended the PDF originals and silently skipped the Word ones."""
    _, _, pdf = pack_with_originals
    reader = PdfReader(pdf)
    outline = {item.title: reader.get_destination_page_number(item) for item in reader.outline}
    assert "Original zu TOP 3" in outline and "Original zu TOP 4" in outline
    word_pages = " ".join(page.extract_text() for page in reader.pages[outline["Original zu TOP 4"]:])
    assert "Migrationsberatung in den Stadtstaaten" in word_pages and "Antragsteller: Hamburg, Bremen" in word_pages
    assert with_originals[2]["antrag-hh.docx"].suffix == ".docx"  # the archived Word file, not a PDF copy


def test_an_original_that_cannot_be_converted_is_named_in_document_and_output(pack_with_originals):
    result, docx_path, pdf = pack_with_originals
    assert "Original zu TOP 5" not in [item.title for item in PdfReader(pdf).outline]
    text = read_docx_text(docx_path.read_bytes())
    assert "Angehängte Originale" in text
    assert "Original zu TOP 3: Finanzierung der Migrationsberatungen" in text.splitlines()
    assert "Original zu TOP 4: Migrationsberatung in den Stadtstaaten" in text.splitlines()
    assert ("Original zu TOP 5: Migrationsberatung für Geflüchtete – konnte nicht angehängt werden "
            "(die Word-Datei ließ sich nicht in PDF umwandeln)") in text
    pack_text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Original zu TOP 5: Migrationsberatung für Geflüchtete – konnte nicht angehängt werden" in pack_text
    assert result.exit_code == ExitCode.ENVIRONMENT, result.output
    assert "Hinweis: Original zu TOP 5 (" in result.stderr
    assert "konnte nicht an das PDF „Sitzungsunterlagen“ angehängt werden" in result.stderr
    assert "source file could not be loaded" in result.stderr and "Befehl wiederholen" in result.stderr
    assert result.stdout.splitlines() == [str(docx_path), str(pdf)]


def test_originals_without_pdf_are_announced_not_dropped_silently(with_originals, tmp_path):
    db, settings, _ = with_originals
    own = settings.model_copy(update={"out_dir": tmp_path / "out"})
    report = build_documents(db, own, "IntMK", 23, [DocumentKind.SITZUNGSUNTERLAGEN], DocumentOptions(pdf=False, originals=True))
    assert any("ohne PDF ist keines angehängt" in warning for warning in report.warnings)
    assert "Angehängte Originale" not in read_docx_text(report.built[0].docx.read_bytes())


def test_damaged_or_locked_pdf_originals_are_listed_not_appended(tmp_path):
    """Before, one damaged original made the whole PDF of the Sitzungsunterlagen fail."""
    good = write_pdf(tmp_path / "gut.pdf", [["Beschlussvorschlag Rheinland-Pfalz"]])
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(good.read_bytes()[:200])
    locked = encrypt_pdf(good, tmp_path / "gesperrt.pdf", user_password="geheim", owner_password="geheimer")
    attachments = [Attachment(title=f"Antrag {n}", path=path, bookmark=f"Original zu TOP {n}")
                   for n, path in ((3, good), (4, broken), (5, locked), (6, tmp_path / "fehlt.pdf"))]
    spec = DocumentSpec(kind=DocumentKind.SITZUNGSUNTERLAGEN, file_stem="IntMK-23-sitzungsunterlagen",
                        title="Sitzungsunterlagen", header="23. IntMK", attachments=attachments)
    report = DocumentsReport(tmp_path)
    prepared = prepare_attachments(spec, AttachmentConverter("soffice", 10, tmp_path), report)
    assert [a.path for a in prepared.attachments] == [good]
    assert [(u.attachment.bookmark, u.reason) for u in report.unattached] == [
        ("Original zu TOP 4", "die Datei ist beschädigt"), ("Original zu TOP 5", "mit einem Kennwort geschützt"),
        ("Original zu TOP 6", "die Datei fehlt")]
    assert report.exit_code == ExitCode.ENVIRONMENT  # the missing file outranks the damaged ones
    [listing] = [block for block in prepared.blocks if block.kind == "bullets"]
    assert listing.items[0] == "Original zu TOP 3: Antrag 3"
    assert listing.items[2].startswith("Original zu TOP 5: Antrag 5 – konnte nicht angehängt werden (mit einem Kennwort geschützt)")
