"""German terminal output of inbox passes and ``intmk status``."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from pipeline.inbox.outcome import DocumentOutcome
from pipeline.inbox.runner import PassReport
from pipeline.inbox.status import InboxStatus

OUTCOME_LABELS = {
    "processed": "verarbeitet",
    "quarantined": "Quarantäne",
    "duplicate": "Dublette",
    "queued": "zurückgestellt",
}


def flatten(outcomes: list[DocumentOutcome]) -> list[DocumentOutcome]:
    """Dropped files and the attachments of e-mails, one row each."""
    rows = []
    for outcome in outcomes:
        rows.append(outcome)
        rows.extend(outcome.attachments)
    return rows


def build_summary_table(report: PassReport) -> Table:
    """The summary of a pass: processed, duplicates, quarantined with reasons, late, Bundesrat."""
    rows = flatten(report.outcomes)
    counts = Counter(o.outcome for o in rows)
    table = Table(title="Zusammenfassung des Durchlaufs", show_header=True, header_style="bold")
    table.add_column("Ergebnis")
    table.add_column("Anzahl", justify="right")
    table.add_column("Hinweis")
    table.add_row("verarbeitet", str(counts["processed"]), "")
    table.add_row("Dubletten", str(counts["duplicate"]), "inhaltsgleich mit gespeicherten Dokumenten")
    reasons = Counter(o.reason_code for o in rows if o.outcome == "quarantined")
    table.add_row("Quarantäne", str(counts["quarantined"]), ", ".join(f"{code}: {n}" for code, n in sorted(reasons.items())))
    table.add_row("zurückgestellt", str(counts["queued"]), "bleiben in Arbeit, nächster Lauf versucht es erneut")
    table.add_row("verfristet", str(sum(o.late for o in rows)), "Regularien 4.3")
    table.add_row("Bundesrat befasst", str(sum(o.bundesrat for o in rows)), "Regularien 4.3")
    if any(o.bundesrat_unknown for o in rows):
        table.add_row("Drucksache nicht im Register", str(sum(bool(o.bundesrat_unknown) for o in rows)),
                      "Register mit intmk bundesrat sync aktualisieren oder die Befassung prüfen")
    if any(o.bundesrat_unchecked for o in rows):
        table.add_row("Bundesrat nicht geprüft", str(sum(o.bundesrat_unchecked for o in rows)),
                      "Register leer: intmk bundesrat sync oder intmk bundesrat import DATEI")
    if report.waiting:
        table.add_row("noch im Schreiben", str(len(report.waiting)), "nächster Durchlauf")
    if report.ignored:
        table.add_row("nicht gelesen", str(len(report.ignored)), "Verknüpfungen, Ordner, Sonderdateien")
    return table


def format_outcome(outcome: DocumentOutcome, indent: str = "") -> list[str]:
    """One line per file with its short hash, and its attachments below it."""
    label = OUTCOME_LABELS[outcome.outcome] + (" (nach Abbruch fortgesetzt)" if outcome.recovered else "")
    details = []
    if outcome.records:
        details.append(f"{outcome.records} TOP")
    if outcome.conference:
        details.append(outcome.conference)
    if outcome.late:
        details.append("verfristet")
    if outcome.bundesrat:
        details.append("Bundesrat befasst")
    if outcome.bundesrat_unknown:
        details.append(f"BR-Drs. {', '.join(outcome.bundesrat_unknown)} zitiert, nicht im Bundesrat-Register")
    if outcome.reason:
        details.append(f"{outcome.reason} [{outcome.reason_code}]")
    line = f"{indent}[{outcome.short_hash}] {outcome.name}: {label}"
    lines = [line + (" – " + ", ".join(details) if details else "")]
    for attachment in outcome.attachments:
        lines.extend(format_outcome(attachment, indent + "    Anhang "))
    return lines


def format_status(status: InboxStatus) -> list[str]:
    c = status.counts
    lines = [
        f"verarbeitet:     {c['processed']}",
        f"Quarantäne:      {c['quarantined']}",
        f"Dubletten:       {c['duplicates']}",
        f"wartend:         {c['queued']} (Eingang {c['in_inbox']}, in Arbeit {c['in_processing']})",
        f"Dokumente:       {c['documents']} gespeichert",
    ]
    if status.waiting:
        lines.append("")
        lines.append("Wartende Dateien:")
        for item in status.waiting:
            where = "Eingang" if item.where == "inbox" else f"in Arbeit seit {item.since}"
            lines.append(f"  {item.name} ({where})" + (f": {item.reason}" if item.reason else ""))
    if status.ignored:
        lines.append("")
        lines.append("Nicht gelesen (Verknüpfung, Ordner oder Sonderdatei): " + ", ".join(status.ignored))
    return lines


def print_table(table: Table) -> None:
    Console(soft_wrap=True).print(table)
