"""Which conference a stored document belongs to.

A motion belongs to the conference its header names; otherwise to its body's next conference after
its receipt; a clerk can reassign it (issue: rules of procedure, "Checks on every motion").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.rules.profiles import load_profile
from pipeline.settings import Settings
from pipeline.storage.conferences import find_conference_row
from pipeline.storage.documents import list_unassigned_documents, load_records
from pipeline.storage.models import ConferenceRow, DocumentRow
from pipeline.version import PIPELINE_VERSION
from schemas import ExtractionRecord, SessionKind
from schemas.errors import ConfigError, UsageProblem

ASSIGNABLE_SESSIONS = (SessionKind.HAUPTKONFERENZ.value, SessionKind.SONDERSITZUNG.value)


def assign_document(
    session: Session,
    settings: Settings,
    document: DocumentRow,
    records: Sequence[ExtractionRecord],
    requested: tuple[str, int] | None,
) -> None:
    """Header first, then the body's next conference after receipt; an explicit request wins."""
    if requested is not None:
        row = require_conference(session, settings, *requested)
        document.conference_id, document.assigned_by = row.id, "clerk"
        return
    body = canonical_body(first_body(records) or settings.default_body, settings)
    named = next((r.conference.number for r in records if r.conference.number), None)
    if named is not None:  # the header decides; a conference not yet entered gets it once added
        found = find_conference_row(session, body, named)
        if found is not None:
            document.conference_id, document.assigned_by = found.id, "header"
        return
    upcoming = find_next_conference(session, body, document.received or document.first_seen)
    if upcoming is not None:
        document.conference_id, document.assigned_by = upcoming.id, "receipt"


def assign_waiting_documents(session: Session, settings: Settings) -> int:
    """Assign stored motions that no conference has yet (after a conference was added)."""
    assigned = 0
    for document in list_unassigned_documents(session):
        records = load_records(session, document.sha256, PIPELINE_VERSION) or []
        assign_document(session, settings, document, records, None)
        assigned += document.conference_id is not None
    return assigned


def canonical_body(body: str, settings: Settings) -> str:
    """The body as its profile spells it; a body without a profile (JFMK …) stays as printed."""
    try:
        return load_profile(body, settings.profile_dir).body
    except ConfigError:
        return body


def first_body(records: Sequence[ExtractionRecord]) -> str | None:
    return next((r.body for r in records if r.body), None)


def find_next_conference(session: Session, body: str, received: dt.datetime) -> ConferenceRow | None:
    """The body's first conference (not a written procedure) starting on or after the receipt day."""
    query = (
        select(ConferenceRow)
        .where(ConferenceRow.body == body, ConferenceRow.session.in_(ASSIGNABLE_SESSIONS))
        .where(ConferenceRow.start >= received.date())
        .order_by(ConferenceRow.start)
        .limit(1)
    )
    return session.scalars(query).first()


def require_conference(session: Session, settings: Settings, body: str, number: int) -> ConferenceRow:
    body = load_profile(body, settings.profile_dir).body
    row = find_conference_row(session, body, number)
    if row is None:
        raise UsageProblem(f"Die Konferenz {body} {number} ist nicht erfasst.")
    return row
