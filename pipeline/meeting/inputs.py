"""Read the meeting input files a clerk fills: participants, votes, statements, annexes, review.

Participants, votes and review are CSV files, statements and annexes YAML files; how they are read
and how their problems are reported (one line each, "<Datei>, Zeile N: <Problem>") is in
``pipeline.meeting.clerk_files``. Nothing of a bad file is returned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.meeting.clerk_files import (
    LAND_CODES,
    Report,
    parse_flag,
    parse_land,
    parse_session,
    parse_top,
    read_entries,
    read_table,
    require_text,
    split_laender,
)
from pipeline.rules.majority import name_land, plural, sort_laender
from schemas.errors import UsageProblem
from schemas.meeting import (
    Annex,
    InputKind,
    MeetingSession,
    MeetingStatement,
    Participant,
    RecordedVote,
    ReviewEntry,
    VoteSubject,
)
from schemas.records import LAENDER, LandCode, VoteCounts, Votes

_SESSION_LABELS = {"hauptkonferenz": "Hauptkonferenz", "vorkonferenz": "Vorkonferenz"}
_SUBJECTS = {"": VoteSubject.DECISION, "beschluss": VoteSubject.DECISION, "aufnahme": VoteSubject.ADMISSION}
_GUESTS = {"bund": "Bund", "gast": "Gast"}  # Regularien 2.2: Gäste
_PUBLICATION_VOTE = re.compile(r"^\s*(\d{1,3})\s*:\s*(\d{1,3})\s*:\s*(\d{1,3})\s*$")
_BALLOT = {"ja": "yes", "nein": "no", "enthaltung": "abstain", "abwesend": "absent"}
_VOTING = ("ja", "nein", "enthaltung")


# --------------------------------------------------------------------------- participants


def read_participants(path: Path) -> list[Participant]:
    """Participants per session: a Land's delegation, or a guest "Bund"/"Gast" (Regularien 2.2)."""
    rows, problems = read_table(path, ("sitzung", "land", "name", "funktion"), ("sitzung", "land", "name"))
    participants: list[Participant] = []
    first_line: dict[tuple[str, str], int] = {}
    for row in rows:
        report = problems.at(row.line)
        session = parse_session(row.cells["sitzung"], report)
        guest = _GUESTS.get(row.cells["land"].casefold())
        land = None if guest else parse_land(row.cells["land"], report)
        name = require_text(row.cells["name"], "Der Name", report)
        if session is None or name is None:
            continue
        earlier = first_line.setdefault((session, " ".join(name.split()).casefold()), row.line)
        if earlier != row.line:
            report(f"„{name}“ steht für die {_SESSION_LABELS[session]} schon in Zeile {earlier}.")
            continue
        if land or guest:
            participants.append(
                Participant(
                    line=row.line, session=session, land=land, guest=guest, name=name,
                    function=row.cells["funktion"] or None,
                )
            )
    problems.check()
    return participants


# --------------------------------------------------------------------------- votes

_VOTE_COLUMNS = ("sitzung", "top", "gegenstand", "ja", "nein", "enthaltung", "abwesend", "von_gruener_liste")


def read_votes(path: Path, *, quorum: int | None) -> list[RecordedVote]:
    """Recorded votes per session and TOP; Länder named nowhere are absent (Regularien 5.1, 5.3)."""
    rows, problems = read_table(path, _VOTE_COLUMNS, ("sitzung", "top", "ja"))
    recorded: list[RecordedVote] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for row in rows:
        report = problems.at(row.line)
        session = parse_session(row.cells["sitzung"], report)
        top = parse_top(row.cells["top"], report)
        subject = parse_subject(row.cells["gegenstand"], report)
        votes = parse_ballot(row.cells, report)
        if votes is not None and subject is VoteSubject.DECISION:
            check_quorum(votes, quorum, report)
        green = parse_green_list(row.cells["von_gruener_liste"], session, subject, report)
        if session is None or top is None or subject is None:
            continue
        earlier = first_line.setdefault((session, top, subject.value), row.line)
        if earlier != row.line:
            what = "Aufnahme" if subject is VoteSubject.ADMISSION else "Beschluss"
            report(f"TOP {top} ({_SESSION_LABELS[session]}, {what}) ist schon in Zeile {earlier} erfasst.")
            continue
        if votes is not None:
            recorded.append(
                RecordedVote(
                    line=row.line, session=session, top=top, subject=subject, votes=votes,
                    taken_off_green_list_by=green,
                )
            )
    problems.check()
    return recorded


def parse_subject(text: str, report: Report) -> VoteSubject | None:
    subject = _SUBJECTS.get(text.strip().casefold())
    if subject is None:
        report(f"„{text.strip()}“ ist kein Gegenstand (erlaubt: beschluss oder leer, aufnahme).")
    return subject


def parse_ballot(cells: dict[str, str], report: Report) -> Votes | None:
    """The columns ja/nein/enthaltung/abwesend of one row; 'alle' means every Land not named elsewhere."""
    named: dict[str, list[LandCode]] = {column: [] for column in _BALLOT}
    column_of: dict[LandCode, str] = {}
    everyone = [column for column in _BALLOT if "alle" in split_laender(cells[column].casefold())]
    found: list[str] = []
    for column in _BALLOT:
        tokens = split_laender(cells[column])
        if column in everyone:
            if len(tokens) > 1:
                found.append(f"In der Spalte {column} muss „alle“ allein stehen.")
            continue
        if any(token.casefold() == "bund" for token in tokens):
            found.append("Der Bund hat kein Stimmrecht (Regularien 5.1).")
            tokens = [token for token in tokens if token.casefold() != "bund"]
        for code in (parse_land(token, found.append) for token in tokens):
            if code is not None and code in column_of:
                found.append(describe_twice(code, column_of[code], column))
            elif code is not None:
                column_of[code] = column
                named[column].append(code)
    if len(everyone) > 1:
        found.append(f"„alle“ steht in {len(everyone)} Spalten ({' und '.join(everyone)}), erlaubt ist eine.")
    if not found:
        rest = [code for code in LAND_CODES if code not in column_of]
        named[everyone[0] if everyone else "abwesend"].extend(rest)  # Regularien 5.3: Abwesenheit
        if not (named["ja"] or named["nein"] or named["enthaltung"]):
            found.append("Es ist keine Stimme erfasst (ja, nein und enthaltung sind leer).")
    for text in found:
        report(text)
    return None if found else Votes(**{_BALLOT[column]: sort_laender(codes) for column, codes in named.items()})


def describe_twice(code: LandCode, first: str, second: str) -> str:
    if first == second:
        return f"{name_land(code)} steht zweimal in der Spalte {first}."
    if first in _VOTING and second in _VOTING:
        return f"{name_land(code)} stimmt zweimal ab ({first} und {second})."
    return f"{name_land(code)} steht in zwei Spalten ({first} und {second})."


def check_quorum(votes: Votes, quorum: int | None, report: Report) -> None:
    represented = len(votes.yes) + len(votes.no) + len(votes.abstain)
    # Regularien 5.1: beschlussfähig, wenn 13 Länder vertreten sind
    if quorum is not None and represented < quorum:
        present = plural(represented, "Land", "Länder")
        report(f"nicht beschlussfähig: nur {present} vertreten, {quorum} erforderlich (Regularien 5.1).")


def parse_green_list(
    text: str, session: MeetingSession | None, subject: VoteSubject | None, report: Report
) -> LandCode | None:
    """Regularien 7: a Land takes a motion off the Grüne Liste of the Hauptkonferenz."""
    if not text.strip():
        return None
    code = parse_land(text, report)
    if session == "vorkonferenz" or subject is VoteSubject.ADMISSION:
        report("„von_gruener_liste“ gilt nur für Beschlüsse der Hauptkonferenz (Regularien 7).")
        return None
    return code


# --------------------------------------------------------------------------- review


def read_review(path: Path) -> list[ReviewEntry]:
    """The Erfolgskontrolle: per resolution the lead Land, the status and a report flag (Regularien 9.2)."""
    rows, problems = read_table(path, ("beschluss", "land", "stand", "bericht"), ("beschluss", "land", "stand"))
    entries: list[ReviewEntry] = []
    for row in rows:
        report = problems.at(row.line)
        resolution = require_text(row.cells["beschluss"], "Der Beschluss", report)
        land = parse_land(row.cells["land"], report)
        status = require_text(row.cells["stand"], "Der Umsetzungsstand (stand)", report)
        flag = parse_flag(row.cells["bericht"], report)
        if resolution and land and status and flag is not None:
            entries.append(ReviewEntry(line=row.line, resolution=resolution, land=land, status=status, report=flag))
    problems.check()
    return entries


# --------------------------------------------------------------------------- statements


def read_statements(path: Path) -> list[MeetingStatement]:
    """Protokollerklärungen; public only where the Länder asked for it (Regularien 5.3)."""
    keys = ("top", "laender", "text", "veroeffentlichen")
    entries, problems = read_entries(path, keys, ("top", "laender", "text"))
    statements: list[MeetingStatement] = []
    for entry in entries:
        (top_line, top_text), (laender_line, laender), (_, text), (publish_line, publish) = map(entry.get, keys)
        if not (top_text and laender and text):
            continue  # reported as missing
        top = parse_top(top_text, problems.at(top_line))
        codes = [parse_land(token, problems.at(laender_line)) for token in split_laender(laender)]
        flag = parse_flag(publish, problems.at(publish_line))
        if top and codes and None not in codes and flag is not None:
            by = list(dict.fromkeys(code for code in codes if code))
            statements.append(MeetingStatement(line=entry.line, top=top, by=by, text=text, publish=flag))
    problems.check()
    return statements


# --------------------------------------------------------------------------- annexes


def read_annexes(path: Path) -> list[Annex]:
    """Annexes to resolutions, with the vote on publishing each (Regularien 5.3)."""
    entries, problems = read_entries(path, ("top", "titel", "datei", "veroeffentlichung"), ("top", "titel"))
    annexes: list[Annex] = []
    for entry in entries:
        (top_line, top_text), (_, title), (file_line, file), (vote_line, vote) = (
            entry.get(key) for key in ("top", "titel", "datei", "veroeffentlichung")
        )
        if not (top_text and title):
            continue  # reported as missing
        top = parse_top(top_text, problems.at(top_line))
        counts = parse_publication_vote(vote, problems.at(vote_line)) if vote else None
        file_ok = not file or check_annex_file(file, path.parent, problems.at(file_line))
        if top and file_ok and (counts or not vote):
            annexes.append(Annex(line=entry.line, top=top, title=title, file=file or None, publication_vote=counts))
    problems.check()
    return annexes


def parse_publication_vote(text: str, report: Report) -> VoteCounts | None:
    """'14:1:1' (Ja:Nein:Enthaltung) → counts; at most 16 votes (Regularien 5.1)."""
    match = _PUBLICATION_VOTE.match(text)
    if match is None:
        report(f"„{text}“ ist kein Abstimmungsergebnis (erwartet Ja:Nein:Enthaltung, z. B. „14:1:1“).")
        return None
    yes, no, abstain = (int(group) for group in match.groups())
    if yes + no + abstain > len(LAENDER):
        report(f"„{text}“ sind {yes + no + abstain} Stimmen, es gibt aber nur {len(LAENDER)} Länder.")
        return None
    return VoteCounts(yes=yes, no=no, abstain=abstain)


def resolve_annex_file(annex: Annex, base: Path) -> Path:
    """The annex's PDF: ``annex.file`` relative to ``base`` (the input file's folder), never outside it."""
    if not annex.file:
        raise UsageProblem(f"Zur Anlage „{annex.title}“ (TOP {annex.top}) ist keine Datei angegeben.")
    return resolve_inside(annex.file, base)


def resolve_inside(file: str, base: Path) -> Path:
    """``file`` (also with Windows backslashes) below the folder ``base``; refused if it leads outside."""
    folder = base.resolve()
    target = (folder / file.replace("\\", "/")).resolve()
    if not target.is_relative_to(folder):
        raise UsageProblem(
            f"Die Anlage „{file}“ liegt nicht im Ordner der Eingabedatei ({folder}) oder darunter."
        )
    return target


def check_annex_file(file: str, base: Path, report: Report) -> bool:
    """The file exists next to the input file (or below) and is a PDF."""
    try:
        target = resolve_inside(file, base)
        with target.open("rb") as stream:
            head = stream.read(5)
    except UsageProblem as problem:
        report(problem.message)
        return False
    except OSError:
        report(f"Die Datei „{file}“ wurde nicht gefunden oder kann nicht gelesen werden.")
        return False
    if head != b"%PDF-":
        report(f"Die Datei „{file}“ ist kein PDF.")
        return False
    return True


# --------------------------------------------------------------------------- dispatch


def read_input(kind: InputKind, path: Path, *, quorum: int | None = None) -> list[Any]:
    """Read the file of one input kind; ``quorum`` applies to votes only (Regularien 5.1)."""
    kind = InputKind(kind)
    if kind is InputKind.VOTES:
        return read_votes(path, quorum=quorum)
    readers: dict[InputKind, Callable[[Path], list[Any]]] = {
        InputKind.PARTICIPANTS: read_participants,
        InputKind.STATEMENTS: read_statements,
        InputKind.ANNEXES: read_annexes,
        InputKind.REVIEW: read_review,
    }
    return readers[kind](path)
