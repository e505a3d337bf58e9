"""Majorities (Regularien 5.1) and supermajority thresholds (Regularien 4.3), driven by the profile.

Pure functions: recorded votes in, a ``MajorityResult`` out. The rule itself (quorum, fraction,
whether abstentions count as no, unanimity) is data in ``pipeline/rules/profiles/<body>.toml``.

Only the sixteen Länder vote, one vote each (Regularien 5.1). The Bund has a right to speak
and to move, but no vote (Regularien 5.1), so there is no Bund in ``LandCode`` and none here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Literal, cast

from schemas.errors import UsageProblem
from schemas.records import LAENDER, LandCode, Outcome, VoteCounts, Votes
from schemas.rules import BodyProfile, MajorityResult, SupermajorityRule, parse_fraction

MAX_VOTES = len(LAENDER)  # Regularien 5.1: jedes Land verfügt über eine Stimme

MajorityOutcome = Literal["einstimmig", "mehrheitlich", "abgelehnt", "nicht beschlussfähig"]
VoteCategory = Literal["yes", "no", "abstain", "absent"]
CATEGORY_LABELS: dict[VoteCategory, str] = {
    "yes": "ja",
    "no": "nein",
    "abstain": "Enthaltung",
    "absent": "abwesend",
}
ACCEPTED: frozenset[str] = frozenset({"einstimmig", "mehrheitlich"})


def name_land(code: str) -> str:
    """'BW' → 'Baden-Württemberg (BW)'; an unknown code is shown as it is."""
    name = LAENDER.get(code)
    return f"{name} ({code})" if name else f"'{code}'"


def validate_votes(votes: Votes) -> None:
    """Each Land votes once: in one of yes/no/abstain/absent, and only once there."""
    seen: dict[str, VoteCategory] = {}
    for category in CATEGORY_LABELS:
        for code in getattr(votes, category):
            if code in seen:
                first, second = CATEGORY_LABELS[seen[code]], CATEGORY_LABELS[category]
                where = f"zweimal als {first} erfasst" if first == second else f"zweimal erfasst: {first} und {second}"
                raise UsageProblem(f"{name_land(code)} ist {where}.")
            seen[code] = category


def validate_counts(counts: VoteCounts) -> None:
    """At most one vote per Land: yes + no + abstain never exceeds 16 (Regularien 5.1)."""
    total = counts.yes + counts.no + counts.abstain
    if total > MAX_VOTES:
        raise UsageProblem(
            f"Abstimmungsergebnis {counts.yes}:{counts.no}:{counts.abstain} ist unmöglich: "
            f"{total} Stimmen, es gibt aber nur {MAX_VOTES} Länder mit je einer Stimme."
        )


def resolve_counts(votes: Votes | None, counts: VoteCounts | None) -> VoteCounts:
    """The counts to judge: per-Land votes win over printed counts; one of them is needed."""
    if votes is not None:
        validate_votes(votes)
        return VoteCounts(yes=len(votes.yes), no=len(votes.no), abstain=len(votes.abstain))
    if counts is None:
        raise UsageProblem(
            "Es ist kein Abstimmungsergebnis erfasst (weder eine Länderliste noch Zahlen)."
        )
    validate_counts(counts)
    return counts


def count_cast(counts: VoteCounts, *, abstention_counts_as_no: bool) -> int:
    """Votes cast; abstentions count when they act like a no (Regularien 5.1)."""
    if abstention_counts_as_no:  # Regularien 5.1: Stimmenthaltungen wirken sich wie ein Nein aus
        return counts.yes + counts.no + counts.abstain
    return counts.yes + counts.no


def required_yes(fraction: Fraction, base: int) -> int:
    """Smallest number of yes votes reaching ``fraction`` of ``base``, computed exactly."""
    return math.ceil(fraction * base)


def count_required(profile: BodyProfile, votes_cast: int) -> int:
    """Yes votes needed: all of them for unanimity, else the fraction of those cast."""
    rule = profile.majority
    if rule.rule == "unanimity":
        return votes_cast  # Über die IMK: Beschlüsse einstimmig (Enthaltung möglich, kein Nein)
    # Regularien 5.1: Mehrheit von zwei Dritteln der abgegebenen Stimmen (16 → 11)
    return required_yes(parse_fraction(rule.fraction), votes_cast)


def decide_outcome(profile: BodyProfile, counts: VoteCounts, votes_cast: int) -> MajorityOutcome:
    """Outcome of a quorate vote."""
    if votes_cast == 0:
        return "abgelehnt"
    if counts.yes == votes_cast:  # Regularien 5.1: Konsens (every vote cast is yes)
        return "einstimmig"
    if profile.majority.rule == "fraction_of_cast":
        if counts.yes >= count_required(profile, votes_cast):  # Regularien 5.1
            return "mehrheitlich"
    return "abgelehnt"


def sort_laender(codes: Iterable[str]) -> list[LandCode]:
    """Codes in the order of ``LAENDER`` (alphabetical by German name)."""
    wanted = set(codes)
    return [cast(LandCode, code) for code in LAENDER if code in wanted]


def compute_majority(
    profile: BodyProfile,
    *,
    votes: Votes | None = None,
    counts: VoteCounts | None = None,
    budget_relevant: bool = False,
) -> MajorityResult:
    """Compute the outcome of a vote under the profile's majority rule (Regularien 5.1).

    Per-Land ``votes`` win over ``counts``; counts alone are enough (then ``binding_for`` is
    None). Represented are the Länder that voted yes, no or abstained; absent ones are not.
    For a budget-relevant decision of a body whose decisions then bind only the consenting
    Länder, ``binding_for`` lists the yes Länder (in ``LAENDER`` order).
    """
    resolved = resolve_counts(votes, counts)
    rule = profile.majority
    represented = resolved.yes + resolved.no + resolved.abstain
    votes_cast = count_cast(resolved, abstention_counts_as_no=rule.abstention_counts_as_no)
    outcome: MajorityOutcome
    # Regularien 5.1: beschlussfähig, wenn 13 Länder vertreten sind
    if rule.quorum is not None and represented < rule.quorum:
        outcome = "nicht beschlussfähig"
    else:
        outcome = decide_outcome(profile, resolved, votes_cast)
    binding_for: list[LandCode] | None = None
    # Regularien 5.1: Haushaltswirkung nur für die zustimmenden Länder
    accepted = outcome in ACCEPTED
    if budget_relevant and rule.budget_binds_only_consenting and accepted and votes is not None:
        binding_for = sort_laender(votes.yes)
    return MajorityResult(
        outcome=outcome,
        represented=represented,
        yes=resolved.yes,
        no=resolved.no,
        abstain=resolved.abstain,
        cast=votes_cast,
        required=count_required(profile, votes_cast),
        quorum=rule.quorum,
        binding_for=binding_for,
    )


def validate_supermajority(yes: int, base: int) -> None:
    """Yes votes are a part of the base: neither negative nor more than it."""
    if yes < 0 or base < 0:
        raise UsageProblem(f"Stimmenzahlen können nicht negativ sein ({yes} von {base}).")
    if yes > base:
        raise UsageProblem(f"{yes} Ja-Stimmen sind mehr als die Bezugsgröße von {base}.")


def is_supermajority(yes: int, base: int, rule: SupermajorityRule) -> bool:
    """Whether ``yes`` reaches the rule's fraction of ``base`` (exactly 2/3 counts).

    Regularien 4.3: a late motion needs 2/3 of the participants (base = participants);
    overriding the Bundesrat-pending rule needs 2/3 of the votes cast (base = votes cast).
    A base of 0 never gives a supermajority.
    """
    validate_supermajority(yes, base)
    if base == 0:
        return False
    return yes >= required_yes(parse_fraction(rule.fraction), base)  # Regularien 4.3



def describe_supermajority(rule: SupermajorityRule | None, fallback: str) -> str:
    """'2/3 der Teilnehmenden' (late motions) or '2/3 der abgegebenen Stimmen' (Bundesrat), Regularien 4.3."""
    if rule is None:
        return fallback
    base = "der Teilnehmenden" if rule.base == "participants" else "der abgegebenen Stimmen"
    return f"{rule.fraction} {base}"


def plural(number: int, singular: str, several: str) -> str:
    return f"{number} {singular if number == 1 else several}"


def describe_counts(result: MajorityResult) -> str:
    """'12 Ja, 1 Nein, 2 Enthaltungen'."""
    abstentions = plural(result.abstain, "Enthaltung", "Enthaltungen")
    return f"{result.yes} Ja, {result.no} Nein, {abstentions}"


def describe_majority(result: MajorityResult, *, citation: str = "Regularien 5.1") -> str:
    """German one-liner for the clerk; ``citation`` names the rule (``cite_section(profile…)``)."""
    if result.outcome == "nicht beschlussfähig":
        present = plural(result.represented, "Land", "Länder")
        return (
            f"nicht beschlussfähig: nur {present} vertreten, {result.quorum} erforderlich "
            f"({citation})"
        )
    cast_text = plural(result.cast, "abgegebene Stimme", "abgegebene Stimmen")
    line = (
        f"{result.outcome}: {describe_counts(result)} "
        f"({cast_text}, {result.required} erforderlich; {citation})"
    )
    if result.binding_for is not None:
        codes = ", ".join(result.binding_for)
        line += f"; Haushaltswirkung nur für die zustimmenden Länder: {codes}"
    return line


def compare_outcome(
    printed: Outcome | str | None, result: MajorityResult, *, citation: str = "Regularien 5.1"
) -> str | None:
    """A German warning when the printed ``record.outcome`` contradicts the computed one."""
    if printed is None:
        return None
    printed_text = Outcome(printed).value
    if printed_text == result.outcome:
        return None
    if printed_text == Outcome.ZURUECKGEZOGEN:
        return (
            f"Der Antrag ist als „zurückgezogen“ vermerkt, es ist aber ein Abstimmungsergebnis "
            f"erfasst ({describe_counts(result)}). Bitte prüfen."
        )
    if result.outcome == "nicht beschlussfähig":
        present = plural(result.represented, "Land", "Länder")
        return (
            f"Gedruckt ist „{printed_text}“, laut Abstimmungsergebnis waren aber nur {present} "
            f"vertreten ({result.quorum} erforderlich; {citation}). Bitte prüfen."
        )
    return (
        f"Gedruckt ist „{printed_text}“, aus dem Abstimmungsergebnis ({describe_counts(result)}, "
        f"{result.required} Ja-Stimmen erforderlich) ergibt sich „{result.outcome}“ ({citation}). "
        "Bitte prüfen."
    )
