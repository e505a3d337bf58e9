"""Service functions for conferences and their calendar (CLI today, a web page later)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.assignment import assign_waiting_documents
from pipeline.rules.calendar import check_pre_conference, compute_deadlines
from pipeline.rules.chair import resolve_chair
from pipeline.rules.profiles import load_profile
from pipeline.settings import Settings
from pipeline.storage import Database
from pipeline.storage.conferences import get_conference, read_conference_file, save_conference
from schemas.errors import UsageProblem
from schemas.records import LandCode
from schemas.rules import BodyProfile, ConferenceEntry, Deadline


@dataclass(slots=True)
class ConferencePlan:
    """A conference with everything the rules derive from it."""

    conference: ConferenceEntry
    profile: BodyProfile
    chair: LandCode | None
    chair_source: str
    deadlines: list[Deadline]
    warnings: list[str] = field(default_factory=list)


def canonical_entry(entry: ConferenceEntry, settings: Settings) -> ConferenceEntry:
    """The entry with the body spelled as its profile spells it ('intmk' → 'IntMK')."""
    profile = load_profile(entry.body, settings.profile_dir)
    return entry.model_copy(update={"body": profile.body})


def add_conference(db: Database, settings: Settings, entry: ConferenceEntry, *, replace: bool = False) -> ConferencePlan:
    entry = canonical_entry(entry, settings)
    with db.session() as session:
        save_conference(session, entry, replace=replace)
        assign_waiting_documents(session, settings)
    return plan_conference(entry, settings)


def import_conferences(db: Database, settings: Settings, path: Path, *, replace: bool = False) -> list[ConferencePlan]:
    """All conferences of a TOML file in one transaction: either all are stored or none."""
    entries = [canonical_entry(entry, settings) for entry in read_conference_file(path)]
    with db.session() as session:
        for entry in entries:
            save_conference(session, entry, replace=replace)
        assign_waiting_documents(session, settings)
    return [plan_conference(entry, settings) for entry in entries]


def load_plan(db: Database, settings: Settings, body: str, number: int) -> ConferencePlan:
    profile = load_profile(body, settings.profile_dir)
    with db.session() as session:
        entry = get_conference(session, profile.body, number)
    return plan_conference(entry, settings)


def plan_conference(entry: ConferenceEntry, settings: Settings) -> ConferencePlan:
    profile = load_profile(entry.body, settings.profile_dir)
    chair, source = resolve_chair(entry, profile)
    return ConferencePlan(
        conference=entry,
        profile=profile,
        chair=chair,
        chair_source=source,
        deadlines=compute_deadlines(entry, profile),
        warnings=check_pre_conference(entry, profile),
    )


def parse_conference_ref(text: str) -> tuple[str, int]:
    """'IntMK 23', 'IntMK-23' → ('IntMK', 23)."""
    body, _, number = text.replace("-", " ").strip().rpartition(" ")
    if not body or not number.isdigit():
        raise UsageProblem(f"Konferenzangabe '{text}' nicht verstanden; erwartet z. B. 'IntMK 23'.")
    return body.strip(), int(number)
