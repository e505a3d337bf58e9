"""The daily deadline reminder (Fristenerinnerung) for the Geschäftsstelle.

Plain functions: a scheduled flow calls ``list_due_deadlines`` → ``format_reminder`` →
``write_reminder`` every morning. A deadline is due at the end of its day in its profile's time
zone; the window covers whole local days, from the start of ``today`` to the end of
``today + days - 1``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipeline.inbox.folders import resolve_folders
from pipeline.rules.calendar import (
    compute_deadlines,
    deadlines_between,
    format_date,
    format_moment,
    load_timezone,
)
from pipeline.rules.profiles import load_profile
from pipeline.service import write_bytes_atomically
from pipeline.settings import Settings
from pipeline.storage import Database
from pipeline.storage.conferences import list_conferences
from schemas.errors import UsageProblem
from schemas.rules import BodyProfile, ConferenceEntry, Deadline, cite_section

DEFAULT_DAYS = 7


@dataclass(frozen=True, slots=True)
class DueDeadline:
    """A deadline of one stored conference that falls due inside the reminder window."""

    conference: str  # the conference key, 'IntMK-23'
    deadline: Deadline
    days_left: int  # 0 = due today (local date in the profile's time zone)


def list_due_deadlines(
    db: Database, settings: Settings, today: dt.date, days: int = DEFAULT_DAYS
) -> list[DueDeadline]:
    """Deadlines of every stored conference due from ``today`` through ``today + days - 1``.

    Sorted by due moment, then conference (body, number), then rule.
    """
    require_positive_days(days)
    with db.session() as session:
        conferences = list_conferences(session)
    found: list[tuple[tuple, DueDeadline]] = []
    for conference in conferences:
        profile = load_profile(conference.body, settings.profile_dir)
        for due in find_due_in_window(conference, profile, today, days):
            order = (due.deadline.due, conference.body, conference.number, due.deadline.rule)
            found.append((order, due))
    return [due for _, due in sorted(found, key=lambda pair: pair[0])]


def find_due_in_window(
    conference: ConferenceEntry, profile: BodyProfile, today: dt.date, days: int
) -> list[DueDeadline]:
    """The conference's deadlines due in the window, measured in the profile's time zone."""
    zone = load_timezone(profile.timezone)
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(today + dt.timedelta(days=days), dt.time.min, tzinfo=zone)
    return [
        DueDeadline(
            conference=conference.key,
            deadline=deadline,
            days_left=(deadline.due.astimezone(zone).date() - today).days,
        )
        for deadline in deadlines_between(compute_deadlines(conference, profile), start, end)
    ]


def format_reminder(due: list[DueDeadline], today: dt.date, days: int = DEFAULT_DAYS) -> str:
    """German plain text: a heading with the window, then one line per deadline."""
    require_positive_days(days)
    last_day = today + dt.timedelta(days=days - 1)
    lines = [f"Fristen vom {format_date(today)} bis {format_date(last_day)}", ""]
    if not due:
        lines.append(describe_nothing_due(days))
    lines.extend(format_due_line(item) for item in due)
    return "\n".join(lines) + "\n"


def format_due_line(item: DueDeadline) -> str:
    """'Do 08.04.2027 23:59  IntMK 23: <title> (Regularien 4.3) – in 3 Tagen (vorläufig: …)'."""
    deadline = item.deadline
    line = (
        f"{format_moment(deadline.due)}  {display_conference(item.conference)}: "
        f"{deadline.title} ({cite_section(deadline.section)}) – {describe_days_left(item.days_left)}"
    )
    if deadline.provisional:
        line += f" (vorläufig: {deadline.note or 'angenommenes Datum'})"
    return line


def describe_days_left(days_left: int) -> str:
    """0 → 'heute', 1 → 'morgen', 3 → 'in 3 Tagen'."""
    if days_left == 0:
        return "heute"
    if days_left == 1:
        return "morgen"
    return f"in {days_left} Tagen"


def describe_nothing_due(days: int) -> str:
    if days == 1:
        return "Keine Fristen heute."
    return f"Keine Fristen in den nächsten {days} Tagen."


def display_conference(key: str) -> str:
    """'IntMK-23' → 'IntMK 23' (as clerks write it and the CLI accepts it)."""
    body, _, number = key.rpartition("-")
    return f"{body} {number}" if body and number.isdigit() else key


def write_reminder(settings: Settings, text: str, today: dt.date) -> Path:
    """Write the reminder atomically to ``<out>/fristen-<today>.txt`` (``INTMK_OUT_DIR``, by default
    ``<home>/out``); return the path."""
    target = resolve_folders(settings).out / f"fristen-{today.isoformat()}.txt"
    return write_bytes_atomically(target, text.encode("utf-8"))


def require_positive_days(days: int) -> None:
    if days < 1:
        raise UsageProblem(
            f"Der Zeitraum der Fristenerinnerung muss mindestens 1 Tag umfassen (angegeben: {days})."
        )
