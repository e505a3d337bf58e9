"""Files the pipeline writes for the clerks: readable by colleagues on a shared drive (the umask
decides, as for a plain ``open()``), never left half-written (RELIABILITY.md rule 2)."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli_rules import calendar
from pipeline.conference_service import import_conferences
from pipeline.documents_service import DocumentOptions, build_documents
from pipeline.export_service import export_collection
from pipeline.motion_service import add_motion_files
from pipeline.reminder_service import write_reminder
from pipeline.service import write_bytes_atomically
from pipeline.settings import Settings
from pipeline.storage import Database, open_database
from schemas.documents import DocumentKind
from tests.fixtures.motions import write_motion

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


def test_failed_write_leaves_neither_temp_file_nor_target(tmp_path, monkeypatch):
    from pipeline import service
    from schemas.errors import EnvironmentProblem

    def refuse(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(service.os, "replace", refuse)
    with pytest.raises(EnvironmentProblem, match="Ausgabe nicht schreibbar"):
        write_bytes_atomically(tmp_path / "a.txt", b"x")
    assert list(tmp_path.iterdir()) == []
