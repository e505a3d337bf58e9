"""The Grüne Liste (Regularien 7): motions the Vorkonferenz recommended without a vote against.

They are decided en bloc without debate; on the motion of any single Land an item is taken off
the list and dealt with on its own (Regularien 7).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from pipeline.rules.majority import ACCEPTED, compute_majority, name_land, resolve_counts
from schemas.errors import UsageProblem
from schemas.records import LAENDER, LandCode, VoteCounts, Votes
from schemas.rules import BodyProfile

GREEN_LIST_CITATION = "Regularien 7"


class GreenList(BaseModel):
    """Item ids decided en bloc, and the items a Land took off (item id → that Land)."""

    model_config = ConfigDict(extra="forbid")

    items: list[str] = Field(default_factory=list)
    removed: dict[str, LandCode] = Field(default_factory=dict)


def is_green_list_eligible(
    *,
    votes: Votes | None = None,
    counts: VoteCounts | None = None,
    profile: BodyProfile | None = None,
) -> bool:
    """The Vorkonferenz recommended the motion without a vote against (Regularien 7).

    No "no" vote and at least one "yes"; abstentions are allowed. Per-Land ``votes`` win over
    ``counts``. With a ``profile``, the recommendation must also have passed that body's
    majority rule (Regularien 7: the IntMK rules apply to the Vorkonferenz as well).
    """
    resolved = resolve_counts(votes, counts)
    if resolved.no > 0 or resolved.yes == 0:  # Regularien 7: ohne Gegenstimme(n) empfohlen
        return False
    if profile is None:
        return True
    return compute_majority(profile, votes=votes, counts=counts).outcome in ACCEPTED


def split_vote(vote: Votes | VoteCounts) -> tuple[Votes | None, VoteCounts | None]:
    """A Vorkonferenz vote as (per-Land votes, counts): exactly one of them is set."""
    if isinstance(vote, Votes):
        return vote, None
    if isinstance(vote, VoteCounts):
        return None, vote
    raise UsageProblem(f"Unbekannte Form eines Abstimmungsergebnisses: {type(vote).__name__}.")


def is_vote_eligible(vote: Votes | VoteCounts, profile: BodyProfile | None) -> bool:
    votes, counts = split_vote(vote)
    return is_green_list_eligible(votes=votes, counts=counts, profile=profile)


def validate_removal(
    item: str, land: str, pre_conference_votes: Mapping[str, object], eligible: list[str]
) -> None:
    """A removal names a known Land and an item that is on the Grüne Liste."""
    if land not in LAENDER:
        raise UsageProblem(
            f"'{land}' ist kein Länderkürzel (Antrag, {format_item(item)} von der Grünen Liste "
            "zu nehmen)."
        )
    if item not in pre_conference_votes:
        raise UsageProblem(
            f"{name_land(land)} will {format_item(item)} von der Grünen Liste nehmen, "
            "zu diesem Punkt ist aber kein Votum der Vorkonferenz erfasst."
        )
    if item not in eligible:
        raise UsageProblem(
            f"{name_land(land)} will {format_item(item)} von der Grünen Liste nehmen, der Punkt "
            f"steht aber nicht darauf (Gegenstimme oder keine Zustimmung in der Vorkonferenz; "
            f"{GREEN_LIST_CITATION})."
        )


def build_green_list(
    pre_conference_votes: Mapping[str, Votes | VoteCounts],
    removals: Mapping[str, LandCode] | None = None,
    *,
    profile: BodyProfile | None = None,
) -> GreenList:
    """Eligible items in the given order, minus those a Land took off (Regularien 7).

    Any single Land can take an item off; a removal of an item not on the list is a
    ``UsageProblem``.
    """
    eligible = [
        item for item, vote in pre_conference_votes.items() if is_vote_eligible(vote, profile)
    ]
    removals = removals or {}
    for item, land in removals.items():
        validate_removal(item, land, pre_conference_votes, eligible)
    # Regularien 7: auf Antrag eines Landes von der Grünen Liste zu nehmen
    items = [item for item in eligible if item not in removals]
    removed = {item: removals[item] for item in eligible if item in removals}
    return GreenList(items=items, removed=removed)


def format_item(item: str) -> str:
    """'2.12' → 'TOP 2.12'; an id that already names its TOP stays as it is."""
    return item if item.upper().startswith("TOP") else f"TOP {item}"


def describe_green_list(green: GreenList, *, citation: str = GREEN_LIST_CITATION) -> list[str]:
    """German lines for the clerk: what is decided en bloc, and what is dealt with on its own."""
    if not green.items:
        lines = [f"Grüne Liste ({citation}): kein Beschlussvorschlag zur Abstimmung en bloc."]
    else:
        count = len(green.items)
        noun = "Beschlussvorschlag" if count == 1 else "Beschlussvorschläge"
        heading = f"{count} {noun} zur Abstimmung en bloc ohne Aussprache:"
        lines = [f"Grüne Liste ({citation}): {heading}"]
        lines += [f"– {format_item(item)}" for item in green.items]
    for item, land in green.removed.items():
        lines.append(
            f"{format_item(item)} auf Antrag von {name_land(land)} von der Grünen Liste genommen; "
            "wird einzeln behandelt."
        )
    return lines
