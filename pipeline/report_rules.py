"""German terminal output for conferences, calendars and motion checks."""

from __future__ import annotations

from pipeline.conference_service import ConferencePlan
from pipeline.motion_service import ConferenceCheck, StoredFile
from pipeline.report import SESSION_LABELS, format_file_result
from pipeline.rules.calendar import format_deadline
from schemas.records import LAENDER

CHAIR_SOURCES = {"explicit": "erfasst", "rotation": "nach Regularien 3.1 berechnet", "unknown": "unbekannt"}
ASSIGNED_BY = {"header": "laut Kopf", "receipt": "nach Eingang", "clerk": "von Hand"}


def format_plan(plan: ConferencePlan) -> list[str]:
    c = plan.conference
    dates = f"{c.start:%d.%m.%Y}" + (f" bis {c.end:%d.%m.%Y}" if c.end and c.end != c.start else "")
    where = "digital" if c.digital else (c.place or "Ort offen")
    chair = f"{LAENDER[plan.chair]} ({plan.chair})" if plan.chair else "unbekannt"
    lines = [
        f"{c.number}. {c.body} – {SESSION_LABELS[c.session]}, {dates}, {where}",
        f"  Vorsitz: {chair}, {CHAIR_SOURCES[plan.chair_source]}",
    ]
    if c.pre_conference:
        lines.append(f"  Vorkonferenz: {c.pre_conference:%d.%m.%Y}")
    if c.minutes_sent:
        lines.append(f"  Niederschrift versandt: {c.minutes_sent:%d.%m.%Y}")
    lines.extend(f"  Warnung: {warning}" for warning in plan.warnings)
    return lines


def format_calendar(plan: ConferencePlan) -> list[str]:
    lines = format_plan(plan) + ["", "Fristen:"]
    lines.extend("  " + format_deadline(deadline) for deadline in plan.deadlines)
    return lines


def format_stored_file(stored: StoredFile) -> list[str]:
    lines = format_file_result(stored.result)
    if stored.duplicate:
        lines.append(f"  bereits gespeichert ({stored.sha256[:12]}), nicht erneut erfasst")
    if stored.conference:
        how = ASSIGNED_BY.get(stored.assigned_by or "", "")
        lines.append(f"  zugeordnet: {stored.conference}" + (f" ({how})" if how else ""))
    elif stored.result.ok and not stored.duplicate:
        lines.append("  " + describe_waiting(stored))
    return lines


def describe_waiting(stored: StoredFile) -> str:
    named = next((r for r in stored.result.records if r.conference.number), None)
    if named is not None:
        return (f"wartet auf die {named.conference.number}. {named.body or 'Konferenz'}: noch nicht erfasst, "
                "wird beim Erfassen zugeordnet")
    return "keiner erfassten Konferenz zugeordnet (intmk motion assign HASH GREMIUM NR)"


def format_check(report: ConferenceCheck) -> list[str]:
    lines = format_plan(report.plan)
    if not report.items:
        lines.append("Keine Anträge zugeordnet.")
    late = sum(1 for item in report.items if item.checks.late)
    flagged = sum(1 for item in report.items if item.checks.bundesrat)
    for item in report.items:
        record = item.record
        top = f"TOP {record.top}" if record.top else "ohne TOP"
        flags = [flag for flag, on in (("VERFRISTET", item.checks.late), ("BUNDESRAT", item.checks.bundesrat)) if on]
        lines.append("")
        lines.append(f"{item.sha256[:12]} {item.name} – {top}: {record.title or '(ohne Titel)'}")
        if record.applicants:
            lines.append(f"  Antragsteller: {', '.join(record.applicants)}")
        if flags:
            lines.append(f"  Markierungen: {', '.join(flags)}")
        lines.extend(f"  {note}" for note in item.checks.notes)
    for sha in report.not_extracted:
        lines.append(f"{sha[:12]}: mit dieser Programmversion noch nicht gelesen; bitte erneut einlesen")
    lines.append("")
    lines.append(f"Zusammenfassung: {len(report.items)} Tagesordnungspunkt(e), {late} verfristet, {flagged} im Bundesrat anhängig.")
    return lines


def describe_upsert(counts) -> str:
    return f"Register: {counts.added} neu, {counts.updated} geändert, {counts.unchanged} unverändert."
