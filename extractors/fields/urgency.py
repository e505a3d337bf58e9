"""Whether a motion states an urgency justification (Regularien 4.3: "besondere, aktuelle
Dringlichkeit …, die vom Mitglied darzulegen ist").

Only explicit words count: "Dringlichkeit", "dringlich", "eilbedürftig", "Eilantrag". Ordinary
emphasis ("dringend erforderlich") is not a justification; a negation ("keine Dringlichkeit") is
not one either. The evidence is the sentence that states it.
"""

from __future__ import annotations

import re

MAX_URGENCY_CHARS = 400  # a stated reason is a sentence; longer evidence is cut

_CUE = re.compile(
    r"\b(?:Dringlichkeit|dringlich(?:e[nmrs]?)?|Eilbedürftigkeit|eilbedürftig(?:e[nmrs]?)?|Eilantrag|Eilfall)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:keine|kein|nicht|ohne)\s+(?:\w+,?\s+){0,2}$", re.IGNORECASE)
_DENIAL = re.compile(r"^\W*(?:besteht|liegt|ist)\s+(?:\w+\s+)?(?:nicht|keine)\b", re.IGNORECASE)
# a sentence ends at . ! ? before a capital or a numbered paragraph ("5. Die …"), but not after an ordinal ("1. Mai") or an
# abbreviation ("z. B.", "Dr.", "Abs.")
_SENTENCE_END = re.compile(
    r"(?<!\b\d\.)(?<!\b\d\d\.)(?<!\b\w\.)(?<!\bDr\.)(?<!\bNr\.)(?<!\bAbs\.)(?<!\bArt\.)(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"(]|\d{1,2}\.\s)"
    r"|\n\s*\n"
)


def find_urgency_statement(text: str | None) -> str | None:
    """The first sentence stating an urgency, or None."""
    if not text:
        return None
    for match in _CUE.finditer(text):
        before, after = text[max(0, match.start() - 60) : match.start()], text[match.end() : match.end() + 40]
        if _NEGATION.search(before) or _DENIAL.match(after):
            continue
        return extract_sentence(text, match.start(), match.end())
    return None


def extract_sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end], on one line."""
    boundaries = [m.end() for m in _SENTENCE_END.finditer(text)]
    left = max((b for b in boundaries if b <= start), default=0)
    right = min((b for b in boundaries if b > end), default=len(text))
    sentence = " ".join(text[left:right].split())
    return sentence[:MAX_URGENCY_CHARS]
