"""Pydantic models of the extraction record contract (DESIGN.md, "Extraction record").

Field names are part of the public contract of ``intmk extract --json``; extra fields are
allowed to be added, never renamed or removed.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# ISO 3166-2:DE codes of the sixteen Länder, in alphabetical order of their German names
# (the order that also drives the chair rotation, Regularien 3.1).
LAENDER: dict[str, str] = {
    "BW": "Baden-Württemberg",
    "BY": "Bayern",
    "BE": "Berlin",
    "BB": "Brandenburg",
    "HB": "Bremen",
    "HH": "Hamburg",
    "HE": "Hessen",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "RP": "Rheinland-Pfalz",
    "SL": "Saarland",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}

LandCode = Literal[
    "BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV",
    "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH",
]


class SessionKind(StrEnum):
    HAUPTKONFERENZ = "hauptkonferenz"
    VORKONFERENZ = "vorkonferenz"
    SONDERSITZUNG = "sondersitzung"
    UMLAUFVERFAHREN = "umlaufverfahren"


class DocumentType(StrEnum):
    BESCHLUSS = "beschluss"
    BESCHLUSSVORSCHLAG = "beschlussvorschlag"


class Outcome(StrEnum):
    EINSTIMMIG = "einstimmig"
    MEHRHEITLICH = "mehrheitlich"
    ABGELEHNT = "abgelehnt"
    ZURUECKGEZOGEN = "zurückgezogen"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ErrorInfo(_Model):
    """A classified problem: ``code`` from ``schemas.errors.ErrorCode``, ``message`` in German."""

    code: str
    message: str
    pages: list[int] = Field(default_factory=list, description="affected pages, if any")


class ErrorRecord(_Model):
    """What ``intmk extract --json`` prints for a file that yielded no record."""

    path: str
    error: ErrorInfo


class Source(_Model):
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    pages: tuple[int, int] = Field(description="first and last page of this item (1-based)")
    ocr: bool = False
    ocr_confidence: float | None = Field(default=None, ge=0, le=100, description="mean Tesseract word confidence")
    format: Literal["pdf", "docx"] = "pdf"


class Conference(_Model):
    number: int | None = Field(default=None, ge=1)
    year: int | None = Field(default=None, ge=1949, le=2200)
    start: dt.date | None = None
    end: dt.date | None = None
    place: str | None = None
    session: SessionKind | None = None
    digital: bool = False

    @model_validator(mode="after")
    def _check_dates(self) -> Conference:
        if self.start and self.end and self.end < self.start:
            raise ValueError("conference.end liegt vor conference.start")
        return self


class Statement(_Model):
    """A Protokollerklärung by one or more Länder."""

    by: list[LandCode] = Field(default_factory=list)
    text: str


class Votes(_Model):
    yes: list[LandCode] = Field(default_factory=list)
    no: list[LandCode] = Field(default_factory=list)
    abstain: list[LandCode] = Field(default_factory=list)
    absent: list[LandCode] = Field(default_factory=list)


class VoteCounts(_Model):
    yes: int = Field(ge=0)
    no: int = Field(ge=0)
    abstain: int = Field(ge=0)


class ExtractionRecord(_Model):
    """One agenda item (TOP) found in a document: a motion or a resolution."""

    source: Source
    status: Literal["success", "partial"] = "success"
    errors: list[ErrorInfo] = Field(default_factory=list, description="problems of a partial success")
    body: str | None = None
    conference: Conference = Field(default_factory=Conference)
    document_type: DocumentType = DocumentType.BESCHLUSS
    top: str | None = None
    label: str | None = None
    title: str | None = None
    subtitle: str | None = None
    applicants: list[LandCode] = Field(default_factory=list)
    applicants_all: bool = False
    outcome: Outcome | None = None
    decision_text: str | None = None
    reasoning: str | None = None
    statements: list[Statement] = Field(default_factory=list)
    votes: Votes | None = None
    vote_counts: VoteCounts | None = None
    released: bool | None = Field(
        default=None, description="Veröffentlichung freigegeben (IMK: '(freigegeben)'), sonst null"
    )

    @model_validator(mode="after")
    def _check_consistency(self) -> ExtractionRecord:
        if self.errors and self.status == "success":
            raise ValueError("ein Datensatz mit Fehlern ist kein voller Erfolg (status=partial)")
        if self.applicants_all and len(set(self.applicants)) != len(LAENDER):
            raise ValueError("applicants_all verlangt alle 16 Länder in applicants")
        return self


# Glossary: an agenda item (TOP) is what the extraction record describes.
AgendaItem = ExtractionRecord
