"""Vote counts ("13:1:2", "13 Ja, 1 Nein, 2 Enthaltungen") and per-Land vote lists."""

from __future__ import annotations

import re
from typing import Literal

from extractors.fields.laender import complement, find_laender
from schemas import LandCode, VoteCounts, Votes

Category = Literal["yes", "no", "abstain"]

MAX_VOTE_CHARS = 20_000  # a vote line is short; longer input is cut

_NUMBER_WORDS: dict[str, int] = {
    "kein": 0, "keine": 0, "keiner": 0, "ein": 1, "eine": 1, "einer": 1, "einem": 1, "zwei": 2,
    "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16,
}  # fmt: skip
_NUM = r"(?:\d{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"

_KEYWORDS: dict[Category, str] = {
    "yes": r"(?:Ja-?\s?Stimmen?|(?-i:Ja|JA)|Zustimmungen|Zustimmung|Befürworter(?:innen)?"
    r"|Pro-?Stimmen?|Für-?Stimmen?|Stimmen\sdafür|dafür)",
    "no": r"(?:Nein-?\s?Stimmen?|(?-i:Nein|NEIN)|Gegenstimmen?|Ablehnungen|ablehnende\sStimmen?"
    r"|Stimmen\sdagegen|dagegen)",
    "abstain": r"(?:(?:Stimm)?[Ee]nthaltung(?:en)?|enthalten)",
}
# "13 Ja", "eine Enthaltung" (number first) and "Ja: 13", "Enthaltung = 2" (label first)
_NUMBER_FIRST: tuple[tuple[Category, re.Pattern[str]], ...] = tuple(
    (category, re.compile(rf"\b(?P<n>{_NUM})\s{{0,3}}{keyword}(?![\wäöüß-])", re.IGNORECASE))
    for category, keyword in _KEYWORDS.items()
)
_LABEL_FIRST: tuple[tuple[Category, re.Pattern[str]], ...] = tuple(
    (
        category,
        re.compile(
            rf"(?<![\wäöüß-]){keyword}\s{{0,3}}[:=]\s{{0,3}}(?P<n>\d{{1,4}})(?![\d:])",
            re.IGNORECASE,
        ),
    )
    for category, keyword in _KEYWORDS.items()
)
_TRIPLE = re.compile(r"(?<![\d:.,])(\d{1,3})\s?:\s?(\d{1,3})\s?:\s?(\d{1,3})(?![\d:])")
_REST = re.compile(r"\b(?:Rest|ansonsten|übrigen|sonst)\b", re.IGNORECASE)
_UNANIMOUS = re.compile(r"\beinstimmig", re.IGNORECASE)

_LIST_LABEL = re.compile(
    r"(?<![\wäöüß-])(?P<label>(?-i:Ja|JA)(?:-Stimmen)?|Zustimmung|Dafür|Nein(?:-Stimmen)?|Dagegen"
    r"|Gegenstimmen?|Ablehnung|(?:Stimm)?[Ee]nthaltung(?:en)?|Enthalten|Abwesend"
    r"|Nicht\sanwesend|Nicht\svertreten|Nicht\steilgenommen)\s?:",
    re.IGNORECASE,
)
_LABEL_CATEGORY: tuple[tuple[str, str], ...] = (
    ("ja", "yes"), ("zustimmung", "yes"), ("dafür", "yes"), ("nein", "no"), ("dagegen", "no"),
    ("gegenstimm", "no"), ("ablehnung", "no"), ("enthalt", "abstain"), ("stimmenthalt", "abstain"),
    ("abwesend", "absent"), ("nicht", "absent"),
)  # fmt: skip
_OTHERS = re.compile(
    r"\balle\s(?:(?:übrigen|anderen|weiteren|restlichen)\s)?Länder\b", re.IGNORECASE
)
_ABSENT = re.compile(
    r"(?:\bbei\s)?\b(?:Abwesenheit|Nichtteilnahme|Nichtbeteiligung)\s(?:(?:von|des|der)\s)?"
    r"(?P<who>[^);:]{0,300})",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"\.\s[A-ZÄÖÜ][a-zäöüß]")


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def find_count_mentions(text: str) -> dict[Category, int]:
    """Every category printed with a number ("44 Ja-Stimmen", "Enthaltung: 2"), first wins.

    A number that follows a label ("Ja: 13 Nein: 1") belongs to that label, never to the
    label after it.
    """
    text = text[:MAX_VOTE_CHARS]
    found: dict[Category, tuple[int, int]] = {}  # category -> (position, count)
    claimed: set[int] = set()  # start offsets of numbers taken by "label: number"
    for patterns in (_LABEL_FIRST, _NUMBER_FIRST):
        for category, pattern in patterns:
            for match in pattern.finditer(text):
                if match.start("n") in claimed:
                    continue
                if patterns is _LABEL_FIRST:
                    claimed.add(match.start("n"))
                if category not in found or match.start() < found[category][0]:
                    found[category] = (match.start(), _number(match.group("n")))
                break
    return {category: count for category, (_, count) in found.items()}


def parse_vote_counts(text: str) -> VoteCounts | None:
    """Yes/no/abstain counts: "13:1:2", "13 Ja, 1 Nein, 2 Enthaltungen", "Ja: 13 Nein: 1
    Enthaltung: 2", "Bei 44 Ja-Stimmen und 2 Enthaltungen". Categories not printed count as 0
    when at least two are printed (or "einstimmig" with a yes count); "Rest"/"ansonsten"
    makes the result unknown (``None``)."""
    text = text[:MAX_VOTE_CHARS]
    triple = _TRIPLE.search(text)
    if triple:
        yes, no, abstain = (int(group) for group in triple.groups())
        return VoteCounts(yes=yes, no=no, abstain=abstain)
    mentions = find_count_mentions(text)
    if not mentions or _REST.search(text):
        return None
    if len(mentions) < 2 and not (set(mentions) == {"yes"} and _UNANIMOUS.search(text)):
        return None
    return VoteCounts(
        yes=mentions.get("yes", 0), no=mentions.get("no", 0), abstain=mentions.get("abstain", 0)
    )


def _cut_at_sentence_end(text: str) -> str:
    end = _SENTENCE_END.search(text)
    return text[: end.start()] if end else text


def parse_absent(text: str) -> list[LandCode]:
    """Länder named in "Bei Abwesenheit von Bayern und Sachsen" / "(Bei Abwesenheit von BY)"."""
    absent: list[LandCode] = []
    for match in _ABSENT.finditer(text[:MAX_VOTE_CHARS]):
        for code in find_laender(_cut_at_sentence_end(match.group("who"))):
            if code not in absent:
                absent.append(code)
    return absent


def _label_category(label: str) -> str:
    lowered = label.lower()
    return next(category for prefix, category in _LABEL_CATEGORY if lowered.startswith(prefix))


def parse_vote_lists(text: str) -> Votes | None:
    """Per-Land votes: "Ja: BE, BB, HB; Nein: BY; Enthaltung: SN, TH" (names or codes), plus
    "Bei Abwesenheit von …". "Ja: alle übrigen Länder" means every Land not listed elsewhere.
    ``None`` when no Land is listed."""
    text = text[:MAX_VOTE_CHARS]
    absent = parse_absent(text)
    without_absence = _ABSENT.sub(" ", text)
    lists: dict[str, list[LandCode]] = {"yes": [], "no": [], "abstain": [], "absent": list(absent)}
    others: str | None = None
    labels = list(_LIST_LABEL.finditer(without_absence))
    for index, label in enumerate(labels):
        stop = labels[index + 1].start() if index + 1 < len(labels) else len(without_absence)
        segment = without_absence[label.end() : stop]
        category = _label_category(label.group("label"))
        if _OTHERS.search(segment):
            others = category
        for code in find_laender(segment):
            if code not in lists[category]:
                lists[category].append(code)
    if others:
        listed = [code for codes in lists.values() for code in codes]
        lists[others] = [*lists[others], *[c for c in complement(listed) if c not in lists[others]]]
    if not any(lists.values()):
        return None
    return Votes(yes=lists["yes"], no=lists["no"], abstain=lists["abstain"], absent=lists["absent"])
