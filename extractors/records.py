"""Assemble extraction records (the public contract) from a read document."""

from __future__ import annotations

from dataclasses import replace

from extractors.document import Line, TextDocument
from extractors.fields.conference import ConferenceHeader, parse_conference_header
from extractors.fields.outcome import is_decision_intro, is_motion_marker, parse_outcome
from extractors.fields.votes import parse_absent, parse_vote_counts, parse_vote_lists
from extractors.head import read_head
from extractors.paragraphs import join_paragraphs
from extractors.segment import ItemBlock, split_items
from extractors.text import join_clean_lines, normalize_line
from extractors.zones import sort_into_zones
from schemas import (
    Conference,
    DocumentType,
    ErrorInfo,
    ExtractionRecord,
    Outcome,
    Source,
    Statement,
    VoteCounts,
    Votes,
)
from schemas.errors import ErrorCode, InputError

_HEADER_LINES = 15
# Bodies that decide unanimously by their rules, so a printed "Beschluss:" means einstimmig
# (IMK, samples/README.md and domain/imk-ueber-uns.txt).
_UNANIMOUS_BODIES = {"IMK"}
# One agenda item's operative text runs to a few pages; far more is a whole document that was
# not cut into its items (Issue 19: up to 275,000 characters of a journal as one "decision").
MAX_DECISION_CHARS = 50_000
NO_DECISION_TEXT = "Kein Beschlusstext gefunden – bitte im Original prüfen."


def build_records(document: TextDocument) -> list[ExtractionRecord]:
    """One record per agenda item of the document; raises if the document holds none."""
    lines = clean_lines(document.lines)
    if not lines:
        raise InputError("Das Dokument enthält keinen lesbaren Text.", code=ErrorCode.NO_AGENDA_ITEM)
    header = read_conference(document, lines)
    _, items = split_items(
        lines, numbered_headings=header.body in _UNANIMOUS_BODIES, body_known=header.body is not None
    )
    if not items:
        raise InputError(
            "Kein Tagesordnungspunkt und kein Beschluss(vorschlag) einer Konferenz erkannt. Bitte prüfen, ob "
            "die Datei ein Beschlussvorschlag, ein Beschluss oder eine Niederschrift ist; andere Dokumente "
            "gehören nicht in den Eingang.",
            code=ErrorCode.NO_AGENDA_ITEM,
        )
    lost_intro = find_removed_intro(document)
    page_starts = {line.page: line for line in reversed(lines)}
    return [
        build_record(document, header, item, lost_intro if _starts_page(item, page_starts) else None)
        for item in items
    ]


def find_removed_intro(document: TextDocument) -> str | None:
    """A decision intro ("Beschluss:") the reader removed as a running header.

    It stood at the same place on most pages because a resolution began at the top of each of
    them (an IMK collection, each resolution on a new page after "(freigegeben)").
    """
    return next((text for text in document.running_headers if is_decision_intro(text)), None)


def _starts_page(item: ItemBlock, page_starts: dict[int, Line]) -> bool:
    heading = item.heading_line
    return heading is not None and page_starts.get(heading.page) == heading


def clean_lines(lines: list[Line]) -> list[Line]:
    cleaned = []
    for line in lines:
        text = normalize_line(line.text)
        if text:
            cleaned.append(replace(line, text=text))
    return cleaned


def read_conference(document: TextDocument, lines: list[Line]) -> ConferenceHeader:
    """The running header is trusted over the cover page; the cover fills what it lacks."""
    first_page = [line.text for line in lines[:_HEADER_LINES] if line.page == lines[0].page]
    from_cover = parse_conference_header(first_page) or ConferenceHeader(None, Conference())
    from_running = parse_conference_header(document.running_headers[:3]) if document.running_headers else None
    if from_running is None:
        return from_cover
    merged = {k: v for k, v in from_cover.conference.model_dump().items() if v not in (None, False)}
    merged.update({k: v for k, v in from_running.conference.model_dump().items() if v not in (None, False)})
    return ConferenceHeader(from_running.body or from_cover.body, Conference(**merged))


def build_record(
    document: TextDocument, header: ConferenceHeader, item: ItemBlock, lost_intro: str | None = None
) -> ExtractionRecord:
    """``lost_intro``: the item starts a page whose decision intro the reader removed (see
    ``find_removed_intro``); then the title is one line and the free text after the head is the decision."""
    zones = sort_into_zones(item.lines)
    recovered = lost_intro is not None and zones.decision_intro is None
    head = read_head(item.heading.rest if item.heading else "", zones.head, one_line_title=recovered)
    docx = document.format == "docx"
    decision_lines = zones.decision or head.rest
    intro = zones.decision_intro or (lost_intro if recovered else "") or ""
    is_motion = bool(intro) and is_motion_marker(intro)
    vote_text = join_clean_lines([line.text for line in zones.votes])
    votes, counts = read_votes(vote_text)
    outcome = None if is_motion else _read_outcome(intro, head.outcome, vote_text, header)
    pages = [line.page for line in item.all_lines]
    decision_text = join_paragraphs(decision_lines, docx=docx)
    problems = [*document.problems, *check_decision_text(decision_text, outcome, sorted(set(pages)))]
    return ExtractionRecord(
        source=Source(
            path=document.path, sha256=document.sha256, pages=(min(pages), max(pages)),
            ocr=document.ocr, format=document.format,
        ),
        status="partial" if problems else "success",
        errors=problems,
        body=header.body or _guess_body(intro),
        conference=header.conference,
        document_type=DocumentType.BESCHLUSSVORSCHLAG if is_motion else DocumentType.BESCHLUSS,
        top=item.heading.top if item.heading else None,
        label=head.label,
        title=head.title,
        subtitle=head.subtitle,
        applicants=head.applicants,
        applicants_all=head.applicants_all,
        outcome=outcome,
        decision_text=decision_text,
        reasoning=join_paragraphs(zones.reasoning, docx=docx),
        statements=[
            Statement(by=s.by, text=text)
            for s in zones.statements
            if (text := join_paragraphs(s.lines, docx=docx))
        ],
        votes=votes,
        vote_counts=counts,
        released=zones.released,
    )


def check_decision_text(text: str | None, outcome: Outcome | None, pages: list[int]) -> list[ErrorInfo]:
    """Problems of an item's operative text: none found (a withdrawn item has none), or far too
    long for one item (the document was not cut into its items)."""
    if text is None and outcome is not Outcome.ZURUECKGEZOGEN:
        return [ErrorInfo(code=ErrorCode.DAMAGED_FILE, message=NO_DECISION_TEXT, pages=pages)]
    if text is not None and len(text) > MAX_DECISION_CHARS:
        message = (
            f"Der Beschlusstext ist mit {len(text):,} Zeichen ungewöhnlich lang für einen Tagesordnungspunkt; "
            "vermutlich wurden mehrere Punkte nicht getrennt – bitte im Original prüfen."
        ).replace(",", ".", 1)
        return [ErrorInfo(code=ErrorCode.LIMIT_EXCEEDED, message=message, pages=pages)]
    return []


def read_votes(text: str) -> tuple[Votes | None, VoteCounts | None]:
    """Per-Land votes and counts where printed in the vote lines; counts derived from lists otherwise."""
    if not text:
        return None, None
    votes = parse_vote_lists(text)
    absent = parse_absent(text)
    if absent:
        votes = (votes or Votes()).model_copy(update={"absent": absent})
    counts = parse_vote_counts(text)
    if counts is None and votes is not None and (votes.yes or votes.no or votes.abstain):
        counts = VoteCounts(yes=len(votes.yes), no=len(votes.no), abstain=len(votes.abstain))
    return votes, counts


def _read_outcome(intro: str, from_head: Outcome | None, vote_text: str, header: ConferenceHeader) -> Outcome | None:
    for candidate in (from_head, parse_outcome(intro) if intro else None, parse_outcome(vote_text) if vote_text else None):
        if candidate is not None:
            return candidate
    if header.body in _UNANIMOUS_BODIES and intro:
        return Outcome.EINSTIMMIG
    return None


def _guess_body(intro: str) -> str | None:
    return "IntMK" if "IntMK" in intro or "Integrationsministerkonferenz" in intro else None
