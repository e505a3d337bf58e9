"""The meeting input files a clerk fills: what they read as, and how their errors name the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.meeting.clerk_files import MAX_INPUT_BYTES, MAX_LISTED_PROBLEMS
from pipeline.meeting.inputs import (
    read_annexes,
    read_input,
    read_participants,
    read_review,
    read_statements,
    read_votes,
    resolve_annex_file,
)
from schemas.errors import ErrorCode, ExitCode, UsageProblem
from schemas.meeting import (
    Annex,
    InputKind,
    MeetingStatement,
    Participant,
    RecordedVote,
    ReviewEntry,
    VoteSubject,
)
from schemas.records import LAENDER
from tests.fixtures.sample import SAMPLE_FIELDS, load_sample

ALL = list(LAENDER)
VOTES_HEADER = "sitzung;top;gegenstand;ja;nein;enthaltung;abwesend;von_gruener_liste"
PARTICIPANTS_HEADER = "Sitzung;Land;Name;Funktion"


def write(folder: Path, name: str, lines: list[str], *, encoding: str = "utf-8") -> Path:
    """A file as Excel or an editor writes it: CRLF line ends."""
    path = folder / name
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def problems_of(error: pytest.ExceptionInfo[UsageProblem]) -> list[str]:
    return error.value.message.splitlines()


def assert_single_problem(call, path: Path, line: int, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageProblem) as error:
        call(path)
    assert error.value.code is ErrorCode.INVALID_DATA and error.value.exit_code is ExitCode.USAGE
    problems = problems_of(error)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path.name}, Zeile {line}: "), problems[0]
    for word in words:
        assert word in problems[0], (word, problems[0])


# --------------------------------------------------------------------------- participants


def test_participants_are_read_with_codes_names_and_guests(tmp_path: Path) -> None:
    path = write(tmp_path, "teilnehmer.csv", [
        "# Teilnehmerliste der 12. IntMK",
        " SITZUNG ; Land ;Name; funktion",
        "HK;BY;Emilia Müller;Staatsministerin",
        "",
        "hauptkonferenz;Baden-Württemberg;Manfred Lucha;Minister",
        "Hauptkonferenz;Nordrhein-Westfalen;Rainer Schmeltzer;",
        "HK;Bund;Aydan Özoğuz;Beauftragte der Bundesregierung",
        "vk;Gast;Vertreterin des BAMF;",
        "VK;by;Emilia Müller;",  # the same name in another session is fine
    ])
    participants = read_participants(path)
    assert [(p.line, p.session, p.land, p.guest) for p in participants] == [
        (3, "hauptkonferenz", "BY", None),
        (5, "hauptkonferenz", "BW", None),
        (6, "hauptkonferenz", "NW", None),
        (7, "hauptkonferenz", None, "Bund"),
        (8, "vorkonferenz", None, "Gast"),
        (9, "vorkonferenz", "BY", None),
    ]
    assert participants[0].function == "Staatsministerin" and participants[2].function is None
    assert participants[3].name == "Aydan Özoğuz"


def test_participants_in_windows_1252_with_commas_and_in_utf8_with_bom(tmp_path: Path) -> None:
    lines = ["sitzung,land,name", "HK,Thüringen,Dieter Lauinger", "HK,Thueringen,Eine Vertreterin"]
    for name, encoding in (("ansi.csv", "cp1252"), ("bom.csv", "utf-8-sig")):
        participants = read_participants(write(tmp_path, name, lines, encoding=encoding))
        assert [p.land for p in participants] == ["TH", "TH"]
        assert participants[0].name == "Dieter Lauinger"


def test_a_quoted_cell_over_two_lines_keeps_the_following_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "teilnehmer.csv", [
        PARTICIPANTS_HEADER,
        'HK;BE;Elke Breitenbach;"Senatorin für Integration,',
        'Arbeit und Soziales"',
        "HK;BA;Max Muster;",
    ])
    assert_single_problem(read_participants, path, 4, ["„BA“"])


@pytest.mark.parametrize(
    ("lines", "line", "words"),
    [
        (["HK;BA;Max Muster;"], 2, ["„BA“ ist kein Länderkürzel und kein Ländername."]),
        (["HK;;Max Muster;"], 2, ["Das Land fehlt."]),
        (["HK;BY;;Minister"], 2, ["Der Name fehlt."]),
        (["Plenum;BY;Max Muster;"], 2, ["„Plenum“ ist keine Sitzung", "hauptkonferenz"]),
        (["HK;BY;Max Muster;", "HK;BW;max  muster;"], 3, ["„max  muster“", "Hauptkonferenz", "schon in Zeile 2"]),
        (["HK;BY;Max Muster;;Telefon"], 2, ["Feld 5 („Telefon“)", "Anführungszeichen"]),
    ],
)
def test_participant_errors_name_the_line(tmp_path: Path, lines: list[str], line: int, words: list[str]) -> None:
    path = write(tmp_path, "teilnehmer.csv", [PARTICIPANTS_HEADER, *lines])
    assert_single_problem(read_participants, path, line, words)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Sitzung;Land;Name;Telefon", ["Unbekannte Spalte „Telefon“", "erlaubt: sitzung, land, name, funktion"]),
        ("Sitzung;Land;Funktion", ["In der Kopfzeile fehlt die Spalte „name“"]),
        ("Sitzung;Land;Name;Name", ["Die Spalte „name“ steht zweimal"]),
    ],
)
def test_header_errors_name_the_header_line_after_comments(tmp_path: Path, header: str, words: list[str]) -> None:
    path = write(tmp_path, "teilnehmer.csv", ["# Liste", "# Stand: März", header, "HK;BY;Max Muster"])
    assert_single_problem(read_participants, path, 3, words)


# --------------------------------------------------------------------------- votes


def vote_file(folder: Path, *rows: str) -> Path:
    return write(folder, "abstimmungen.csv", [VOTES_HEADER, *rows])


def test_votes_fill_absent_in_laender_order_and_expand_alle(tmp_path: Path) -> None:
    path = vote_file(
        tmp_path,
        "HK;TOP 2.12.;;TH, BE BB,HB;BY;BW;;",  # absent: everyone not named
        "HK;5;beschluss;alle;BY;Sachsen Thüringen;;",
        "VK;5;Aufnahme;BW BY BE BB HB HH HE MV NI NW RP;;;alle;",
        "hk;top 7;;BY;;;HE;NW",
    )
    first, second, admission, green = read_votes(path, quorum=None)
    assert (first.line, first.session, first.top, first.subject) == (2, "hauptkonferenz", "2.12", VoteSubject.DECISION)
    assert first.votes.yes == ["BE", "BB", "HB", "TH"]
    assert first.votes.no == ["BY"] and first.votes.abstain == ["BW"]
    assert first.votes.absent == [code for code in ALL if code not in {"BE", "BB", "HB", "TH", "BY", "BW"}]
    assert second.votes.yes == [code for code in ALL if code not in {"BY", "SN", "TH"}]
    assert second.votes.abstain == ["SN", "TH"] and second.votes.absent == []
    assert admission.subject is VoteSubject.ADMISSION and admission.votes.absent == ["SL", "SN", "ST", "SH", "TH"]
    assert green.top == "7" and green.taken_off_green_list_by == "NW"
    assert green.votes.absent == [code for code in ALL if code != "BY"]  # HE named absent, the rest implied


@pytest.mark.parametrize(
    ("represented", "quorum", "passes"),
    [(13, 13, True), (12, 13, False), (16, 13, True), (12, None, True), (1, None, True)],
)
def test_quorum_of_a_decision(tmp_path: Path, represented: int, quorum: int | None, passes: bool) -> None:
    yes = " ".join(ALL[: represented - 1])
    path = vote_file(tmp_path, f"HK;5;;{yes};{ALL[represented - 1]};;;")
    if passes:
        (vote,) = read_votes(path, quorum=quorum)
        assert len(vote.votes.yes) + len(vote.votes.no) == represented
        assert len(vote.votes.absent) == 16 - represented
    else:
        assert_single_problem(
            lambda p: read_votes(p, quorum=quorum),
            path,
            2,
            [f"nicht beschlussfähig: nur {represented} Länder vertreten, {quorum} erforderlich (Regularien 5.1)."],
        )


def test_quorum_does_not_apply_to_an_admission_vote(tmp_path: Path) -> None:
    path = vote_file(tmp_path, f"HK;9;aufnahme;{' '.join(ALL[:12])};;;;")
    (vote,) = read_votes(path, quorum=13)
    assert vote.subject is VoteSubject.ADMISSION and len(vote.votes.absent) == 4


@pytest.mark.parametrize(
    ("rows", "line", "words"),
    [
        (["HK;5;;BA BY;;;;"], 2, ["„BA“ ist kein Länderkürzel und kein Ländername."]),
        (["HK;5;;BE;;;;", "HK;6;;BW BE;Bayern;BY;;"], 3, ["Bayern (BY) stimmt zweimal ab (nein und enthaltung)."]),
        (["HK;5;;BY, Bayern;;;;"], 2, ["Bayern (BY) steht zweimal in der Spalte ja."]),
        (["HK;5;;BY;;;by;"], 2, ["Bayern (BY) steht in zwei Spalten (ja und abwesend)."]),
        (["HK;5;;alle;ALLE;;;"], 2, ["„alle“ steht in 2 Spalten (ja und nein)"]),
        (["HK;5;;alle BY;;;;"], 2, ["In der Spalte ja muss „alle“ allein stehen."]),
        (["HK;5;;BY;;;;", "HK;TOP 5.;beschluss;BW;;;;"], 3, ["TOP 5 (Hauptkonferenz, Beschluss) ist schon in Zeile 2"]),
        (["HK;5;;;;;BY;"], 2, ["Es ist keine Stimme erfasst"]),
        (["HK;TOP;;BY;;;;"], 2, ["Der TOP fehlt."]),
        (["Sondersitzung;5;;BY;;;;"], 2, ["„Sondersitzung“ ist keine Sitzung"]),
        (["HK;5;Antrag;BY;;;;"], 2, ["„Antrag“ ist kein Gegenstand"]),
        (["VK;5;;BY;;;;NW"], 2, ["nur für Beschlüsse der Hauptkonferenz (Regularien 7)"]),
        (["HK;5;aufnahme;BY;;;;NW"], 2, ["nur für Beschlüsse der Hauptkonferenz (Regularien 7)"]),
        (["HK;5;;BY;;;;Bund"], 2, ["„Bund“ ist kein Länderkürzel"]),
        (["HK;5;;BY Bund;;;;"], 2, ["Der Bund hat kein Stimmrecht (Regularien 5.1)."]),
        (["# Abstimmungen der 12. IntMK", "", "HK;5;;BY;;;;", "HK;5;aufnahme;BY;;;;", "HK;6;;XY;;;;"], 6, ["„XY“"]),
    ],
)
def test_vote_errors_name_the_line(tmp_path: Path, rows: list[str], line: int, words: list[str]) -> None:
    assert_single_problem(lambda p: read_votes(p, quorum=None), vote_file(tmp_path, *rows), line, words)


def test_a_votes_file_with_three_problems_reports_all_three_in_line_order(tmp_path: Path) -> None:
    path = vote_file(
        tmp_path,
        "HK;5;;BW BY BE BB HB HH HE MV NI NW RP SL;;;;",  # 12 represented
        "HK;6;;alle;BY;;;",
        "# Hinweis der Geschäftsstelle",
        "HK;7;;BA;;;;",
        "HK;6;;alle;;;;",
    )
    with pytest.raises(UsageProblem) as error:
        read_votes(path, quorum=13)
    assert problems_of(error) == [
        "abstimmungen.csv, Zeile 2: nicht beschlussfähig: nur 12 Länder vertreten, 13 erforderlich (Regularien 5.1).",
        "abstimmungen.csv, Zeile 5: „BA“ ist kein Länderkürzel und kein Ländername.",
        "abstimmungen.csv, Zeile 6: TOP 6 (Hauptkonferenz, Beschluss) ist schon in Zeile 3 erfasst.",
    ]


def test_a_file_full_of_errors_lists_the_first_problems_and_counts_the_rest(tmp_path: Path) -> None:
    path = vote_file(tmp_path, *(f"HK;{number};;BA;;;;" for number in range(MAX_LISTED_PROBLEMS + 5)))
    with pytest.raises(UsageProblem) as error:
        read_votes(path, quorum=None)
    problems = problems_of(error)
    assert len(problems) == MAX_LISTED_PROBLEMS + 1
    assert problems[0].startswith("abstimmungen.csv, Zeile 2: „BA“")
    assert problems[-1] == "abstimmungen.csv: … und 5 weitere Probleme."


# --------------------------------------------------------------------------- review


def test_review_entries(tmp_path: Path) -> None:
    path = write(tmp_path, "erfolgskontrolle.csv", [
        "Beschluss;Land;Stand;Bericht",
        "12. IntMK, TOP 2.12;Berlin;Antwortschreiben des BMI liegt vor;x",
        "11. IntMK, TOP 5.1;NW;offen;",
    ])
    first, second = read_review(path)
    assert (first.line, first.land, first.report) == (2, "BE", True)
    assert (second.resolution, second.land, second.status, second.report) == ("11. IntMK, TOP 5.1", "NW", "offen", False)


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("12. IntMK, TOP 2.12;Preußen;offen;", ["„Preußen“ ist kein Länderkürzel"]),
        (";BE;offen;", ["Der Beschluss fehlt."]),
        ("12. IntMK, TOP 2.12;BE; ;", ["Der Umsetzungsstand (stand) fehlt."]),
        ("12. IntMK, TOP 2.12;BE;offen;vielleicht", ["„vielleicht“ ist kein Ja/Nein-Wert"]),
    ],
)
def test_review_errors_name_the_line(tmp_path: Path, row: str, words: list[str]) -> None:
    path = write(tmp_path, "erfolgskontrolle.csv", ["beschluss;land;stand;bericht", row])
    assert_single_problem(read_review, path, 2, words)


# --------------------------------------------------------------------------- statements (YAML)


def statement_text() -> str:
    return load_sample().paragraphs[1]


def test_statements_keep_lines_after_a_comment_block(tmp_path: Path) -> None:
    text = statement_text()
    path = tmp_path / "erklaerungen.yaml"
    path.write_text(
        "# Protokollerklärungen der 12. IntMK\n"
        "# veroeffentlichen: ja, wenn die Länder es wünschen (Regularien 5.3)\n"
        "\n"
        f"- top: TOP {SAMPLE_FIELDS['top']}\n"
        "  laender: [Bayern, SN]\n"
        "  text: |\n"
        f"    {text}\n"
        "  veroeffentlichen: ja\n"
        "- top: 2.10\n"
        "  Länder: BW, Thueringen\n"
        f"  text: \"{load_sample().title}\"\n",
        encoding="utf-8",
    )
    first, second = read_statements(path)
    assert (first.line, first.top, first.by, first.publish) == (4, "2.12", ["BY", "SN"], True)
    assert first.text == text
    assert (second.line, second.top, second.by, second.publish) == (9, "2.10", ["BW", "TH"], False)


@pytest.mark.parametrize(
    ("document", "line", "words"),
    [
        ("top: 5\nlaender: BY\n", 1, ["muss eine Liste sein"]),
        ("# Kopf\n- top: 5\n  laender: BY\n  text: x\n  autor: BY\n", 5, ["Unbekannter Schlüssel „autor“"]),
        ("- top: 5\n  text: Erklärung\n", 1, ["„laender“ fehlt."]),
        ("- laender: BY\n  text: Erklärung\n", 1, ["„top“ fehlt."]),
        ("- top: 5\n  laender: BY\n", 1, ["„text“ fehlt."]),
        ("- top: 5\n  laender: BY\n  text: ''\n", 3, ["„text“ ist leer."]),
        ("- top: 5\n  laender: [BY, Bayer]\n  text: x\n", 2, ["„Bayer“ ist kein Länderkürzel"]),
        ("- top: 5\n  laender: BY\n  text: x\n  veroeffentlichen: bitte\n", 4, ["„bitte“ ist kein Ja/Nein-Wert"]),
        ("- top: 5\n  laender: BY\n  text: {a: b}\n", 3, ["muss ein Text oder eine Liste sein"]),
        ("- top: 5\n  top: 6\n  laender: BY\n  text: x\n", 2, ["„top“ steht zweimal"]),
        ("- top: 5\n  laender: BY\n  text: [unclosed\n", 4, ["kein gültiges YAML"]),
        ("- Erklärung ohne Schlüssel\n", 1, ["Schlüsseln mit Werten"]),
    ],
)
def test_statement_errors_name_the_line(tmp_path: Path, document: str, line: int, words: list[str]) -> None:
    path = tmp_path / "erklaerungen.yaml"
    path.write_text(document, encoding="utf-8")
    assert_single_problem(read_statements, path, line, words)


def test_an_empty_statements_file_has_no_statements(tmp_path: Path) -> None:
    path = tmp_path / "erklaerungen.yaml"
    path.write_text("# noch keine Protokollerklärungen\n", encoding="utf-8")
    assert read_statements(path) == []


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    path = tmp_path / "erklaerungen.yaml"
    path.write_text("\n".join(levels) + "\n", encoding="utf-8")
    with pytest.raises(UsageProblem, match="Verweise mit & und \\* sind nicht erlaubt"):
        read_statements(path)


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "erklaerungen.yaml"
    path.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    with pytest.raises(UsageProblem, match="zu tief verschachtelt"):
        read_statements(path)


# --------------------------------------------------------------------------- annexes (YAML)


def test_annexes_with_pdf_and_publication_vote(tmp_path: Path) -> None:
    (tmp_path / "anlagen").mkdir()
    (tmp_path / "anlagen" / "bericht-ag.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    path = tmp_path / "anlagen.yaml"
    path.write_text(
        "# Anlagen zu Beschlüssen\n"
        "- top: 2.12\n"
        "  titel: Bericht der Arbeitsgruppe Migrationsberatung\n"
        "  datei: anlagen\\bericht-ag.pdf\n"  # as typed on Windows
        "  veroeffentlichung: 14:1:1\n"  # unquoted: YAML 1.1 would read a base-60 number
        "- top: TOP 5\n"
        "  titel: Übersicht der Länder\n",
        encoding="utf-8",
    )
    report, overview = read_annexes(path)
    assert (report.line, report.top, report.file) == (2, "2.12", "anlagen\\bericht-ag.pdf")
    assert (report.publication_vote.yes, report.publication_vote.no, report.publication_vote.abstain) == (14, 1, 1)
    assert resolve_annex_file(report, tmp_path) == (tmp_path / "anlagen" / "bericht-ag.pdf").resolve()
    assert (overview.line, overview.top, overview.file, overview.publication_vote) == (6, "5", None, None)
    with pytest.raises(UsageProblem, match="keine Datei"):
        resolve_annex_file(overview, tmp_path)


@pytest.mark.parametrize(
    ("entry", "line", "words"),
    [
        ("  veroeffentlichung: 14-1-1\n", 3, ["„14-1-1“ ist kein Abstimmungsergebnis", "Ja:Nein:Enthaltung"]),
        ("  veroeffentlichung: '10:5:2'\n", 3, ["17 Stimmen", "nur 16 Länder"]),
        ("  datei: fehlt.pdf\n", 3, ["„fehlt.pdf“ wurde nicht gefunden"]),
        ("  datei: bericht.docx\n", 3, ["„bericht.docx“ ist kein PDF"]),
        ("  datei: ../geheim.pdf\n", 3, ["liegt nicht im Ordner der Eingabedatei"]),
        ("  seiten: 12\n", 3, ["Unbekannter Schlüssel „seiten“"]),
    ],
)
def test_annex_errors_name_the_line(tmp_path: Path, entry: str, line: int, words: list[str]) -> None:
    folder = tmp_path / "konferenz"
    folder.mkdir()
    (folder / "bericht.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "geheim.pdf").write_bytes(b"%PDF-1.4\n")
    path = folder / "anlagen.yaml"
    path.write_text(f"- top: 5\n  titel: Bericht der AG\n{entry}", encoding="utf-8")
    assert_single_problem(read_annexes, path, line, words)


def test_annex_without_title_or_top(tmp_path: Path) -> None:
    path = tmp_path / "anlagen.yaml"
    path.write_text("- top: 5\n- titel: Bericht\n  veroeffentlichung: 'x'\n", encoding="utf-8")
    with pytest.raises(UsageProblem) as error:
        read_annexes(path)
    assert problems_of(error) == [
        "anlagen.yaml, Zeile 1: „titel“ fehlt.",
        "anlagen.yaml, Zeile 2: „top“ fehlt.",
    ]


# --------------------------------------------------------------------------- files and dispatch


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "abstimmungen.csv"
    with path.open("wb") as stream:
        stream.write(VOTES_HEADER.encode() + b"\n")
        stream.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(UsageProblem, match=r"abstimmungen.csv: Die Datei ist größer als 5 MB") as error:
        read_votes(path, quorum=13)
    assert error.value.code is ErrorCode.LIMIT_EXCEEDED


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda folder: folder / "fehlt.csv", "wurde nicht gefunden"),
        (lambda folder: folder, "ist ein Ordner, keine Datei"),
        (lambda folder: write(folder, "utf16.csv", [PARTICIPANTS_HEADER], encoding="utf-16"), "kein Text in UTF-8"),
        (lambda folder: write(folder, "kaputt.csv", ["sitzung;land;name", "HK;BY;\x81"], encoding="latin-1"), "kein Text"),
        (lambda folder: write(folder, "leer.csv", ["# nur ein Kommentar"]), "Zeile 1: Die Kopfzeile fehlt"),
    ],
)
def test_unreadable_files_are_named(tmp_path: Path, make, pattern: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(UsageProblem) as error:
        read_participants(path)
    assert re.search(pattern, error.value.message), error.value.message
    assert path.name in error.value.message


def test_read_input_dispatches_by_kind(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.7\n")
    files = {
        InputKind.PARTICIPANTS: (write(tmp_path, "t.csv", [PARTICIPANTS_HEADER, "HK;BY;Max Muster;"]), Participant),
        InputKind.VOTES: (vote_file(tmp_path, "HK;5;;alle;;;;"), RecordedVote),
        InputKind.STATEMENTS: (write(tmp_path, "e.yaml", ["- {top: 5, laender: BY, text: x}"]), MeetingStatement),
        InputKind.ANNEXES: (write(tmp_path, "a.yaml", ["- {top: 5, titel: Bericht, datei: a.pdf}"]), Annex),
        InputKind.REVIEW: (write(tmp_path, "r.csv", ["beschluss;land;stand", "TOP 5;BY;offen"]), ReviewEntry),
    }
    for kind, (path, model) in files.items():
        (item,) = read_input(kind, path, quorum=13)
        assert isinstance(item, model)
