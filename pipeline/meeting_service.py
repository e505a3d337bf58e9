"""Service functions for the meeting inputs and the meeting of a conference (CLI today, a web page later)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from extractors.hashing import sha256_file
from pipeline.assignment import require_conference
from pipeline.inbox.folders import resolve_folders
from pipeline.meeting.agenda import Motion
from pipeline.meeting.consistency import (
    check_green_list_votes,
    check_item_tops,
    check_vote_tops,
)
from pipeline.meeting.inputs import read_input, resolve_annex_file
from pipeline.meeting.meeting import Meeting, assemble_meeting, replace_inputs
from pipeline.motion_service import check_conference
from pipeline.settings import Settings
from pipeline.storage import Database
from pipeline.storage.conferences import require_conference_row
from pipeline.storage.meeting import (
    list_meeting_sources,
    load_meeting_inputs,
    save_meeting_input,
)
from pipeline.storage.models import DocumentRow
from schemas.errors import UsageProblem
from schemas.meeting import InputKind


@dataclass(slots=True)
class ImportedInput:
    kind: InputKind
    source: str
    count: int
    meeting: Meeting


def load_meeting(db: Database, settings: Settings, body: str, number: int) -> Meeting:
    """The conference, its checked motions and its stored inputs."""
    report = check_conference(db, settings, body, number)
    plan = report.plan
    with db.session() as session:
        conference_id = require_conference_row(session, plan.conference.body, number).id
        stored = load_meeting_inputs(session, conference_id)
        query = select(DocumentRow.sha256, DocumentRow.location).where(DocumentRow.conference_id == conference_id)
        locations = {sha: location for sha, location in session.execute(query)}
    motions = [Motion(item.sha256, item.name, item.record, item.checks) for item in report.items]
    return assemble_meeting(
        plan.conference, plan.profile, plan.chair, plan.deadlines, motions, stored,
        letterhead=settings.letterhead, originals=find_original_pdfs(settings, locations),
    )


def find_original_pdfs(settings: Settings, locations: dict[str, str | None]) -> dict[str, Path]:
    """Archived originals that are PDFs or Word files (``intmk documents`` converts those); not e-mails."""
    folders = resolve_folders(settings)
    found = {}
    for sha256, location in locations.items():
        if not location:
            continue
        path = folders.resolve(location)
        try:
            with path.open("rb") as handle:
                if handle.read(5).startswith((b"%PDF-", b"PK\x03\x04")):  # PDF or .docx (a ZIP)
                    found[sha256] = path
        except OSError:
            continue
    return found


def import_meeting_input(db: Database, settings: Settings, body: str, number: int, kind: InputKind, path: Path) -> ImportedInput:
    """Validate one input file against the rules and the agenda, then store it (replacing the last one)."""
    current = load_meeting(db, settings, body, number)
    entries = read_input(kind, path, quorum=current.profile.majority.quorum)
    if kind is InputKind.ANNEXES:
        entries = [a.model_copy(update={"file": str(resolve_annex_file(a, path.parent)) if a.file else None}) for a in entries]
    problems = check_against_agenda(kind, entries, current, path.name)
    if problems:
        raise UsageProblem("\n".join(problems))
    trial = current.inputs.model_copy(update={kind.value: entries})
    try:  # the agenda and the Grüne Liste as they would be with the new file
        meeting = replace_inputs(current, trial)
    except UsageProblem as exc:
        raise UsageProblem(f"{path.name}: {exc.message}") from exc
    with db.session() as session:
        conference_id = require_conference_row(session, meeting.conference.body, number).id
        save_meeting_input(session, conference_id, kind, entries, path.name, sha256_file(path))
    return ImportedInput(kind, path.name, len(entries), meeting)


def check_against_agenda(kind: InputKind, entries: list, meeting: Meeting, source: str) -> list[str]:
    if kind is InputKind.VOTES:
        return check_vote_tops(entries, meeting.agenda, source) + check_green_list_votes(
            entries, meeting.agenda, meeting.profile, source)
    if kind in (InputKind.STATEMENTS, InputKind.ANNEXES):
        return check_item_tops(entries, meeting.agenda, source)
    return []


def describe_inputs(db: Database, settings: Settings, body: str, number: int) -> list[str]:
    """German lines: which input files are stored for the conference, and when."""
    with db.session() as session:
        rows = list_meeting_sources(session, require_conference(session, settings, body, number).id)
    lines = [f"{row.kind}: {row.source_name} ({len(row.entries)} Einträge, eingelesen {row.imported:%d.%m.%Y %H:%M} UTC)" for row in rows]
    missing = [kind.value for kind in InputKind if kind.value not in {row.kind for row in rows}]
    if missing:
        lines.append(f"Noch nicht eingelesen: {', '.join(missing)}")
    return lines
