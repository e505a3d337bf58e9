"""The check stage of a pass: late and Bundesrat flags of each stored motion (Regularien 4.3).

The rules are the same as ``intmk check``; the context of a conference is built once per pass.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from pipeline.bundesrat.matching import PreparedRegister
from pipeline.bundesrat_service import load_pending_register
from pipeline.conference_service import load_plan
from pipeline.inbox.outcome import DocumentOutcome
from pipeline.receipt import Receipt
from pipeline.rules.calendar import find_motion_deadline
from pipeline.rules.checks import CheckContext, check_record
from pipeline.settings import Settings
from pipeline.storage import Database
from pipeline.storage.models import ConferenceRow
from schemas import ExtractionRecord
from schemas.rules import BundesratCheckStatus


class CheckCache:
    """Conference contexts and the Bundesrat register, loaded once per pass and shared by workers."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self._contexts: dict[int, CheckContext] = {}
        self._register: PreparedRegister | None = None
        self._lock = threading.Lock()

    def annotate(
        self, outcome: DocumentOutcome, records: Sequence[ExtractionRecord], receipt: Receipt, conference_id: int, assigned_by: str
    ) -> None:
        """Set the conference, late and Bundesrat flags of a stored document's outcome."""
        context = self.context_for(conference_id)
        outcome.conference = context.conference.key
        for record in records:
            checks = check_record(record, context, receipt, assigned_by)
            outcome.late = outcome.late or bool(checks.late)
            outcome.bundesrat = outcome.bundesrat or checks.bundesrat is not None
            outcome.bundesrat_unchecked = checks.bundesrat_status is BundesratCheckStatus.REGISTER_EMPTY
            outcome.bundesrat_unknown.extend(
                c.number for c in checks.unregistered_citations if c.number not in outcome.bundesrat_unknown)

    def context_for(self, conference_id: int) -> CheckContext:
        with self._lock:
            if conference_id not in self._contexts:
                self._contexts[conference_id] = self._build(conference_id)
            return self._contexts[conference_id]

    def _build(self, conference_id: int) -> CheckContext:
        with self.db.session() as session:
            row = session.get(ConferenceRow, conference_id)
            body, number = row.body, row.number
        plan = load_plan(self.db, self.settings, body, number)
        if self._register is None:
            self._register = load_pending_register(self.db)
        return CheckContext(plan.conference, plan.profile, find_motion_deadline(plan.conference, plan.profile), self._register)
