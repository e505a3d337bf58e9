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
# Where a line states an outcome and nothing else (Issue 19): an optional label, an optional
# "Der Antrag wurde" or "Bei 14 Ja-Stimmen", the outcome words, then only counts or a bracket.
MAX_STATEMENT_CHARS = 120
_STATEMENT_LABEL = re.compile(
    r"\W*(?:Abstimmungsergebnis|Ergebnis|Beschluss(?:fassung)?|Votum|Abstimmung)\s?:\s?", re.IGNORECASE
)
_STATEMENT_LEAD = re.compile(
    r"\W*(?:(?:(?:Der|Die|Das)\s)?(?:Antrag|Beschlussvorschlag|Beschlussantrag|Tagesordnungspunkt|TOP)(?:\s\S+)?"
    r"\s(?:wurde|wird|ist|hat|fand)(?:\s(?:von|vom|durch|im|in)\s\S+(?:\s\S+)?)?\s?"
    r"|(?:Bei|Mit)\s[^.:]{0,80}?(?:Stimmen|Stimme|Enthaltungen|Enthaltung)\s?)?"
    rf"(?={_OUTCOME.pattern})",
    re.IGNORECASE,
)
_STATEMENT_TAIL = re.compile(
    r"(?:\s?(?:angenommen|beschlossen|zugestimmt|abgelehnt|worden|zurückgezogen|gefunden|Zustimmung|Ablehnung"
    r"|\(.{0,80}?\)|(?:mit|bei)\s[^.,;]{0,60}|\d{1,2}\s?:\s?\d{1,2}\s?:\s?\d{1,2}))*[\s.;:!]*",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\(\s*(?:zurückgezogen|zurückgenommen|abgelehnt)\s*\)", re.IGNORECASE)

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


def parse_outcome_statement(line: str) -> Outcome | None:
    """The outcome of a line that states it and says nothing else: "Abstimmungsergebnis: abgelehnt",
    "Einstimmig angenommen", "Der Antrag wurde zurückgezogen.", "Titel (zurückgezogen)",
    "Mehrheitlich abgelehnt (14 Ja-Stimmen)". ``None`` for running prose that merely contains such
    a word ("(1) Der Antrag soll abgelehnt werden, wenn …")."""
    if len(line) > MAX_STATEMENT_CHARS or is_motion_marker(line):
        return None
    if bracketed := _BRACKETED.search(line):
        return parse_outcome(bracketed.group())
    label = _STATEMENT_LABEL.match(line)
    rest = line[label.end() :] if label else line
    lead = _STATEMENT_LEAD.match(rest)
    match = _OUTCOME.match(rest, lead.end()) if lead else None
    if match is None or not _STATEMENT_TAIL.fullmatch(rest, match.end()):
        return None
    return parse_outcome(rest)
