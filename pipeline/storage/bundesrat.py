"""The local register of Bundesrat procedures (Regularien 4.3) in the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.storage.models import BundesratProcedureRow
from schemas.rules import BundesratProcedure

FIELDS = tuple(BundesratProcedure.model_fields)


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    added: int
    updated: int
    unchanged: int


def upsert_procedures(session: Session, procedures: Iterable[BundesratProcedure]) -> UpsertCounts:
    """Insert new procedures and update changed ones, keyed by Drucksache number."""
    added = updated = unchanged = 0
    now = dt.datetime.now(dt.UTC)
    for procedure in procedures:
        row = session.get(BundesratProcedureRow, procedure.drucksache)
        values = procedure.model_dump()
        if row is None:
            session.add(BundesratProcedureRow(**values, stored=now))
            added += 1
        elif to_procedure(row) != procedure:
            for name, value in values.items():
                setattr(row, name, value)
            row.stored = now
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return UpsertCounts(added, updated, unchanged)


def list_procedures(session: Session) -> list[BundesratProcedure]:
    rows = session.scalars(select(BundesratProcedureRow).order_by(BundesratProcedureRow.drucksache))
    return [to_procedure(row) for row in rows]


def to_procedure(row: BundesratProcedureRow) -> BundesratProcedure:
    return BundesratProcedure.model_validate({name: getattr(row, name) for name in FIELDS})
