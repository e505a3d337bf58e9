"""Meeting inputs checked against the agenda: every TOP a file names must be on it."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.meeting.agenda import Agenda
from pipeline.rules.green_list import is_green_list_eligible
from pipeline.rules.majority import name_land
from schemas.meeting import Annex, MeetingStatement, RecordedVote, VoteSubject
from schemas.rules import BodyProfile


def check_vote_tops(votes: Sequence[RecordedVote], agenda: Agenda, source: str) -> list[str]:
    """A vote is on a motion; the Hauptkonferenz also votes en bloc on the Grüne Liste (Regularien 7)."""
    problems = []
    for vote in votes:
        entry = agenda.find(vote.top)
        where = f"{source}, Zeile {vote.line}"
        if entry is None:
            problems.append(f"{where}: TOP {vote.top} steht nicht auf der Tagesordnung ({agenda.describe_tops()}).")
        elif entry.kind == "green_list":
            if vote.session != "hauptkonferenz" or vote.subject is not VoteSubject.DECISION:
                problems.append(f"{where}: über die Grüne Liste (TOP {vote.top}) stimmt nur die Hauptkonferenz en bloc ab (Regularien 7).")
        elif entry.kind != "motion":
            problems.append(f"{where}: TOP {vote.top} ({entry.title}) ist kein Beschlussvorschlag.")
        elif vote.subject is VoteSubject.ADMISSION and not (entry.motion and entry.motion.late):
            problems.append(
                f"{where}: TOP {vote.top} ist nicht verfristet; über seine Aufnahme wird nicht abgestimmt (Regularien 4.3)."
            )
    return problems


def check_green_list_votes(votes: Sequence[RecordedVote], agenda: Agenda, profile: BodyProfile, source: str) -> list[str]:
    """Regularien 7: an item can only be taken off the Grüne Liste if the Vorkonferenz put it there,
    and an en-bloc vote needs Vorkonferenz votes that make up the list."""
    recommended = {v.top: v.votes for v in votes if v.session == "vorkonferenz" and v.subject is VoteSubject.DECISION}
    problems = []
    for vote in votes:
        where = f"{source}, Zeile {vote.line}"
        land = vote.taken_off_green_list_by
        if land and vote.top not in recommended:
            problems.append(f"{where}: {name_land(land)} nimmt TOP {vote.top} von der Grünen Liste, zu diesem TOP ist aber "
                            "kein Votum der Vorkonferenz erfasst (Regularien 7).")
        elif land and not is_green_list_eligible(votes=recommended[vote.top], profile=profile):
            problems.append(f"{where}: TOP {vote.top} steht nicht auf der Grünen Liste (Gegenstimme oder keine Zustimmung "
                            "in der Vorkonferenz, Regularien 7); er kann nicht von ihr genommen werden.")
        entry = agenda.find(vote.top)
        if entry is not None and entry.kind == "green_list" and not recommended:
            problems.append(f"{where}: Abstimmung über die Grüne Liste (TOP {vote.top}), es sind aber keine Voten der "
                            "Vorkonferenz erfasst, aus denen sie sich ergibt (Regularien 7).")
    return problems


def check_item_tops(items: Sequence[MeetingStatement | Annex], agenda: Agenda, source: str) -> list[str]:
    """Protokollerklärungen and annexes belong to a motion's TOP."""
    problems = []
    for item in items:
        entry = agenda.find(item.top)
        if entry is None or entry.kind != "motion":
            problems.append(
                f"{source}, Zeile {item.line}: TOP {item.top} ist kein Beschlussvorschlag der Tagesordnung "
                f"({describe_motion_tops(agenda)})."
            )
    return problems


def describe_motion_tops(agenda: Agenda) -> str:
    tops = [entry.top for entry in agenda.motions]
    if not tops:
        return "noch keine Beschlussvorschläge"
    return f"Beschlussvorschläge: TOP {', '.join(tops)}"
