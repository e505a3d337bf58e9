"""Models of the rules of procedure: body profiles, conferences, deadlines and check results.

A body profile is data (``pipeline/rules/profiles/<body>.toml``), never a code branch: a second
conference body (IMK, JFMK, …) needs a new profile file and no code change.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.records import LandCode, SessionKind

OFFSET_PATTERN = re.compile(r"^[+-]\d+[dwm]$")
DeadlineAnchor = Literal["start", "end", "pre_conference", "minutes_sent"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def parse_fraction(value: str) -> Fraction:
    """'2/3' → Fraction(2, 3); used for majorities written as text in the profiles."""
    numerator, _, denominator = value.partition("/")
    return Fraction(int(numerator), int(denominator or 1))


def cite_section(section: str) -> str:
    """'4.3' → 'Regularien 4.3'; a section already named in words ('Über die IMK: …') stays."""
    return f"Regularien {section}" if section[:1].isdigit() else section


class ChairRule(_Model):
    """Chair rotation in alphabetical order of the Länder (IntMK: Regularien 3.1)."""

    section: str
    anchor_date: dt.date = Field(description="date the anchor Land took over the chair")
    anchor_land: LandCode
    change_month: int = Field(ge=1, le=12, description="later changes happen on this month …")
    change_day: int = Field(ge=1, le=28, description="… and day, every period_months")
    period_months: int = Field(default=12, ge=1)


class MajorityRule(_Model):
    """How a decision is taken (IntMK: Regularien 5.1)."""

    section: str
    quorum: int | None = Field(default=None, ge=1, le=16, description="Länder that must be represented")
    rule: Literal["fraction_of_cast", "unanimity"]
    fraction: str = "2/3"
    abstention_counts_as_no: bool = True
    budget_binds_only_consenting: bool = False

    @field_validator("fraction")
    @classmethod
    def _check_fraction(cls, value: str) -> str:
        parse_fraction(value)
        return value


class SupermajorityRule(_Model):
    """A 2/3 threshold for an exception (late motion admission, Bundesrat override)."""

    section: str
    fraction: str = "2/3"
    base: Literal["participants", "votes_cast"]


class DeadlineRule(_Model):
    """One deadline, as an offset from an anchor date of the conference."""

    rule: str = Field(pattern=r"^[a-z_]+$", description="stable id, e.g. 'motions'")
    section: str
    title: str = Field(description="German text for calendar and reminders")
    anchor: DeadlineAnchor
    offset: str = Field(description="'-3w', '+4w', '-3m', '+14d'")
    sessions: list[SessionKind] = Field(default_factory=lambda: [SessionKind.HAUPTKONFERENZ])
    motion_deadline: bool = Field(default=False, description="motions received after it are late")

    @field_validator("offset")
    @classmethod
    def _check_offset(cls, value: str) -> str:
        if not OFFSET_PATTERN.match(value):
            raise ValueError(f"Frist '{value}' hat nicht die Form -3w, +4w, -3m oder +14d")
        return value


class PreConferenceWindow(_Model):
    """The Vorkonferenz lies between min_weeks and max_weeks before the conference (Regularien 7)."""

    section: str
    min_weeks: int = Field(ge=0)
    max_weeks: int = Field(ge=0)


class BodyProfile(_Model):
    body: str = Field(pattern=r"^[A-Za-z]{2,10}$")
    name: str
    source: str = Field(description="the rules of procedure this profile follows")
    timezone: str = "Europe/Berlin"
    hauptkonferenzen_per_year: int = Field(default=1, ge=1)
    chair: ChairRule
    majority: MajorityRule
    late_motion_admission: SupermajorityRule | None = None
    bundesrat_override: SupermajorityRule | None = None
    green_list_section: str | None = None
    pre_conference_window: PreConferenceWindow | None = None
    deadlines: list[DeadlineRule] = Field(default_factory=list)


class ConferenceEntry(_Model):
    """A conference as the Geschäftsstelle enters it (``intmk conference add``)."""

    body: str
    number: int = Field(ge=1)
    session: SessionKind = SessionKind.HAUPTKONFERENZ
    start: dt.date
    end: dt.date | None = None
    place: str | None = None
    digital: bool = False
    chair: LandCode | None = Field(default=None, description="explicit chair; wins over the rotation")
    pre_conference: dt.date | None = None
    minutes_sent: dt.date | None = None

    @model_validator(mode="after")
    def _check_dates(self) -> ConferenceEntry:
        if self.end and self.end < self.start:
            raise ValueError("Das Ende der Konferenz liegt vor ihrem Beginn.")
        if self.pre_conference and self.pre_conference > self.start:
            raise ValueError("Die Vorkonferenz liegt nach der Konferenz.")
        return self

    @property
    def last_day(self) -> dt.date:
        return self.end or self.start

    @property
    def key(self) -> str:
        return f"{self.body}-{self.number}"


class Deadline(_Model):
    rule: str
    section: str
    title: str
    due: dt.datetime = Field(description="last moment, Europe/Berlin, with offset")
    provisional: bool = Field(default=False, description="computed from an assumed date")
    note: str | None = None


class BundesratProcedure(_Model):
    """An entry of the local register of Bundesrat procedures (Regularien 4.3)."""

    drucksache: str = Field(pattern=r"^\d{1,4}/\d{2}$", description="'450/26'")
    title: str
    status: str | None = None
    initiated: dt.date | None = None
    updated: dt.date | None = None
    dip_id: str | None = None
    source: Literal["import", "dip"] = "import"


class BundesratEvidence(_Model):
    """Why a motion is flagged as already pending in the Bundesrat."""

    drucksache: str
    title: str
    status: str | None = None
    method: Literal["drucksache", "title"]
    matched_text: str
    score: float = Field(ge=0, le=100)


class BundesratCheckStatus(StrEnum):
    """The outcome of the Bundesrat check of one motion (Regularien 4.3), most telling first."""

    REGISTER_EMPTY = "register_empty"  # no procedure imported or synced yet: nothing could be checked
    MATCHED = "matched"  # a pending procedure found (``bundesrat`` holds the evidence)
    CITED_NOT_IN_REGISTER = "cited_not_in_register"  # a cited Drucksache the register does not know
    CITED_CONCLUDED = "cited_concluded"  # a cited Drucksache whose procedure the register has as concluded
    NOT_FOUND = "not_found"  # nothing cited, no title of a pending procedure found


class CitationState(StrEnum):
    """What the register says about one cited Drucksache."""

    PENDING = "pending"
    CONCLUDED = "concluded"
    NOT_IN_REGISTER = "not_in_register"


class CitedDrucksache(_Model):
    """A Bundesrat Drucksache a motion cites, looked up in the register."""

    number: str = Field(description="the procedure's number, normalised: '87/28'")
    cited: str = Field(description="as printed: 'BR-Drs. 87/1/28'")
    state: CitationState
    register_status: str | None = Field(default=None, description="the register's status of the procedure")


class MotionChecks(_Model):
    """What ``intmk check --json`` adds to a record as ``checks``."""

    conference: str | None = Field(default=None, description="'IntMK-23'")
    assigned_by: Literal["header", "receipt", "clerk"] | None = None
    received: dt.datetime | None = None
    received_source: Literal["inbox", "email", "sidecar", "override"] | None = None
    deadline: dt.datetime | None = None
    late: bool | None = Field(default=None, description="null when receipt or deadline is unknown")
    urgency_stated: bool = False
    urgency_text: str | None = None
    bundesrat: BundesratEvidence | None = None
    bundesrat_status: BundesratCheckStatus | None = Field(default=None, description="null when not checked")
    bundesrat_citations: list[CitedDrucksache] = Field(default_factory=list, description="cited Drucksachen")
    green_list_eligible: bool | None = None
    majority: MajorityResult | None = Field(default=None, description="outcome computed from printed votes")
    notes: list[str] = Field(default_factory=list, description="German hints for the clerk")

    @model_validator(mode="after")
    def _derive_bundesrat_status(self) -> MotionChecks:
        """Checks built with evidence but no status (by hand, in tests) count as matched."""
        if self.bundesrat_status is None and self.bundesrat is not None:
            self.bundesrat_status = BundesratCheckStatus.MATCHED
        return self

    @property
    def unregistered_citations(self) -> list[CitedDrucksache]:
        return [c for c in self.bundesrat_citations if c.state is CitationState.NOT_IN_REGISTER]


class MajorityResult(_Model):
    """The outcome computed from recorded votes (Regularien 5.1)."""

    outcome: Literal["einstimmig", "mehrheitlich", "abgelehnt", "nicht beschlussfähig"]
    represented: int
    yes: int
    no: int
    abstain: int
    cast: int
    required: int = Field(description="yes votes needed")
    quorum: int | None
    binding_for: list[LandCode] | None = Field(
        default=None, description="budget-relevant: only the Länder that agreed are bound"
    )
