"""Human-readable German summaries of extraction results for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.service import FileResult
from schemas import ExtractionRecord

SESSION_LABELS = {
    "hauptkonferenz": "Hauptkonferenz",
    "vorkonferenz": "Vorkonferenz",
    "sondersitzung": "Sondersitzung",
    "umlaufverfahren": "Umlaufverfahren",
}


def format_file_result(result: FileResult) -> list[str]:
    """Lines describing one file: its items, or its error."""
    if result.error is not None:
        return [f"{result.path}: FEHLER [{result.error.code}] {result.error.message}"]
    first = result.records[0]
    lines = [f"{result.path} ({first.source.sha256[:12]}): {_count(len(result.records))}"]
    for record in result.records:
        lines.extend("  " + line for line in format_record(record))
    return lines


def format_record(record: ExtractionRecord) -> list[str]:
    top = f"TOP {record.top}" if record.top else "ohne TOP"
    title = record.title or "(ohne Titel)"
    label = f" [{record.label}]" if record.label else ""
    pages = record.source.pages
    lines = [f"{top}{label}: {title} (S. {pages[0]}–{pages[1]})"]
    if record.subtitle:
        lines.append(f"    {record.subtitle}")
    details = [_describe_conference(record), _describe_result(record)]
    if record.applicants:
        who = "Alle Länder" if record.applicants_all else ", ".join(record.applicants)
        details.append(f"Antragsteller: {who}")
    lines.append("    " + " · ".join(d for d in details if d))
    for problem in record.errors:
        lines.append(f"    Hinweis [{problem.code}]: {problem.message}")
    return lines


def format_summary(results: Sequence[FileResult]) -> str:
    failed = sum(1 for r in results if not r.ok)
    partial = sum(1 for r in results if r.status == "partial")
    records = sum(len(r.records) for r in results)
    return (
        f"Zusammenfassung: {len(results)} Datei(en), {len(results) - failed} gelesen "
        f"({partial} mit Hinweisen), {failed} fehlgeschlagen, {records} Tagesordnungspunkt(e)."
    )


def _count(n: int) -> str:
    return "1 Tagesordnungspunkt" if n == 1 else f"{n} Tagesordnungspunkte"


def _describe_conference(record: ExtractionRecord) -> str:
    conf = record.conference
    parts = []
    if conf.number:
        parts.append(f"{conf.number}.")
    parts.append(record.body or "Konferenz unbekannt")
    if conf.year:
        parts.append(str(conf.year))
    text = " ".join(parts)
    if conf.session:
        text += f" ({SESSION_LABELS[conf.session]})"
    if conf.start:
        span = conf.start.strftime("%d.%m.%Y")
        if conf.end and conf.end != conf.start:
            span += "–" + conf.end.strftime("%d.%m.%Y")
        text += f", {span}"
    if conf.place:
        text += f", {conf.place}"
    elif conf.digital:
        text += ", digital"
    return text


def _describe_result(record: ExtractionRecord) -> str:
    if record.document_type == "beschlussvorschlag":
        return "Beschlussvorschlag"
    text = record.outcome or "Ergebnis nicht erkannt"
    if record.vote_counts:
        c = record.vote_counts
        text += f" ({c.yes}:{c.no}:{c.abstain})"
    return text
