"""``intmk meeting …``, ``intmk documents`` and ``intmk templates export`` as real processes.

One home per module: the conferences are imported and the four motions of the demo conference
IntMK 23 are added with their receipt times (TOP 3 BY/SN, TOP 4 HB/HH/BE, TOP 5 RP-1, TOP 6 RP-2
late). A test that stores something works on its own copy of that home; the full document set is
built once and shared by the read-only assertions.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from outputs.docx_writer import read_docx_text
from schemas.documents import MEETING_KINDS
from schemas.errors import ExitCode
from tests.fixtures.cli import run_intmk
from tests.fixtures.motions import write_motion

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "meeting"
BERLIN_SUMMER = dt.timezone(dt.timedelta(hours=2))
BERLIN_WINTER = dt.timezone(dt.timedelta(hours=1))
INPUTS = {  # intmk meeting <kind> → example file and its number of entries
    "votes": ("abstimmungen.csv", 8),
    "participants": ("teilnehmer.csv", 19),
    "statements": ("erklaerungen.yaml", 2),
    "annexes": ("anlagen.yaml", 2),
    "review": ("erfolgskontrolle.csv", 2),
}
VOTE_HEADER = "sitzung;top;gegenstand;ja;nein;enthaltung;abwesend;von_gruener_liste\n"
OUT = ("out", "IntMK-23")


def intmk_ok(*args: str, home: Path, env: dict[str, str] | None = None) -> str:
    result = run_intmk(*args, home=home, env=env)
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr
    return result.stdout


def copy_home(source: Path, target: Path) -> Path:
    """A private copy of a prepared home (database, archive, out) for a test that changes it."""
    shutil.copytree(source, target)
    return target


def listed_paths(stdout: str) -> list[Path]:
    return [Path(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    """Conferences imported, the four IntMK-23 motions stored with their demo receipt times."""
    home = tmp_path_factory.mktemp("prepared")
    folder = home / "eingang"
    intmk_ok("conference", "import", str(REPO / "examples" / "conferences.toml"), home=home)
    motions = [
        ("beschlussvorschlag-by-sn.pdf", dt.datetime(2027, 3, 20, 9, 0, tzinfo=BERLIN_WINTER),
         {"applicants": "Antragsteller: Bayern, Sachsen", "title": "Migrationsberatung in ländlichen Regionen",
          "paragraphs": (3,)}),
        ("beschlussvorschlag-hb-hh-be.pdf", dt.datetime(2027, 4, 1, 11, 0, tzinfo=BERLIN_SUMMER),
         {"applicants": "Antragsteller: Bremen, Hamburg, Berlin",
          "title": "Öffnung der Migrationsberatung für Asylsuchende und Geduldete", "paragraphs": (2,)}),
        ("beschlussvorschlag-rp-1.pdf", dt.datetime(2027, 4, 8, 16, 30, tzinfo=BERLIN_SUMMER),
         {"reasoning": ["Antrag Nummer 1 aus Rheinland-Pfalz."]}),
        ("beschlussvorschlag-rp-2.pdf", dt.datetime(2027, 4, 9, 8, 15, tzinfo=BERLIN_SUMMER),
         {"reasoning": ["Antrag Nummer 2 aus Rheinland-Pfalz."]}),
    ]
    for name, received, options in motions:
        path = write_motion(folder, name, **options)
        intmk_ok("motion", "add", str(path), "--received", received.strftime("%Y-%m-%dT%H:%M:%S%z"), home=home)
    return home


@pytest.fixture(scope="module")
def imported(prepared, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A copy of the prepared home with all five example inputs; the stdout of each import."""
    home = copy_home(prepared, tmp_path_factory.mktemp("imported") / "home")
    outputs = {kind: intmk_ok("meeting", kind, "IntMK", "23", str(EXAMPLES / name), home=home)
               for kind, (name, _) in INPUTS.items()}
    return home, outputs


@pytest.fixture(scope="module")
def built(imported, tmp_path_factory) -> tuple[Path, list[Path]]:
    """The full document set (Word and PDF) built once on a copy of the imported home."""
    home = copy_home(imported[0], tmp_path_factory.mktemp("built") / "home")
    return home, listed_paths(intmk_ok("documents", "IntMK", "23", home=home))


@pytest.fixture(scope="module")
def word_only(imported, tmp_path_factory) -> tuple[Path, list[Path]]:
    """All Word files without PDF (``--ohne-pdf``), on another copy of the imported home."""
    home = copy_home(imported[0], tmp_path_factory.mktemp("word-only") / "home")
    return home, listed_paths(intmk_ok("documents", "IntMK", "23", "--ohne-pdf", home=home))


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def outline_titles(outline: list) -> list[str]:
    titles: list[str] = []
    for entry in outline:
        titles.extend(outline_titles(entry) if isinstance(entry, list) else [entry.title])
    return titles


# --------------------------------------------------------------------------- meeting inputs


def test_importing_the_examples_stores_and_replaces(imported, tmp_path):
    home, outputs = imported
    for kind, (name, count) in INPUTS.items():
        assert outputs[kind].strip() == f"{name}: {count} Einträge für IntMK 23 gespeichert."
    show = intmk_ok("meeting", "show", "IntMK", "23", home=home)
    for kind, (name, count) in INPUTS.items():
        assert f"{kind}: {name} ({count} Einträge" in show
    assert "Noch nicht eingelesen" not in show

    own = copy_home(home, tmp_path / "home")
    again = intmk_ok("meeting", "votes", "IntMK", "23", str(EXAMPLES / "abstimmungen.csv"), home=own)
    assert "8 Einträge für IntMK 23 gespeichert." in again
    lines = [line for line in intmk_ok("meeting", "show", "IntMK", "23", home=own).splitlines()
             if line.startswith("votes:")]
    assert len(lines) == 1 and "(8 Einträge" in lines[0]


BAD_INPUTS = [
    ("votes", "unbekanntes-land.csv", VOTE_HEADER + "vorkonferenz;4;beschluss;alle;BA;;;\n",
     "unbekanntes-land.csv, Zeile 2: „BA“ ist kein Länderkürzel"),
    ("votes", "doppelt.csv", VOTE_HEADER + "vorkonferenz;3;beschluss;alle;;;;\nvorkonferenz;4;beschluss;BY BW;BY;;;\n",
     "doppelt.csv, Zeile 3: Bayern (BY) stimmt zweimal ab (ja und nein)"),
    ("votes", "zu-wenige.csv", VOTE_HEADER + "vorkonferenz;4;beschluss;BW BY BE BB HB HH HE MV NI NW RP SL;;;;\n",
     "zu-wenige.csv, Zeile 2: nicht beschlussfähig: nur 12 Länder vertreten, 13 erforderlich"),
    ("votes", "top-9.csv", VOTE_HEADER + "# Kommentar\nvorkonferenz;9;beschluss;alle;;;;\n",
     "top-9.csv, Zeile 3: TOP 9 steht nicht auf der Tagesordnung"),
    ("participants", "teilnehmer-falsch.csv",
     "sitzung;land;name;funktion\nhauptkonferenz;BW;Dr. Anna Beispiel;Ministerin\n"
     "hauptkonferenz;XY;Max Muster;Minister\n",
     "teilnehmer-falsch.csv, Zeile 3: „XY“ ist kein Länderkürzel"),
    ("statements", "erklaerung-falsch.yaml",
     "- top: 4\n  laender: [BY, Atlantis]\n  veroeffentlichen: ja\n  text: Eine Erklärung.\n",
     "erklaerung-falsch.yaml, Zeile 2: „Atlantis“ ist kein Länderkürzel"),
]


def test_bad_inputs_are_refused_with_file_line_and_problem(prepared, tmp_path):
    home = copy_home(prepared, tmp_path / "home")
    for _, name, text, _ in BAD_INPUTS:
        (tmp_path / name).write_text(text, encoding="utf-8")
    def run(bad: tuple[str, str, str, str]):
        return run_intmk("meeting", bad[0], "IntMK", "23", str(tmp_path / bad[1]), home=home)

    with ThreadPoolExecutor(max_workers=2) as pool:  # nothing is stored, so the runs may overlap
        results = list(pool.map(run, BAD_INPUTS))
    for (_, name, _, expected), result in zip(BAD_INPUTS, results, strict=True):
        assert result.returncode == ExitCode.USAGE, (name, result.stdout, result.stderr)
        assert expected in result.stderr, (name, result.stderr)
        assert "gespeichert" not in result.stdout
    show = intmk_ok("meeting", "show", "IntMK", "23", home=home)
    assert show.strip() == "Noch nicht eingelesen: participants, votes, statements, annexes, review"


# --------------------------------------------------------------------------- documents


def test_full_document_set_is_word_and_pdf(built):
    home, paths = built
    folder = home.joinpath(*OUT)
    expected = [folder / f"IntMK-23-{kind.value}{suffix}" for kind in MEETING_KINDS for suffix in (".docx", ".pdf")]
    assert paths == expected
    assert sorted(folder.iterdir()) == sorted(expected)
    for path in paths:
        if path.suffix == ".docx":
            assert docx.Document(str(path)).paragraphs, path
        else:
            assert len(PdfReader(path).pages) >= 1, path


def test_public_minutes_pdf_keeps_internal_matters_out(built):
    text = pdf_text(built[0].joinpath(*OUT, "IntMK-23-niederschrift-oeffentlich.pdf"))
    assert "Die IntMK hat einstimmig beschlossen:" in text
    assert "Begründung" not in text and "Teilnehmerliste" not in text


def test_meeting_pack_pdf_has_a_bookmark_per_motion(built):
    titles = outline_titles(PdfReader(built[0].joinpath(*OUT, "IntMK-23-sitzungsunterlagen.pdf")).outline)
    motions = [title for title in titles if title.startswith("Beschlussvorlage zu TOP")]
    assert [re.match(r"Beschlussvorlage zu TOP (\d+)", title)[1] for title in motions] == ["3", "4", "5", "6"]
    assert motions[0] == "Beschlussvorlage zu TOP 3: Migrationsberatung in ländlichen Regionen"


def test_one_kind_only(imported, tmp_path):
    home = copy_home(imported[0], tmp_path / "home")
    paths = listed_paths(intmk_ok("documents", "IntMK", "23", "--kind", "tagesordnung", home=home))
    folder = home.joinpath(*OUT)
    assert paths == [folder / "IntMK-23-tagesordnung.docx", folder / "IntMK-23-tagesordnung.pdf"]
    assert sorted(folder.iterdir()) == paths


def test_without_pdf_only_word_files(word_only):
    home, paths = word_only
    assert [path.name for path in paths] == [f"IntMK-23-{kind.value}.docx" for kind in MEETING_KINDS]
    assert sorted(path.suffix for path in home.joinpath(*OUT).iterdir()) == [".docx"] * len(MEETING_KINDS)


def test_pdfa_declares_part_2(imported, tmp_path):
    home = copy_home(imported[0], tmp_path / "home")
    out = intmk_ok("documents", "IntMK", "23", "--pdfa", "--kind", "gruenfassung", home=home)
    pdf = next(path for path in listed_paths(out) if path.suffix == ".pdf")
    metadata = PdfReader(pdf).trailer["/Root"].get("/Metadata")
    assert metadata is not None, "Die PDF/A enthält keine XMP-Metadaten."
    assert re.search(rb'pdfaid:part(="|>)2', metadata.get_object().get_data())


def test_missing_libreoffice_keeps_the_word_file(imported, tmp_path):
    home = copy_home(imported[0], tmp_path / "home")
    result = run_intmk("documents", "IntMK", "23", "--kind", "einladung", home=home,
                       env={"INTMK_SOFFICE": "/nonexistent/soffice"})
    assert result.returncode == ExitCode.ENVIRONMENT, result.stdout + result.stderr
    assert "LibreOffice ist nicht installiert" in result.stderr
    word = home.joinpath(*OUT, "IntMK-23-einladung.docx")
    assert listed_paths(result.stdout) == [word]
    assert "Einladung" in read_docx_text(word.read_bytes())
    assert not word.with_suffix(".pdf").exists()


def test_clerk_template_gives_the_letterhead(prepared, tmp_path):
    folder = tmp_path / "vorlagen"
    assert listed_paths(intmk_ok("templates", "export", str(folder), home=prepared)) == [folder / "vorlage.docx"]
    docx.Document(str(folder / "vorlage.docx"))
    again = run_intmk("templates", "export", str(folder), home=prepared)
    assert again.returncode == ExitCode.USAGE and "nicht überschrieben" in again.stderr

    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "{kopfzeile} – Musterbriefkopf Geschäftsstelle"
    template.save(str(folder / "tagesordnung.docx"))
    home = copy_home(prepared, tmp_path / "home")
    out = intmk_ok("documents", "IntMK", "23", "--kind", "tagesordnung", "--ohne-pdf", home=home,
                   env={"INTMK_TEMPLATE_DIR": str(folder)})
    (path,) = listed_paths(out)
    header = docx.Document(str(path)).sections[0].header.paragraphs[0].text
    assert "Musterbriefkopf Geschäftsstelle" in header and "23. IntMK" in header
    assert "{kopfzeile}" not in header


def test_unknown_conference_is_a_usage_problem(prepared):
    result = run_intmk("documents", "IntMK", "99", home=prepared)
    assert result.returncode == ExitCode.USAGE
    assert "Die Konferenz IntMK 99 ist nicht erfasst" in result.stderr
    assert not (prepared / "out").exists()


def test_same_inputs_same_word_text(built, word_only):
    first = {path.name: path for path in built[1] if path.suffix == ".docx"}
    second = {path.name: path for path in word_only[1]}
    assert sorted(first) == sorted(second)
    for name in first:
        data, again = first[name].read_bytes(), second[name].read_bytes()
        assert read_docx_text(data, with_header=True) == read_docx_text(again, with_header=True), name
        # the bytes differ only in the time of writing (Datei > Informationen)
        properties = [docx.Document(str(path)).core_properties for path in (first[name], second[name])]
        assert len({(p.author, p.title, p.language) for p in properties}) == 1, name
        assert properties[0].author == "Geschäftsstelle der Integrationsministerkonferenz", name
        assert properties[0].language == "de-DE" and properties[0].title, name
        assert properties[0].created.year >= 2026 and properties[0].created.tzinfo is not None, name


def test_word_only_run_removes_the_stale_pdf_and_says_so(built, tmp_path):
    """Regression: ``--ohne-pdf`` left the previous PDF beside the new Word file."""
    home = copy_home(built[0], tmp_path / "home")
    folder = home.joinpath(*OUT)
    result = run_intmk("documents", "IntMK", "23", "--kind", "tagesordnung", "--ohne-pdf", home=home)
    assert result.returncode == ExitCode.OK, result.stderr
    stale = folder / "IntMK-23-tagesordnung.pdf"
    assert f"Hinweis: Veraltete PDF-Datei entfernt (passt nicht mehr zur neuen Word-Datei): {stale}" in result.stderr
    assert not stale.exists() and (folder / "IntMK-23-tagesordnung.docx").is_file()
    assert (folder / "IntMK-23-einladung.pdf").is_file() and (folder / "IntMK-23-sitzungsunterlagen.pdf").is_file()

