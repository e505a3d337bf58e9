"""The .ics export of a conference, its Vorkonferenz and its deadlines."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from pipeline.rules.calendar import compute_deadlines
from pipeline.rules.ics import PRODID, render_ics
from pipeline.rules.profiles import load_profile
from schemas.rules import BodyProfile, ConferenceEntry

D = dt.date
STAMP = dt.datetime(2026, 5, 4, 8, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def intmk() -> BodyProfile:
    return load_profile("intmk")


def conference(**fields: object) -> ConferenceEntry:
    values: dict[str, object] = {
        "body": "IntMK", "number": 23, "start": D(2027, 6, 10), "end": D(2027, 6, 11),
        "pre_conference": D(2027, 4, 29), "place": "Mainz",
    }
    values.update(fields)
    return ConferenceEntry.model_validate(values)


def render(entry: ConferenceEntry, profile: BodyProfile, stamp: dt.datetime = STAMP) -> bytes:
    return render_ics(entry, profile, compute_deadlines(entry, profile), stamp=stamp)


def events_by_uid(data: bytes) -> dict[str, Event]:
    calendar = Calendar.from_ical(data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# UID → (DTSTART, DTEND) of IntMK 23; all-day events, DTEND exclusive
EXPECTED = {
    "intmk-23@intmk.local": (D(2027, 6, 10), D(2027, 6, 12)),
    "intmk-23-vorkonferenz@intmk.local": (D(2027, 4, 29), D(2027, 4, 30)),
    "intmk-23-implementation_review@intmk.local": (D(2027, 1, 29), D(2027, 1, 30)),  # 9.2
    "intmk-23-motions@intmk.local": (D(2027, 4, 8), D(2027, 4, 9)),  # 4.3
    "intmk-23-invitation@intmk.local": (D(2027, 5, 6), D(2027, 5, 7)),  # 4.2
    "intmk-23-meeting_documents@intmk.local": (D(2027, 5, 27), D(2027, 5, 28)),  # 4.1
    "intmk-23-minutes@intmk.local": (D(2027, 7, 9), D(2027, 7, 10)),  # 5.3
    "intmk-23-minutes_objections@intmk.local": (D(2027, 7, 23), D(2027, 7, 24)),  # 5.3
}


def test_events_dates_and_uids(intmk: BodyProfile) -> None:
    events = events_by_uid(render(conference(), intmk))
    assert {uid: (e.decoded("DTSTART"), e.decoded("DTEND")) for uid, e in events.items()} == EXPECTED
    for event in events.values():
        assert type(event.decoded("DTSTART")) is dt.date  # all-day, no time of day


def test_calendar_header_and_timezone(intmk: BodyProfile) -> None:
    calendar = Calendar.from_ical(render(conference(), intmk))
    assert str(calendar["PRODID"]) == PRODID == "-//IntMK Geschäftsstelle//intmk//DE"
    assert str(calendar["VERSION"]) == "2.0"
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Berlin"]
    offsets = {str(part["TZNAME"]): part.decoded("TZOFFSETTO") for part in timezones[0].subcomponents}
    assert offsets == {"CET": dt.timedelta(hours=1), "CEST": dt.timedelta(hours=2)}
    assert timezones[0].to_tz().utcoffset(dt.datetime(2027, 7, 1)) == dt.timedelta(hours=2)


def test_conference_event(intmk: BodyProfile) -> None:
    event = events_by_uid(render(conference(), intmk))["intmk-23@intmk.local"]
    assert str(event["SUMMARY"]) == "23. IntMK"
    assert str(event["LOCATION"]) == "Mainz"
    assert event.decoded("DTSTAMP") == STAMP
    assert event.walk("VALARM") == []


def test_digital_conference_location(intmk: BodyProfile) -> None:
    entry = conference(digital=True, place=None, session="sondersitzung")
    event = events_by_uid(render(entry, intmk))["intmk-23@intmk.local"]
    assert str(event["LOCATION"]) == "digital"
    assert str(event["SUMMARY"]) == "23. IntMK (Sondersitzung)"


def test_deadline_event_text_and_alarm(intmk: BodyProfile) -> None:
    event = events_by_uid(render(conference(), intmk))["intmk-23-motions@intmk.local"]
    assert str(event["SUMMARY"]) == "Frist: Beschlussvorschläge und Leitantrag bei der Geschäftsstelle"
    description = str(event["DESCRIPTION"])
    assert "Regularien 4.3" in description
    assert "08.04.2027, 23:59 Uhr" in description
    assert "Vorläufig" not in description
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == dt.timedelta(days=-7)
    assert str(alarm["DESCRIPTION"]) == str(event["SUMMARY"])


def test_provisional_deadline_carries_its_note(intmk: BodyProfile) -> None:
    events = events_by_uid(render(conference(pre_conference=None), intmk))
    assert "intmk-23-vorkonferenz@intmk.local" not in events
    motions = events["intmk-23-motions@intmk.local"]
    assert motions.decoded("DTSTART") == D(2027, 4, 15)  # assumed Vorkonferenz 06.05.2027 − 3 weeks
    assert "Vorläufig: Vorkonferenz noch nicht festgelegt; angenommen: 06.05.2027" in str(motions["DESCRIPTION"])
    assert str(motions["STATUS"]) == "TENTATIVE"
    assert str(events["intmk-23-invitation@intmk.local"]["STATUS"]) == "CONFIRMED"


def test_same_input_same_bytes(intmk: BodyProfile) -> None:
    assert render(conference(), intmk) == render(conference(), intmk)


def test_stamp_is_written_in_utc(intmk: BodyProfile) -> None:
    local = STAMP.astimezone(ZoneInfo("Europe/Berlin"))
    assert render(conference(), intmk, local) == render(conference(), intmk)


def test_moved_conference_keeps_uids(intmk: BodyProfile) -> None:
    moved = conference(start=D(2027, 6, 17), end=D(2027, 6, 18), pre_conference=D(2027, 5, 6))
    later = STAMP + dt.timedelta(days=30)
    assert set(events_by_uid(render(moved, intmk, later))) == set(EXPECTED)


def test_naive_stamp_is_rejected(intmk: BodyProfile) -> None:
    with pytest.raises(ValueError, match="keine Zeitzone"):
        render(conference(), intmk, dt.datetime(2026, 5, 4, 8, 30))


def test_umlaufverfahren_calendar(intmk: BodyProfile) -> None:
    entry = conference(number=24, session="umlaufverfahren", start=D(2027, 9, 1), end=None,
                       pre_conference=None, place=None)
    events = events_by_uid(render(entry, intmk))
    assert set(events) == {"intmk-24@intmk.local", "intmk-24-written_procedure_reply@intmk.local"}
    assert events["intmk-24-written_procedure_reply@intmk.local"].decoded("DTSTART") == D(2027, 9, 15)  # 5.2
    assert "LOCATION" not in events["intmk-24@intmk.local"]


def test_imk_calendar_has_only_the_conference() -> None:
    imk = load_profile("imk")
    entry = conference(body="IMK", number=1, start=D(2027, 6, 16), end=D(2027, 6, 18),
                       pre_conference=None, place="Bremen")
    data = render(entry, imk)
    assert set(events_by_uid(data)) == {"imk-1@imk.local"}
    assert [str(tz["TZID"]) for tz in Calendar.from_ical(data).walk("VTIMEZONE")] == ["Europe/Berlin"]
