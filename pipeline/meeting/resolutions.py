"""From recorded votes to resolutions: what each session decided on each motion of the agenda.

Regularien 5.1 decides the outcome (quorum 13, 2/3 of the votes cast, abstention counts as no),
4.3 the admission of late motions (2/3 of the participants) and matters pending in the Bundesrat
(2/3 of the votes cast), 7 the Grüne Liste (one en-bloc vote for all its motions), 5.3 the
publication of annexes (decided by vote) and of Protokollerklärungen (on the Länder's request).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.meeting.agenda import Agenda, AgendaEntry
from pipeline.rules.majority import ACCEPTED, compute_majority, describe_counts, is_supermajority
from schemas.meeting import Annex, MeetingInputs, MeetingSession, MeetingStatement, RecordedVote, VoteSubject
from schemas.rules import BodyProfile, MajorityResult, cite_section


@dataclass(slots=True)
class AnnexDecision:
    annex: Annex
    published: bool  # Regularien 5.3: only where its publication was decided by majority
    result: MajorityResult | None


@dataclass(slots=True)
class Resolution:
    """One motion in one session: its vote, and whether it became a resolution."""

    entry: AgendaEntry
    session: MeetingSession
    vote: RecordedVote | None = None
    result: MajorityResult | None = None
    en_bloc: bool = False
    admitted: bool | None = None  # late motions only (Regularien 4.3)
    admission_required: bool = False
    blocked_by_bundesrat: bool = False
    statements: list[MeetingStatement] = field(default_factory=list)
    annexes: list[AnnexDecision] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def top(self) -> str:
        return self.entry.top

    @property
    def voted(self) -> bool:
        return self.result is not None

    @property
    def accepted(self) -> bool:
        """A resolution the conference took: voted, passed, admitted, not blocked (Regularien 4.3, 5.1)."""
        return (
            self.result is not None
            and self.result.outcome in ACCEPTED
            and (self.admitted or not self.admission_required)  # Regularien 4.3: only once admitted
            and not self.blocked_by_bundesrat
        )

    @property
    def outcome_word(self) -> str:
        """'einstimmig', 'mehrheitlich', 'abgelehnt', … as the minutes say it."""
        if self.admitted is False:
            return "nicht in die Tagesordnung aufgenommen"
        if self.result is None:
            return "ohne Abstimmung"
        if self.admission_required and not self.admitted:
            return "Aufnahme in die Tagesordnung nicht erfasst"
        if self.blocked_by_bundesrat:
            return "abgelehnt"
        return self.result.outcome


def index_votes(votes: Sequence[RecordedVote]) -> dict[tuple[str, str, VoteSubject], RecordedVote]:
    return {(vote.session, vote.top, vote.subject): vote for vote in votes}


def decide_session(agenda: Agenda, inputs: MeetingInputs, profile: BodyProfile, session: MeetingSession) -> list[Resolution]:
    """A Resolution per motion on the agenda, in TOP order, for the Hauptkonferenz or the Vorkonferenz."""
    votes = index_votes(inputs.votes)
    resolutions = []
    for entry in agenda.motions:
        resolution = Resolution(entry, session)
        vote_top = entry.top
        if session == "hauptkonferenz" and entry.on_green_list:  # Regularien 7: en bloc
            vote_top, resolution.en_bloc = agenda.green_list_top, True
        resolution.vote = votes.get((session, vote_top, VoteSubject.DECISION))
        if resolution.vote is not None:
            resolution.result = compute_majority(profile, votes=resolution.vote.votes)
        if session == "hauptkonferenz":
            check_admission(resolution, votes.get((session, entry.top, VoteSubject.ADMISSION)), profile)
            check_bundesrat(resolution, profile)
            resolution.statements = [s for s in inputs.statements if s.top == entry.top]
        resolution.annexes = decide_annexes([a for a in inputs.annexes if a.top == entry.top], profile)
        resolutions.append(resolution)
    return resolutions


def check_admission(resolution: Resolution, admission: RecordedVote | None, profile: BodyProfile) -> None:
    """Regularien 4.3: a late motion is taken onto the agenda only with 2/3 of the participants."""
    motion = resolution.entry.motion
    rule = profile.late_motion_admission
    if motion is None or not motion.late or rule is None:
        return
    resolution.admission_required = True
    if admission is None:
        resolution.notes.append(
            f"Verfristeter Antrag: keine Abstimmung über die Aufnahme in die Tagesordnung erfasst ({cite_section(rule.section)})."
        )
        return
    result = compute_majority(profile, votes=admission.votes)
    resolution.admitted = is_supermajority(result.yes, result.represented, rule)
    verdict = "aufgenommen" if resolution.admitted else "nicht aufgenommen"
    resolution.notes.append(
        f"Verfristeter Antrag {verdict}: {describe_counts(result)} bei {result.represented} Teilnehmenden "
        f"({rule.fraction} erforderlich, {cite_section(rule.section)})."
    )


def check_bundesrat(resolution: Resolution, profile: BodyProfile) -> None:
    """Regularien 4.3: a matter pending in the Bundesrat is decided only with 2/3 of the votes cast."""
    motion, result, rule = resolution.entry.motion, resolution.result, profile.bundesrat_override
    if motion is None or motion.bundesrat is None or result is None or rule is None:
        return
    if result.outcome in ACCEPTED and not is_supermajority(result.yes, result.cast, rule):
        resolution.blocked_by_bundesrat = True
    verdict = "nicht erreicht" if resolution.blocked_by_bundesrat else "erreicht"
    resolution.notes.append(
        f"Im Bundesrat anhängig (Drucksache {motion.bundesrat.drucksache}): {rule.fraction} der abgegebenen "
        f"Stimmen für eine inhaltliche Beschlussfassung {verdict} ({cite_section(rule.section)})."
    )


def decide_annexes(annexes: Sequence[Annex], profile: BodyProfile) -> list[AnnexDecision]:
    """Regularien 5.3: an annex is published only where a majority decided so explicitly."""
    decisions = []
    for annex in annexes:
        result = compute_majority(profile, counts=annex.publication_vote) if annex.publication_vote else None
        decisions.append(AnnexDecision(annex, result is not None and result.outcome in ACCEPTED, result))
    return decisions
