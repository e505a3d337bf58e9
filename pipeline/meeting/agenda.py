"""The agenda of a conference, built from its stored motions and the recorded Vorkonferenz votes.

Regularien 4.3: the motions of the Länder, the standing item "Erfolgskontrolle", late motions
(admitted only with 2/3 of the participants) and matters pending in the Bundesrat (substantive
decision only with 2/3 of the votes cast) are marked. Regularien 7: the motions the Vorkonferenz
recommended without a vote against form the Grüne Liste, one item decided en bloc.

TOP numbers stay stable from the provisional agenda of the invitation to the minutes: the Grüne
Liste lists its motions by their own TOP numbers instead of renumbering them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pipeline.rules.green_list import GreenList, build_green_list
from schemas import DocumentType, ExtractionRecord
from schemas.errors import InternalError
from schemas.meeting import RecordedVote, VoteSubject
from schemas.rules import BodyProfile, BundesratEvidence, MotionChecks

EntryKind = Literal["approval", "green_list", "motion", "review"]
APPROVAL_TITLE = "Genehmigung der Tagesordnung"
GREEN_LIST_TITLE = "Grüne Liste (Sammelbeschluss)"
REVIEW_TITLE = "Erfolgskontrolle"  # Regularien 4.3: ständiger Tagesordnungspunkt


@dataclass(frozen=True, slots=True)
class Motion:
    """A Beschlussvorlage: one stored motion record with its checks."""

    sha256: str
    name: str
    record: ExtractionRecord
    checks: MotionChecks

    @property
    def title(self) -> str:
        return self.record.title or f"Beschlussvorschlag {self.name}"

    @property
    def late(self) -> bool:
        return bool(self.checks.late)

    @property
    def bundesrat(self) -> BundesratEvidence | None:
        return self.checks.bundesrat


@dataclass(slots=True)
class AgendaEntry:
    top: str
    title: str
    kind: EntryKind
    motion: Motion | None = None
    on_green_list: bool = False
    taken_off_by: str | None = None  # Regularien 7: a Land took it off the Grüne Liste
    green_items: list[str] = field(default_factory=list)

    @property
    def required_motion(self) -> Motion:
        """The motion of a motion entry (every entry of ``Agenda.motions`` has one)."""
        if self.motion is None:
            raise InternalError(f"agenda entry {self.top} ({self.kind}) has no motion")
        return self.motion


@dataclass(slots=True)
class Agenda:
    entries: list[AgendaEntry]
    green_list: GreenList | None  # None until the Vorkonferenz votes are recorded

    @property
    def motions(self) -> list[AgendaEntry]:
        return [entry for entry in self.entries if entry.kind == "motion"]

    @property
    def green_list_top(self) -> str:
        return next(entry.top for entry in self.entries if entry.kind == "green_list")

    def find(self, top: str) -> AgendaEntry | None:
        return next((entry for entry in self.entries if entry.top == top), None)

    def describe_tops(self) -> str:
        """'TOP 1 bis 7' for messages about a TOP that is not on the agenda."""
        return f"TOP {self.entries[0].top} bis {self.entries[-1].top}"


def order_motions(motions: Sequence[Motion]) -> list[Motion]:
    """Leitantrag first (Regularien 4.3 names it apart), then by receipt, then by hash and page."""
    far_future = dt.datetime.max.replace(tzinfo=dt.UTC)

    def key(motion: Motion):
        received = motion.checks.received or far_future
        return (motion.record.label != "Leitantrag", received, motion.sha256, motion.record.source.pages)

    return sorted(motions, key=key)


def select_motions(motions: Sequence[Motion]) -> list[Motion]:
    """Only Beschlussvorschläge go on the agenda; minutes or resolutions filed with the conference do not."""
    return [m for m in motions if m.record.document_type is DocumentType.BESCHLUSSVORSCHLAG]


def build_agenda(motions: Sequence[Motion], votes: Sequence[RecordedVote], profile: BodyProfile) -> Agenda:
    """TOP 1 approval, TOP 2 Grüne Liste, one TOP per motion, the Erfolgskontrolle last."""
    entries = [AgendaEntry("1", APPROVAL_TITLE, "approval"), AgendaEntry("2", GREEN_LIST_TITLE, "green_list")]
    for number, motion in enumerate(order_motions(select_motions(motions)), start=3):
        entries.append(AgendaEntry(str(number), motion.title, "motion", motion))
    entries.append(AgendaEntry(str(len(entries) + 1), REVIEW_TITLE, "review"))
    agenda = Agenda(entries, None)
    mark_green_list(agenda, votes, profile)
    return agenda


def mark_green_list(agenda: Agenda, votes: Sequence[RecordedVote], profile: BodyProfile) -> None:
    """Regularien 7: Vorkonferenz recommendations without a vote against, minus items a Land took off."""
    recorded = {
        vote.top: vote.votes
        for vote in votes
        if vote.session == "vorkonferenz" and vote.subject is VoteSubject.DECISION
    }
    recommendations = {entry.top: recorded[entry.top] for entry in agenda.motions if entry.top in recorded}
    if not recommendations:
        return
    removals = {
        vote.top: vote.taken_off_green_list_by
        for vote in votes
        if vote.session == "hauptkonferenz" and vote.taken_off_green_list_by and vote.top in recommendations
    }
    green = build_green_list(recommendations, removals, profile=profile)
    agenda.green_list = green
    for entry in agenda.motions:
        entry.on_green_list = entry.top in green.items
        entry.taken_off_by = green.removed.get(entry.top)
    next(e for e in agenda.entries if e.kind == "green_list").green_items = list(green.items)
