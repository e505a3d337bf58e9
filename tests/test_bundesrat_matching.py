"""Motions against the Bundesrat register (Regularien 4.3), with real Bundesrat titles.

The register is built from the two real Bremen reports on Bundesrat sessions (935, 962); the
motion text is the real IntMK resolution in ../shared/samples.
"""

from __future__ import annotations

import time

import pytest

from pipeline.bundesrat.matching import (
    find_title_candidates,
    fold_title,
    match_all,
    match_bundesrat,
    prepare_register,
)
from schemas.rules import BundesratProcedure
from tests.fixtures.bundesrat import all_bremen_items, bremen_procedures, find_item
from tests.fixtures.sample import load_sample

# items without a law/procedure wording (appointments, audit, court, committee names): they are
# found by their Drucksache number only
NOT_TITLED = {"637/17", "699/17", "236/15", "270/15", "279/15", "307/15", "316/15"}


@pytest.fixture(scope="module")
def register() -> list[BundesratProcedure]:
    return bremen_procedures()


def sample_motion(*extra: str) -> str:
    """The real sample's title and decision text, optionally with paragraphs appended."""
    sample = load_sample()
    return "\n\n".join([sample.title, sample.intro, *sample.paragraphs, *extra])


# --------------------------------------------------------------------------- by number


def test_match_by_cited_number(register: list[BundesratProcedure]) -> None:
    motion = sample_motion("6. Die Länder verweisen auf die Empfehlungen in BR-Drs. 302/1/15.")
    evidence = match_bundesrat(motion, register)
    assert evidence is not None
    assert (evidence.method, evidence.drucksache, evidence.score) == ("drucksache", "302/15", 100)
    assert evidence.matched_text == "BR-Drs. 302/1/15"
    assert evidence.title == find_item("Gesetz zur Neubestimmung des Bleiberechts").title


def test_unregistered_number_falls_back_to_titles(register: list[BundesratProcedure]) -> None:
    assert match_bundesrat(sample_motion("Vgl. BR-Drs. 999/26 und BT-Drs. 18/5000."), register) is None


def test_first_registered_citation_wins(register: list[BundesratProcedure]) -> None:
    text = "Zu Drs. 999/26 (unbekannt), Drs. 281/1/15 und Drucksache 282/15 nimmt die IntMK Stellung."
    evidence = match_bundesrat(text, register)
    assert evidence is not None and evidence.drucksache == "281/15"


# --------------------------------------------------------------------------- by title


def test_match_by_paraphrased_title_in_the_real_motion(register: list[BundesratProcedure]) -> None:
    """The real motion, plus a paragraph naming a real Bundesrat bill as motions do: as
    "Entwurf eines Gesetzes …" (register: "Gesetz …") and with "sowie" for "und"."""
    item = find_item("Gesetz zur Neubestimmung des Bleiberechts")
    motion = sample_motion(
        "6. Die Länder bitten den Bund, im Entwurf eines Gesetzes zur Neubestimmung des "
        "Bleiberechts sowie der Aufenthaltsbeendigung die Migrationsberatung für Geduldete "
        "zu öffnen."
    )
    evidence = match_bundesrat(motion, register)
    assert evidence is not None
    assert (evidence.method, evidence.drucksache, evidence.title) == ("title", item.number, item.title)
    assert 88 <= evidence.score < 100
    assert evidence.matched_text == (
        "Gesetzes zur Neubestimmung des Bleiberechts sowie der Aufenthaltsbeendigung"
    )
    assert evidence.status == "Noch nicht beraten"


def test_resolution_title_with_other_quotes_and_dashes(register: list[BundesratProcedure]) -> None:
    item = find_item("Entschließung des Bundesrates: Rahmenbedingungen")
    text = (
        "Die IntMK unterstützt die Entschließung des Bundesrates „Rahmenbedingungen für eine "
        "gelingende schulische Inklusion weiter verbessern – Poolen von Integrationshilfen "
        "rechtssicher ermöglichen“ ausdrücklich."
    )
    evidence = match_bundesrat(text, register)
    assert evidence is not None and evidence.drucksache == item.number and evidence.score > 95


def test_every_titled_bremen_item_finds_itself(register: list[BundesratProcedure]) -> None:
    """Each real title, embedded in a sentence, gives its own procedure – not a similar one
    ("Zweite Verordnung zur Änderung der Direktzahlungen-…" vs "Verordnung zur Änderung …")."""
    prepared = prepare_register(register)
    wrong = {}
    for item in all_bremen_items():
        text = f"Die Länder bitten den Bund, im Verfahren zum {item.title} die Integration zu stärken."
        evidence = match_bundesrat(text, prepared)
        found = evidence.drucksache if evidence else None
        if found != (None if item.number in NOT_TITLED else item.number):
            wrong[item.number] = found
    assert wrong == {}


def test_threshold_is_respected(register: list[BundesratProcedure]) -> None:
    text = (
        "Die IntMK begrüßt den Entwurf eines Gesetzes zur Neubestimmung des Bleiberechts sowie "
        "der Aufenthaltsbeendigung."
    )
    evidence = match_bundesrat(text, register)
    assert evidence is not None
    assert match_bundesrat(text, register, threshold=evidence.score + 1) is None


# --------------------------------------------------------------------------- no false positives


def test_real_motion_matches_no_bremen_title(register: list[BundesratProcedure]) -> None:
    """Migrationsberatung (mentions the Asylbewerberleistungsgesetz) is not pending in these
    sessions: against all titles of both reports there is no evidence."""
    assert len(register) == len(all_bremen_items()) == 79
    motion = sample_motion()
    assert any("Asylbewerberleistungsgesetz" in c for c in find_title_candidates(motion))
    assert match_bundesrat(motion, register) is None
    assert match_bundesrat(motion, register, threshold=70) is None


@pytest.mark.parametrize(
    "phrase",
    [
        "Die Länder fordern ein Gesetz zur Änderung.",
        "Die Länder erwarten den Entwurf eines Gesetzes.",
        "Die Länder fordern eine Verordnung zur Änderung der Verordnung.",
        "Die Länder fordern ein Gesetz zur Änderung des Aufenthaltsgesetzes.",
        "Die Länder fordern eine Entschließung des Bundesrates zur Stärkung der Integrationskurse.",
        "Ein Antrag des Landes Berlin zur Migrationsberatung liegt vor.",
    ],
)
def test_short_generic_phrases_do_not_match_long_titles(
    register: list[BundesratProcedure], phrase: str
) -> None:
    assert match_bundesrat(sample_motion(phrase), register) is None


def test_fold_title() -> None:
    assert fold_title("Entwurf eines .... Gesetzes zur Änderung des Gentechnikgesetzes (317/15)") == (
        "gesetzes zur änderung des gentechnikgesetzes"
    )
    assert fold_title("Gesetz – „Integration“") == 'gesetz - "integration"'


# --------------------------------------------------------------------------- batches and speed


def test_match_all_equals_single_matches(register: list[BundesratProcedure]) -> None:
    texts = [
        sample_motion(),
        "Siehe BR-Drs. 302/1/15.",
        "Zum Gesetz zur Stärkung der Gesundheitsförderung und der Prävention (Präventionsgesetz – PrävG).",
    ]
    assert match_all(texts, register) == [match_bundesrat(text, register) for text in texts]
    assert [e.drucksache if e else None for e in match_all(texts, register)] == [None, "302/15", "282/15"]


def test_measure_matching_speed(register: list[BundesratProcedure]) -> None:
    """Measurement, not an assertion on time: one motion against ~200 register titles."""
    titles = [
        p.model_copy(update={"drucksache": f"{int(p.drucksache.split('/')[0]) + 1000 * copy}/"
                                           f"{p.drucksache.split('/')[1]}"})
        for copy in range(3) for p in register
    ][:200]  # fmt: skip
    motion = sample_motion()
    match_bundesrat(motion, titles)  # warm spaCy and the matcher
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        assert match_bundesrat(motion, titles) is None
    unprepared = (time.perf_counter() - start) / runs
    prepared = prepare_register(titles)
    start = time.perf_counter()
    for _ in range(runs):
        match_bundesrat(motion, prepared)
    reused = (time.perf_counter() - start) / runs
    print(
        f"\nBundesrat matching, 1 motion ({len(motion)} chars) vs {len(titles)} titles: "
        f"{unprepared * 1000:.1f} ms (register prepared per call), "
        f"{reused * 1000:.1f} ms (prepared once, as match_all does)"
    )
