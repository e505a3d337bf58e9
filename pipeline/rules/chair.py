"""The chair Land (Vorsitzland) of a conference body, computed from its profile.

The chair rotates in the alphabetical order of the Länder (``schemas.records.LAENDER``, dict
order: BW, BY, BE, BB, HB, …, TH, then BW again). ``profile.chair`` says which Land took over on
which date and on which month/day (every ``period_months``) the chair changes after that.

IntMK (Regularien 3.1): Brandenburg from 1 October 2019, Bremen from 1 July 2020, Hamburg from
1 July 2021, … Rheinland-Pfalz from 1 July 2026.

Before ``anchor_date`` the rule says nothing, so the chair is ``None`` ("unknown"). For the IMK
profile (anchor Brandenburg 2024-01-01) this means that 2023 (Berlin, per imk-ueber-uns.txt)
comes out as unknown; enter such a conference with an explicit chair.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, cast

from dateutil.relativedelta import relativedelta

from schemas.records import LAENDER, LandCode
from schemas.rules import BodyProfile, ChairRule, ConferenceEntry

ChairSource = Literal["explicit", "rotation", "unknown"]
ROTATION_ORDER: tuple[LandCode, ...] = cast(tuple[LandCode, ...], tuple(LAENDER))


def compute_chair(profile: BodyProfile, on: dt.date) -> LandCode | None:
    """The chair Land on ``on`` by rotation, or None before the profile's anchor date."""
    rule = profile.chair  # Regularien 3.1
    if on < rule.anchor_date:
        return None
    changes = count_changes(rule, on)
    start = ROTATION_ORDER.index(rule.anchor_land)
    return ROTATION_ORDER[(start + changes) % len(ROTATION_ORDER)]


def resolve_chair(
    conference: ConferenceEntry, profile: BodyProfile
) -> tuple[LandCode | None, ChairSource]:
    """The chair of ``conference``: an explicit entry wins over the rotation."""
    if conference.chair is not None:
        return conference.chair, "explicit"
    land = compute_chair(profile, conference.start)
    return land, ("rotation" if land is not None else "unknown")


def count_changes(rule: ChairRule, on: dt.date) -> int:
    """How many chair changes happened after the anchor date, up to and including ``on``."""
    return index_of_change(rule, on) - index_of_change(rule, rule.anchor_date)


def index_of_change(rule: ChairRule, day: dt.date) -> int:
    """Index k of the last change date on or before ``day``.

    Change dates form the series ``base + k * period_months`` (k any integer), where
    ``base`` is change_month/change_day in the anchor year. ``change_day`` is at most 28,
    so every member of the series falls on that same day of the month.
    """
    base = dt.date(rule.anchor_date.year, rule.change_month, rule.change_day)
    span = relativedelta(day, base)
    months = span.years * 12 + span.months
    if base + relativedelta(months=months) > day:  # relativedelta rounds towards zero
        months -= 1
    return months // rule.period_months
