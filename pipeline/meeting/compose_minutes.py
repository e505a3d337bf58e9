"""Grünfassung, Niederschrift (intern, öffentlich) and Niederschrift der Vorkonferenz (Regularien 5.3, 7).

What each contains is set by Regularien 5.3: the public minutes carry no participant list, no
rejected resolutions, no Begründung and no per-Land votes; Protokollerklärungen only where the
Länder asked for publication, annexes only where their publication was decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.meeting.compose_agenda import (
    INTERNAL_MARKING,
    describe_session,
    new_spec,
    review_blocks,
)
from pipeline.meeting.meeting import Meeting
from pipeline.meeting.resolutions import AnnexDecision, Resolution
from pipeline.meeting.wording import (
    describe_absence,
    describe_applicants,
    describe_tally,
    format_long_date,
    heading_of,
    name_laender,
    vote_rows,
)
from pipeline.rules.majority import describe_counts
from schemas.documents import Attachment, Block, DocumentKind, DocumentSpec
from schemas.meeting import MeetingSession, MeetingStatement

PRE_CONFERENCE_MARKING = "Nicht zur Veröffentlichung bestimmt – wird auch den anderen Fachministerkonferenzen nicht bekannt gegeben (Regularien 7)"


def compose_green_version(meeting: Meeting) -> DocumentSpec:
    """Regularien 5.3: every resolution with its vote per Land, 'Bei Abwesenheit von …' where Länder were missing."""
    blocks = [Block(kind="title", text=f"Beschlüsse der {describe_session(meeting)}"),
              Block(kind="paragraph", text="Grünfassung (vorläufig, vor der Niederschrift)", style="Hinweis")]
    for resolution in voted(meeting.main):
        blocks.append(Block(kind="heading", level=2, text=heading_of(resolution.entry)))
        blocks.append(Block(kind="paragraph", text=decision_text(resolution), style="Beschlusstext"))
        blocks += vote_blocks(resolution)
    return new_spec(meeting, DocumentKind.GRUENFASSUNG, "Grünfassung", INTERNAL_MARKING, blocks=blocks)


def compose_internal_minutes(meeting: Meeting) -> DocumentSpec:
    """Regularien 5.3: all resolutions, rejected ones too, with Begründung, Protokollerklärungen,
    the vote with the Länder, annexes and the participant list."""
    blocks = [Block(kind="title", text=f"Niederschrift der {describe_session(meeting)}"),
              Block(kind="paragraph", text="Interne Fassung für die Mitglieder und Gäste (Regularien 5.3)", style="Hinweis")]
    for resolution in meeting.main:
        blocks += internal_resolution_blocks(resolution, meeting)
    blocks += [Block(kind="heading", level=2, text="Erfolgskontrolle"), *review_blocks(meeting, with_status=True)]
    blocks += participant_blocks(meeting, "hauptkonferenz")
    attachments = annex_attachments(meeting.main, public=False)
    return new_spec(meeting, DocumentKind.NIEDERSCHRIFT_INTERN, "Niederschrift (intern)", INTERNAL_MARKING,
                    blocks=blocks, attachments=attachments)


def internal_resolution_blocks(resolution: Resolution, meeting: Meeting) -> list[Block]:
    record = resolution.entry.required_motion.record
    blocks = [Block(kind="heading", level=2, text=heading_of(resolution.entry))]
    blocks.append(Block(kind="paragraph", text=f"Antragsteller: {describe_applicants(record.applicants, record.applicants_all)}"))
    blocks.append(Block(kind="paragraph", text=f"Ergebnis: {resolution.outcome_word}"))
    blocks.append(Block(kind="paragraph", text=decision_text(resolution), style="Beschlusstext"))
    if record.reasoning:
        blocks += [Block(kind="heading", level=3, text="Begründung"), Block(kind="paragraph", text=record.reasoning)]
    blocks += statement_blocks(resolution.statements, with_flag=True)
    blocks += vote_blocks(resolution)
    if resolution.notes:
        blocks.append(Block(kind="bullets", items=resolution.notes))
    blocks += annex_blocks(resolution.annexes, public=False)
    return blocks


def compose_public_minutes(meeting: Meeting) -> DocumentSpec:
    """Regularien 5.3: only the resolutions taken, each introduced by 'Die IntMK hat einstimmig/mehrheitlich beschlossen:'."""
    body = meeting.profile.body
    blocks = [Block(kind="title", text=f"Ergebnisniederschrift der {describe_session(meeting)}")]
    for resolution in meeting.main:
        if not resolution.accepted:  # Regularien 5.3: keine abgelehnten Beschlüsse
            continue
        blocks.append(Block(kind="heading", level=2, text=heading_of(resolution.entry)))
        blocks.append(Block(kind="paragraph", text=f"Die {body} hat {resolution.outcome_word} beschlossen:"))
        blocks.append(Block(kind="paragraph", text=decision_text(resolution), style="Beschlusstext"))
        # Regularien 5.3: Protokollerklärungen nur auf Wunsch der Länder
        blocks += statement_blocks([s for s in resolution.statements if s.publish], with_flag=False)
        blocks += annex_blocks(resolution.annexes, public=True)
    attachments = annex_attachments(meeting.main, public=True)
    return new_spec(meeting, DocumentKind.NIEDERSCHRIFT_OEFFENTLICH, "Niederschrift (öffentlich)", None,
                    blocks=blocks, attachments=attachments)


def compose_pre_conference_minutes(meeting: Meeting) -> DocumentSpec:
    """Regularien 7: resolutions with Begründung and vote, annexes, participant list; never published."""
    day = meeting.conference.pre_conference
    when = f" am {format_long_date(day)}" if day else ""
    blocks = [Block(kind="title", text=f"Niederschrift der Vorkonferenz{when} zur {describe_session(meeting)}"),
              Block(kind="marking", text=PRE_CONFERENCE_MARKING)]
    for resolution in voted(meeting.preparatory):
        entry = resolution.entry
        blocks.append(Block(kind="heading", level=2, text=heading_of(entry)))
        recommendation = "Empfehlung für die Grüne Liste" if entry.on_green_list or entry.taken_off_by else "Einzelberatung in der Konferenz"
        blocks.append(Block(kind="paragraph", text=f"Votum: {resolution.outcome_word}; {recommendation} (Regularien 7)"))
        blocks.append(Block(kind="paragraph", text=decision_text(resolution), style="Beschlusstext"))
        if entry.required_motion.record.reasoning:
            blocks += [Block(kind="heading", level=3, text="Begründung"), Block(kind="paragraph", text=entry.required_motion.record.reasoning)]
        blocks += vote_blocks(resolution)
        if resolution.annexes:  # their publication is voted on later, in the Hauptkonferenz
            blocks.append(Block(kind="bullets", items=[f"Anlage: {a.annex.title}" for a in resolution.annexes]))
    blocks += participant_blocks(meeting, "vorkonferenz")
    return new_spec(meeting, DocumentKind.NIEDERSCHRIFT_VORKONFERENZ, "Niederschrift der Vorkonferenz",
                    PRE_CONFERENCE_MARKING, blocks=blocks, attachments=annex_attachments(meeting.preparatory, public=False))


def voted(resolutions: Sequence[Resolution]) -> list[Resolution]:
    return [r for r in resolutions if r.voted]


def decision_text(resolution: Resolution) -> str:
    return resolution.entry.required_motion.record.decision_text or "(kein Beschlusstext erkannt)"


def vote_blocks(resolution: Resolution) -> list[Block]:
    """Regularien 5.3: the vote with the Länder; absent Länder named."""
    if resolution.vote is None or resolution.result is None:
        return [Block(kind="paragraph", text="Keine Abstimmung erfasst.", style="Hinweis")]
    votes = resolution.vote.votes
    how = " (en bloc mit der Grünen Liste, Regularien 7)" if resolution.en_bloc else ""
    blocks = [
        Block(kind="paragraph", text=f"Abstimmungsergebnis: {describe_tally(votes)}{how} – {resolution.outcome_word} ({describe_counts(resolution.result)})"),
        Block(kind="table", rows=vote_rows(votes)),
    ]
    absence = describe_absence(votes)
    if absence:
        blocks.append(Block(kind="paragraph", text=absence))
    return blocks


def statement_blocks(statements: Sequence[MeetingStatement], *, with_flag: bool) -> list[Block]:
    blocks = []
    for statement in statements:
        flag = " (zur Veröffentlichung)" if with_flag and statement.publish else ""
        blocks.append(Block(kind="heading", level=3, text=f"Protokollerklärung {name_laender(statement.by)}{flag}"))
        blocks.append(Block(kind="paragraph", text=statement.text))
    return blocks


def annex_blocks(annexes: Sequence[AnnexDecision], *, public: bool) -> list[Block]:
    """Regularien 5.3: annexes in the public minutes only where their publication was decided."""
    shown = [a for a in annexes if a.published or not public]
    if not shown:
        return []
    items = []
    for decision in shown:
        line = f"Anlage: {decision.annex.title}"
        if not public:
            line += " – veröffentlicht" if decision.published else " – nicht zur Veröffentlichung"
            if decision.result is not None:
                line += f" (Votum {describe_counts(decision.result)})"
        items.append(line)
    return [Block(kind="bullets", items=items)]


def annex_attachments(resolutions: Sequence[Resolution], *, public: bool) -> list[Attachment]:
    attachments = []
    for resolution in resolutions:
        if public and not resolution.accepted:
            continue
        for decision in resolution.annexes:
            if decision.annex.file and (decision.published or not public):
                title = decision.annex.title
                attachments.append(Attachment(title=title, path=Path(decision.annex.file), bookmark=f"Anlage zu TOP {resolution.top}: {title}"))
    return attachments


def participant_blocks(meeting: Meeting, session: MeetingSession) -> list[Block]:
    """Regularien 5.3 and 7: the participant list (internal minutes only)."""
    people = meeting.participants(session)
    blocks = [Block(kind="heading", level=2, text="Teilnehmerliste")]
    if not people:
        return blocks + [Block(kind="paragraph", text="Keine Teilnehmenden erfasst.", style="Hinweis")]
    rows = [["Land / Gast", "Name", "Funktion"]]
    rows += [[name_laender([p.land]) if p.land else (p.guest or "Gast"), p.name, p.function or ""] for p in people]
    return blocks + [Block(kind="table", rows=rows)]
