"""Tables of the store. Documents are unique by SHA-256; extractions by SHA-256 + pipeline version."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes stored as UTC on every database (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime cannot be stored; attach a time zone")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ConferenceRow(Base):
    __tablename__ = "conferences"
    __table_args__ = (UniqueConstraint("body", "number", name="uq_conferences_body_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    session: Mapped[str] = mapped_column(String(32))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    digital: Mapped[bool] = mapped_column(Boolean, default=False)
    chair: Mapped[str | None] = mapped_column(String(2))
    pre_conference: Mapped[dt.date | None] = mapped_column(Date)
    minutes_sent: Mapped[dt.date | None] = mapped_column(Date)


class DocumentRow(Base):
    """An original file as received; never altered, kept content-addressed in the archive."""

    __tablename__ = "documents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    original_name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    first_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    received: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    received_source: Mapped[str | None] = mapped_column(String(16))
    submitted_by: Mapped[str | None] = mapped_column(String(2))
    sender: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    conference_id: Mapped[int | None] = mapped_column(ForeignKey("conferences.id"), index=True)
    assigned_by: Mapped[str | None] = mapped_column(String(16))
    # Where the original lies now, as "<folder kind>:<path inside it>" (folders can be moved by setting).
    location: Mapped[str | None] = mapped_column(Text)
    # An attachment of an e-mail points to the e-mail it came in.
    parent_sha256: Mapped[str | None] = mapped_column(String(64), index=True)


class ExtractionRow(Base):
    """The records extracted from one document by one pipeline version."""

    __tablename__ = "extractions"
    __table_args__ = (
        UniqueConstraint("sha256", "pipeline_version", name="uq_extractions_sha256_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("documents.sha256"))
    pipeline_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    records: Mapped[list] = mapped_column(JSON, default=list)
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class BundesratProcedureRow(Base):
    """The local register of Bundesrat procedures (Regularien 4.3)."""

    __tablename__ = "bundesrat_procedures"

    drucksache: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(Text)
    initiated: Mapped[dt.date | None] = mapped_column(Date)
    updated: Mapped[dt.date | None] = mapped_column(Date)
    dip_id: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(8))
    stored: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ArrivalRow(Base):
    """One file claimed from the inbox (RELIABILITY.md conservation: each accounted for exactly once).

    ``outcome`` is ``queued`` until the store commit of its result; the same commit records where
    the original goes, so a restart after a crash only has to finish the move.
    """

    __tablename__ = "arrivals"

    claim_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    original_name: Mapped[str] = mapped_column(Text)
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    location: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class AttachmentRow(Base):
    """One attachment of an e-mail that arrived in the inbox, and what became of it there.

    Written in the transaction that stores the attachment's document, or alone for a duplicate
    (which has no document of its own): ``intmk status`` counts attachments from these rows.
    """

    __tablename__ = "attachments"

    email_claim_id: Mapped[str] = mapped_column(ForeignKey("arrivals.claim_id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, … in the e-mail
    name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class MeetingInputRow(Base):
    """One imported meeting input file (votes, participants, …) of one conference.

    A new import of the same kind replaces the earlier one in the same transaction.
    """

    __tablename__ = "meeting_inputs"
    __table_args__ = (UniqueConstraint("conference_id", "kind", name="uq_meeting_inputs_conference_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conferences.id"))
    kind: Mapped[str] = mapped_column(String(16))
    entries: Mapped[list] = mapped_column(JSON, default=list)
    source_name: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64))
    imported: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DigitizationRow(Base):
    """One scanned file of an archive batch (``intmk digitize``): done once per SHA-256 and pipeline version."""

    __tablename__ = "digitizations"
    __table_args__ = (UniqueConstraint("sha256", "pipeline_version", name="uq_digitizations_sha256_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pipeline_version: Mapped[str] = mapped_column(String(32))
    source_path: Mapped[str] = mapped_column(Text)
    output_path: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int | None] = mapped_column(Integer)
    ocr_pages: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float | None] = mapped_column(Float)
    finished: Mapped[dt.datetime] = mapped_column(UTCDateTime())
