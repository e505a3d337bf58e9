"""German terminal output for conferences, calendars and motion checks."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.conference_service import ConferencePlan
from pipeline.motion_service import ConferenceCheck, StoredFile
from pipeline.report import SESSION_LABELS, format_file_result
from pipeline.rules.calendar import format_deadline
from schemas.records import LAENDER
from schemas.rules import BundesratCheckStatus, CitationState, CitedDrucksache, MotionChecks

CHAIR_SOURCES = {"explicit": "erfasst", "rotation": "nach Regularien 3.1 berechnet", "unknown": "unbekannt"}
ASSIGNED_BY = {"header": "laut Kopf", "receipt": "nach Eingang", "clerk": "von Hand"}
REGISTER_EMPTY_HINT = (
    "Hinweis: Das Bundesrat-Register ist leer – ob ein Antrag einen im Bundesrat anhängigen Sachverhalt "
    "betrifft (Regularien 4.3), wurde nicht geprüft. Register mit `intmk bundesrat sync` abgleichen oder "
    "mit `intmk bundesrat import DATEI` einlesen, dann `intmk check` wiederholen."
)


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
    lines.extend(describe_register_hint(item.checks for item in report.items))
    if not report.items:
        lines.append("Keine Anträge zugeordnet.")
    late = sum(1 for item in report.items if item.checks.late)
    flagged = sum(1 for item in report.items if item.checks.bundesrat)
    unknown = sum(1 for item in report.items if item.checks.unregistered_citations)
    for item in report.items:
        record = item.record
        top = f"TOP {record.top}" if record.top else "ohne TOP"
        flags = list_flags(item.checks)
        lines.append("")
        lines.append(f"{item.sha256[:12]} {item.name} – {top}: {record.title or '(ohne Titel)'}")
        if record.applicants:
            lines.append(f"  Antragsteller: {', '.join(record.applicants)}")
        if flags:
            lines.append(f"  Markierungen: {', '.join(flags)}")
        lines.extend(f"  {note}" for note in describe_motion_notes(item.checks))
    for sha in report.not_extracted:
        lines.append(f"{sha[:12]}: mit dieser Programmversion noch nicht gelesen; bitte erneut einlesen")
    lines.append("")
    missing = f", {unknown} mit Drucksache, die im Bundesrat-Register fehlt" if unknown else ""
    lines.append(f"Zusammenfassung: {len(report.items)} Tagesordnungspunkt(e), {late} verfristet, "
                 f"{flagged} im Bundesrat anhängig{missing}.")
    return lines


def list_flags(checks: MotionChecks) -> list[str]:
    """The short markers of a motion: late, pending in the Bundesrat, a Drucksache the register lacks."""
    marked = (("VERFRISTET", checks.late), ("BUNDESRAT", checks.bundesrat),
              ("DRUCKSACHE NICHT IM REGISTER", checks.unregistered_citations))
    return [flag for flag, on in marked if on]


def describe_motion_notes(checks: MotionChecks) -> list[str]:
    """The notes of the checks and one line per cited Drucksache the clerk must look at."""
    empty = checks.bundesrat_status is BundesratCheckStatus.REGISTER_EMPTY
    cited = (describe_citation(citation, register_empty=empty) for citation in checks.bundesrat_citations)
    return [*checks.notes, *(line for line in cited if line)]


def describe_citation(citation: CitedDrucksache, *, register_empty: bool = False) -> str | None:
    """Regularien 4.3 for one cited Drucksache; None for a pending one (its evidence says it all)."""
    name = f"BR-Drs. {citation.number}"
    if citation.cited not in (name, citation.number):
        name += f" („{citation.cited}“)"
    if citation.state is CitationState.NOT_IN_REGISTER and register_empty:
        return f"{name} zitiert; das Bundesrat-Register ist leer – die Befassung im Bundesrat prüfen."
    if citation.state is CitationState.NOT_IN_REGISTER:
        return (f"{name} zitiert, im Bundesrat-Register nicht gefunden – Register mit `intmk bundesrat sync` "
                "aktualisieren oder die Befassung prüfen.")
    if citation.state is CitationState.CONCLUDED:
        status = f" ({citation.register_status})" if citation.register_status else ""
        return (f"{name} zitiert, Verfahren laut Bundesrat-Register abgeschlossen{status} – "
                "keine Einschränkung nach Regularien 4.3.")
    return None


def describe_register_hint(checks: Iterable[MotionChecks]) -> list[str]:
    """Once per report, not per motion: the register is empty, so no motion was checked (Regularien 4.3)."""
    if not any(c.bundesrat_status is BundesratCheckStatus.REGISTER_EMPTY for c in checks):
        return []
    return [REGISTER_EMPTY_HINT]


def describe_upsert(counts) -> str:
    return f"Register: {counts.added} neu, {counts.updated} geändert, {counts.unchanged} unverändert."
