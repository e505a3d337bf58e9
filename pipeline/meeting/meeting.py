"""Everything the meeting documents of one conference are made from, assembled once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.meeting.agenda import Agenda, Motion, build_agenda
from pipeline.meeting.resolutions import Resolution, decide_session
from schemas.documents import DocumentKind
from schemas.meeting import MeetingInputs, MeetingSession, Participant
from schemas.records import LAENDER, LandCode
from schemas.rules import BodyProfile, ConferenceEntry, Deadline


@dataclass(slots=True)
class Meeting:
    conference: ConferenceEntry
    profile: BodyProfile
    chair: LandCode | None
    deadlines: list[Deadline]
    agenda: Agenda
    inputs: MeetingInputs
    main: list[Resolution]  # Hauptkonferenz
    preparatory: list[Resolution]  # Vorkonferenz
    letterhead: list[str] = field(default_factory=list)
    originals: dict[str, Path] = field(default_factory=dict)  # sha256 → archived original PDF

    @property
    def chair_name(self) -> str:
        return LAENDER[self.chair] if self.chair else "das Vorsitzland"

    def find_deadline(self, rule: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.rule == rule), None)

    def participants(self, session: MeetingSession) -> list[Participant]:
        return [p for p in self.inputs.participants if p.session == session]

    def file_stem(self, kind: DocumentKind) -> str:
        """Stable output name from ids only, never from extracted text: 'IntMK-23-tagesordnung'."""
        return f"{self.conference.body}-{self.conference.number}-{kind.value}"


def assemble_meeting(
    conference: ConferenceEntry,
    profile: BodyProfile,
    chair: LandCode | None,
    deadlines: list[Deadline],
    motions: Sequence[Motion],
    inputs: MeetingInputs,
    *,
    letterhead: Sequence[str] = (),
    originals: dict[str, Path] | None = None,
) -> Meeting:
    agenda = build_agenda(motions, inputs.votes, profile)
    return Meeting(
        conference=conference,
        profile=profile,
        chair=chair,
        deadlines=deadlines,
        agenda=agenda,
        inputs=inputs,
        main=decide_session(agenda, inputs, profile, "hauptkonferenz"),
        preparatory=decide_session(agenda, inputs, profile, "vorkonferenz"),
        letterhead=list(letterhead),
        originals=dict(originals or {}),
    )


def replace_inputs(meeting: Meeting, inputs: MeetingInputs) -> Meeting:
    """The same conference and motions with other inputs (the agenda and Grüne Liste they would give)."""
    motions = [entry.required_motion for entry in meeting.agenda.motions]
    return assemble_meeting(meeting.conference, meeting.profile, meeting.chair, meeting.deadlines, motions, inputs,
                            letterhead=meeting.letterhead, originals=meeting.originals)
