"""German terminal output of inbox passes and ``intmk status``."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from pipeline.inbox.counts import InboxCounts
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


def list_count_rows(counts: InboxCounts) -> list[tuple[str, str, str, str]]:
    """Label, files, attachments, note: the same rows in a pass's summary and in ``intmk status``."""
    files, attachments = counts.files, counts.attachments
    return [
        ("verarbeitet", str(files["processed"]), str(attachments["processed"]), ""),
        ("Quarantäne", str(files["quarantined"]), str(attachments["quarantined"]), "Grund in GRUND.txt beim Original"),
        ("Dubletten", str(files["duplicate"]), str(attachments["duplicate"]), "inhaltsgleich mit gespeicherten Dokumenten"),
        ("wartend", str(counts.waiting), "", f"Eingang {counts.in_inbox}, in Arbeit {counts.in_processing}"),
    ]


def count_flags(outcomes: list[DocumentOutcome], flag: str) -> tuple[str, str]:
    """How many files and how many attachments carry ``flag`` (late, bundesrat, bundesrat_unknown, …)."""
    files = sum(bool(getattr(o, flag)) for o in outcomes)
    attachments = sum(bool(getattr(a, flag)) for o in outcomes for a in o.attachments)
    return str(files), str(attachments)


def build_summary_table(report: PassReport) -> Table:
    """The summary of a pass: files and e-mail attachments per outcome, reasons, late, Bundesrat."""
    table = Table(title="Zusammenfassung des Durchlaufs", show_header=True, header_style="bold")
    table.add_column("Ergebnis")
    table.add_column("Dateien", justify="right")
    table.add_column("E-Mail-Anhänge", justify="right")
    table.add_column("Hinweis")
    reasons = Counter(o.reason_code for o in flatten(report.outcomes) if o.outcome == "quarantined")
    for label, files, attachments, note in list_count_rows(report.counts):
        if label == "Quarantäne" and reasons:
            note = ", ".join(f"{code}: {n}" for code, n in sorted(reasons.items()))
        if label == "wartend":
            note += "; der nächste Durchlauf versucht es erneut"
        table.add_row(label, files, attachments, note)
    table.add_row("verfristet", *count_flags(report.outcomes, "late"), "Regularien 4.3")
    table.add_row("Bundesrat befasst", *count_flags(report.outcomes, "bundesrat"), "Regularien 4.3")
    rows = flatten(report.outcomes)
    if any(o.bundesrat_unknown for o in rows):
        table.add_row("Drucksache nicht im Register", *count_flags(report.outcomes, "bundesrat_unknown"),
                      "Register mit intmk bundesrat sync aktualisieren oder die Befassung prüfen")
    if any(o.bundesrat_unchecked for o in rows):
        table.add_row("Bundesrat nicht geprüft", *count_flags(report.outcomes, "bundesrat_unchecked"),
                      "Register leer: intmk bundesrat sync oder intmk bundesrat import DATEI")
    if report.ignored:
        table.add_row("nicht gelesen", str(len(report.ignored)), "", "Verknüpfungen, Ordner, Sonderdateien")
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
    """The counts of all passes so far, in the rows and words of a pass's summary."""
    lines = [f"{'Stand des Eingangs (alle Durchläufe)':<38}{'Dateien':>8}{'E-Mail-Anhänge':>16}"]
    for label, files, attachments, note in list_count_rows(status.counts):
        line = f"{label:<38}{files:>8}{attachments:>16}"
        lines.append(line + (f"   ({note})" if label == "wartend" else ""))
    lines.append(f"gespeicherte Dokumente: {status.documents} (Dateien, Anhänge, digitalisierte Akten; ohne Dubletten)")
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


def outcome_as_json(outcome: DocumentOutcome) -> dict:
    return {
        "name": outcome.name, "outcome": outcome.outcome, "sha256": outcome.sha256,
        "reason_code": outcome.reason_code, "reason": outcome.reason, "records": outcome.records,
        "conference": outcome.conference, "late": outcome.late, "bundesrat": outcome.bundesrat,
        "recovered": outcome.recovered, "attachments": [outcome_as_json(a) for a in outcome.attachments],
    }


def report_as_json(report: PassReport) -> dict:
    """``intmk run --json``: the counts under the keys of ``intmk status --json``, then each file."""
    return {**report.counts.as_json(), "files": [outcome_as_json(o) for o in report.outcomes],
            "still_written": report.waiting, "ignored": report.ignored}


def print_table(table: Table) -> None:
    Console(soft_wrap=True).print(table)
