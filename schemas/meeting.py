"""Meeting inputs that are not in the motions: participants, recorded votes, Protokollerklärungen,
annexes with their publication vote, and the Erfolgskontrolle. A clerk fills one file per kind
(examples/meeting/); ``intmk meeting …`` validates it and stores it for one conference.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.records import LandCode, VoteCounts, Votes

MeetingSession = Literal["hauptkonferenz", "vorkonferenz"]


class InputKind(StrEnum):
    """One stored file per kind and conference; the value is the ``intmk meeting`` sub-command and
    the field of ``MeetingInputs`` that holds its entries."""

    PARTICIPANTS = "participants"
    VOTES = "votes"
    STATEMENTS = "statements"
    ANNEXES = "annexes"
    REVIEW = "review"


class VoteSubject(StrEnum):
    DECISION = "beschluss"  # the motion itself (Regularien 5.1)
    ADMISSION = "aufnahme"  # a late motion onto the agenda, 2/3 of the participants (Regularien 4.3)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Participant(_Model):
    """A person at the meeting: a Land's delegation or a guest (Bund, Regularien 2.2)."""

    line: int = Field(description="line of the input file, for messages")
    session: MeetingSession
    land: LandCode | None = Field(default=None, description="None for guests")
    guest: str | None = Field(default=None, description="'Bund' or another guest's organisation")
    name: str
    function: str | None = None


class RecordedVote(_Model):
    """One vote of one session on one TOP; Länder not named are absent."""

    line: int
    session: MeetingSession
    top: str = Field(description="TOP as on the agenda, without 'TOP' ('5', '2')")
    subject: VoteSubject = VoteSubject.DECISION
    votes: Votes = Field(description="absent is filled with every Land not voting")
    taken_off_green_list_by: LandCode | None = Field(
        default=None, description="Regularien 7: a Land took this TOP off the Grüne Liste"
    )


class MeetingStatement(_Model):
    """A Protokollerklärung; public only where the Länder asked for it (Regularien 5.3)."""

    line: int
    top: str
    by: list[LandCode] = Field(min_length=1)
    text: str = Field(min_length=1)
    publish: bool = False


class Annex(_Model):
    """An annex to a resolution; public only where its publication was decided by vote (Regularien 5.3)."""

    line: int
    top: str
    title: str = Field(min_length=1)
    file: str | None = Field(default=None, description="PDF, path as given (relative to the input file)")
    publication_vote: VoteCounts | None = None


class ReviewEntry(_Model):
    """A line of the Erfolgskontrolle (Regularien 9.2); never given to third parties."""

    line: int
    resolution: str = Field(description="'22. IntMK, TOP 5.1'")
    land: LandCode = Field(description="the lead applicant Land")
    status: str = Field(description="Umsetzungsstand: internal only (Regularien 9.2)")
    report: bool = Field(default=False, description="the Land reports under the TOP Erfolgskontrolle")


class MeetingInputs(_Model):
    """Everything entered for one conference (each list empty until its file is imported)."""

    participants: list[Participant] = Field(default_factory=list)
    votes: list[RecordedVote] = Field(default_factory=list)
    statements: list[MeetingStatement] = Field(default_factory=list)
    annexes: list[Annex] = Field(default_factory=list)
    review: list[ReviewEntry] = Field(default_factory=list)
