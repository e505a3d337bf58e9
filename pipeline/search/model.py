"""What the search index holds per record, what a search asks for, and what it finds."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from schemas import LAENDER, ExtractionRecord

DOCUMENT_TYPE_MOTION = "beschlussvorschlag"


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One stored record as the index keeps it; (sha256, record_index) is its stable key."""

    sha256: str
    record_index: int
    document_type: str
    body: str | None
    number: int | None
    year: int | None
    session: str | None
    top: str | None
    title: str | None
    subtitle: str | None
    applicants: tuple[str, ...]
    outcome: str | None
    page: int | None
    late: bool | None
    bundesrat: bool
    ocr: bool
    decision_text: str | None
    statements: tuple[tuple[tuple[str, ...], str], ...] = ()

    @property
    def search_text(self) -> str:
        """What is searched besides the title. The Begründung (reasoning) is deliberately left out:
        it is internal and never published (Regularien 5.3), so a search must not surface it."""
        parts = [self.subtitle, self.decision_text, *(text for _, text in self.statements)]
        return "\n\n".join(part for part in parts if part)

    @property
    def full_text(self) -> str:
        """Title and searched text: where snippets come from."""
        return "\n\n".join(part for part in (self.title, self.search_text) if part)

    @property
    def conference_key(self) -> str | None:
        return f"{self.body}-{self.number}" if self.body and self.number else None

    def statements_json(self) -> str:
        return json.dumps([{"by": list(by), "text": text} for by, text in self.statements], ensure_ascii=False)


def make_index_row(
    sha256: str, index: int, record: ExtractionRecord, conference: ConferenceFacts | None,
    late: bool | None, bundesrat: bool, body: str | None,
) -> IndexRow:
    """The index row of one record: conference facts from the record, else from the assigned conference."""
    # record.reasoning (the Begründung) is never copied: internal, not published (Regularien 5.3)
    number = record.conference.number or (conference.number if conference else None)
    year = record.conference.year or (record.conference.start.year if record.conference.start else None)
    if year is None and conference is not None and number == conference.number:
        year = conference.year
    session = record.conference.session.value if record.conference.session else (conference.session if conference else None)
    return IndexRow(
        sha256=sha256, record_index=index, document_type=record.document_type.value, body=body,
        number=number, year=year, session=session, top=record.top, title=record.title, subtitle=record.subtitle,
        applicants=tuple(record.applicants), outcome=record.outcome.value if record.outcome else None,
        page=record.source.pages[0], late=late, bundesrat=bundesrat, ocr=record.source.ocr,
        decision_text=record.decision_text,
        statements=tuple((tuple(s.by), s.text) for s in record.statements),
    )


@dataclass(frozen=True, slots=True)
class ConferenceFacts:
    """What the index takes from an assigned conference when the record itself does not say."""

    body: str
    number: int
    year: int
    session: str


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Narrowing a search; every filter set must hold (AND). ``conference`` as 'IntMK 23'."""

    body: str | None = None
    year: int | None = None
    conference: str | None = None
    land: str | None = None
    outcome: str | None = None
    late: bool | None = None
    bundesrat: bool | None = None

    def describe(self) -> list[str]:
        """The filters in German, for the head of an export."""
        labels = {
            "body": "Gremium", "year": "Jahr", "conference": "Konferenz", "land": "Antragsteller",
            "outcome": "Ergebnis",
        }
        lines = [f"{label}: {getattr(self, name)}" for name, label in labels.items() if getattr(self, name) is not None]
        if self.late:
            lines.append("nur verfristete Anträge")
        if self.bundesrat:
            lines.append("nur im Bundesrat anhängige Themen")
        return lines

    def as_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value is not None}


NO_FILTERS = SearchFilters()


@dataclass(frozen=True, slots=True)
class Criteria:
    """Filters in the form the index stores (canonical body, conference number, upper-case Land)."""

    body: str | None = None
    number: int | None = None
    year: int | None = None
    land: str | None = None
    outcome: str | None = None
    late: bool | None = None
    bundesrat: bool | None = None
    document_type: str | None = None


@dataclass(slots=True)
class SearchHit:
    """One found record, best first. ``snippet`` marks matching words with «…»."""

    rank: int
    score: float
    sha256: str
    record_index: int
    top: str | None
    title: str | None
    conference: str | None
    body: str | None
    number: int | None
    year: int | None
    page: int | None
    outcome: str | None
    document_type: str
    applicants: list[str]
    late: bool | None
    bundesrat: bool
    ocr: bool
    snippet: str
    highlights: list[str] = field(default_factory=list)

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    def to_json(self) -> dict:
        return {**asdict(self), "short_hash": self.short_hash}


def describe_conference(body: str | None, number: int | None, year: int | None) -> str:
    """'12. IntMK 2017', 'IntMK 2017', 'ohne Konferenzangabe'."""
    if not (number or year):
        return "ohne Konferenzangabe"
    return " ".join(part for part in (f"{number}." if number else None, body, str(year) if year else None) if part)


def encode_applicants(codes: tuple[str, ...]) -> str:
    """Applicants as stored for filtering: '|BE|BB|' (a LIKE '%|BE|%' finds one Land)."""
    joined = "|".join(code for code in codes if code in LAENDER)
    return f"|{joined}|" if joined else ""


def decode_applicants(stored: str | None) -> tuple[str, ...]:
    return tuple(code for code in (stored or "").split("|") if code)


def top_sort_key(top: str | None) -> tuple:
    """Natural order of agenda items: 2.9b before 2.10, 'I 1' and 'A3' by their parts."""
    parts = re.findall(r"\d+|[^\W\d_]+", top or "")
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in parts)
