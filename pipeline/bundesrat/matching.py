"""Find the Bundesrat procedure a motion touches (Regularien 4.3).

"Sachverhalte, die sich bereits in Gesetzgebungs- oder Antragsverfahren des Bundesrates
befinden, sind einer inhaltlichen Beschlussfassung entzogen" – so the check looks for a
procedure of the register in the motion's title and decision text:

1. A cited Drucksache number ("BR-Drs. 450/26", "Drs. 450/1/26") that is in the register:
   method "drucksache", score 100.
2. Otherwise law and procedure titles found with spaCy Matcher rules ("Entwurf eines … Gesetzes
   zur …", "Gesetz zur …", "…gesetz", "Verordnung zur/über …", "Entschließung des Bundesrates
   …", "Antrag des Landes …", EU items such as "Vorschlag für eine Verordnung …", "Mitteilung
   der Kommission …", and "Allgemeine Verwaltungsvorschrift …"); each candidate runs from its
   trigger to the end of the sentence and is compared with every register title (normalised:
   NFKC, lower case, "Entwurf eines" and "(450/26)" removed) with rapidfuzz:

   * candidate at least as long as the title: ``partial_ratio`` – the whole title must be
     found, nearly verbatim, inside the candidate sentence;
   * candidate shorter than the title: plain ``ratio`` – which cannot get high when lengths
     differ, so a short generic phrase ("Gesetz zur Änderung") never matches a long title.

   ``token_set_ratio`` is not used: it scores 100 whenever one token set contains the other,
   i.e. for every short phrase against every longer title sharing its words. Titles shorter
   than ``MIN_TITLE_CHARS`` are only compared with ``ratio``. The best pair at or above
   ``threshold`` gives method "title".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from extractors.fields.drucksache import find_drucksachen
from extractors.fields.nlp import MAX_SPACY_CHARS, get_nlp
from schemas.rules import BundesratEvidence, BundesratProcedure

DEFAULT_THRESHOLD = 88.0
MIN_TITLE_CHARS = 20
MAX_CANDIDATE_TOKENS = 80
MAX_CANDIDATES = 60
_SENTENCE_END = frozenset({".", ";", "!", "?"})

_ORDINALS = [
    f"{stem}{ending}"
    for stem in ("erst", "zweit", "dritt", "viert", "fünft", "sechst", "siebt", "acht", "neunt",
                 "zehnt", "elft", "zwölft", "dreizehnt", "vierzehnt", "fünfzehnt", "sechzehnt",
                 "siebzehnt", "achtzehnt", "neunzehnt", "zwanzigst")
    for ending in ("e", "en", "es", "er")
]  # fmt: skip
_LAW = ["gesetz", "gesetzes", "gesetze", "gesetzen"]
_LINK = ["zur", "zum", "über", "für", "zu", "des", "der", "vom"]
_ORDINAL = {"LOWER": {"IN": _ORDINALS}, "OP": "?"}
_PATTERNS: dict[str, list[list[dict]]] = {
    # "Entwurf eines [Vierzehnten] Gesetzes …": the span starts after "Entwurf eines"
    "DRAFT": [[{"LOWER": "entwurf"}, {"LOWER": {"IN": ["eines", "einer"]}}]],
    "LAW": [[_ORDINAL, {"LOWER": {"IN": _LAW}}, {"LOWER": {"IN": _LINK}}]],
    "LAW_NAME": [[{"LOWER": {"REGEX": r"^\w{3,}gesetz(?:es|en|e)?$"}}]],
    "ORDINANCE": [[_ORDINAL, {"LOWER": {"IN": ["verordnung", "rechtsverordnung"]}},
                   {"LOWER": {"IN": _LINK}}]],  # fmt: skip
    "RESOLUTION": [[{"LOWER": "entschließung"}, {"LOWER": {"IN": ["des", "zur", "zum", "für"]}}]],
    "MOTION": [[{"LOWER": "antrag"}, {"LOWER": {"IN": ["des", "der"]}},
                {"LOWER": {"IN": ["landes", "länder", "freistaates", "freien"]}}]],  # fmt: skip
    # EU items and administrative rules the Bundesrat deliberates on
    "EU": [
        [{"LOWER": "vorschlag"}, {"LOWER": "für"}, {"LOWER": {"IN": ["eine", "einen"]}}],
        [{"LOWER": {"IN": ["mitteilung", "empfehlung"]}}, {"LOWER": "der"}, {"LOWER": "kommission"}],
        [{"LOWER": "gemeinsame"}, {"LOWER": "mitteilung"}],
    ],
    "RULE": [[{"LOWER": {"IN": ["allgemeine", "allgemeinen"]}}, {"LOWER": "verwaltungsvorschrift"}]],
}
_DRAFT_PREFIX = re.compile(r"^\s*entwurf\s+(?:eines|einer)\s+")
_NUMBER_SUFFIX = re.compile(r"\s*\(\d{1,4}(?:/\d{1,2})?/\d{2}\)\s*$")
_ELLIPSIS = re.compile(r"\.{2,}|…")
_FOLD = str.maketrans({"–": "-", "—": "-", "‑": "-", "„": '"', "“": '"', "”": '"', "‚": "'",
                       "‘": "'", "’": "'", "\n": " ", "\t": " ", "\u00a0": " "})  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Title:
    procedure: BundesratProcedure
    folded: str


@dataclass(frozen=True, slots=True)
class _Hit:
    score: float
    title: _Title
    text: str


@dataclass(frozen=True)
class PreparedRegister:
    """The register made ready for matching many motions: pending numbers indexed, titles folded.

    ``concluded`` holds the register's procedures that are no longer pending: a motion citing one
    of them is not flagged, but its Drucksache is known (not "missing from the register")."""

    by_number: dict[str, BundesratProcedure]
    titles: tuple[_Title, ...]
    concluded: dict[str, BundesratProcedure] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Nothing imported or synced yet: no motion can be checked against the Bundesrat."""
        return not self.by_number and not self.concluded


def prepare_register(
    procedures: Iterable[BundesratProcedure], *, concluded: Iterable[BundesratProcedure] = ()
) -> PreparedRegister:
    """Index the pending procedures once (``match_all`` does this for a whole batch); the
    concluded ones only by number."""
    procedures = list(procedures)
    return PreparedRegister(
        by_number={procedure.drucksache: procedure for procedure in procedures},
        titles=tuple(_Title(p, fold_title(p.title)) for p in procedures if fold_title(p.title)),
        concluded={procedure.drucksache: procedure for procedure in concluded},
    )


def match_bundesrat(
    text: str,
    procedures: Sequence[BundesratProcedure] | PreparedRegister,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> BundesratEvidence | None:
    """Evidence that ``text`` (a motion's title + decision text) touches a registered Bundesrat
    procedure (Regularien 4.3), or None."""
    register = procedures if isinstance(procedures, PreparedRegister) else prepare_register(procedures)
    for citation in find_drucksachen(text):
        procedure = register.by_number.get(citation.number)
        if procedure is not None:
            return _evidence(procedure, "drucksache", citation.raw, 100.0)
    hit = _best_title_hit(text, register.titles, threshold)
    if hit is None:
        return None
    return _evidence(hit.title.procedure, "title", hit.text, round(hit.score, 1))


def match_all(
    records_texts: Iterable[str],
    procedures: Sequence[BundesratProcedure],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[BundesratEvidence | None]:
    """``match_bundesrat`` for many motions against one register (indexed once)."""
    register = prepare_register(procedures)
    return [match_bundesrat(text, register, threshold=threshold) for text in records_texts]


def fold_title(title: str) -> str:
    """Register title as compared: NFKC, lower case, no "Entwurf eines", no "(450/26)"."""
    folded = _fold(title)
    folded = _NUMBER_SUFFIX.sub("", _DRAFT_PREFIX.sub("", folded))
    return " ".join(_ELLIPSIS.sub(" ", folded).split())


def find_title_candidates(text: str) -> list[str]:
    """Text spans that may name a law or procedure, each from its trigger to the sentence end."""
    candidates: dict[tuple[int, int], str] = {}
    for number, paragraph in enumerate(re.split(r"\n\s*\n", text)):
        doc = get_nlp().make_doc(paragraph[:MAX_SPACY_CHARS])
        for span in _trigger_spans(doc):
            candidates.setdefault((number, span.start), _extend(doc, span))
            if len(candidates) >= MAX_CANDIDATES:
                return list(candidates.values())
    return list(candidates.values())


# --------------------------------------------------------------------------- internals


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_FOLD).lower()


@functools.lru_cache(maxsize=1)
def _matcher() -> Matcher:
    matcher = Matcher(get_nlp().vocab)
    for label, patterns in _PATTERNS.items():
        matcher.add(label, patterns)
    return matcher


def _trigger_spans(doc: Doc) -> list[Span]:
    """Matcher hits, longest first at each start; "Entwurf eines" starts after itself."""
    spans: dict[int, Span] = {}
    for match_id, start, end in _matcher()(doc):
        label = doc.vocab.strings[match_id]
        if label == "DRAFT":
            start = end
            if start >= len(doc):
                continue
        if start not in spans or spans[start].end < end:
            spans[start] = doc[start:end]
    return [spans[start] for start in sorted(spans)]


def _extend(doc: Doc, span: Span) -> str:
    """From the trigger to the end of its sentence (at most MAX_CANDIDATE_TOKENS tokens)."""
    end = span.start
    limit = min(len(doc), span.start + MAX_CANDIDATE_TOKENS)
    while end < limit and doc[end].text not in _SENTENCE_END:
        end += 1
    return doc[span.start : max(end, span.end)].text


def _best_title_hit(text: str, titles: Sequence[_Title], threshold: float) -> _Hit | None:
    best: _Hit | None = None
    for candidate in find_title_candidates(text):
        folded = _fold(candidate)
        aligned = len(folded) == len(candidate)  # then offsets in folded are offsets in candidate
        for title in titles:
            hit = _score(candidate, folded, aligned, title, threshold)
            if hit is not None and (best is None or _key(hit) > _key(best)):
                best = hit
    return best


def _key(hit: _Hit) -> tuple[float, int]:
    """Higher score first; on a tie the longer (more specific) title: "Zweite Verordnung zur
    Änderung der X" over "Verordnung zur Änderung der X" when the text names the former."""
    return (hit.score, len(hit.title.folded))


def _score(candidate: str, folded: str, aligned: bool, title: _Title, threshold: float) -> _Hit | None:
    if len(folded) >= len(title.folded) and len(title.folded) >= MIN_TITLE_CHARS:
        alignment = fuzz.partial_ratio_alignment(title.folded, folded, score_cutoff=threshold)
        if alignment is None:
            return None
        found = _widen(candidate, alignment.dest_start, alignment.dest_end) if aligned else candidate
        return _Hit(alignment.score, title, found)
    score = fuzz.ratio(folded, title.folded, score_cutoff=threshold)
    return _Hit(score, title, candidate) if score else None


def _widen(text: str, start: int, end: int) -> str:
    """``text[start:end]`` grown to whole words ("es zur …beendigu" -> "Gesetzes zur …beendigung")."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace() and text[end] not in ",;:)":
        end += 1
    return text[start:end].strip()


def _evidence(procedure: BundesratProcedure, method: str, text: str, score: float) -> BundesratEvidence:
    return BundesratEvidence(
        drucksache=procedure.drucksache,
        title=procedure.title,
        status=procedure.status,
        method=method,  # type: ignore[arg-type]
        matched_text=text,
        score=score,
    )
