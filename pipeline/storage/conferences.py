"""Conferences in the store: add, update, look up (``intmk conference …``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.storage.models import ConferenceRow
from schemas.errors import ErrorCode, UsageProblem
from schemas.rules import ConferenceEntry

ENTRY_FIELDS = tuple(ConferenceEntry.model_fields)


def save_conference(session: Session, entry: ConferenceEntry, *, replace: bool = False) -> ConferenceRow:
    """Insert a conference; an existing one (same body and number) only with ``replace``."""
    row = find_conference_row(session, entry.body, entry.number)
    if row is not None and not replace:
        raise UsageProblem(
            f"Die Konferenz {entry.body} {entry.number} ist schon erfasst "
            f"(Beginn {row.start:%d.%m.%Y}). Zum Ändern --replace angeben."
        )
    row = row or ConferenceRow()
    for name, value in entry.model_dump().items():
        setattr(row, name, value)  # SessionKind is a str enum: stored as its text
    session.add(row)
    session.flush()
    return row


def find_conference_row(session: Session, body: str, number: int) -> ConferenceRow | None:
    query = select(ConferenceRow).where(ConferenceRow.body == body, ConferenceRow.number == number)
    return session.scalars(query).one_or_none()


def get_conference(session: Session, body: str, number: int) -> ConferenceEntry:
    return to_entry(require_conference_row(session, body, number))


def require_conference_row(session: Session, body: str, number: int) -> ConferenceRow:
    row = find_conference_row(session, body, number)
    if row is None:
        raise UsageProblem(
            f"Die Konferenz {body} {number} ist nicht erfasst. "
            f"Erfassen mit: intmk conference add {body} {number} --start JJJJ-MM-TT",
            code=ErrorCode.NOT_FOUND,
        )
    return row


def list_conferences(session: Session, body: str | None = None) -> list[ConferenceEntry]:
    query = select(ConferenceRow).order_by(ConferenceRow.start, ConferenceRow.number)
    if body is not None:
        query = query.where(ConferenceRow.body == body)
    return [to_entry(row) for row in session.scalars(query)]


def to_entry(row: ConferenceRow) -> ConferenceEntry:
    return ConferenceEntry.model_validate({name: getattr(row, name) for name in ENTRY_FIELDS})


def read_conference_file(path: Path) -> list[ConferenceEntry]:
    """Conferences from a TOML file with one ``[[conference]]`` table per conference."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageProblem(f"{path}: kann nicht gelesen werden: {exc}") from exc
    tables = data.get("conference")
    if not isinstance(tables, list) or not tables:
        raise UsageProblem(f"{path}: keine Tabelle [[conference]] gefunden.")
    return [parse_conference_table(path, index, table) for index, table in enumerate(tables, 1)]


def parse_conference_table(path: Path, index: int, table: dict) -> ConferenceEntry:
    try:
        return ConferenceEntry.model_validate(table)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'Eintrag'}: {e['msg']}" for e in exc.errors())
        raise UsageProblem(f"{path}: Konferenz Nr. {index} in der Datei: {problems}") from exc
