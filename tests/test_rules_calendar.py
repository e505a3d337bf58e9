"""Deadlines of the Regularien computed from the body profile, in Europe/Berlin."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.rules.calendar import (
    check_pre_conference,
    compute_deadlines,
    deadlines_between,
    end_of_day,
    find_motion_deadline,
    format_deadline,
    is_late,
)
from pipeline.rules.profiles import load_profile
from schemas.errors import ConfigError, InternalError
from schemas.rules import BodyProfile, ConferenceEntry, Deadline, DeadlineRule

D = dt.date
BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


@pytest.fixture(scope="module")
def intmk() -> BodyProfile:
    return load_profile("intmk")


@pytest.fixture(scope="module")
def imk() -> BodyProfile:
    return load_profile("imk")


def conference(**fields: object) -> ConferenceEntry:
    """IntMK 23: 10–11 June 2027, Vorkonferenz 29 April 2027 (the example conference)."""
    values: dict[str, object] = {
        "body": "IntMK", "number": 23, "start": D(2027, 6, 10), "end": D(2027, 6, 11),
        "pre_conference": D(2027, 4, 29),
    }
    values.update(fields)
    return ConferenceEntry.model_validate(values)


def by_rule(deadlines: list[Deadline]) -> dict[str, Deadline]:
    return {deadline.rule: deadline for deadline in deadlines}


# rule → (due, provisional) for IntMK 23
HAUPTKONFERENZ = {
    "implementation_review": ("2027-01-29T23:59:59+01:00", False),  # 9.2: 3 months before the VK, CET
    "motions": ("2027-04-08T23:59:59+02:00", False),  # 4.3: 3 weeks before the Vorkonferenz
    "invitation": ("2027-05-06T23:59:59+02:00", False),  # 4.2: 5 weeks before
    "meeting_documents": ("2027-05-27T23:59:59+02:00", False),  # 4.1: 2 weeks before
    "minutes": ("2027-07-09T23:59:59+02:00", False),  # 5.3: 4 weeks after the end
    "minutes_objections": ("2027-07-23T23:59:59+02:00", True),  # 5.3: 2 weeks after sending
}


@pytest.mark.parametrize("rule", sorted(HAUPTKONFERENZ))
def test_hauptkonferenz_deadline(intmk: BodyProfile, rule: str) -> None:
    deadline = by_rule(compute_deadlines(conference(), intmk))[rule]
    due, provisional = HAUPTKONFERENZ[rule]
    assert deadline.due.isoformat() == due
    assert deadline.due.tzinfo is not None
    assert deadline.provisional is provisional


def test_hauptkonferenz_has_exactly_these_deadlines_sorted(intmk: BodyProfile) -> None:
    deadlines = compute_deadlines(conference(), intmk)
    assert {d.rule for d in deadlines} == set(HAUPTKONFERENZ)
    assert [d.due for d in deadlines] == sorted(d.due for d in deadlines)
    assert deadlines[0].rule == "implementation_review"


def test_sections_and_titles_come_from_the_profile(intmk: BodyProfile) -> None:
    deadlines = by_rule(compute_deadlines(conference(), intmk))
    sections = {rule: deadlines[rule].section for rule in deadlines}
    assert sections == {
        "implementation_review": "9.2", "motions": "4.3", "invitation": "4.2",
        "meeting_documents": "4.1", "minutes": "5.3", "minutes_objections": "5.3",
    }
    assert deadlines["motions"].title == "Beschlussvorschläge und Leitantrag bei der Geschäftsstelle"


def test_objections_provisional_note_names_assumed_sending_day(intmk: BodyProfile) -> None:
    note = by_rule(compute_deadlines(conference(), intmk))["minutes_objections"].note
    assert note is not None
    assert note.startswith("Versand der Niederschrift noch nicht erfasst; angenommen: 09.07.2027")
    assert "Regularien 5.3" in note


def test_objections_from_recorded_sending_day(intmk: BodyProfile) -> None:
    sent = conference(minutes_sent=D(2027, 6, 30))
    deadline = by_rule(compute_deadlines(sent, intmk))["minutes_objections"]
    assert deadline.due == dt.datetime(2027, 7, 14, 23, 59, 59, tzinfo=BERLIN)  # 5.3: 2 weeks
    assert deadline.provisional is False and deadline.note is None


# No motions deadline: a Sondersitzung is called at short notice and need not have a Vorkonferenz
# (Regularien 7 "bei Bedarf", 8), so the 4.3 anchor is missing.
SONDERSITZUNG = {
    "special_session_invitation": "2027-05-20",  # 8: in der Regel drei Wochen
    "meeting_documents": "2027-05-27",  # 4.1
    "minutes": "2027-07-09",  # 5.3
    "minutes_objections": "2027-07-23",  # 5.3
}


def test_sondersitzung_gets_three_week_invitation(intmk: BodyProfile) -> None:
    deadlines = by_rule(compute_deadlines(conference(session="sondersitzung"), intmk))
    assert {rule: d.due.date().isoformat() for rule, d in deadlines.items()} == SONDERSITZUNG
    assert "invitation" not in deadlines  # the 5-week invitation (4.2) is for the Hauptkonferenz


def test_umlaufverfahren_only_gets_the_reply(intmk: BodyProfile) -> None:
    written = conference(session="umlaufverfahren", end=None, pre_conference=None)
    deadlines = compute_deadlines(written, intmk)
    assert [(d.rule, d.due.isoformat()) for d in deadlines] == [
        ("written_procedure_reply", "2027-06-24T23:59:59+02:00"),  # 5.2: binnen 14 Tagen
    ]


def test_vorkonferenz_session_has_no_deadlines_of_its_own(intmk: BodyProfile) -> None:
    assert compute_deadlines(conference(session="vorkonferenz", pre_conference=None), intmk) == []


def test_missing_pre_conference_assumes_latest_window_date(intmk: BodyProfile) -> None:
    deadlines = by_rule(compute_deadlines(conference(pre_conference=None), intmk))
    motions = deadlines["motions"]
    # Regularien 7: latest Vorkonferenz 5 weeks before 10.06.2027 = 06.05.2027; 4.3: minus 3 weeks
    assert motions.due == dt.datetime(2027, 4, 15, 23, 59, 59, tzinfo=BERLIN)
    assert motions.provisional is True
    assert motions.note == (
        "Vorkonferenz noch nicht festgelegt; angenommen: 06.05.2027 (spätester Termin nach Regularien 7)"
    )
    review = deadlines["implementation_review"]
    assert (review.due.date(), review.provisional) == (D(2027, 2, 6), True)  # 9.2: minus 3 months
    assert deadlines["invitation"].provisional is False


def test_without_window_pre_conference_rules_are_skipped(intmk: BodyProfile) -> None:
    profile = intmk.model_copy(update={"pre_conference_window": None})
    rules = {d.rule for d in compute_deadlines(conference(pre_conference=None), profile)}
    assert rules == set(HAUPTKONFERENZ) - {"motions", "implementation_review"}
    assert find_motion_deadline(conference(pre_conference=None), profile) is None


def test_without_minutes_rule_objections_need_a_sending_day(intmk: BodyProfile) -> None:
    profile = intmk.model_copy(update={"deadlines": [r for r in intmk.deadlines if r.rule != "minutes"]})
    assert "minutes_objections" not in by_rule(compute_deadlines(conference(), profile))
    sent = conference(minutes_sent=D(2027, 7, 1))
    assert by_rule(compute_deadlines(sent, profile))["minutes_objections"].due.date() == D(2027, 7, 15)


def test_find_motion_deadline(intmk: BodyProfile) -> None:
    deadline = find_motion_deadline(conference(), intmk)
    assert deadline is not None
    assert (deadline.rule, deadline.section, deadline.due.date()) == ("motions", "4.3", D(2027, 4, 8))
    assert find_motion_deadline(conference(session="umlaufverfahren"), intmk) is None


# Regularien 7: the Vorkonferenz lies five to six weeks before the IntMK (10.06.2027).
WINDOW = [
    (34, "Die Vorkonferenz am 07.05.2027 liegt 4 Wochen und 6 Tage vor der Konferenz; "
         "Regularien 7 sieht fünf bis sechs Wochen vor."),
    (35, None),
    (42, None),
    (43, "Die Vorkonferenz am 28.04.2027 liegt 6 Wochen und 1 Tag vor der Konferenz; "
         "Regularien 7 sieht fünf bis sechs Wochen vor."),
    (27, "Die Vorkonferenz am 14.05.2027 liegt 3 Wochen und 6 Tage vor der Konferenz; "
         "Regularien 7 sieht fünf bis sechs Wochen vor."),
    (28, "Die Vorkonferenz am 13.05.2027 liegt 4 Wochen vor der Konferenz; "
         "Regularien 7 sieht fünf bis sechs Wochen vor."),
    (1, "Die Vorkonferenz am 09.06.2027 liegt 1 Tag vor der Konferenz; "
        "Regularien 7 sieht fünf bis sechs Wochen vor."),
    (0, "Die Vorkonferenz am 10.06.2027 liegt am Tag der Konferenz; "
        "Regularien 7 sieht fünf bis sechs Wochen vor."),
]


@pytest.mark.parametrize(("days", "warning"), WINDOW, ids=[str(days) for days, _ in WINDOW])
def test_pre_conference_window(intmk: BodyProfile, days: int, warning: str | None) -> None:
    entry = conference(pre_conference=D(2027, 6, 10) - dt.timedelta(days=days))
    assert check_pre_conference(entry, intmk) == ([warning] if warning else [])


def test_pre_conference_window_not_checked_without_date(intmk: BodyProfile) -> None:
    assert check_pre_conference(conference(pre_conference=None), intmk) == []


def deadline_on(day: dt.date) -> Deadline:
    return Deadline(rule="motions", section="4.3", title="Frist", due=end_of_day(day, BERLIN))


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# DST began 2027-03-28 (CEST, +02:00); it ended 2026-10-25 (CET, +01:00).
LATE = [
    (D(2027, 3, 29), "2027-03-29T21:59:59", False),  # 23:59:59 CEST
    (D(2027, 3, 29), "2027-03-29T22:00:00", True),  # 00:00:00 CEST next day
    (D(2027, 3, 29), "2027-03-28T22:30:00", False),  # 00:30 CEST on the due day
    (D(2027, 3, 28), "2027-03-28T21:59:59", False),  # the changeover day itself
    (D(2027, 3, 28), "2027-03-28T22:00:00", True),
    (D(2026, 10, 26), "2026-10-26T22:59:59", False),  # 23:59:59 CET
    (D(2026, 10, 26), "2026-10-26T23:00:00", True),  # 00:00:00 CET next day
    (D(2026, 10, 25), "2026-10-25T22:59:59", False),  # the changeover day (25 hours)
    (D(2026, 10, 25), "2026-10-25T23:00:00", True),
    (D(2026, 10, 24), "2026-10-24T21:59:59", False),  # still CEST
    (D(2026, 10, 24), "2026-10-24T22:00:00", True),
]


@pytest.mark.parametrize(("due_day", "received", "late"), LATE, ids=[r for _, r, _ in LATE])
def test_is_late_across_daylight_saving(due_day: dt.date, received: str, late: bool) -> None:
    assert is_late(utc(received), deadline_on(due_day), BERLIN) is late
    assert is_late(utc(received), deadline_on(due_day), "Europe/Berlin") is late


def test_due_offsets_follow_daylight_saving() -> None:
    assert end_of_day(D(2027, 3, 29), BERLIN).utcoffset() == dt.timedelta(hours=2)
    assert end_of_day(D(2027, 3, 27), BERLIN).utcoffset() == dt.timedelta(hours=1)
    assert end_of_day(D(2026, 10, 26), BERLIN).utcoffset() == dt.timedelta(hours=1)
    assert end_of_day(D(2026, 10, 24), BERLIN).utcoffset() == dt.timedelta(hours=2)


def test_is_late_uses_the_local_date_not_the_senders_offset() -> None:
    new_york = ZoneInfo("America/New_York")
    received = dt.datetime(2027, 3, 29, 17, 30, tzinfo=new_york)  # 23:30 CEST
    assert is_late(received, deadline_on(D(2027, 3, 29)), BERLIN) is False
    received = dt.datetime(2027, 3, 29, 18, 30, tzinfo=new_york)  # 00:30 CEST on 30 March
    assert is_late(received, deadline_on(D(2027, 3, 29)), BERLIN) is True


def test_is_late_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="keine Zeitzone"):
        is_late(dt.datetime(2027, 3, 29, 12), deadline_on(D(2027, 3, 29)), BERLIN)
    with pytest.raises(InternalError):
        is_late(dt.datetime(2027, 3, 29, 12), deadline_on(D(2027, 3, 29)), BERLIN)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31)))
def test_due_moment_is_on_time_and_one_second_later_is_late(day: dt.date) -> None:
    deadline = deadline_on(day)
    due_utc = deadline.due.astimezone(UTC)
    assert deadline.due.astimezone(BERLIN).time() == dt.time(23, 59, 59)
    assert is_late(due_utc, deadline, BERLIN) is False
    assert is_late(due_utc + dt.timedelta(seconds=1), deadline, BERLIN) is True


def test_deadlines_between_is_half_open_and_sorted(intmk: BodyProfile) -> None:
    deadlines = compute_deadlines(conference(), intmk)
    week = dt.datetime(2027, 5, 3, tzinfo=BERLIN), dt.datetime(2027, 5, 10, tzinfo=BERLIN)
    assert [d.rule for d in deadlines_between(deadlines, *week)] == ["invitation"]
    spring = dt.datetime(2027, 4, 8, 23, 59, 59, tzinfo=BERLIN), dt.datetime(2027, 5, 27, 23, 59, 59, tzinfo=BERLIN)
    assert [d.rule for d in deadlines_between(reversed(deadlines), *spring)] == ["motions", "invitation"]
    assert deadlines_between(deadlines, week[1], week[0]) == []


def test_deadlines_between_rejects_naive_bounds(intmk: BodyProfile) -> None:
    with pytest.raises(ValueError):
        deadlines_between([], dt.datetime(2027, 5, 3), dt.datetime(2027, 5, 10, tzinfo=BERLIN))


def test_format_deadline(intmk: BodyProfile) -> None:
    deadlines = by_rule(compute_deadlines(conference(), intmk))
    assert format_deadline(deadlines["motions"]) == (
        "Do 08.04.2027 23:59  Beschlussvorschläge und Leitantrag bei der Geschäftsstelle (Regularien 4.3)"
    )
    assert format_deadline(deadlines["minutes_objections"]) == (
        "Fr 23.07.2027 23:59  Einwendungen gegen die Niederschrift an das Vorsitzland (Regularien 5.3)"
        " – vorläufig"
    )


@pytest.mark.parametrize(
    ("day", "abbreviation"),
    [(D(2027, 4, 5 + offset), name) for offset, name in enumerate(["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"])],
)
def test_format_deadline_german_weekdays(day: dt.date, abbreviation: str) -> None:
    assert format_deadline(deadline_on(day)).startswith(f"{abbreviation} {day:%d.%m.%Y} 23:59  Frist")


def test_imk_profile_lists_no_deadlines(imk: BodyProfile) -> None:
    spring = conference(body="IMK", number=1, start=D(2027, 6, 16), end=D(2027, 6, 18), pre_conference=D(2027, 5, 5))
    assert compute_deadlines(spring, imk) == []
    assert find_motion_deadline(spring, imk) is None
    assert check_pre_conference(spring, imk) == []


def test_imk_gets_exactly_what_its_profile_lists(imk: BodyProfile) -> None:
    rule = DeadlineRule(
        rule="motions", section="Über die IMK: Anmeldungen", title="Themenanmeldung",
        anchor="start", offset="-6w", motion_deadline=True,
    )
    profile = imk.model_copy(update={"deadlines": [rule]})
    spring = conference(body="IMK", number=1, start=D(2027, 6, 16), end=D(2027, 6, 18), pre_conference=None)
    deadline = find_motion_deadline(spring, profile)
    assert deadline is not None and deadline.due == dt.datetime(2027, 5, 5, 23, 59, 59, tzinfo=BERLIN)
    assert [d.rule for d in compute_deadlines(spring, profile)] == ["motions"]
    assert format_deadline(deadline) == "Mi 05.05.2027 23:59  Themenanmeldung (Über die IMK: Anmeldungen)"


def test_unknown_timezone_in_profile_is_a_config_error(intmk: BodyProfile) -> None:
    profile = intmk.model_copy(update={"timezone": "Europe/Atlantis"})
    with pytest.raises(ConfigError, match="Zeitzone"):
        compute_deadlines(conference(), profile)


def test_months_offset_clamps_to_month_end(intmk: BodyProfile) -> None:
    # 9.2: three months before a Vorkonferenz on 31 May is the last day of February
    entry = conference(start=D(2027, 7, 8), end=D(2027, 7, 9), pre_conference=D(2027, 5, 31))
    review = by_rule(compute_deadlines(entry, intmk))["implementation_review"]
    assert review.due.date() == D(2027, 2, 28)
