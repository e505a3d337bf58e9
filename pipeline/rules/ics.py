"""The conference calendar as an iCalendar file (.ics) for Outlook and Thunderbird.

One all-day event for the conference, one for the Vorkonferenz if its date is set, and one
all-day event per deadline with a reminder seven days before. UIDs are built from body, number
and rule id, so importing the file again updates the events instead of duplicating them.
``stamp`` is passed in, so the same input always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone
from icalendar.enums import STATUS, TRANSP

from pipeline.rules.calendar import NaiveDateTimeError, format_date, load_timezone
from schemas.rules import cite_section
from schemas.records import SessionKind
from schemas.rules import BodyProfile, ConferenceEntry, Deadline

PRODID = "-//IntMK Geschäftsstelle//intmk//DE"
REMINDER = dt.timedelta(days=-7)
SESSION_NAMES = {
    SessionKind.HAUPTKONFERENZ: "",
    SessionKind.VORKONFERENZ: "Vorkonferenz",
    SessionKind.SONDERSITZUNG: "Sondersitzung",
    SessionKind.UMLAUFVERFAHREN: "Umlaufverfahren",
}


def render_ics(
    conference: ConferenceEntry,
    profile: BodyProfile,
    deadlines: list[Deadline],
    *,
    stamp: dt.datetime,
) -> bytes:
    """The .ics bytes of the conference, its Vorkonferenz and its deadlines."""
    zone = load_timezone(profile.timezone)  # a wrong timezone in the profile is a ConfigError
    stamp_utc = to_utc(stamp)
    events = [build_conference_event(conference, stamp_utc)]
    if conference.pre_conference is not None:
        events.append(build_pre_conference_event(conference, conference.pre_conference, stamp_utc))
    events.extend(build_deadline_event(conference, item, zone, stamp_utc) for item in deadlines)
    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        uid=make_uid(conference, "kalender"),  # fixed, or icalendar would draw a random one
        name=f"{name_conference(conference)}: Termine und Fristen",
        subcomponents=events,
    )
    calendar.add("X-WR-TIMEZONE", profile.timezone)
    calendar.subcomponents.insert(0, build_timezone(profile.timezone, events))
    return calendar.to_ical()


def build_conference_event(conference: ConferenceEntry, stamp: dt.datetime) -> Event:
    """All-day event from the first to the last day of the conference."""
    return Event.new(
        uid=make_uid(conference, None),
        stamp=stamp,
        start=conference.start,
        end=conference.last_day + dt.timedelta(days=1),  # DTEND of an all-day event is exclusive
        summary=name_conference(conference),
        location=locate(conference),
    )


def build_pre_conference_event(
    conference: ConferenceEntry, day: dt.date, stamp: dt.datetime
) -> Event:
    """All-day event on the day of the Vorkonferenz (Regularien 7)."""
    return Event.new(
        uid=make_uid(conference, "vorkonferenz"),
        stamp=stamp,
        start=day,
        end=day + dt.timedelta(days=1),
        summary=f"Vorkonferenz zur {name_conference(conference)}",
    )


def build_deadline_event(
    conference: ConferenceEntry, deadline: Deadline, zone: ZoneInfo, stamp: dt.datetime
) -> Event:
    """All-day event on the local due day, free time, with a display reminder seven days before."""
    due = deadline.due.astimezone(zone)
    day = due.date()
    summary = f"Frist: {deadline.title}"
    event = Event.new(
        uid=make_uid(conference, deadline.rule),
        stamp=stamp,
        start=day,
        end=day + dt.timedelta(days=1),
        summary=summary,
        description=describe_deadline(conference, deadline, due),
        transparency=TRANSP.TRANSPARENT,
        status=STATUS.TENTATIVE if deadline.provisional else STATUS.CONFIRMED,
    )
    alarm = Alarm.new(description=summary)
    alarm.add("ACTION", "DISPLAY")
    alarm.add("TRIGGER", REMINDER)
    event.add_component(alarm)
    return event


def describe_deadline(conference: ConferenceEntry, deadline: Deadline, due: dt.datetime) -> str:
    """DESCRIPTION: rule section, the local due moment and, if assumed, the note."""
    lines = [
        f"{name_conference(conference)}: {cite_section(deadline.section)}",
        f"Fällig bis {format_date(due.date())}, {due:%H:%M} Uhr",
    ]
    if deadline.provisional:
        lines.append(f"Vorläufig: {deadline.note}" if deadline.note else "Vorläufig")
    return "\n".join(lines)


def build_timezone(tzid: str, events: list[Event]) -> Timezone:
    """VTIMEZONE for ``tzid`` covering the years of the events (deterministic)."""
    days = [event.start for event in events]
    first = dt.date(min(days).year - 1, 1, 1)
    last = dt.date(max(days).year + 2, 1, 1)
    return Timezone.from_tzid(tzid, first_date=first, last_date=last)


def make_uid(conference: ConferenceEntry, part: str | None) -> str:
    """'intmk-23@intmk.local', 'intmk-23-motions@intmk.local'."""
    body = conference.body.lower()
    key = f"{body}-{conference.number}" + (f"-{part}" if part else "")
    return f"{key}@{body}.local"


def name_conference(conference: ConferenceEntry) -> str:
    """'23. IntMK' or '24. IntMK (Sondersitzung)'."""
    kind = SESSION_NAMES.get(conference.session, "")
    name = f"{conference.number}. {conference.body}"
    return f"{name} ({kind})" if kind else name


def locate(conference: ConferenceEntry) -> str | None:
    """LOCATION: 'digital' for a digital conference, else the place (if known)."""
    return "digital" if conference.digital else conference.place


def to_utc(stamp: dt.datetime) -> dt.datetime:
    """DTSTAMP must be UTC; a naive stamp is a bug in the caller."""
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise NaiveDateTimeError(f"Zeitstempel {stamp.isoformat()} hat keine Zeitzone.")
    return stamp.astimezone(dt.UTC)

