"""Majorities (Regularien 5.1) and supermajority thresholds (Regularien 4.3), from the profiles."""

from __future__ import annotations

import itertools
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.fields.laender import ALL_LAENDER, parse_applicants
from extractors.fields.outcome import parse_outcome
from extractors.fields.votes import parse_vote_counts, parse_vote_lists
from pipeline.rules.majority import (
    compare_outcome,
    compute_majority,
    describe_majority,
    is_supermajority,
    validate_votes,
)
from pipeline.rules.profiles import load_profile
from schemas import LandCode, Outcome, UsageProblem, VoteCounts, Votes
from schemas.errors import ExitCode
from schemas.rules import BodyProfile, MajorityResult, SupermajorityRule, cite_section
from tests.fixtures.sample import SAMPLE_FILE, load_sample, unwrap

INTMK = load_profile("IntMK")
IMK = load_profile("IMK")
LATE_MOTION = INTMK.late_motion_admission
BUNDESRAT_OVERRIDE = INTMK.bundesrat_override
CATEGORIES = ("yes", "no", "abstain", "absent")


def counts(yes: int, no: int, abstain: int) -> VoteCounts:
    return VoteCounts(yes=yes, no=no, abstain=abstain)


def split_laender(yes: int, no: int = 0, abstain: int = 0) -> Votes:
    """The first ``yes`` Länder vote yes, the next ``no`` no, then abstentions; the rest absent."""
    codes = list(ALL_LAENDER)
    cuts = (yes, yes + no, yes + no + abstain)
    return Votes(
        yes=codes[: cuts[0]],
        no=codes[cuts[0] : cuts[1]],
        abstain=codes[cuts[1] : cuts[2]],
        absent=codes[cuts[2] :],
    )


def with_majority(profile: BodyProfile, **changes: object) -> BodyProfile:
    majority = profile.majority.model_copy(update=changes)
    return profile.model_copy(update={"majority": majority})


# ----------------------------------------------------------------------------- profile values


def test_profiles_carry_the_rules_this_module_relies_on() -> None:
    assert INTMK.majority.quorum == 13  # Regularien 5.1
    assert INTMK.majority.rule == "fraction_of_cast"
    assert INTMK.majority.abstention_counts_as_no is True
    assert INTMK.majority.budget_binds_only_consenting is True
    assert IMK.majority.rule == "unanimity"
    assert IMK.majority.quorum is None
    assert LATE_MOTION is not None and LATE_MOTION.base == "participants"
    assert BUNDESRAT_OVERRIDE is not None and BUNDESRAT_OVERRIDE.base == "votes_cast"


# ----------------------------------------------------------------------------- IntMK table


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "outcome", "cast", "required", "represented"),
    [
        # quorum: 13 Länder must be represented (Regularien 5.1)
        (12, 0, 0, "nicht beschlussfähig", 12, 8, 12),
        (13, 0, 0, "einstimmig", 13, 9, 13),
        (9, 4, 0, "mehrheitlich", 13, 9, 13),
        (8, 5, 0, "abgelehnt", 13, 9, 13),
        (10, 1, 1, "nicht beschlussfähig", 12, 8, 12),
        # 16 cast → 11 needed (Regularien 5.1 names this number)
        (10, 6, 0, "abgelehnt", 16, 11, 16),
        (11, 5, 0, "mehrheitlich", 16, 11, 16),
        (10, 5, 1, "abgelehnt", 16, 11, 16),
        (11, 0, 5, "mehrheitlich", 16, 11, 16),
        # 15 cast → exactly 2/3 is enough: 10
        (10, 5, 0, "mehrheitlich", 15, 10, 15),
        (9, 6, 0, "abgelehnt", 15, 10, 15),
        (12, 1, 2, "mehrheitlich", 15, 10, 15),
        # an abstention acts like a no: never einstimmig
        (15, 1, 0, "mehrheitlich", 16, 11, 16),
        (15, 0, 1, "mehrheitlich", 16, 11, 16),
        (16, 0, 0, "einstimmig", 16, 11, 16),
        (0, 16, 0, "abgelehnt", 16, 11, 16),
        (0, 0, 16, "abgelehnt", 16, 11, 16),
        (0, 0, 0, "nicht beschlussfähig", 0, 0, 0),
    ],
)
def test_intmk_counts(
    yes: int, no: int, abstain: int, outcome: str, cast: int, required: int, represented: int
) -> None:
    result = compute_majority(INTMK, counts=counts(yes, no, abstain))
    assert result.outcome == outcome
    assert (result.cast, result.required, result.represented) == (cast, required, represented)
    assert (result.yes, result.no, result.abstain, result.quorum) == (yes, no, abstain, 13)
    assert result.binding_for is None


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "outcome"),
    [(12, 0, 0, "nicht beschlussfähig"), (13, 0, 0, "einstimmig"), (11, 5, 0, "mehrheitlich"),
     (10, 5, 1, "abgelehnt"), (15, 0, 1, "mehrheitlich"), (10, 3, 0, "mehrheitlich")],
)  # fmt: skip
def test_per_land_votes_give_the_same_outcome_as_counts(
    yes: int, no: int, abstain: int, outcome: str
) -> None:
    result = compute_majority(INTMK, votes=split_laender(yes, no, abstain))
    assert result.outcome == outcome
    assert result == compute_majority(INTMK, counts=counts(yes, no, abstain))


def test_absent_laender_are_not_represented() -> None:
    votes = split_laender(12, 0, 0)  # four absent
    result = compute_majority(INTMK, votes=votes)
    assert len(votes.absent) == 4
    assert (result.outcome, result.represented) == ("nicht beschlussfähig", 12)
    votes = Votes(yes=votes.yes, abstain=votes.absent[:1], absent=votes.absent[1:])
    result = compute_majority(INTMK, votes=votes)
    assert (result.outcome, result.represented, result.cast, result.required) == (
        "mehrheitlich", 13, 13, 9,
    )  # fmt: skip


def test_laender_missing_from_every_list_are_not_represented() -> None:
    result = compute_majority(INTMK, votes=Votes(yes=list(ALL_LAENDER[:13])))
    assert (result.outcome, result.represented) == ("einstimmig", 13)


def test_per_land_votes_win_over_counts() -> None:
    result = compute_majority(INTMK, votes=split_laender(16), counts=counts(10, 6, 0))
    assert (result.outcome, result.yes, result.no) == ("einstimmig", 16, 0)


def test_no_vote_data_is_a_usage_problem() -> None:
    with pytest.raises(UsageProblem, match="kein Abstimmungsergebnis"):
        compute_majority(INTMK)


@pytest.mark.parametrize(("yes", "no", "abstain"), [(17, 0, 0), (16, 1, 0), (10, 4, 3)])
def test_more_than_sixteen_votes_are_impossible(yes: int, no: int, abstain: int) -> None:
    with pytest.raises(UsageProblem, match=r"nur 16 Länder") as caught:
        compute_majority(INTMK, counts=counts(yes, no, abstain))
    assert caught.value.exit_code == ExitCode.USAGE


# ----------------------------------------------------------------------------- duplicates


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        (Votes(yes=["BW"], no=["BW"]), "Baden-Württemberg (BW) ist zweimal erfasst: ja und nein."),
        (Votes(yes=["BY", "BY"]), "Bayern (BY) ist zweimal als ja erfasst."),
        (Votes(no=["SL"], absent=["SL"]), "Saarland (SL) ist zweimal erfasst: nein und abwesend."),
        (
            Votes(yes=["TH"], abstain=["TH"]),
            "Thüringen (TH) ist zweimal erfasst: ja und Enthaltung.",
        ),
    ],
)
def test_a_land_counted_twice_is_named(votes: Votes, message: str) -> None:
    with pytest.raises(UsageProblem) as caught:
        validate_votes(votes)
    assert caught.value.message == message
    with pytest.raises(UsageProblem, match="zweimal"):
        compute_majority(INTMK, votes=votes)


def test_valid_votes_pass_validation() -> None:
    validate_votes(split_laender(10, 3, 2))


# ----------------------------------------------------------------------------- IMK (unanimity)


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "outcome", "cast"),
    [
        (15, 0, 1, "einstimmig", 15),  # an abstention does not block at the IMK
        (15, 1, 0, "abgelehnt", 16),
        (16, 0, 0, "einstimmig", 16),
        (1, 0, 15, "einstimmig", 1),
        (0, 0, 16, "abgelehnt", 0),
        (0, 0, 0, "abgelehnt", 0),  # no quorum in the profile, but nothing was cast
        (5, 0, 0, "einstimmig", 5),  # no quorum check for the IMK
    ],
)
def test_imk_unanimity(yes: int, no: int, abstain: int, outcome: str, cast: int) -> None:
    result = compute_majority(IMK, counts=counts(yes, no, abstain))
    assert (result.outcome, result.cast, result.required, result.quorum) == (
        outcome, cast, cast, None,
    )  # fmt: skip


def test_unanimity_with_abstention_counting_as_no_blocks_on_abstention() -> None:
    strict = with_majority(IMK, abstention_counts_as_no=True)
    assert compute_majority(strict, counts=counts(15, 0, 1)).outcome == "abgelehnt"
    assert compute_majority(strict, counts=counts(16, 0, 0)).outcome == "einstimmig"


def test_profile_without_quorum_skips_the_quorum_check() -> None:
    no_quorum = with_majority(INTMK, quorum=None)
    result = compute_majority(no_quorum, counts=counts(3, 1, 0))
    assert (result.outcome, result.quorum, result.required) == ("mehrheitlich", None, 3)


def test_other_fraction_from_profile() -> None:
    simple = with_majority(INTMK, fraction="1/2", abstention_counts_as_no=False)
    result = compute_majority(simple, counts=counts(7, 7, 2))
    assert (result.outcome, result.cast, result.required) == ("mehrheitlich", 14, 7)
    result = compute_majority(simple, counts=counts(6, 7, 3))
    assert (result.outcome, result.cast, result.required) == ("abgelehnt", 13, 7)


# ----------------------------------------------------------------------------- budget


def test_budget_relevant_decision_binds_only_the_yes_laender() -> None:
    votes = Votes(
        yes=["TH", "BE", "BB", "HB", "HH", "MV", "NI", "NW", "RP", "SN", "ST"],
        no=["BY"],
        abstain=["BW", "HE", "SL", "SH"],
    )
    result = compute_majority(INTMK, votes=votes, budget_relevant=True)
    assert result.outcome == "mehrheitlich"
    assert result.binding_for == ["BE", "BB", "HB", "HH", "MV", "NI", "NW", "RP", "SN", "ST", "TH"]
    assert "Haushaltswirkung nur für die zustimmenden Länder: BE, BB" in describe_majority(result)


@pytest.mark.parametrize(
    ("profile", "votes", "count", "budget"),
    [
        (INTMK, split_laender(11, 5), None, False),  # not budget-relevant
        (INTMK, None, counts(11, 5, 0), True),  # counts name no Länder
        (INTMK, split_laender(10, 6), None, True),  # rejected
        (INTMK, split_laender(12), None, True),  # not quorate
        (IMK, split_laender(16), None, True),  # the IMK profile does not bind only consenting
    ],
)
def test_no_binding_list_otherwise(
    profile: BodyProfile, votes: Votes | None, count: VoteCounts | None, budget: bool
) -> None:
    result = compute_majority(profile, votes=votes, counts=count, budget_relevant=budget)
    assert result.binding_for is None


def test_unanimous_budget_decision_binds_every_yes_land() -> None:
    result = compute_majority(INTMK, votes=split_laender(14), budget_relevant=True)
    assert result.outcome == "einstimmig"
    assert result.binding_for == list(ALL_LAENDER[:14])


# ----------------------------------------------------------------------------- supermajority


@pytest.mark.parametrize(
    ("yes", "base", "expected"),
    [(10, 16, False), (11, 16, True), (16, 16, True), (10, 15, True), (9, 15, False),
     (2, 3, True), (1, 3, False), (0, 0, False), (0, 1, False), (1, 1, True),
     (14, 20, True), (13, 20, False)],
)  # fmt: skip
@pytest.mark.parametrize("rule", [LATE_MOTION, BUNDESRAT_OVERRIDE], ids=["late", "bundesrat"])
def test_is_supermajority(yes: int, base: int, expected: bool, rule: SupermajorityRule) -> None:
    assert is_supermajority(yes, base, rule) is expected


@pytest.mark.parametrize(("yes", "base"), [(17, 16), (-1, 16), (1, -1)])
def test_impossible_supermajority_data(yes: int, base: int) -> None:
    assert LATE_MOTION is not None
    with pytest.raises(UsageProblem):
        is_supermajority(yes, base, LATE_MOTION)


# ----------------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("result", "line"),
    [
        (
            compute_majority(INTMK, counts=counts(12, 1, 2)),
            "mehrheitlich: 12 Ja, 1 Nein, 2 Enthaltungen "
            "(15 abgegebene Stimmen, 10 erforderlich; Regularien 5.1)",
        ),
        (
            compute_majority(INTMK, counts=counts(12, 0, 0)),
            "nicht beschlussfähig: nur 12 Länder vertreten, 13 erforderlich (Regularien 5.1)",
        ),
        (
            compute_majority(INTMK, counts=counts(16, 0, 0)),
            "einstimmig: 16 Ja, 0 Nein, 0 Enthaltungen "
            "(16 abgegebene Stimmen, 11 erforderlich; Regularien 5.1)",
        ),
        (
            compute_majority(INTMK, counts=counts(10, 5, 1)),
            "abgelehnt: 10 Ja, 5 Nein, 1 Enthaltung "
            "(16 abgegebene Stimmen, 11 erforderlich; Regularien 5.1)",
        ),
        (
            compute_majority(INTMK, counts=counts(1, 0, 0)),
            "nicht beschlussfähig: nur 1 Land vertreten, 13 erforderlich (Regularien 5.1)",
        ),
    ],
)
def test_describe_majority(result: MajorityResult, line: str) -> None:
    assert describe_majority(result) == line


def test_describe_cites_the_profile_section() -> None:
    result = compute_majority(IMK, counts=counts(1, 0, 0))
    citation = cite_section(IMK.majority.section)
    assert citation == "Über die IMK: Beschlüsse"
    assert describe_majority(result, citation=citation) == (
        "einstimmig: 1 Ja, 0 Nein, 0 Enthaltungen "
        "(1 abgegebene Stimme, 1 erforderlich; Über die IMK: Beschlüsse)"
    )
    assert cite_section(INTMK.majority.section) == "Regularien 5.1"


@pytest.mark.parametrize(
    ("printed", "vote", "warning"),
    [
        (None, counts(10, 5, 1), None),
        (Outcome.MEHRHEITLICH, counts(12, 1, 2), None),
        (Outcome.EINSTIMMIG, counts(16, 0, 0), None),
        (Outcome.ABGELEHNT, counts(10, 5, 1), None),
        ("mehrheitlich", counts(12, 1, 2), None),
        (Outcome.MEHRHEITLICH, counts(10, 5, 1), "ergibt sich „abgelehnt“"),
        (Outcome.EINSTIMMIG, counts(15, 0, 1), "ergibt sich „mehrheitlich“"),
        (Outcome.MEHRHEITLICH, counts(16, 0, 0), "ergibt sich „einstimmig“"),
        (Outcome.ABGELEHNT, counts(11, 5, 0), "ergibt sich „mehrheitlich“"),
        (Outcome.EINSTIMMIG, counts(12, 0, 0), "nur 12 Länder vertreten"),
        (Outcome.ZURUECKGEZOGEN, counts(16, 0, 0), "zurückgezogen"),
    ],
)
def test_compare_outcome(
    printed: Outcome | str | None, vote: VoteCounts, warning: str | None
) -> None:
    message = compare_outcome(printed, compute_majority(INTMK, counts=vote))
    if warning is None:
        assert message is None
    else:
        assert message is not None and warning in message and "prüfen" in message


# ----------------------------------------------------------------------------- properties

VOTE_SPLITS = st.lists(st.sampled_from(CATEGORIES), min_size=16, max_size=16)


def votes_from_split(split: list[str]) -> Votes:
    lists: dict[str, list[LandCode]] = {category: [] for category in CATEGORIES}
    for code, category in zip(ALL_LAENDER, split, strict=True):
        lists[category].append(code)
    return Votes(**lists)


@given(VOTE_SPLITS)
def test_intmk_outcome_properties(split: list[str]) -> None:
    votes = votes_from_split(split)
    result = compute_majority(INTMK, votes=votes, budget_relevant=True)
    assert result.represented == 16 - len(votes.absent)
    assert result.cast == result.represented  # abstentions count as cast (Regularien 5.1)
    if result.outcome in ("einstimmig", "mehrheitlich"):
        assert 3 * result.yes >= 2 * result.cast
        assert result.represented >= 13
        assert result.binding_for == [code for code in ALL_LAENDER if code in votes.yes]
    else:
        assert result.binding_for is None
    if result.outcome == "abgelehnt":
        assert 3 * result.yes < 2 * result.cast
    if result.represented >= 13:
        assert result.outcome != "nicht beschlussfähig"
        assert (result.outcome == "einstimmig") == (result.yes == result.cast > 0)
    else:
        assert result.outcome == "nicht beschlussfähig"
    assert result == compute_majority(
        INTMK, counts=counts(result.yes, result.no, result.abstain), budget_relevant=True
    ).model_copy(update={"binding_for": result.binding_for})


@given(VOTE_SPLITS)
def test_imk_outcome_properties(split: list[str]) -> None:
    votes = votes_from_split(split)
    result = compute_majority(IMK, votes=votes)
    accepted = not votes.no and bool(votes.yes)
    assert result.outcome == ("einstimmig" if accepted else "abgelehnt")


@given(st.integers(0, 40), st.integers(0, 40))
def test_supermajority_matches_integer_arithmetic(yes: int, base: int) -> None:
    assert LATE_MOTION is not None
    if yes > base:
        with pytest.raises(UsageProblem):
            is_supermajority(yes, base, LATE_MOTION)
        return
    assert is_supermajority(yes, base, LATE_MOTION) is (base > 0 and 3 * yes >= 2 * base)


# ----------------------------------------------------------------------------- real sample


def sample_applicants() -> list[LandCode]:
    applicants, _ = parse_applicants(unwrap(load_sample().applicant_lines))
    return applicants


def test_sample_prints_an_outcome_but_no_vote_line() -> None:
    """The real 2017 resolution says "mehrheitlich" and names its applicants, no count."""
    text = SAMPLE_FILE.read_text(encoding="utf-8")
    assert parse_outcome(load_sample().intro) == Outcome.MEHRHEITLICH
    assert parse_vote_counts(text) is None
    assert parse_vote_lists(text) is None
    assert len(sample_applicants()) == 12


def test_sample_outcome_agrees_with_every_vote_its_applicants_allow() -> None:
    """The twelve applicant Länder voted yes; whatever the other four did, a quorate vote is
    accepted (12 yes reach 2/3 of at most 16), and "mehrheitlich" holds exactly when one of the
    four represented Länder did not vote yes."""
    printed = parse_outcome(load_sample().intro)
    applicants = sample_applicants()
    others = [code for code in ALL_LAENDER if code not in applicants]
    assert len(others) == 4
    consistent = 0
    for choice in itertools.product(CATEGORIES, repeat=len(others)):
        lists: dict[str, list[LandCode]] = {category: [] for category in CATEGORIES}
        lists["yes"] = list(applicants)
        for code, category in zip(others, choice, strict=True):
            lists[category].append(code)
        result = compute_majority(INTMK, votes=Votes(**lists))
        represented_others = [c for c in choice if c != "absent"]
        assert result.outcome != "abgelehnt"
        expected_ok = bool(represented_others) and any(c != "yes" for c in represented_others)
        assert (compare_outcome(printed, result) is None) is expected_ok
        consistent += expected_ok
    assert consistent == 4**4 - 2**4  # excluded: the four only voted yes or were absent


@pytest.mark.parametrize(
    "vote_line",
    [
        # Grünfassung layout with Länder names (Regularien 5.3); the vote itself is made up
        "Ja: BE, BB, HB, HH, MV, NI, NW, RP, SN, ST, SH, TH; Nein: BY; Enthaltung: BW, HE, SL",
        "Ja: alle übrigen Länder; Nein: Bayern; Enthaltung: Hessen (Bei Abwesenheit von Saarland)",
        "Abstimmungsergebnis: 12:1:3",
        "Abstimmungsergebnis: 13 Ja, 1 Nein, 2 Enthaltungen",
    ],
)
def test_sample_with_a_vote_line_computes_its_printed_outcome(vote_line: str) -> None:
    """The real sample text with a vote line appended: parsed and computed as printed."""
    text = SAMPLE_FILE.read_text(encoding="utf-8") + "\n" + vote_line + "\n"
    printed = parse_outcome(load_sample().intro)
    votes = parse_vote_lists(text)
    vote_counts = parse_vote_counts(text)
    assert votes is not None or vote_counts is not None
    result = compute_majority(INTMK, votes=votes, counts=vote_counts)
    assert result.outcome == printed
    assert compare_outcome(printed, result) is None


def test_sample_with_a_contradicting_vote_line_is_flagged() -> None:
    """Printed "mehrheitlich" with a count that misses 2/3 (10 of 16) gives a warning."""
    text = SAMPLE_FILE.read_text(encoding="utf-8") + "\nAbstimmungsergebnis: 10:5:1\n"
    vote_counts = parse_vote_counts(text)
    assert vote_counts == VoteCounts(yes=10, no=5, abstain=1)
    result = compute_majority(INTMK, counts=vote_counts)
    warning = compare_outcome(parse_outcome(load_sample().intro), result)
    assert warning == (
        "Gedruckt ist „mehrheitlich“, aus dem Abstimmungsergebnis (10 Ja, 5 Nein, 1 Enthaltung, "
        "11 Ja-Stimmen erforderlich) ergibt sich „abgelehnt“ (Regularien 5.1). Bitte prüfen."
    )
