"""The conference calendar: deadlines of the rules of procedure, computed from the body profile.

Every deadline is a ``DeadlineRule`` of the profile (an anchor date of the conference plus an
offset such as ``-3w``); no body has a code branch here. A deadline is due at the END of its day
in the profile's timezone (23:59:59 Europe/Berlin, with the offset valid on that day), and a
receipt is late only if its local date is after the due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta

from schemas.errors import ConfigError, InternalError
from schemas.rules import BodyProfile, ConferenceEntry, Deadline, DeadlineRule, cite_section

WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")  # no dependence on the system locale
END_OF_DAY = dt.time(23, 59, 59)
MINUTES_RULE = "minutes"  # Regularien 5.3: its due day is the latest day to send the minutes
NUMBER_WORDS = ("null", "eine", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
                "zehn", "elf", "zwölf")
OFFSET_UNITS = {"d": "days", "w": "weeks", "m": "months"}


class NaiveDateTimeError(InternalError, ValueError):
    """A date-time without timezone reached the deadline rules (a bug in the caller)."""


# --- deadlines -----------------------------------------------------------------------------


def compute_deadlines(conference: ConferenceEntry, profile: BodyProfile) -> list[Deadline]:
    """All deadlines of ``conference`` that its profile lists for its session kind, by due date."""
    zone = load_timezone(profile.timezone)
    deadlines = []
    for rule in select_rules(conference, profile):
        anchor = resolve_anchor(rule, conference, profile)
        if anchor is None:
            continue
        day, note = anchor
        deadlines.append(build_deadline(rule, day + parse_offset(rule.offset), note, zone))
    return sorted(deadlines, key=lambda deadline: (deadline.due, deadline.rule))


def select_rules(conference: ConferenceEntry, profile: BodyProfile) -> list[DeadlineRule]:
    """The profile's deadline rules that apply to the conference's session kind."""
    return [rule for rule in profile.deadlines if conference.session in rule.sessions]


def resolve_anchor(
    rule: DeadlineRule, conference: ConferenceEntry, profile: BodyProfile
) -> tuple[dt.date, str | None] | None:
    """The anchor date of ``rule`` and a note if it is assumed; None if it cannot be known."""
    if rule.anchor == "start":
        return conference.start, None
    if rule.anchor == "end":
        return conference.last_day, None
    if rule.anchor == "pre_conference":
        return resolve_pre_conference(conference, profile)
    return resolve_minutes_sent(conference, profile)


def resolve_pre_conference(
    conference: ConferenceEntry, profile: BodyProfile
) -> tuple[dt.date, str | None] | None:
    """The Vorkonferenz date, or the latest date the window allows (Regularien 7)."""
    if conference.pre_conference is not None:
        return conference.pre_conference, None
    window = profile.pre_conference_window
    if window is None:
        return None
    assumed = conference.start - relativedelta(weeks=window.min_weeks)  # Regularien 7
    note = (
        f"Vorkonferenz noch nicht festgelegt; angenommen: {format_date(assumed)} "
        f"(spätester Termin nach {cite_section(window.section)})"
    )
    return assumed, note


def resolve_minutes_sent(
    conference: ConferenceEntry, profile: BodyProfile
) -> tuple[dt.date, str | None] | None:
    """The day the minutes were sent, or the latest permissible sending day (Regularien 5.3)."""
    if conference.minutes_sent is not None:
        return conference.minutes_sent, None
    rule = next((rule for rule in profile.deadlines if rule.rule == MINUTES_RULE), None)
    if rule is None or rule.anchor == "minutes_sent":
        return None
    anchor = resolve_anchor(rule, conference, profile)
    if anchor is None:
        return None
    assumed = anchor[0] + parse_offset(rule.offset)  # Regularien 5.3: vier Wochen nach Konferenz
    note = (
        f"Versand der Niederschrift noch nicht erfasst; angenommen: {format_date(assumed)} "
        f"(spätester Versandtag nach {cite_section(rule.section)})"
    )
    return assumed, note


def build_deadline(rule: DeadlineRule, day: dt.date, note: str | None, zone: ZoneInfo) -> Deadline:
    """A Deadline due at the end of ``day`` in ``zone``."""
    return Deadline(
        rule=rule.rule,
        section=rule.section,
        title=rule.title,
        due=end_of_day(day, zone),
        provisional=note is not None,
        note=note,
    )


def find_motion_deadline(conference: ConferenceEntry, profile: BodyProfile) -> Deadline | None:
    """The deadline after which motions are late (Regularien 4.3), if the profile has one."""
    selected = select_rules(conference, profile)
    motion_rules = [rule.rule for rule in selected if rule.motion_deadline]
    deadlines = {deadline.rule: deadline for deadline in compute_deadlines(conference, profile)}
    return next((deadlines[rule] for rule in motion_rules if rule in deadlines), None)


# --- Vorkonferenz window -------------------------------------------------------------------


def check_pre_conference(conference: ConferenceEntry, profile: BodyProfile) -> list[str]:
    """German warnings if the Vorkonferenz lies outside the profile's window (Regularien 7)."""
    window = profile.pre_conference_window
    if window is None or conference.pre_conference is None:
        return []
    days = (conference.start - conference.pre_conference).days
    if window.min_weeks * 7 <= days <= window.max_weeks * 7:  # Regularien 7: fünf bis sechs Wochen
        return []
    position = "am Tag der Konferenz" if days == 0 else f"{describe_days(days)} vor der Konferenz"
    return [
        f"Die Vorkonferenz am {format_date(conference.pre_conference)} liegt {position}; "
        f"{cite_section(window.section)} sieht "
        f"{describe_window(window.min_weeks, window.max_weeks)} vor."
    ]


def describe_days(days: int) -> str:
    """39 → '5 Wochen und 4 Tage'; 7 → '1 Woche'; 1 → '1 Tag'."""
    weeks, rest = divmod(days, 7)
    parts = []
    if weeks:
        parts.append(f"{weeks} {'Woche' if weeks == 1 else 'Wochen'}")
    if rest:
        parts.append(f"{rest} {'Tag' if rest == 1 else 'Tage'}")
    return " und ".join(parts)


def describe_window(min_weeks: int, max_weeks: int) -> str:
    """(5, 6) → 'fünf bis sechs Wochen'."""
    def word(number: int) -> str:
        return NUMBER_WORDS[number] if number < len(NUMBER_WORDS) else str(number)

    unit = "Woche" if max_weeks == 1 else "Wochen"
    if min_weeks == max_weeks:
        return f"{word(max_weeks)} {unit}"
    return f"{word(min_weeks)} bis {word(max_weeks)} {unit}"


# --- receipts and reminders ----------------------------------------------------------------


def is_late(received: dt.datetime, deadline: Deadline, tz: ZoneInfo | str) -> bool:
    """True iff the receipt's local date (in ``tz``) is after the deadline's due date."""
    zone = load_timezone(tz) if isinstance(tz, str) else tz
    require_aware(received, "Eingangszeitpunkt")
    require_aware(deadline.due, "Fristende")
    return received.astimezone(zone).date() > deadline.due.astimezone(zone).date()


def deadlines_between(
    deadlines: Iterable[Deadline], start: dt.datetime, end: dt.datetime
) -> list[Deadline]:
    """Deadlines due in [start, end), by due date (for the weekly reminder)."""
    require_aware(start, "Beginn des Zeitraums")
    require_aware(end, "Ende des Zeitraums")
    return sorted(
        (deadline for deadline in deadlines if start <= deadline.due < end),
        key=lambda deadline: (deadline.due, deadline.rule),
    )


def format_moment(moment: dt.datetime) -> str:
    """'Do 08.04.2027 23:59' in the moment's own time zone."""
    return f"{WEEKDAYS[moment.weekday()]} {format_date(moment.date())} {moment:%H:%M}"


def format_deadline(deadline: Deadline) -> str:
    """'Do 08.04.2027 23:59  <title> (Regularien 4.3)', plus ' – vorläufig' if assumed."""
    line = f"{format_moment(deadline.due)}  {deadline.title} ({cite_section(deadline.section)})"
    return f"{line} – vorläufig" if deadline.provisional else line


# --- small helpers -------------------------------------------------------------------------


def load_timezone(name: str) -> ZoneInfo:
    """The ZoneInfo of a profile's timezone; a ConfigError names a wrong one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"Die Zeitzone '{name}' im Profil ist unbekannt.") from exc


def parse_offset(offset: str) -> relativedelta:
    """'-3w' → relativedelta(weeks=-3); '+14d', '-3m' likewise (format checked by the model)."""
    return relativedelta(**{OFFSET_UNITS[offset[-1]]: int(offset[:-1])})


def end_of_day(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """23:59:59 local time on ``day``, aware, with the offset valid on that day."""
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=zone)


def format_date(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"



def require_aware(value: dt.datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDateTimeError(f"{what} {value.isoformat()} hat keine Zeitzone.")
