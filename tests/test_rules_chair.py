"""Chair rotation (Vorsitzland) from the body profile: Regularien 3.1 and the IMK profile."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.rules.chair import ROTATION_ORDER, compute_chair, resolve_chair
from pipeline.rules.profiles import load_profile
from schemas.records import LAENDER
from schemas.rules import BodyProfile, ChairRule, ConferenceEntry

D = dt.date


@pytest.fixture(scope="module")
def intmk() -> BodyProfile:
    return load_profile("intmk")


@pytest.fixture(scope="module")
def imk() -> BodyProfile:
    return load_profile("IMK")


# Regularien 3.1: change on 1 October 2019, then every 1 July, alphabetical order.
INTMK_CHAIRS = [
    (D(2019, 9, 30), None),  # before the rule's first change: the rule does not say
    (D(2019, 10, 1), "BB"),
    (D(2020, 6, 30), "BB"),
    (D(2020, 7, 1), "HB"),
    (D(2021, 6, 30), "HB"),
    (D(2021, 7, 1), "HH"),
    (D(2022, 7, 1), "HE"),
    (D(2023, 7, 1), "MV"),
    (D(2024, 7, 1), "NI"),
    (D(2025, 7, 1), "NW"),
    (D(2026, 6, 30), "NW"),
    (D(2026, 7, 1), "RP"),
    (D(2027, 6, 10), "RP"),  # IntMK 23, the example conference
    (D(2027, 7, 1), "SL"),
    (D(2028, 7, 1), "SN"),
    (D(2029, 7, 1), "ST"),
    (D(2030, 7, 1), "SH"),
    (D(2031, 7, 1), "TH"),
    (D(2032, 6, 30), "TH"),
    (D(2032, 7, 1), "BW"),  # wrap-around after Thüringen
    (D(2033, 6, 30), "BW"),
    (D(2033, 7, 1), "BY"),
    (D(2034, 7, 1), "BE"),
    (D(2035, 7, 1), "BB"),  # 16 years after 2019: Brandenburg again
]


@pytest.mark.parametrize(("on", "expected"), INTMK_CHAIRS, ids=[str(d) for d, _ in INTMK_CHAIRS])
def test_intmk_chair_on_date(intmk: BodyProfile, on: dt.date, expected: str | None) -> None:
    assert compute_chair(intmk, on) == expected


def test_rotation_order_is_the_alphabetical_order_of_the_laender() -> None:
    names = [LAENDER[code] for code in ROTATION_ORDER]
    assert names == sorted(names)
    assert ROTATION_ORDER[0] == "BW" and ROTATION_ORDER[-1] == "TH"


def test_intmk_chair_changes_only_on_first_of_july(intmk: BodyProfile) -> None:
    day, end = D(2019, 10, 2), D(2036, 1, 1)
    while day < end:
        changed = compute_chair(intmk, day) != compute_chair(intmk, day - dt.timedelta(days=1))
        assert changed == (day.month == 7 and day.day == 1), day
        day += dt.timedelta(days=1)


# imk-ueber-uns.txt: 2023 Berlin, 2024 Brandenburg, from early 2025 Bremen. The profile's anchor
# is Brandenburg on 2024-01-01, so 2023 lies before the anchor and comes out unknown (None).
IMK_CHAIRS = [
    (D(2023, 6, 1), None),
    (D(2023, 12, 31), None),
    (D(2024, 1, 1), "BB"),
    (D(2024, 6, 19), "BB"),  # Frühjahrskonferenz 2024 in Potsdam
    (D(2024, 12, 4), "BB"),  # Herbstkonferenz 2024 in Rheinsberg
    (D(2024, 12, 31), "BB"),
    (D(2025, 1, 1), "HB"),
    (D(2026, 1, 1), "HH"),
]


@pytest.mark.parametrize(("on", "expected"), IMK_CHAIRS, ids=[str(d) for d, _ in IMK_CHAIRS])
def test_imk_chair_from_its_own_anchor(imk: BodyProfile, on: dt.date, expected: str | None) -> None:
    assert compute_chair(imk, on) == expected


SIX_MONTHS = [
    (D(2024, 3, 14), None),
    (D(2024, 3, 15), "HB"),
    (D(2024, 6, 30), "HB"),
    (D(2024, 7, 1), "HH"),
    (D(2024, 12, 31), "HH"),
    (D(2025, 1, 1), "HE"),
    (D(2025, 7, 1), "MV"),
]


@pytest.mark.parametrize(("on", "expected"), SIX_MONTHS, ids=[str(d) for d, _ in SIX_MONTHS])
def test_half_yearly_rotation_is_data_only(intmk: BodyProfile, on: dt.date, expected: str | None) -> None:
    rule = ChairRule(
        section="x", anchor_date=D(2024, 3, 15), anchor_land="HB",
        change_month=1, change_day=1, period_months=6,
    )
    profile = intmk.model_copy(update={"chair": rule})
    assert compute_chair(profile, on) == expected


def conference(**fields: object) -> ConferenceEntry:
    values: dict[str, object] = {"body": "IntMK", "number": 23, "start": D(2027, 6, 10), "end": D(2027, 6, 11)}
    values.update(fields)
    return ConferenceEntry.model_validate(values)


def test_explicit_chair_wins(intmk: BodyProfile) -> None:
    assert resolve_chair(conference(chair="BY"), intmk) == ("BY", "explicit")


def test_chair_from_rotation(intmk: BodyProfile) -> None:
    assert resolve_chair(conference(), intmk) == ("RP", "rotation")


def test_chair_unknown_before_anchor(intmk: BodyProfile) -> None:
    old = conference(number=1, start=D(2018, 3, 15), end=D(2018, 3, 16))
    assert resolve_chair(old, intmk) == (None, "unknown")


def test_explicit_chair_wins_before_anchor(imk: BodyProfile) -> None:
    old = conference(body="IMK", number=99, start=D(2023, 6, 14), end=D(2023, 6, 16), chair="BE")
    assert resolve_chair(old, imk) == ("BE", "explicit")
