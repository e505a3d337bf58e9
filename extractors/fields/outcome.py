"""Outcome of a vote and the lines that introduce operative text or mark a motion."""

from __future__ import annotations

import re

from extractors.fields.votes import find_count_mentions, parse_vote_counts
from schemas import Outcome

MAX_OUTCOME_CHARS = 2_000  # an outcome is a line or two; longer input is cut

_MOTION = re.compile(
    r"^\W*Beschluss(?:vorschlag|empfehlung)\b"
    r"|\b(?:möge|mögen|wolle|wollen)\s(?:\S+\s){0,3}?beschließen\b"
    r"|\bempfiehlt\b[^:]{0,120}?\b(?:zu\sfassen|zu\sbeschließen)\b",
    re.IGNORECASE,
)
_INTRO_LABEL = re.compile(
    r"\W*Beschluss(?:vorschlag|empfehlung|text|fassung)?(?:\s(?:der|des)\s\w+(?:\s\w+)?)?"
    r"\s?:(?P<rest>.*)",
    re.IGNORECASE,
)
# "Beschluss: abgelehnt" reports an outcome, it introduces no text
_OUTCOME_ONLY = re.compile(
    r"\W*(?:einstimmig|mehrheitlich|abgelehnt|zurückgezogen|angenommen)\w*(?:\s\w+)?\W*",
    re.IGNORECASE,
)
_INTRO_SENTENCE = re.compile(
    r"\W*(?:Die|Der|Das)\s.{1,150}?\s(?:hat\s(?:.{0,80}?\s)?(?:beschlossen|gefasst)"
    r"|beschließt|beschloss|fasst\sfolgenden\sBeschluss|(?:möge|wolle)\sbeschließen"
    r"|empfiehlt[^:]{0,120}?(?:zu\sfassen|zu\sbeschließen))\s?:?\s?",
    re.IGNORECASE,
)
_OUTCOME = re.compile(
    r"\b(?:(?P<rejected>(?:einstimmig|mehrheitlich)(?:e|er|es)?"
    r"(?:\s(?!angenommen|zugestimmt|beschlossen)[^\s:]+){0,3}?\s(?:abgelehnt|Ablehnung)"
    r"|abgelehnt|(?:nicht|keine)\s(?:angenommen|beschlossen|zugestimmt|Zustimmung)"
    r"|keine\s(?:erforderliche\s|ausreichende\s)?Mehrheit|ansonsten\sAblehnung"
    r"|(?:Abstimmungsergebnis|Ergebnis|Beschluss|Votum)\s?:\s?Ablehnung)"
    r"|(?P<majority>nicht\seinstimmig|mehrheitlich\w*|Mehrheitsbeschluss"
    r"|mit\s(?:der\s)?(?:erforderlichen\s)?(?:Zweidrittel-?|Zwei-Drittel-|2/3-?)?[Mm]ehrheit)"
    r"|(?P<unanimous>einstimmig\w*|Einstimmigkeit)"
    r"|(?P<withdrawn>zurückgezogen|zurückgenommen)"
    r"|(?P<accepted>zugestimmt|angenommen|beschlossen|Zustimmung))(?![a-zäöüß])",
    re.IGNORECASE,
)
_GROUP_OUTCOME = {
    "rejected": Outcome.ABGELEHNT,
    "majority": Outcome.MEHRHEITLICH,
    "unanimous": Outcome.EINSTIMMIG,
    "withdrawn": Outcome.ZURUECKGEZOGEN,
}


def is_motion_marker(line: str) -> bool:
    """ "Beschlussvorschlag:", "Die IntMK möge beschließen:", "… wolle beschließen"."""
    return bool(_MOTION.search(line[:MAX_OUTCOME_CHARS]))


def is_decision_intro(line: str) -> bool:
    """The line before the operative text: "Die IntMK hat einstimmig beschlossen:",
    "Beschluss:", "Beschlussvorschlag:", "Die IntMK möge beschließen:" and the like."""
    line = line[:MAX_OUTCOME_CHARS]
    label = _INTRO_LABEL.fullmatch(line)
    if label:
        return not _OUTCOME_ONLY.fullmatch(label.group("rest"))
    return bool(_INTRO_SENTENCE.fullmatch(line))


def _outcome_from_counts(text: str) -> Outcome | None:
    """Plain "zugestimmt"/"angenommen": unanimous only without no-votes and abstentions
    (abstentions count like a no, Regularien 5.1)."""
    counts = parse_vote_counts(text)
    if counts is not None:
        unanimous = counts.no == 0 and counts.abstain == 0
        return Outcome.EINSTIMMIG if unanimous else Outcome.MEHRHEITLICH
    mentions = find_count_mentions(text)
    if mentions.get("no", 0) > 0 or mentions.get("abstain", 0) > 0:
        return Outcome.MEHRHEITLICH
    return None


def parse_outcome(text: str) -> Outcome | None:
    """Outcome printed in ``text``: "Die IntMK hat einstimmig beschlossen:",
    "Abstimmungsergebnis: mehrheitlich", "Beschluss: abgelehnt", "(zurückgezogen)",
    "Mehrheitlich abgelehnt (14 Ja-Stimmen)". ``None`` for motions and when nothing is said."""
    text = text[:MAX_OUTCOME_CHARS]
    if is_motion_marker(text):
        return None
    match = _OUTCOME.search(text)
    if match is None:
        return None
    if match.lastgroup == "accepted":
        return _outcome_from_counts(text)
    return _GROUP_OUTCOME[match.lastgroup or ""]
