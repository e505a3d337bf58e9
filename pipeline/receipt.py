"""When a document was received: never from the PDF's own metadata (Regularien 4.3 deadlines).

Priority: an explicit override (``--received``) > a sidecar file written by a clerk >
an e-mail's Date header > the moment the pipeline first saw the file.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.messages import describe_toml_error, describe_validation_errors, list_fields
from schemas.errors import UsageProblem
from schemas.records import LandCode

BERLIN = ZoneInfo("Europe/Berlin")
SIDECAR_SUFFIX = ".toml"  # "antrag.pdf" → "antrag.pdf.toml"


@dataclass(frozen=True, slots=True)
class Receipt:
    """When and how a document reached the Geschäftsstelle (never from the PDF's own metadata)."""

    first_seen: dt.datetime
    received: dt.datetime | None  # None: unknown (a digitized archive file)
    source: str  # inbox | email | sidecar | override | archive
    submitted_by: str | None = None
    sender: str | None = None


class Sidecar(BaseModel):
    """What a clerk may state by hand beside a dropped file."""

    model_config = ConfigDict(extra="forbid")

    received: dt.datetime | None = None
    land: LandCode | None = None
    sender: str | None = None
    conference: str | None = None  # "IntMK 23"


@dataclass(frozen=True, slots=True)
class EmailFacts:
    date: dt.datetime | None
    sender: str | None


def sidecar_path(document: Path) -> Path:
    return document.with_name(document.name + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    return path.name.lower().endswith((".pdf.toml", ".docx.toml", ".eml.toml"))


def find_sidecar(document: Path) -> Path | None:
    """The sidecar beside ``document``, if there is one (a 255-byte name can have none)."""
    path = sidecar_path(document)
    try:
        return path if path.is_file() else None
    except OSError:  # e.g. the name would be too long
        return None


SIDECAR_ADVICE = "Bitte korrigieren und Dokument und Begleitdatei erneut in den Eingang legen."


def read_sidecar(document: Path) -> Sidecar | None:
    """The clerk's statements beside ``document``; a faulty sidecar is a UsageProblem in German."""
    path = find_sidecar(document)
    if path is None:
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise sidecar_problem(path, ["Sie ist nicht als UTF-8 gespeichert (im Editor „UTF-8“ wählen)."]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise sidecar_problem(path, [describe_toml_error(exc)]) from exc
    except OSError as exc:
        raise sidecar_problem(path, ["Sie kann nicht gelesen werden (Zugriffsrechte prüfen)."]) from exc
    try:
        return Sidecar.model_validate(data)
    except ValidationError as exc:
        problems = describe_validation_errors(exc, allowed=list_fields(Sidecar))
        raise sidecar_problem(path, problems) from exc


def sidecar_problem(path: Path, problems: list[str]) -> UsageProblem:
    return UsageProblem(f"Die Begleitdatei {path.name} ist fehlerhaft: {' '.join(problems)} {SIDECAR_ADVICE}")


def attach_berlin(moment: dt.datetime) -> dt.datetime:
    """A time without offset is meant as German local time."""
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)


def resolve_receipt(
    *,
    first_seen: dt.datetime,
    override: dt.datetime | None = None,
    sidecar: Sidecar | None = None,
    email: EmailFacts | None = None,
    land: str | None = None,
) -> Receipt:
    """The receipt of one document from the sources present, in order of priority."""
    sender = (sidecar.sender if sidecar else None) or (email.sender if email else None)
    submitted_by = land or (sidecar.land if sidecar else None)
    for moment, source in (
        (override, "override"),
        (sidecar.received if sidecar else None, "sidecar"),
        (email.date if email else None, "email"),
    ):
        if moment is not None:
            return Receipt(first_seen, attach_berlin(moment), source, submitted_by, sender)
    return Receipt(first_seen, first_seen, "inbox", submitted_by, sender)
