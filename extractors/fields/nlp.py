"""The one spaCy pipeline of the field parsers: German tokenizer plus rule-based entities.

``spacy.blank("de")`` needs no model download. An ``EntityRuler`` marks the Länder (label
``LAND``, entity id = ISO 3166-2:DE code), adjectives naming a Land (``LAND_ADJ``, e.g.
"bayerische") and conference bodies (``BODY``, entity id = the body's abbreviation). The
pipeline is built once per process (``get_nlp`` is cached) and only ever sees short spans.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_suffix_regex

from schemas import LAENDER

# Longest span a parser hands to spaCy. Field parsers get a line or a few joined lines; a
# longer input is cut here so that an adversarial string cannot cost more than milliseconds.
MAX_SPACY_CHARS = 20_000

LAND = "LAND"
LAND_ADJ = "LAND_ADJ"
BODY = "BODY"

# Official and customary forms beyond the plain name (genitive, state titles, abbreviations).
_LAND_FORMS: dict[str, tuple[str, ...]] = {
    "BW": ("Baden-Württembergs", "BaWü", "B-W"),
    "BY": ("Bayerns", "Freistaat Bayern", "Freistaates Bayern", "Freistaats Bayern"),
    "BE": ("Berlins", "Land Berlin", "Landes Berlin"),
    "BB": ("Brandenburgs", "Land Brandenburg", "Landes Brandenburg"),
    "HB": ("Bremens", "Freie Hansestadt Bremen", "Freien Hansestadt Bremen"),
    "HH": ("Hamburgs", "Freie und Hansestadt Hamburg", "Freien und Hansestadt Hamburg"),
    "HE": ("Hessens", "Land Hessen", "Landes Hessen"),
    "MV": ("Mecklenburg-Vorpommerns", "M-V"),
    "NI": ("Niedersachsens", "NDS", "Nds", "Nds."),
    "NW": ("Nordrhein-Westfalens", "NRW"),
    "RP": ("RLP",),
    "SL": ("Saarlandes", "Saarlands"),
    "SN": ("Sachsens", "Freistaat Sachsen", "Freistaates Sachsen", "Freistaats Sachsen"),
    "ST": ("Sachsen-Anhalts", "LSA"),
    "SH": ("Schleswig-Holsteins", "S-H"),
    "TH": (
        "Thüringens", "Freistaat Thüringen", "Freistaates Thüringen", "Freistaats Thüringen",
    ),  # fmt: skip
}

# Adjective stems that name exactly one Land ("Berliner" is left out: "Berliner Erklärung").
_LAND_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "BW": ("baden-württembergisch",),
    "BY": ("bayerisch", "bayrisch"),
    "BB": ("brandenburgisch",),
    "HB": ("bremisch",),
    "HH": ("hamburgisch",),
    "HE": ("hessisch",),
    "MV": ("mecklenburg-vorpommersch",),
    "NI": ("niedersächsisch",),
    "NW": ("nordrhein-westfälisch",),
    "RP": ("rheinland-pfälzisch",),
    "SL": ("saarländisch",),
    "SN": ("sächsisch",),
    "ST": ("sachsen-anhaltisch",),
    "SH": ("schleswig-holsteinisch",),
    "TH": ("thüringisch",),
}
_ADJECTIVE_ENDINGS = ("", "e", "en", "er", "es", "em")

# Conference bodies: abbreviation -> names as printed (matched case-insensitively).
BODIES: dict[str, tuple[str, ...]] = {
    "IntMK": (
        "IntMK",
        "Integrationsministerkonferenz",
        "Konferenz der für Integration zuständigen Ministerinnen und Minister, Senatorinnen "
        "und Senatoren der Länder",
        "Konferenz der für Integration zuständigen Ministerinnen und Minister / Senatorinnen "
        "und Senatoren der Länder",
        "Konferenz der für Integration zuständigen Ministerinnen und Minister",
    ),
    "IMK": (
        "IMK",
        "Innenministerkonferenz",
        "Ständige Konferenz der Innenminister und -senatoren der Länder",
        "Ständigen Konferenz der Innenminister und -senatoren der Länder",
    ),
    "JFMK": ("JFMK", "Jugend- und Familienministerkonferenz"),
    "ASMK": ("ASMK", "Arbeits- und Sozialministerkonferenz"),
    "GMK": ("GMK", "Gesundheitsministerkonferenz"),
    "KMK": ("KMK", "Kultusministerkonferenz"),
    "GFMK": ("GFMK", "Gleichstellungs- und Frauenministerkonferenz"),
    "JuMiKo": ("JuMiKo", "Justizministerkonferenz"),
    "UMK": ("UMK", "Umweltministerkonferenz"),
    "VMK": ("VMK", "Verkehrsministerkonferenz"),
    "WMK": ("WMK", "Wirtschaftsministerkonferenz"),
    "FMK": ("FMK", "Finanzministerkonferenz"),
    "AMK": ("AMK", "Agrarministerkonferenz"),
    "BMK": ("BMK", "Bauministerkonferenz"),
    "EMK": ("EMK", "Europaministerkonferenz"),
    "SMK": ("SMK", "Sportministerkonferenz"),
    "MPK": ("MPK", "Ministerpräsidentenkonferenz"),
}


def _customize_tokenizer(nlp: Language) -> None:
    """Split "BY;(HE" and "M-V." the way the parsers need; everything else stays spaCy's."""
    infixes = [*nlp.Defaults.infixes, r"[;()\[\]]"]
    suffixes = [*nlp.Defaults.suffixes, r"(?<=-[A-Z])\."]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


def _spellings(phrase: str) -> Iterator[str]:
    """``phrase`` as printed, in capitals, and "Sachsen - Anhalt" / "Sachsen- Anhalt"."""
    yield phrase
    if not phrase.isupper():
        yield phrase.upper()
    if "-" in phrase and " " not in phrase and not phrase[:2].isupper():
        head, _, tail = phrase.partition("-")
        yield f"{head} - {tail}"
        yield f"{head}- {tail}"


def _phrase_patterns(label: str, entity_id: str, phrases: Iterable[str]) -> Iterator[dict]:
    # Phrase (string) patterns go to spaCy's PhraseMatcher, which is ~500x faster here than
    # the token Matcher; therefore every spelling is listed instead of matching on LOWER.
    for phrase in phrases:
        for spelling in _spellings(phrase):
            yield {"label": label, "pattern": spelling, "id": entity_id}


def _land_patterns() -> Iterator[dict]:
    for code, name in LAENDER.items():
        yield from _phrase_patterns(LAND, code, (name, *_LAND_FORMS.get(code, ())))
        # the ISO code itself, as an upper-case whole token only ("BE", never "Be" or "be")
        yield {"label": LAND, "pattern": code, "id": code}
        adjectives = [
            inflected
            for stem in _LAND_ADJECTIVES.get(code, ())
            for ending in _ADJECTIVE_ENDINGS
            for inflected in (stem + ending, (stem + ending).capitalize())
        ]
        yield from _phrase_patterns(LAND_ADJ, code, adjectives)


def _body_patterns() -> Iterator[dict]:
    for body, names in BODIES.items():
        yield from _phrase_patterns(BODY, body, names)


@functools.lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Blank German pipeline with an EntityRuler for LAND, LAND_ADJ and BODY (built once)."""
    nlp = spacy.blank("de")
    _customize_tokenizer(nlp)
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns([*_land_patterns(), *_body_patterns()])
    return nlp


def analyse(text: str) -> Doc:
    """Run the cached pipeline on ``text`` cut to ``MAX_SPACY_CHARS``."""
    return get_nlp()(text[:MAX_SPACY_CHARS])
