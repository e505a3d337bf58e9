"""Service functions for the local register of Bundesrat procedures (Regularien 4.3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipeline.bundesrat.dip import DipClient, fetch_bundesrat_procedures
from pipeline.bundesrat.matching import PreparedRegister, prepare_register
from pipeline.bundesrat.register_file import read_register_file
from pipeline.settings import Settings
from pipeline.storage import Database
from pipeline.storage.bundesrat import UpsertCounts, list_procedures, upsert_procedures
from schemas.errors import ConfigError
from schemas.rules import BundesratProcedure

# A procedure in one of these states is no longer "in" the Bundesrat (Regularien 4.3:
# "sich bereits in Gesetzgebungs- oder Antragsverfahren des Bundesrates befinden").
FINISHED_STATES = ("verkündet", "erledigt", "zurückgezogen", "abgeschlossen", "abgelehnt")


@dataclass(frozen=True, slots=True)
class SyncReport:
    counts: UpsertCounts
    fetched: int
    skipped: int


def import_register(db: Database, path: Path) -> UpsertCounts:
    """Read a clerk's register file (JSON/CSV); the whole file is stored or nothing."""
    procedures = read_register_file(path)
    with db.session() as session:
        return upsert_procedures(session, procedures)


def sync_register(db: Database, settings: Settings, *, updated_since: dt.date | None = None) -> SyncReport:
    """Fetch Bundesrat procedures from DIP and store them."""
    if settings.dip_api_key is None:
        raise ConfigError("Für den Abgleich mit DIP fehlt der API-Schlüssel (INTMK_DIP_API_KEY).")
    with DipClient(settings.dip_base_url, settings.dip_api_key.get_secret_value()) as client:
        result = fetch_bundesrat_procedures(client, updated_since=updated_since)
    with db.session() as session:
        counts = upsert_procedures(session, result.procedures)
    return SyncReport(counts, len(result.procedures), result.skipped_count)


def load_register(db: Database) -> list[BundesratProcedure]:
    with db.session() as session:
        return list_procedures(session)


def is_pending(procedure: BundesratProcedure) -> bool:
    status = (procedure.status or "").lower()
    return not any(state in status for state in FINISHED_STATES)


def load_pending_register(db: Database) -> PreparedRegister:
    """The register of procedures still pending, ready for matching many motions; the concluded
    ones are kept by number, so a motion citing one is not reported as missing from the register."""
    procedures = load_register(db)
    return prepare_register(
        (p for p in procedures if is_pending(p)), concluded=(p for p in procedures if not is_pending(p))
    )
