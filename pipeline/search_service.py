"""Searching the stored resolutions and motions (``intmk search``; a web page later).

Every search first brings the index up to date (``refresh_index``, cheap when nothing changed).
Snippets mark matching words with «…»: on SQLite the words whose stems match, on PostgreSQL
what ``ts_headline`` marks.
"""

from __future__ import annotations

import re

from pipeline.assignment import canonical_body
from pipeline.conference_service import parse_conference_ref
from pipeline.search.index_base import Found
from pipeline.search.model import (
    NO_FILTERS,
    Criteria,
    IndexRow,
    SearchFilters,
    SearchHit,
)
from pipeline.search.open import open_index
from pipeline.search.refresh import refresh_index
from pipeline.search.text import (
    MARK_CLOSE,
    MARK_OPEN,
    ParsedQuery,
    make_snippet,
    parse_query,
)
from pipeline.settings import Settings
from pipeline.storage import Database
from schemas import LAENDER, Outcome
from schemas.errors import UsageProblem

__all__ = ["SearchFilters", "SearchHit", "hit_of", "refresh_index", "resolve_filters", "search"]

MAX_LIMIT = 10_000
MARKED = re.compile(f"{MARK_OPEN}([^{MARK_CLOSE}]*){MARK_CLOSE}")


def search(db: Database, settings: Settings, query: str, filters: SearchFilters = NO_FILTERS, limit: int | None = 20) -> list[SearchHit]:
    """Records matching every word of ``query`` (German stems) and every filter, best first.

    ``limit=None`` returns every match (for an export).
    """
    parsed = parse_query(query)
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise UsageProblem(f"Die Trefferzahl muss zwischen 1 und {MAX_LIMIT} liegen.")
    criteria = resolve_filters(filters, settings)
    refresh_index(db, settings)
    found = open_index(db, settings).search(parsed, criteria, limit)
    return [hit_of(rank, item, parsed) for rank, item in enumerate(found, start=1)]


def resolve_filters(filters: SearchFilters, settings: Settings, document_type: str | None = None) -> Criteria:
    """The filters as the index stores them; unknown Länder, outcomes or conferences are usage errors."""
    body, number = filters.body, None
    if filters.conference is not None:
        conference_body, number = parse_conference_ref(filters.conference)
        if body is not None and canonical_body(body, settings).lower() != canonical_body(conference_body, settings).lower():
            raise UsageProblem(f"Gremium {body} und Konferenz {filters.conference} widersprechen sich.")
        body = conference_body
    land = filters.land.strip().upper() if filters.land else None
    if land is not None and land not in LAENDER:
        raise UsageProblem(f"Unbekanntes Länderkürzel: {filters.land} (erwartet z. B. BY, NW, RP).")
    outcome = filters.outcome.strip().lower() if filters.outcome else None
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        choices = ", ".join(o.value for o in Outcome)
        raise UsageProblem(f"Unbekanntes Ergebnis: {filters.outcome} (möglich: {choices}).")
    return Criteria(
        body=canonical_body(body, settings) if body else None, number=number, year=filters.year, land=land,
        outcome=outcome, late=True if filters.late else None, bundesrat=True if filters.bundesrat else None,
        document_type=document_type,
    )


def hit_of(rank: int, found: Found, parsed: ParsedQuery) -> SearchHit:
    """A found row as a hit: PostgreSQL's headline as snippet, on SQLite one made here."""
    row: IndexRow = found.row
    snippet = " ".join(found.headline.split()) if found.headline is not None else make_snippet(row.full_text, parsed)
    return SearchHit(
        rank=rank, score=found.score, sha256=row.sha256, record_index=row.record_index, top=row.top,
        title=row.title, conference=row.conference_key, body=row.body, number=row.number, year=row.year,
        page=row.page, outcome=row.outcome, document_type=row.document_type, applicants=list(row.applicants),
        late=row.late, bundesrat=row.bundesrat, ocr=row.ocr, snippet=snippet, highlights=MARKED.findall(snippet),
    )
