"""Outcomes, decision intros and motion markers, including real Karlsruhe result lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.fields import is_decision_intro, is_motion_marker, parse_outcome
from schemas import Outcome

KARLSRUHE = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "karlsruhe-oparl-texts"
E, M, A, Z = Outcome.EINSTIMMIG, Outcome.MEHRHEITLICH, Outcome.ABGELEHNT, Outcome.ZURUECKGEZOGEN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die IntMK hat einstimmig beschlossen:", E),
        ("Die IntMK hat mehrheitlich beschlossen:", M),
        ("Die Integrationsministerkonferenz hat einstimmig folgenden Beschluss gefasst:", E),
        ("Die Integrationsministerkonferenz hat mehrheitlich beschlossen", M),
        ("Die IntMK hat mit 13:1:2 Stimmen beschlossen:", M),
        ("Die IntMK hat mit 16:0:0 Stimmen beschlossen:", E),
        ("Abstimmungsergebnis: einstimmig", E),
        ("Abstimmungsergebnis: mehrheitlich", M),
        ("Abstimmungsergebnis: nicht einstimmig", M),
        ("Beschluss: abgelehnt", A),
        ("Der Antrag wurde abgelehnt", A),
        ("Die IntMK hat den Antrag abgelehnt", A),
        ("Der Antrag wurde mehrheitlich vom Plenum abgelehnt", A),
        ("Der Antrag hat keine Mehrheit gefunden", A),
        ("(zurückgezogen)", Z),
        ("zurückgezogen", Z),
        ("TOP 2.3 wurde von Bayern zurückgezogen.", Z),
        # real Karlsruhe phrasings (council minutes)
        ("Mehrheitlich abgelehnt (14 Ja-Stimmen)", A),
        ("Bei 24 Ja-Stimmen und 23 Nein-Stimmen abgelehnt.", A),
        ("Änderungsantrag KULT: 15 Ja-Stimmen, ansonsten Ablehnung", A),
        ("Bei 44 Ja-Stimmen, 1 Nein-Stimme und 1 Enthaltung mehrheitlich zugestimmt", M),
        ("Bei 40 Ja-Stimmen und 4 Nein-Stimmen mehrheitlich zugestimmt", M),
        # abstentions count like a no (Regularien 5.1), so this is no unanimous decision
        ("Bei 40 Ja-Stimmen und 2 Enthaltungen zugestimmt.", M),
        ("Beschlussvorlage: 10 Nein-Stimmen, ansonsten Zustimmung", M),
        ("Einstimmige Zustimmung", E),
        ("Mehrheitliche Zustimmung (24 Ja-Stimmen, 23 Nein-Stimmen)", M),
        ("Mehrheitlich beschlossen.", M),
        ("Beschlussvorlage: einstimmig angenommen Änderungsantrag: mehrheitlich abgelehnt", E),
    ],
)
def test_parse_outcome(text: str, expected: Outcome) -> None:
    assert parse_outcome(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "Beschlussvorschlag:",
        "Die IntMK möge beschließen:",
        "Die IntMK wolle beschließen:",
        "Die IntMK hat beschlossen:",  # says nothing about the majority
        "keine Abstimmung",
        "Antrag KULT: mit Stellungnahme erledigt",
        "Die Länder stellen fest, dass die Angebote erforderlich sind.",
        "Der abgelehnte Antrag aus 2019 wird erneut eingebracht.",
        "(nicht freigegeben)",
        "",
    ],
)
def test_parse_outcome_none(text: str) -> None:
    assert parse_outcome(text) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Die IntMK hat einstimmig beschlossen:", True),
        ("Die IntMK hat mehrheitlich beschlossen:", True),
        ("Die IntMK hat mit 13:1:2 Stimmen beschlossen:", True),
        ("Die Integrationsministerkonferenz hat folgenden Beschluss gefasst:", True),
        ("Die IntMK beschließt:", True),
        ("Beschluss:", True),
        ("Beschluss: Die IntMK bittet den Bund", True),
        ("Beschlussvorschlag:", True),
        ("Beschlussvorschlag der Vorkonferenz:", True),
        ("Die IntMK möge beschließen:", True),
        ("Die IntMK wolle beschließen:", True),
        ("Die Vorkonferenz empfiehlt der IntMK, folgenden Beschluss zu fassen:", True),
        ("Beschluss: abgelehnt", False),  # an outcome, no operative text follows
        ("Die IntMK beschließt die Einrichtung einer AG.", False),
        ("1. Die Integrationsministerkonferenz beschließt:", False),
        ("Abstimmungsergebnis: einstimmig", False),
        ("Beschlussfähigkeit", False),
        ("", False),
    ],
)
def test_is_decision_intro(line: str, expected: bool) -> None:
    assert is_decision_intro(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Beschlussvorschlag:", True),
        ("Beschlussvorschlag der Vorkonferenz:", True),
        ("Die IntMK möge beschließen:", True),
        ("Die Integrationsministerkonferenz wolle beschließen:", True),
        ("Die IntMK möge folgenden Beschluss beschließen:", True),
        ("Die IntMK hat einstimmig beschlossen:", False),
        ("Beschluss:", False),
        ("Die Länder bitten den Bund, den Vorschlag zu beschließen.", False),
    ],
)
def test_is_motion_marker(line: str, expected: bool) -> None:
    assert is_motion_marker(line) is expected


# Real result lines: the first line after "Abstimmungsergebnis:" in each council minute.
KARLSRUHE_RESULTS = {
    "niederschrift_abgelehnt/146834.txt": A,
    "niederschrift_abgelehnt/585560.txt": A,
    "niederschrift_abgelehnt/586920.txt": A,
    "niederschrift_einstimmig/146171.txt": E,
    "niederschrift_einstimmig/587767.txt": E,
    "niederschrift_einstimmig/593792.txt": E,
    "niederschrift_keine_abstimmung/146175.txt": None,
    "niederschrift_keine_abstimmung/149127.txt": None,
    "niederschrift_mehrheitlich/146207.txt": M,
    "niederschrift_mehrheitlich/596337.txt": M,
    "niederschrift_stimmenzahlen/595542.txt": M,
    "niederschrift_stimmenzahlen/599880.txt": M,
}


def _result_line(path: Path) -> str:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    index = lines.index("Abstimmungsergebnis:")
    return " ".join(lines[index + 1].split())


@pytest.mark.parametrize(("name", "expected"), list(KARLSRUHE_RESULTS.items()))
def test_real_karlsruhe_result_lines(name: str, expected: Outcome | None) -> None:
    assert parse_outcome(_result_line(KARLSRUHE / name)) is expected
