"""Field parsers: short strings (a line or a few joined lines) -> plain data.

Rule-based on spaCy's German tokenizer (``spacy.blank("de")``) with an EntityRuler for Länder
and conference bodies, plus plain regular expressions where a line has a fixed shape. No
model download. ``extractors.segment`` and ``extractors.records`` build on these functions.
"""

from extractors.fields.conference import ConferenceHeader, parse_conference_header
from extractors.fields.dates import DateMatch, find_date_span, parse_date_span
from extractors.fields.laender import ALL_LAENDER, find_laender, parse_applicants
from extractors.fields.nlp import get_nlp
from extractors.fields.outcome import is_decision_intro, is_motion_marker, parse_outcome
from extractors.fields.statements import parse_statement_heading, split_statement
from extractors.fields.top import (
    TopHeading,
    looks_like_toc_line,
    parse_numbered_item_heading,
    parse_top_heading,
)
from extractors.fields.votes import (
    find_count_mentions,
    parse_absent,
    parse_vote_counts,
    parse_vote_lists,
)

__all__ = [
    "ALL_LAENDER",
    "ConferenceHeader",
    "DateMatch",
    "TopHeading",
    "find_count_mentions",
    "find_date_span",
    "find_laender",
    "get_nlp",
    "is_decision_intro",
    "is_motion_marker",
    "looks_like_toc_line",
    "parse_absent",
    "parse_applicants",
    "parse_conference_header",
    "parse_date_span",
    "parse_numbered_item_heading",
    "parse_outcome",
    "parse_statement_heading",
    "parse_top_heading",
    "parse_vote_counts",
    "parse_vote_lists",
    "split_statement",
]
