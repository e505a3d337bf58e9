"""The Bundesrat check of one motion (Regularien 4.3), as data.

``match_bundesrat`` finds the pending procedure a motion touches; this module adds what the
clerk must also see: every cited Drucksache with what the register says about it, and one
status for the motion. A cited number the register does not know ("BR-Drs. 87/28" before the
register was synced) must not pass silently: the matter may well be pending in the Bundesrat.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.fields.drucksache import DrucksacheCitation, find_drucksachen
from pipeline.bundesrat.matching import PreparedRegister, match_bundesrat
from schemas.rules import BundesratCheckStatus, BundesratEvidence, CitationState, CitedDrucksache


@dataclass(frozen=True, slots=True)
class BundesratCheck:
    """Status, evidence of a pending procedure (or None) and the cited Drucksachen of one motion."""

    status: BundesratCheckStatus
    evidence: BundesratEvidence | None
    citations: list[CitedDrucksache]


def check_bundesrat(text: str, register: PreparedRegister) -> BundesratCheck:
    """Regularien 4.3 for a motion's text (title, decision text, Begründung)."""
    citations = [look_up_citation(citation, register) for citation in find_drucksachen(text)]
    evidence = None if register.is_empty else match_bundesrat(text, register)
    return BundesratCheck(summarise_status(register, evidence, citations), evidence, citations)


def look_up_citation(citation: DrucksacheCitation, register: PreparedRegister) -> CitedDrucksache:
    """What the register says about one cited Drucksache: pending, concluded or unknown."""
    if (procedure := register.by_number.get(citation.number)) is not None:
        state = CitationState.PENDING
    elif (procedure := register.concluded.get(citation.number)) is not None:
        state = CitationState.CONCLUDED
    else:
        state = CitationState.NOT_IN_REGISTER
    status = procedure.status if procedure is not None else None
    return CitedDrucksache(number=citation.number, cited=citation.raw, state=state, register_status=status)


def summarise_status(
    register: PreparedRegister, evidence: BundesratEvidence | None, citations: list[CitedDrucksache]
) -> BundesratCheckStatus:
    """The most telling status: an empty register first (nothing was checked), then a match."""
    states = {citation.state for citation in citations}
    if register.is_empty:
        return BundesratCheckStatus.REGISTER_EMPTY
    if evidence is not None:
        return BundesratCheckStatus.MATCHED
    if CitationState.NOT_IN_REGISTER in states:
        return BundesratCheckStatus.CITED_NOT_IN_REGISTER
    if CitationState.CONCLUDED in states:
        return BundesratCheckStatus.CITED_CONCLUDED
    return BundesratCheckStatus.NOT_FOUND
