"""Länder named in a short text: full names, official forms, genitives and abbreviations."""

from __future__ import annotations

import re
from typing import cast

from extractors.fields.nlp import LAND, LAND_ADJ, analyse
from schemas import LAENDER, LandCode

ALL_LAENDER: tuple[LandCode, ...] = cast(tuple[LandCode, ...], tuple(LAENDER))

# Cheap pre-filter: no spaCy call for a text that cannot name a Land (substring tests on
# the lower-cased text cost ~1 µs; one case-insensitive regex alternation cost ~13 µs).
_NAME_STEMS = (
    "baden", "bay", "berlin", "brandenburg", "brem", "hamburg", "hess", "mecklenburg",
    "vorpommern", "nieders", "nordrhein", "westf", "rheinland", "pfalz", "pfälz", "saar",
    "sachs", "sächs", "schleswig", "holstein", "thüring",
)  # fmt: skip
_CODE_HINT = re.compile(
    r"\b(?:BW|BY|BE|BB|HB|HH|HE|MV|NI|NW|RP|SL|SN|ST|SH|TH|NRW|RLP|LSA|NDS|Nds|M-V|S-H|B-W|BaWü)\b"
)
_ALL_LAENDER = re.compile(
    r"\b(?:alle|sämtliche)\s+(?:(?:16|sechzehn)\s+)?(?:Bundes)?länder\b", re.IGNORECASE
)
_EXCEPT = re.compile(
    r"\b(?:außer|ausser|ohne|ausgenommen|mit\s+Ausnahme\s+(?:von|des|der))\b", re.IGNORECASE
)
_APPLICANT_LABEL = re.compile(
    r"^\W*(?:Antragstell\w*(?:/\w+)?(?:\s+Länder|\s+Land)?|Anträge|Antrag(?:\s+(?:von|des|der))?"
    r"|Einbringer|Einreicher)\b\s*:?\s*",
    re.IGNORECASE,
)


def _may_name_land(text: str) -> bool:
    lowered = text.lower()
    return any(stem in lowered for stem in _NAME_STEMS) or bool(_CODE_HINT.search(text))


def find_laender(text: str, *, adjectives: bool = False) -> list[LandCode]:
    """Länder named in ``text``, in document order, each once.

    Whole tokens only: "Berliner" is not Berlin, "Sachsen" inside "Sachsen-Anhalt" or
    "Niedersachsen" is not Sachsen, "BE" counts only in upper case. With ``adjectives``,
    "bayerische" and the like count too (for statement headings).
    """
    if not text or not _may_name_land(text):
        return []
    labels = {LAND, LAND_ADJ} if adjectives else {LAND}
    found: list[LandCode] = []
    for ent in analyse(text).ents:
        code = ent.ent_id_
        if ent.label_ in labels and code in LAENDER and code not in found:
            found.append(cast(LandCode, code))
    return found


def strip_applicant_label(text: str) -> str:
    """Drop a leading "Antragsteller:", "Antrag:", "- Antrag" and a trailing framing dash."""
    stripped = _APPLICANT_LABEL.sub("", text.strip(), count=1)
    return stripped.strip().rstrip("-–— ").strip()


def parse_applicants(text: str) -> tuple[list[LandCode], bool]:
    """Applicant Länder and whether all Länder applied.

    "Alle Länder" gives all 16 in ``schemas.LAENDER`` order and ``True``; "Alle Länder außer
    Bayern" gives the other 15 and ``False``. A list naming all 16 also yields ``True``.
    """
    body = strip_applicant_label(text)
    if _ALL_LAENDER.search(body):
        exception = _EXCEPT.search(body)
        excluded = find_laender(body[exception.end():]) if exception else []
        if excluded:
            return [code for code in ALL_LAENDER if code not in excluded], False
        return list(ALL_LAENDER), True
    codes = find_laender(body)
    return codes, len(codes) == len(ALL_LAENDER)


def complement(codes: list[LandCode]) -> list[LandCode]:
    """All Länder not in ``codes``, in ``schemas.LAENDER`` order."""
    return [code for code in ALL_LAENDER if code not in codes]
