"""The daily deadline reminder: which deadlines fall due this week, and the text for the clerks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.conference_service import add_conference, import_conferences
from pipeline.reminder_service import (
    DueDeadline,
    describe_days_left,
    format_reminder,
    list_due_deadlines,
    write_reminder,
)
from pipeline.rules.calendar import compute_deadlines, format_moment
from pipeline.rules.profiles import SHIPPED_PROFILES, load_profile
from pipeline.settings import Settings
from pipeline.storage import Database
from schemas.errors import UsageProblem
from schemas.rules import ConferenceEntry, Deadline

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "conferences.toml"
DAY = dt.timedelta(days=1)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


@pytest.fixture
def stored(db: Database, settings: Settings) -> Database:
    """The store with the example conferences (IntMK 12, 13 from the past; IntMK 23 in 2027)."""
    import_conferences(db, settings, EXAMPLES)
    return db


def intmk23() -> ConferenceEntry:
    return ConferenceEntry(
        body="IntMK", number=23, start=dt.date(2027, 6, 10), end=dt.date(2027, 6, 11),
        place="Mainz", pre_conference=dt.date(2027, 4, 29),
    )


def intmk23_deadline(rule: str) -> Deadline:
    """A deadline of IntMK 23 as the calendar rules compute it (not hard-coded here)."""
    deadlines = compute_deadlines(intmk23(), load_profile("IntMK"))
    return next(deadline for deadline in deadlines if deadline.rule == rule)


def due_day(deadline: Deadline) -> dt.date:
    return deadline.due.date()  # the due moment is in the profile's zone (Europe/Berlin)


def find(due: list[DueDeadline], conference: str, rule: str) -> DueDeadline | None:
    return next((d for d in due if d.conference == conference and d.deadline.rule == rule), None)


# --- the window -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today_offset", "expected_days_left"),
    [
        (-6, 6),  # due on the last day of the 7-day window: counts
        (-7, None),  # due the day after the window: not yet
        (0, 0),  # due today: counts
        (1, None),  # due yesterday: gone
    ],
    ids=["last-day-of-window", "day-after-window", "today", "yesterday"],
)
def test_window_boundaries_for_the_motion_deadline(
    stored: Database, settings: Settings, today_offset: int, expected_days_left: int | None
) -> None:
    motions = intmk23_deadline("motions")
    today = due_day(motions) + today_offset * DAY
    due = list_due_deadlines(stored, settings, today)
    found = find(due, "IntMK-23", "motions")
    if expected_days_left is None:
        assert found is None
    else:
        assert found is not None
        assert found.deadline == motions
        assert found.days_left == expected_days_left


def test_window_length_follows_days(stored: Database, settings: Settings) -> None:
    motions = intmk23_deadline("motions")
    today = due_day(motions) - 2 * DAY
    assert find(list_due_deadlines(stored, settings, today, days=2), "IntMK-23", "motions") is None
    assert find(list_due_deadlines(stored, settings, today, days=3), "IntMK-23", "motions") is not None
    assert find(list_due_deadlines(stored, settings, due_day(motions), days=1), "IntMK-23", "motions")


def test_only_deadlines_inside_the_window_and_days_left_from_the_local_date(
    stored: Database, settings: Settings
) -> None:
    today = dt.date(2027, 5, 1)
    due = list_due_deadlines(stored, settings, today, days=30)
    expected = [
        d for d in compute_deadlines(intmk23(), load_profile("IntMK"))
        if today <= due_day(d) <= today + 29 * DAY
    ]
    assert [item.deadline for item in due] == expected
    assert {item.rule for item in expected} == {"invitation", "meeting_documents"}
    assert {item.conference for item in due} == {"IntMK-23"}  # IntMK 12 and 13 lie in the past
    assert all(item.days_left == (due_day(item.deadline) - today).days for item in due)


def test_past_conferences_produce_nothing(stored: Database, settings: Settings) -> None:
    assert list_due_deadlines(stored, settings, dt.date(2026, 11, 21)) == []


def test_sorted_by_due_moment_then_conference(db: Database, settings: Settings) -> None:
    add_conference(db, settings, intmk23())
    # Same dates as IntMK 23 (ties on every moment) and one a week later (interleaves).
    add_conference(db, settings, intmk23().model_copy(update={"number": 9}))
    add_conference(db, settings, intmk23().model_copy(update={
        "number": 24, "start": dt.date(2027, 6, 17), "end": dt.date(2027, 6, 18),
        "pre_conference": dt.date(2027, 5, 6),
    }))
    due = list_due_deadlines(db, settings, dt.date(2027, 4, 1), days=150)
    # implementation_review lies before 1 April for all three; every other deadline is inside
    assert len(due) == 3 * (len(compute_deadlines(intmk23(), load_profile("IntMK"))) - 1)
    order = [(item.deadline.due, int(item.conference.split("-")[1])) for item in due]
    assert order == sorted(order)
    ties = [item.conference for item in due if item.deadline.rule == "motions"]
    assert ties == ["IntMK-9", "IntMK-23", "IntMK-24"]  # by number, not by text ("IntMK-23" < "IntMK-9")


def test_window_is_measured_in_the_profiles_time_zone(
    db: Database, tmp_path: Path
) -> None:
    """23:59:59 in Los Angeles is the next morning in UTC; the reminder still counts local days."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    text = (SHIPPED_PROFILES / "intmk.toml").read_text(encoding="utf-8")
    text = text.replace('body = "IntMK"', 'body = "LAMK"').replace("Europe/Berlin", "America/Los_Angeles")
    (profiles / "lamk.toml").write_text(text, encoding="utf-8")
    settings = Settings(home=tmp_path / "home", profile_dir=profiles)
    entry = intmk23().model_copy(update={"body": "LAMK"})
    add_conference(db, settings, entry)
    motions = next(d for d in compute_deadlines(entry, load_profile("LAMK", profiles)) if d.rule == "motions")
    day = due_day(motions)
    assert motions.due.astimezone(dt.UTC).date() == day + DAY

    assert find(list_due_deadlines(db, settings, day + DAY), "LAMK-23", "motions") is None
    on_last_day = find(list_due_deadlines(db, settings, day - 6 * DAY), "LAMK-23", "motions")
    assert on_last_day is not None and on_last_day.days_left == 6


def test_window_of_no_days_is_refused(stored: Database, settings: Settings) -> None:
    with pytest.raises(UsageProblem, match="mindestens 1 Tag"):
        list_due_deadlines(stored, settings, dt.date(2027, 4, 1), days=0)


# --- the text -------------------------------------------------------------------------------


def test_text_when_nothing_is_due(stored: Database, settings: Settings) -> None:
    today = dt.date(2026, 11, 21)
    text = format_reminder(list_due_deadlines(stored, settings, today), today, 7)
    assert text == "Fristen vom 21.11.2026 bis 27.11.2026\n\nKeine Fristen in den nächsten 7 Tagen.\n"


def test_text_lists_each_deadline_with_moment_conference_title_and_days_left(
    stored: Database, settings: Settings
) -> None:
    motions = intmk23_deadline("motions")
    today = due_day(motions) - DAY
    due = list_due_deadlines(stored, settings, today)
    text = format_reminder(due, today, 7)
    lines = text.splitlines()
    assert lines[0] == f"Fristen vom {today:%d.%m.%Y} bis {today + 6 * DAY:%d.%m.%Y}"
    assert len(lines) == 2 + len(due)
    motion_line = next(line for line in lines if motions.title in line)
    assert motion_line.startswith(format_moment(motions.due))
    assert "IntMK 23" in motion_line
    assert "(Regularien 4.3)" in motion_line
    assert motion_line.endswith("– morgen")
    assert "vorläufig" not in text


def test_provisional_deadline_carries_its_note(stored: Database, settings: Settings) -> None:
    objections = intmk23_deadline("minutes_objections")
    assert objections.provisional and objections.note
    today = due_day(objections) - 2 * DAY
    due = list_due_deadlines(stored, settings, today)
    item = find(due, "IntMK-23", "minutes_objections")
    assert item is not None and item.deadline.note == objections.note
    line = next(line for line in format_reminder(due, today, 7).splitlines() if objections.title in line)
    assert "in 2 Tagen" in line
    assert line.endswith(f"(vorläufig: {objections.note})")


@pytest.mark.parametrize(("days_left", "words"), [(0, "heute"), (1, "morgen"), (2, "in 2 Tagen"), (6, "in 6 Tagen")])
def test_days_left_in_words(days_left: int, words: str) -> None:
    assert describe_days_left(days_left) == words


def test_one_day_window_says_today() -> None:
    text = format_reminder([], dt.date(2027, 4, 8), 1)
    assert text == "Fristen vom 08.04.2027 bis 08.04.2027\n\nKeine Fristen heute.\n"


# --- the file -------------------------------------------------------------------------------


def test_reminder_file_holds_exactly_the_formatted_text(stored: Database, settings: Settings) -> None:
    today = due_day(intmk23_deadline("motions")) - 3 * DAY
    text = format_reminder(list_due_deadlines(stored, settings, today), today, 7)
    path = write_reminder(settings, text, today)
    assert path == settings.home / "out" / f"fristen-{today.isoformat()}.txt"
    assert path.read_text(encoding="utf-8") == text
    assert "Beschlussvorschläge" in text  # umlauts survive as UTF-8
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind

    write_reminder(settings, "neu\n", today)  # the next run of the same day replaces it
    assert path.read_text(encoding="utf-8") == "neu\n"
