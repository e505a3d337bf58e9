"""The Grüne Liste (Regularien 7): eligibility, removals by a single Land, wording."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.fields.laender import ALL_LAENDER
from pipeline.rules.green_list import (
    GreenList,
    build_green_list,
    describe_green_list,
    is_green_list_eligible,
)
from pipeline.rules.profiles import load_profile
from schemas import LandCode, UsageProblem, VoteCounts, Votes

INTMK = load_profile("IntMK")


def counts(yes: int, no: int, abstain: int) -> VoteCounts:
    return VoteCounts(yes=yes, no=no, abstain=abstain)


@pytest.mark.parametrize(
    ("vote", "eligible"),
    [
        (counts(16, 0, 0), True),
        (counts(15, 0, 1), True),  # abstentions allowed
        (counts(1, 0, 15), True),
        (counts(13, 0, 0), True),
        (counts(15, 1, 0), False),  # one vote against is enough to keep it off
        (counts(12, 2, 2), False),
        (counts(0, 0, 16), False),  # nobody recommended it
        (counts(0, 0, 0), False),
    ],
)
def test_eligibility_from_counts(vote: VoteCounts, eligible: bool) -> None:
    assert is_green_list_eligible(counts=vote) is eligible


def test_eligibility_from_per_land_votes_wins_over_counts() -> None:
    votes = Votes(yes=list(ALL_LAENDER[:15]), abstain=["TH"])
    assert is_green_list_eligible(votes=votes, counts=counts(15, 1, 0)) is True
    votes = Votes(yes=list(ALL_LAENDER[:15]), no=["TH"])
    assert is_green_list_eligible(votes=votes, counts=counts(16, 0, 0)) is False


@pytest.mark.parametrize(
    ("vote", "eligible"),
    [
        (counts(16, 0, 0), True),
        (counts(13, 0, 0), True),
        (counts(12, 0, 0), False),  # Vorkonferenz not quorate (Regularien 7 with 5.1)
        (counts(10, 0, 6), False),  # no 2/3 of votes cast: not recommended
        (counts(11, 0, 5), True),
    ],
)
def test_eligibility_with_the_profile_majority(vote: VoteCounts, eligible: bool) -> None:
    assert is_green_list_eligible(counts=vote, profile=INTMK) is eligible


def test_eligibility_needs_vote_data() -> None:
    with pytest.raises(UsageProblem, match="kein Abstimmungsergebnis"):
        is_green_list_eligible()


def test_impossible_vote_data_is_rejected() -> None:
    with pytest.raises(UsageProblem, match="zweimal erfasst"):
        is_green_list_eligible(votes=Votes(yes=["HB"], no=["HB"]))
    with pytest.raises(UsageProblem, match="nur 16 Länder"):
        is_green_list_eligible(counts=counts(17, 0, 0))


PRE_CONFERENCE: dict[str, Votes | VoteCounts] = {
    "2.1": counts(16, 0, 0),
    "2.2": counts(14, 1, 1),  # a vote against: dealt with on its own
    "2.3": Votes(yes=list(ALL_LAENDER[:14]), abstain=["SH", "TH"]),
    "2.4": counts(15, 0, 1),
    "2.5": counts(0, 0, 16),
}


def test_build_green_list_keeps_order_and_drops_contested_items() -> None:
    green = build_green_list(PRE_CONFERENCE, {})
    assert green == GreenList(items=["2.1", "2.3", "2.4"], removed={})


def test_a_single_land_takes_an_item_off() -> None:
    green = build_green_list(PRE_CONFERENCE, {"2.3": "BY"})
    assert green.items == ["2.1", "2.4"]
    assert green.removed == {"2.3": "BY"}


def test_removals_are_listed_in_agenda_order() -> None:
    green = build_green_list(PRE_CONFERENCE, {"2.4": "SL", "2.1": "HE"})
    assert green.items == ["2.3"]
    assert list(green.removed) == ["2.1", "2.4"]


@pytest.mark.parametrize(
    ("removals", "message"),
    [
        ({"2.2": "BY"}, "Bayern (BY) will TOP 2.2 von der Grünen Liste nehmen, der Punkt steht"),
        ({"2.5": "BW"}, "Baden-Württemberg (BW) will TOP 2.5"),
        ({"9.9": "SN"}, "kein Votum der Vorkonferenz erfasst"),
        ({"2.1": "XX"}, "'XX' ist kein Länderkürzel"),
    ],
)
def test_bad_removals_are_usage_problems(removals: dict[str, LandCode], message: str) -> None:
    with pytest.raises(UsageProblem) as caught:
        build_green_list(PRE_CONFERENCE, removals)
    assert message in caught.value.message


def test_build_with_the_profile_applies_its_majority() -> None:
    votes: dict[str, Votes | VoteCounts] = {"1": counts(16, 0, 0), "2": counts(10, 0, 6)}
    assert build_green_list(votes, {}).items == ["1", "2"]
    assert build_green_list(votes, {}, profile=INTMK).items == ["1"]


def test_describe_green_list() -> None:
    green = build_green_list(PRE_CONFERENCE, {"2.3": "BY"})
    assert describe_green_list(green) == [
        "Grüne Liste (Regularien 7): 2 Beschlussvorschläge zur Abstimmung en bloc ohne Aussprache:",
        "– TOP 2.1",
        "– TOP 2.4",
        "TOP 2.3 auf Antrag von Bayern (BY) von der Grünen Liste genommen; wird einzeln behandelt.",
    ]


def test_describe_singular_and_empty_lists() -> None:
    assert describe_green_list(GreenList(items=["TOP 3"]))[0].startswith(
        "Grüne Liste (Regularien 7): 1 Beschlussvorschlag zur"
    )
    assert describe_green_list(GreenList(items=["TOP 3"]))[1] == "– TOP 3"
    assert describe_green_list(GreenList()) == [
        "Grüne Liste (Regularien 7): kein Beschlussvorschlag zur Abstimmung en bloc."
    ]


@given(
    st.dictionaries(
        st.from_regex(r"[1-9]\.[0-9]{1,2}", fullmatch=True),
        st.tuples(st.integers(0, 16), st.integers(0, 16), st.integers(0, 16)).filter(
            lambda t: sum(t) <= 16
        ),
        max_size=12,
    ),
    st.data(),
)
def test_green_list_properties(
    raw: dict[str, tuple[int, int, int]], data: st.DataObject
) -> None:
    votes: dict[str, Votes | VoteCounts] = {item: counts(*t) for item, t in raw.items()}
    eligible = [item for item, (yes, no, _) in raw.items() if no == 0 and yes > 0]
    pick = st.lists(st.sampled_from(eligible), unique=True) if eligible else st.just([])
    chosen = data.draw(pick)
    removals: dict[str, LandCode] = {
        item: data.draw(st.sampled_from(ALL_LAENDER)) for item in chosen
    }
    green = build_green_list(votes, removals)
    assert green.items == [item for item in eligible if item not in removals]
    assert green.removed == {item: removals[item] for item in eligible if item in removals}
    assert len(describe_green_list(green)) == 1 + len(green.items) + len(green.removed)
