"""Full-text search over every stored record (``intmk search``, ``intmk export``).

SQLite: FTS5 over German Snowball stems in a file next to the store; PostgreSQL:
``to_tsvector('german', …)`` in the schema ``intmk_search``. See ``pipeline.search_service``.
"""

from pipeline.search.model import Criteria, IndexRow, SearchFilters, SearchHit
from pipeline.search.open import open_index
from pipeline.search.refresh import refresh_index
from pipeline.search.text import ParsedQuery, make_snippet, parse_query

__all__ = [
    "Criteria", "IndexRow", "ParsedQuery", "SearchFilters", "SearchHit",
    "make_snippet", "open_index", "parse_query", "refresh_index",
]
