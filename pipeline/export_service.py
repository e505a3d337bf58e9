"""A Beschlusssammlung of one conference or of a search, as CSV, JSON and Word (``intmk export``).

Written into ``$INTMK_HOME/out/`` (or a chosen folder), named from ids only (RELIABILITY.md
rule 10): ``beschlusssammlung-IntMK-23`` or ``beschlusssammlung-suche-<hash of query and filters>``,
each file atomically. No Begründung in any of them (Regularien 5.3): the index does not hold it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from outputs.docx_writer import CoreProperties, render_docx
from outputs.excel_csv import render_excel_csv
from pipeline.conference_service import parse_conference_ref
from pipeline.inbox.folders import resolve_folders
from pipeline.meeting.wording import describe_applicants, name_laender
from pipeline.search.model import (
    DOCUMENT_TYPE_MOTION,
    NO_FILTERS,
    IndexRow,
    SearchFilters,
    describe_conference,
    top_sort_key,
)
from pipeline.search.open import open_index
from pipeline.search.refresh import refresh_index
from pipeline.search.text import parse_query
from pipeline.search_service import resolve_filters
from pipeline.service import write_bytes_atomically
from pipeline.settings import Settings
from pipeline.storage import Database
from schemas import DocumentType
from schemas.documents import Block, DocumentKind, DocumentSpec
from schemas.errors import ErrorCode, UsageProblem

CSV_COLUMNS = [
    "konferenz", "gremium", "nummer", "jahr", "top", "titel", "art", "antragsteller", "ergebnis", "seite",
    "verfristet", "bundesrat", "ocr", "beschlusstext", "protokollerklaerungen", "sha256",
]
# Regularien 5.3: rejected resolutions are not for the public; motions were never decided.
INTERNAL_MARKING = "Arbeitsunterlage der Geschäftsstelle – enthält nicht veröffentlichte Beschlüsse"


@dataclass(frozen=True, slots=True)
class ExportResult:
    stem: str
    count: int
    paths: list[Path]


def export_collection(
    db: Database, settings: Settings, *, query: str | None = None, filters: SearchFilters = NO_FILTERS,
    target: Path | None = None,
) -> ExportResult:
    """The resolutions of ``filters.conference`` (without a query) or every match of ``query``."""
    rows = select_entries(db, settings, query, filters)
    stem = file_stem(query, filters)
    folder = target or resolve_folders(settings).out
    heading = describe_selection(query, filters)
    outputs = {
        "csv": render_csv(rows),
        "json": render_json(rows, query, filters),
        "docx": render_docx(build_spec(rows, stem, heading, settings), settings.template_dir,
                            CoreProperties(author=settings.office_name)),
    }
    paths = [write_bytes_atomically(folder / f"{stem}.{suffix}", data) for suffix, data in outputs.items()]
    return ExportResult(stem, len(rows), paths)


def select_entries(db: Database, settings: Settings, query: str | None, filters: SearchFilters) -> list[IndexRow]:
    if query is None and filters.conference is None:
        raise UsageProblem("Bitte eine Konferenz (z. B. IntMK 23) oder eine Suche (--suche) angeben.")
    parsed = parse_query(query) if query is not None else None
    # A conference's collection holds its resolutions; a search also finds motions.
    criteria = resolve_filters(filters, settings, document_type=None if parsed else DocumentType.BESCHLUSS.value)
    refresh_index(db, settings)
    index = open_index(db, settings)
    rows = [found.row for found in index.search(parsed, criteria, None)] if parsed else index.select_rows(criteria)
    if not rows:
        raise UsageProblem(f"Keine Beschlüsse gefunden ({describe_selection(query, filters)}).", code=ErrorCode.NOT_FOUND)
    return sorted(rows, key=lambda r: (r.year or 0, r.body or "", r.number or 0, top_sort_key(r.top), r.sha256, r.record_index))


def file_stem(query: str | None, filters: SearchFilters) -> str:
    """From ids only: the conference key, or a hash of the query and the filters."""
    digest = hashlib.sha256(json.dumps({"query": query, "filters": filters.as_dict()}, sort_keys=True).encode()).hexdigest()
    if query is None and filters.conference is not None:
        body, number = parse_conference_ref(filters.conference)
        stem = f"beschlusssammlung-{re.sub(r'[^A-Za-z0-9]', '', body) or 'gremium'}-{number}"
        return stem if filters == SearchFilters(conference=filters.conference) else f"{stem}-{digest[:8]}"
    return f"beschlusssammlung-suche-{digest[:12]}"


def describe_selection(query: str | None, filters: SearchFilters) -> str:
    parts = ([f"Suche „{query}“"] if query is not None else []) + filters.describe()
    return ", ".join(parts)


def describe_outcome(row: IndexRow) -> str:
    return "Beschlussvorschlag" if row.document_type == DOCUMENT_TYPE_MOTION else (row.outcome or "Ergebnis nicht angegeben")


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("ja" if value else "nein")


def render_csv(rows: list[IndexRow]) -> bytes:
    return render_excel_csv(CSV_COLUMNS, [describe_csv_row(row) for row in rows])


def describe_csv_row(row: IndexRow) -> list[object]:
    statements = "\n\n".join(f"{name_laender(by) or 'Protokollerklärung'}: {text}" for by, text in row.statements)
    return [row.conference_key or "", row.body or "", row.number or "", row.year or "", row.top or "", row.title or "",
            row.document_type, " ".join(row.applicants), row.outcome or "", row.page or "", yes_no(row.late),
            yes_no(row.bundesrat), yes_no(row.ocr), row.decision_text or "", statements, row.sha256]


def render_json(rows: list[IndexRow], query: str | None, filters: SearchFilters) -> bytes:
    entries = [
        {
            "conference": row.conference_key, "body": row.body, "number": row.number, "year": row.year,
            "session": row.session, "top": row.top, "title": row.title, "subtitle": row.subtitle,
            "document_type": row.document_type, "applicants": list(row.applicants), "outcome": row.outcome,
            "page": row.page, "late": row.late, "bundesrat": row.bundesrat, "ocr": row.ocr,
            "decision_text": row.decision_text,
            "statements": [{"by": list(by), "text": text} for by, text in row.statements],
            "sha256": row.sha256, "record_index": row.record_index,
        }
        for row in rows
    ]
    data = {"query": query, "filters": filters.as_dict(), "count": len(entries), "resolutions": entries}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build_spec(rows: list[IndexRow], stem: str, heading: str, settings: Settings) -> DocumentSpec:
    """Title, then per conference a heading and per record 'TOP x: title', a line with conference,
    outcome and applicants, the decision text and the Protokollerklärungen."""
    blocks = [Block(kind="title", text="Beschlusssammlung"),
              Block(kind="paragraph", text=f"{heading} – {len(rows)} Tagesordnungspunkt(e)", style="Hinweis")]
    current = None
    for row in rows:
        conference = describe_conference(row.body, row.number, row.year)
        if conference != current:
            blocks.append(Block(kind="heading", level=1, text=conference))
            current = conference
        blocks += entry_blocks(row, conference)
    internal = any(row.outcome == "abgelehnt" or row.document_type == DOCUMENT_TYPE_MOTION for row in rows)
    return DocumentSpec(kind=DocumentKind.BESCHLUSSSAMMLUNG, file_stem=stem, title="Beschlusssammlung", header=heading,
                        marking=INTERNAL_MARKING if internal else None, letterhead=settings.letterhead, blocks=blocks)


def entry_blocks(row: IndexRow, conference: str) -> list[Block]:
    top = f"TOP {row.top}: " if row.top else ""
    facts = [conference, describe_outcome(row), f"Antragsteller: {describe_applicants(row.applicants)}"]
    if row.page:
        facts.append(f"S. {row.page}")
    blocks = [Block(kind="heading", level=2, text=f"{top}{row.title or 'ohne Titel'}"),
              Block(kind="paragraph", text=" · ".join(facts), style="Hinweis")]
    if row.subtitle:
        blocks.append(Block(kind="paragraph", text=row.subtitle))
    if row.decision_text:
        blocks.append(Block(kind="paragraph", text=row.decision_text, style="Beschlusstext"))
    for by, text in row.statements:
        blocks.append(Block(kind="paragraph", text=f"{' '.join(filter(None, ('Protokollerklärung', name_laender(by))))}: {text}"))
    return blocks
