"""Issue 18: a motion citing a Bundesrat Drucksache the register does not know (Regularien 4.3).

"BR-Drs. 87/28" in a motion was not flagged, with no hint, while the register lacked that
Drucksache. A cited number is strong evidence that the Bundesrat deals with the matter, so it
must be a visible check result; an empty register (never synced) must say so once.

The motion is the real IntMK resolution in ../shared/samples; the register is built from the two
real Bremen reports on Bundesrat sessions (935, 962), none of which is numbered 87/28.
"""

from __future__ import annotations

import pytest

from pipeline import report_rules
from pipeline.bundesrat.check import check_bundesrat
from pipeline.bundesrat.matching import prepare_register
from schemas.rules import BundesratCheckStatus, BundesratProcedure, CitationState, MotionChecks
from tests.fixtures.bundesrat import bremen_procedures, find_item
from tests.fixtures.sample import load_sample

UNKNOWN = "Der Bundesrat befasst sich bereits mit dem Vorhaben (BR-Drs. 87/28)."
MISSING_LINE = (
    "BR-Drs. 87/28 zitiert, im Bundesrat-Register nicht gefunden – Register mit `intmk bundesrat sync` "
    "aktualisieren oder die Befassung prüfen."
)


@pytest.fixture(scope="module")
def register() -> list[BundesratProcedure]:
    procedures = bremen_procedures()
    assert "87/28" not in {p.drucksache for p in procedures}
    return procedures


def sample_motion(*extra: str) -> str:
    sample = load_sample()
    return "\n\n".join([sample.title, sample.intro, *sample.paragraphs, *extra])


def as_checks(text: str, register) -> MotionChecks:
    result = check_bundesrat(text, register)
    return MotionChecks(bundesrat=result.evidence, bundesrat_status=result.status, bundesrat_citations=result.citations)


def procedure_87_28(status: str = "Beratung") -> BundesratProcedure:
    return BundesratProcedure(drucksache="87/28", title="Entwurf eines Gesetzes zur Neuordnung der Integrationskurse",
                              status=status)


def test_cited_drucksache_missing_from_register_is_reported(register) -> None:
    result = check_bundesrat(sample_motion(UNKNOWN), prepare_register(register))
    assert result.status is BundesratCheckStatus.CITED_NOT_IN_REGISTER and result.evidence is None
    assert [(c.number, c.cited, c.state) for c in result.citations] == [
        ("87/28", "BR-Drs. 87/28", CitationState.NOT_IN_REGISTER)]


def test_missing_drucksache_is_rendered_in_german_with_what_to_do(register) -> None:
    checks = as_checks(sample_motion(UNKNOWN), prepare_register(register))
    assert report_rules.describe_motion_notes(checks) == [MISSING_LINE]
    assert report_rules.list_flags(checks) == ["DRUCKSACHE NICHT IM REGISTER"]
    assert report_rules.describe_register_hint([checks]) == []


def test_cited_drucksache_in_register_is_matched(register) -> None:
    result = check_bundesrat(sample_motion(UNKNOWN), prepare_register([*register, procedure_87_28()]))
    assert result.status is BundesratCheckStatus.MATCHED
    assert result.evidence is not None
    assert (result.evidence.drucksache, result.evidence.method, result.evidence.score) == ("87/28", "drucksache", 100)
    assert [c.state for c in result.citations] == [CitationState.PENDING]
    checks = as_checks(sample_motion(UNKNOWN), prepare_register([procedure_87_28()]))
    assert report_rules.list_flags(checks) == ["BUNDESRAT"]
    assert report_rules.describe_motion_notes(checks) == []  # the evidence note comes from the rules


def test_concluded_procedure_is_known_not_missing(register) -> None:
    prepared = prepare_register(register, concluded=[procedure_87_28("verkündet")])
    checks = as_checks(sample_motion(UNKNOWN), prepared)
    assert checks.bundesrat is None and checks.bundesrat_status is BundesratCheckStatus.CITED_CONCLUDED
    assert checks.unregistered_citations == []
    assert report_rules.describe_motion_notes(checks) == [
        "BR-Drs. 87/28 zitiert, Verfahren laut Bundesrat-Register abgeschlossen (verkündet) – "
        "keine Einschränkung nach Regularien 4.3."]


def test_unknown_citation_beside_a_matched_one_is_still_shown(register) -> None:
    pending = find_item("Gesetz zur Neubestimmung des Bleiberechts")
    text = sample_motion(f"Vgl. BR-Drs. {pending.number} sowie Drs. 87/1/28.")
    checks = as_checks(text, prepare_register(register))
    assert checks.bundesrat_status is BundesratCheckStatus.MATCHED and checks.bundesrat.drucksache == pending.number
    assert [c.number for c in checks.unregistered_citations] == ["87/28"]
    assert report_rules.list_flags(checks) == ["BUNDESRAT", "DRUCKSACHE NICHT IM REGISTER"]
    assert report_rules.describe_motion_notes(checks) == [
        "BR-Drs. 87/28 („Drs. 87/1/28“) zitiert, im Bundesrat-Register nicht gefunden – Register mit "
        "`intmk bundesrat sync` aktualisieren oder die Befassung prüfen."]


def test_empty_register_gives_one_hint_for_all_motions() -> None:
    empty = prepare_register([])
    motions = [as_checks(sample_motion(UNKNOWN), empty), as_checks(sample_motion(), empty)]
    assert [m.bundesrat_status for m in motions] == [BundesratCheckStatus.REGISTER_EMPTY] * 2
    assert report_rules.describe_register_hint(motions) == [report_rules.REGISTER_EMPTY_HINT]
    assert "intmk bundesrat sync" in report_rules.REGISTER_EMPTY_HINT
    # per motion the citation stays visible, without repeating the hint
    assert report_rules.describe_motion_notes(motions[0]) == [
        "BR-Drs. 87/28 zitiert; das Bundesrat-Register ist leer – die Befassung im Bundesrat prüfen."]
    assert report_rules.describe_motion_notes(motions[1]) == []


def test_register_of_only_concluded_procedures_is_not_empty() -> None:
    prepared = prepare_register([], concluded=[procedure_87_28("erledigt")])
    assert not prepared.is_empty
    assert check_bundesrat(sample_motion(), prepared).status is BundesratCheckStatus.NOT_FOUND


def test_checks_built_with_evidence_only_count_as_matched(register) -> None:
    evidence = check_bundesrat(sample_motion(UNKNOWN), prepare_register([procedure_87_28()])).evidence
    assert MotionChecks(bundesrat=evidence).bundesrat_status is BundesratCheckStatus.MATCHED
    assert MotionChecks().bundesrat_status is None


# --------------------------------------------------------------------------- the inbox line per file


def inbox_outcome(register, *reasoning: str):
    """A processed file of an inbox pass annotated by the pass's check stage (no store needed:
    the conference context is given)."""
    import datetime as dt

    from pipeline.inbox.checking import CheckCache
    from pipeline.inbox.outcome import PROCESSED, DocumentOutcome
    from pipeline.receipt import Receipt
    from pipeline.rules.calendar import find_motion_deadline
    from pipeline.rules.checks import CheckContext
    from pipeline.rules.profiles import load_profile
    from schemas import ExtractionRecord
    from schemas.rules import ConferenceEntry

    sample = load_sample()
    record = ExtractionRecord.model_validate({
        "source": {"path": "antrag.pdf", "sha256": "0" * 64, "pages": (1, 1)}, "body": "IntMK",
        "conference": {"number": 23}, "document_type": "beschlussvorschlag", "title": sample.title,
        "decision_text": "\n\n".join(sample.paragraphs[:2]), "reasoning": "\n\n".join(reasoning) or None,
    })
    conference = ConferenceEntry(body="IntMK", number=23, start=dt.date(2027, 6, 10), pre_conference=dt.date(2027, 4, 29))
    profile = load_profile("IntMK")
    cache = CheckCache(db=None, settings=None)
    cache._contexts[1] = CheckContext(conference, profile, find_motion_deadline(conference, profile), register)
    outcome = DocumentOutcome("antrag.pdf", PROCESSED, sha256="0" * 64, records=1)
    moment = dt.datetime(2027, 4, 1, 10, tzinfo=dt.UTC)
    cache.annotate(outcome, [record], Receipt(moment, moment, "inbox"), 1, "header")
    return outcome


def render_summary(*outcomes) -> str:
    from rich.console import Console

    from pipeline.inbox.runner import PassReport
    from pipeline.report_inbox import build_summary_table

    console = Console(record=True, width=200)
    console.print(build_summary_table(PassReport(outcomes=list(outcomes))))
    return console.export_text()


def test_inbox_line_names_the_drucksache_missing_from_register(register) -> None:
    from pipeline.report_inbox import format_outcome

    outcome = inbox_outcome(prepare_register(register), UNKNOWN)
    assert outcome.bundesrat is False and outcome.bundesrat_unknown == ["87/28"]
    assert format_outcome(outcome) == [
        "[000000000000] antrag.pdf: verarbeitet – 1 TOP, IntMK-23, BR-Drs. 87/28 zitiert, nicht im Bundesrat-Register"]
    summary = render_summary(outcome, inbox_outcome(prepare_register(register)))
    assert "Drucksache nicht im Register" in summary and "intmk bundesrat sync" in summary
    assert "Bundesrat nicht geprüft" not in summary


def test_inbox_summary_says_once_that_the_register_is_empty() -> None:
    empty = prepare_register([])
    outcomes = [inbox_outcome(empty, UNKNOWN), inbox_outcome(empty)]
    assert [o.bundesrat_unchecked for o in outcomes] == [True, True]
    summary = render_summary(*outcomes)
    assert summary.count("Bundesrat nicht geprüft") == 1 and "Register leer" in summary
