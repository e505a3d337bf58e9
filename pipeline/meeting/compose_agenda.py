"""Einladung (Regularien 4.2), Tagesordnung (4.3, 7) and Sitzungsunterlagen (4.1) as DocumentSpecs."""

from __future__ import annotations

from pipeline.meeting.agenda import AgendaEntry
from pipeline.meeting.meeting import Meeting
from pipeline.meeting.wording import (
    describe_applicants,
    describe_conference,
    format_days,
    format_long_date,
    heading_of,
    name_laender,
)
from pipeline.rules.green_list import format_item
from pipeline.rules.majority import describe_supermajority
from schemas.documents import Attachment, Block, DocumentKind, DocumentSpec
from schemas.rules import cite_section

INTERNAL_MARKING = "Nur für die Mitglieder und Gäste der Konferenz – nicht zur Veröffentlichung"


def new_spec(meeting: Meeting, kind: DocumentKind, title: str, marking: str | None, **extra) -> DocumentSpec:
    return DocumentSpec(
        kind=kind,
        file_stem=meeting.file_stem(kind),
        title=title,
        header=describe_conference(meeting.conference),
        marking=marking,
        **extra,
    )


def describe_session(meeting: Meeting) -> str:
    """'23. Konferenz der für Integration zuständigen Ministerinnen und Minister … (IntMK)'."""
    return f"{meeting.conference.number}. {meeting.profile.name} ({meeting.profile.body})"


def compose_invitation(meeting: Meeting) -> DocumentSpec:
    """Regularien 4.2: the invitation with the provisional agenda, at least five weeks ahead."""
    conference = meeting.conference
    place = f" in {conference.place}" if conference.place else ""
    blocks = [
        Block(kind="title", text=f"Einladung zur {describe_session(meeting)}"),
        Block(kind="paragraph", text="Sehr geehrte Damen und Herren,"),
        Block(
            kind="paragraph",
            text=f"im Namen des Vorsitzlandes {meeting.chair_name} lade ich Sie herzlich zur "
            f"{conference.number}. {conference.body} am {format_days(conference)}{place} ein.",
        ),
    ]
    blocks += invitation_dates(meeting)
    blocks.append(Block(kind="paragraph", text="Mit freundlichen Grüßen\nGeschäftsstelle der " + meeting.profile.body))
    blocks.append(Block(kind="page_break"))
    blocks.append(Block(kind="heading", level=1, text="Vorläufige Tagesordnung"))
    blocks += agenda_blocks(meeting, provisional=True)
    return new_spec(meeting, DocumentKind.EINLADUNG, "Einladung", None, letterhead=meeting.letterhead, blocks=blocks)


def invitation_dates(meeting: Meeting) -> list[Block]:
    """The dates the Länder must keep: motion deadline (4.3), meeting pack (4.1), Vorkonferenz (7)."""
    lines = []
    if meeting.conference.pre_conference:
        lines.append(f"Vorkonferenz: {format_long_date(meeting.conference.pre_conference)} (Regularien 7)")
    motions = meeting.find_deadline("motions")
    if motions:
        lines.append(f"Beschlussvorschläge an die Geschäftsstelle bis {format_long_date(motions.due.date())} ({cite_section(motions.section)})")
    pack = meeting.find_deadline("meeting_documents")
    if pack:
        lines.append(f"Sitzungsunterlagen an die Teilnehmenden bis {format_long_date(pack.due.date())} ({cite_section(pack.section)})")
    if not lines:
        return []
    return [Block(kind="paragraph", text="Bitte beachten Sie folgende Termine:"), Block(kind="bullets", items=lines)]


def compose_agenda(meeting: Meeting) -> DocumentSpec:
    """Regularien 4.3 and 7: the agenda in TOP order, Grüne Liste en bloc, late and Bundesrat marks."""
    blocks = [Block(kind="title", text=f"Tagesordnung der {describe_session(meeting)}"), *agenda_blocks(meeting, provisional=False)]
    return new_spec(meeting, DocumentKind.TAGESORDNUNG, "Tagesordnung", INTERNAL_MARKING, blocks=blocks)


def agenda_blocks(meeting: Meeting, *, provisional: bool) -> list[Block]:
    blocks = []
    for entry in meeting.agenda.entries:
        blocks.append(Block(kind="heading", level=2, text=heading_of(entry)))
        blocks += describe_entry(meeting, entry, provisional=provisional)
    return blocks


def describe_entry(meeting: Meeting, entry: AgendaEntry, *, provisional: bool) -> list[Block]:
    if entry.kind == "approval":
        return approval_blocks(meeting)
    if entry.kind == "green_list":
        return green_list_blocks(meeting, entry, provisional=provisional)
    if entry.kind == "review":
        return review_blocks(meeting, with_status=False)
    return [Block(kind="bullets", items=motion_marks(meeting, entry))]


def approval_blocks(meeting: Meeting) -> list[Block]:
    """Regularien 4.3: late motions join the agenda only with 2/3 of the participants."""
    late = [entry.top for entry in meeting.agenda.motions if entry.motion and entry.motion.late]
    if not late:
        return []
    rule = meeting.profile.late_motion_admission
    citation = f" ({cite_section(rule.section)})" if rule else ""
    tops = ", ".join(format_item(top) for top in late)
    text = f"Über die Aufnahme der verfristeten Anträge ({tops}) entscheiden {describe_supermajority(rule, 'die Konferenz')}{citation}."
    return [Block(kind="paragraph", text=text)]


def green_list_blocks(meeting: Meeting, entry: AgendaEntry, *, provisional: bool) -> list[Block]:
    """Regularien 7: one item decided en bloc without debate; a Land can take a motion off."""
    if meeting.agenda.green_list is None:
        when = format_long_date(meeting.conference.pre_conference) if meeting.conference.pre_conference else "der Vorkonferenz"
        text = f"Die Grüne Liste wird von der Vorkonferenz ({when}) vorgeschlagen (Regularien 7)."
        return [Block(kind="paragraph", text=text if provisional else text + " Noch keine Voten erfasst.")]
    titles = {e.top: e.title for e in meeting.agenda.motions}
    blocks = [Block(kind="paragraph", text="Abstimmung en bloc ohne Aussprache über die Beschlussvorschläge, die die "
                    "Vorkonferenz ohne Gegenstimme empfohlen hat (Regularien 7):")]
    items = [f"{format_item(top)}: {titles[top]}" for top in entry.green_items]
    blocks.append(Block(kind="bullets", items=items) if items else Block(kind="paragraph", text="Keine."))
    for motion in meeting.agenda.motions:
        if motion.taken_off_by:
            blocks.append(Block(kind="paragraph", text=f"{format_item(motion.top)} auf Antrag von "
                                f"{name_laender([motion.taken_off_by])} von der Grünen Liste genommen; wird einzeln behandelt."))
    return blocks


def motion_marks(meeting: Meeting, entry: AgendaEntry) -> list[str]:
    """Applicants, and the marks Regularien 4.3 and 7 ask for."""
    motion = entry.motion
    assert motion is not None
    record = motion.record
    marks = [f"Antragsteller: {describe_applicants(record.applicants, record.applicants_all)}"]
    if record.label:
        marks.append(record.label)
    if entry.on_green_list:
        marks.append(f"Auf der Grünen Liste (TOP {meeting.agenda.green_list_top}): Abstimmung en bloc")
    if motion.late:
        share = describe_supermajority(meeting.profile.late_motion_admission, "Beschluss der Konferenz")
        marks.append(f"Verfristeter Antrag: Aufnahme in die Tagesordnung nur mit {share} (Regularien 4.3)")
    if motion.bundesrat:
        share = describe_supermajority(meeting.profile.bundesrat_override, "abweichendem Beschluss")
        marks.append(
            f"Im Bundesrat anhängig (Drucksache {motion.bundesrat.drucksache}): inhaltliche Beschlussfassung "
            f"nur mit {share}, Erörterung möglich (Regularien 4.3)"
        )
    return marks


def review_blocks(meeting: Meeting, *, with_status: bool) -> list[Block]:
    """Regularien 4.3 and 9.2: the standing item; the state of implementation stays internal."""
    text = "Ständiger Tagesordnungspunkt (Regularien 4.3, 9.2)."
    entries = meeting.inputs.review
    reports = [e for e in entries if e.report]
    blocks = [Block(kind="paragraph", text=text)]
    if reports and not with_status:
        blocks.append(Block(kind="bullets", items=[f"Bericht {name_laender([e.land])}: {e.resolution}" for e in reports]))
    if entries and with_status:
        rows = [["Beschluss", "Federführung", "Umsetzungsstand", "Bericht"]]
        rows += [[e.resolution, name_laender([e.land]), e.status, "ja" if e.report else "nein"] for e in entries]
        blocks.append(Block(kind="table", rows=rows))
    return blocks


def compose_meeting_pack(meeting: Meeting, *, originals: bool = False) -> DocumentSpec:
    """Regularien 4.1: cover, agenda, every Beschlussvorlage with its applicants, two weeks ahead."""
    blocks = [
        Block(kind="title", text="Sitzungsunterlagen"),
        Block(kind="paragraph", text=describe_session(meeting)),
        Block(kind="paragraph", text=f"Vorsitz: {meeting.chair_name}"),
        Block(kind="page_break"),
        Block(kind="heading", level=1, text="Tagesordnung"),
        *agenda_blocks(meeting, provisional=False),
        Block(kind="page_break"),
        Block(kind="heading", level=1, text="Beschlussvorlagen"),
    ]
    for entry in meeting.agenda.motions:
        blocks += motion_blocks(meeting, entry)
    blocks += [Block(kind="heading", level=1, text="Erfolgskontrolle"), *review_blocks(meeting, with_status=True)]
    attachments = original_attachments(meeting) if originals else []
    return new_spec(meeting, DocumentKind.SITZUNGSUNTERLAGEN, "Sitzungsunterlagen", INTERNAL_MARKING,
                    letterhead=meeting.letterhead, blocks=blocks, attachments=attachments)


def motion_blocks(meeting: Meeting, entry: AgendaEntry) -> list[Block]:
    """One Beschlussvorlage: heading with a bookmark, marks, the proposed text and its Begründung."""
    record = entry.required_motion.record
    heading = f"Beschlussvorlage zu {heading_of(entry)}"  # unlike the agenda line: the bookmark finds this page
    blocks = [Block(kind="heading", level=2, text=heading, bookmark=heading)]
    if record.subtitle:
        blocks.append(Block(kind="paragraph", text=record.subtitle))
    blocks.append(Block(kind="bullets", items=motion_marks(meeting, entry)))
    blocks.append(Block(kind="paragraph", text=f"Die {meeting.profile.body} möge beschließen:"))
    blocks.append(Block(kind="paragraph", text=record.decision_text or "(kein Beschlusstext erkannt)", style="Beschlusstext"))
    if record.reasoning:
        blocks += [Block(kind="heading", level=3, text="Begründung"), Block(kind="paragraph", text=record.reasoning)]
    blocks.append(Block(kind="page_break"))
    return blocks


def original_attachments(meeting: Meeting) -> list[Attachment]:
    """The originally submitted PDFs, behind the pack, one bookmark each (issue: "can be attached")."""
    attachments, seen = [], set()
    for entry in meeting.agenda.motions:
        path = meeting.originals.get(entry.required_motion.sha256)
        if path is not None and path not in seen:
            seen.add(path)
            attachments.append(Attachment(title=entry.title, path=path, bookmark=f"Original zu TOP {entry.top}"))
    return attachments
