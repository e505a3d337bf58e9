"""Arrivals: one row per file claimed from the inbox, and its outcome (RELIABILITY.md conservation)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.storage.models import ArrivalRow

OUTCOMES = ("processed", "quarantined", "duplicate", "queued")


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


def list_arrivals(session: Session, outcome: str | None = None) -> list[ArrivalRow]:
    query = select(ArrivalRow).order_by(ArrivalRow.claimed_at, ArrivalRow.claim_id)
    if outcome is not None:
        query = query.where(ArrivalRow.outcome == outcome)
    return list(session.scalars(query))
