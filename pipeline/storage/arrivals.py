"""Arrivals: one row per file claimed from the inbox, and its outcome (RELIABILITY.md conservation);
and one row per attachment of an arrived e-mail."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.storage.models import ArrivalRow, AttachmentRow

OUTCOMES = ("processed", "quarantined", "duplicate", "queued")
ATTACHMENT_OUTCOMES = ("processed", "quarantined", "duplicate")


def ensure_arrival(session: Session, claim_id: str, name: str, claimed_at: dt.datetime, sha256: str) -> ArrivalRow:
    """The arrival of a claim, created on first sight (also when a crash interrupted the first run)."""
    row = session.get(ArrivalRow, claim_id)
    if row is None:
        row = ArrivalRow(claim_id=claim_id, original_name=name, claimed_at=claimed_at, outcome="queued")
        session.add(row)
    row.sha256 = sha256
    session.flush()
    return row


def finish_arrival(
    session: Session,
    claim_id: str,
    outcome: str,
    location: str | None,
    reason: tuple[str, str] | None = None,
) -> ArrivalRow:
    row = session.get(ArrivalRow, claim_id)
    if row is None:
        raise LookupError(f"arrival {claim_id} missing")
    row.outcome, row.location = outcome, location
    row.reason_code, row.reason = reason if reason else (None, None)
    row.finished_at = dt.datetime.now(dt.UTC)
    session.flush()
    return row


def note_arrival_problem(session: Session, claim_id: str, code: str, message: str) -> None:
    """An environment problem or a bug kept the file queued; the clerk sees why in ``intmk status``."""
    row = session.get(ArrivalRow, claim_id)
    if row is not None:
        row.reason_code, row.reason = code, message


def count_outcomes(session: Session) -> dict[str, int]:
    rows = session.execute(select(ArrivalRow.outcome, func.count()).group_by(ArrivalRow.outcome))
    counts = dict.fromkeys(OUTCOMES, 0)
    counts.update({outcome: n for outcome, n in rows})
    return counts


def record_attachment(
    session: Session,
    email_claim_id: str,
    position: int,
    name: str,
    sha256: str,
    outcome: str,
    reason: tuple[str, str] | None = None,
) -> AttachmentRow:
    """What became of attachment ``position`` of the e-mail claimed as ``email_claim_id`` (idempotent)."""
    row = session.get(AttachmentRow, (email_claim_id, position))
    if row is None:
        row = AttachmentRow(email_claim_id=email_claim_id, position=position)
        session.add(row)
    row.name, row.sha256, row.outcome = name, sha256, outcome
    row.reason_code, row.reason = reason if reason else (None, None)
    row.finished_at = dt.datetime.now(dt.UTC)
    session.flush()
    return row


def list_attachments(session: Session, email_claim_id: str) -> list[AttachmentRow]:
    query = select(AttachmentRow).where(AttachmentRow.email_claim_id == email_claim_id)
    return list(session.scalars(query.order_by(AttachmentRow.position)))


def count_attachment_outcomes(session: Session) -> dict[str, int]:
    rows = session.execute(select(AttachmentRow.outcome, func.count()).group_by(AttachmentRow.outcome))
    counts = dict.fromkeys(ATTACHMENT_OUTCOMES, 0)
    counts.update({outcome: n for outcome, n in rows})
    return counts


def list_arrivals(session: Session, outcome: str | None = None) -> list[ArrivalRow]:
    query = select(ArrivalRow).order_by(ArrivalRow.claimed_at, ArrivalRow.claim_id)
    if outcome is not None:
        query = query.where(ArrivalRow.outcome == outcome)
    return list(session.scalars(query))
