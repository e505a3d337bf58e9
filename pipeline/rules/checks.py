"""The checks on every motion: late (Regularien 4.3), urgency stated (4.3), pending in the
Bundesrat (4.3), eligible for the Grüne Liste (7). Pure functions over records and rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from extractors.fields.urgency import find_urgency_statement
from pipeline.bundesrat.check import check_bundesrat
from pipeline.bundesrat.matching import PreparedRegister
from pipeline.receipt import Receipt
from pipeline.rules.calendar import format_moment, is_late
from pipeline.rules.majority import compare_outcome, compute_majority, describe_majority, describe_supermajority
from schemas import DocumentType, ExtractionRecord
from schemas.errors import UsageProblem
from schemas.rules import BodyProfile, ConferenceEntry, Deadline, MotionChecks, cite_section

@dataclass(frozen=True, slots=True)
class CheckContext:
    """What every motion of one conference is checked against."""

    conference: ConferenceEntry
    profile: BodyProfile
    motion_deadline: Deadline | None
    register: PreparedRegister  # pending Bundesrat procedures


def check_record(
    record: ExtractionRecord, context: CheckContext, receipt: Receipt | None, assigned_by: str | None
) -> MotionChecks:
    checks = MotionChecks(conference=context.conference.key, assigned_by=assigned_by)
    if receipt is not None:
        checks.received, checks.received_source = receipt.received, receipt.source
    text = record_text(record)
    urgency = find_urgency_statement(text)
    checks.urgency_stated, checks.urgency_text = urgency is not None, urgency
    check_deadline(record, context, checks)
    bundesrat = check_bundesrat(text, context.register)  # Regularien 4.3
    checks.bundesrat, checks.bundesrat_status = bundesrat.evidence, bundesrat.status
    checks.bundesrat_citations = bundesrat.citations
    checks.notes.extend(describe_checks(checks, context))
    check_votes(record, context.profile, checks)
    return checks


def check_votes(record: ExtractionRecord, profile: BodyProfile, checks: MotionChecks) -> None:
    """Regularien 5.1: recompute the outcome from printed votes and compare it with the printed one."""
    votes = record.votes if record.votes and (record.votes.yes or record.votes.no or record.votes.abstain) else None
    if votes is None and record.vote_counts is None:
        return
    try:
        checks.majority = compute_majority(profile, votes=votes, counts=record.vote_counts)
    except UsageProblem as exc:
        checks.notes.append(f"Abstimmung nicht auswertbar: {exc.message}")
        return
    citation = cite_section(profile.majority.section)
    checks.notes.append(f"Abstimmung: {describe_majority(checks.majority, citation=citation)}")
    conflict = compare_outcome(record.outcome, checks.majority, citation=citation)
    if conflict:
        checks.notes.append(conflict)


def check_deadline(record: ExtractionRecord, context: CheckContext, checks: MotionChecks) -> None:
    """Regularien 4.3: motions must reach the Geschäftsstelle three weeks before the Vorkonferenz."""
    deadline = context.motion_deadline
    if deadline is None:
        checks.notes.append("Für diese Sitzungsart gilt keine Antragsfrist.")
        return
    checks.deadline = deadline.due
    if record.document_type is not DocumentType.BESCHLUSSVORSCHLAG:
        checks.notes.append("Kein Beschlussvorschlag (Niederschrift oder Beschluss): Frist nicht geprüft.")
        return
    if checks.received is None:
        checks.notes.append("Eingangszeit unbekannt: Frist nicht geprüft.")
        return
    checks.late = is_late(checks.received, deadline, ZoneInfo(context.profile.timezone))
    if deadline.provisional:
        checks.notes.append(f"Frist vorläufig berechnet: {deadline.note}")


def describe_checks(checks: MotionChecks, context: CheckContext) -> list[str]:
    """German notes for the clerk, each with the rule it applies."""
    notes = []
    if checks.late:
        share = describe_supermajority(context.profile.late_motion_admission, "die Konferenz")
        notes.append(
            f"Verfristet (Regularien 4.3): eingegangen {format_local(checks.received, context)}, "
            f"Frist {format_local(checks.deadline, context)}{' (vorläufig)' if context.motion_deadline.provisional else ''}. "
            f"Aufnahme in die Tagesordnung nur mit {share}."
        )
        if not checks.urgency_stated:
            notes.append("Eine besondere, aktuelle Dringlichkeit ist im Antrag nicht dargelegt (Regularien 4.3).")
    if checks.urgency_stated:
        notes.append(f"Dringlichkeit dargelegt: „{checks.urgency_text}“")
    if checks.bundesrat is not None:
        notes.append(describe_bundesrat(checks, context))
    return notes


def describe_bundesrat(checks: MotionChecks, context: CheckContext) -> str:
    evidence = checks.bundesrat
    assert evidence is not None
    share = describe_supermajority(context.profile.bundesrat_override, "abweichendem Beschluss")
    status = f", Stand: {evidence.status}" if evidence.status else ""
    return (
        f"Im Bundesrat anhängig (Regularien 4.3): Drucksache {evidence.drucksache} „{evidence.title}“{status}; "
        f"Fundstelle „{evidence.matched_text}“ (Übereinstimmung {evidence.score:.0f} %). "
        f"Inhaltliche Beschlussfassung nur mit {share}; eine Erörterung ist möglich."
    )


def format_local(moment: dt.datetime, context: CheckContext) -> str:
    return format_moment(moment.astimezone(ZoneInfo(context.profile.timezone)))


def record_text(record: ExtractionRecord) -> str:
    """Title, operative text and Begründung: where a motion states urgency or cites a Drucksache."""
    parts = [record.title, record.subtitle, record.decision_text, record.reasoning]
    return "\n\n".join(part for part in parts if part)
