"""Meeting inputs in the store: one validated file per kind and conference."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.storage.models import MeetingInputRow
from schemas.meeting import InputKind, MeetingInputs



def save_meeting_input(
    session: Session, conference_id: int, kind: InputKind, entries: list, source_name: str, source_sha256: str
) -> MeetingInputRow:
    """Store the entries of one file; an earlier file of the same kind is replaced."""
    query = select(MeetingInputRow).where(MeetingInputRow.conference_id == conference_id, MeetingInputRow.kind == kind.value)
    row = session.scalars(query).one_or_none() or MeetingInputRow(conference_id=conference_id, kind=kind.value)
    row.entries = [entry.model_dump(mode="json") for entry in entries]
    row.source_name, row.source_sha256 = source_name, source_sha256
    row.imported = dt.datetime.now(dt.UTC)
    session.add(row)
    session.flush()
    return row


def load_meeting_inputs(session: Session, conference_id: int) -> MeetingInputs:
    rows = session.scalars(select(MeetingInputRow).where(MeetingInputRow.conference_id == conference_id))
    data = {InputKind(row.kind).value: row.entries for row in rows}  # a kind is named like its field
    return MeetingInputs.model_validate(data)


def list_meeting_sources(session: Session, conference_id: int) -> list[MeetingInputRow]:
    query = select(MeetingInputRow).where(MeetingInputRow.conference_id == conference_id)
    return list(session.scalars(query.order_by(MeetingInputRow.kind)))
