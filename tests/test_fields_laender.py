"""Länder in short texts: names, official forms, genitives, adjectives, abbreviations."""

from __future__ import annotations

import pytest

from extractors.fields import ALL_LAENDER, find_laender, get_nlp, parse_applicants
from extractors.fields.laender import strip_applicant_label
from extractors.fields.nlp import BODY, LAND
from schemas import LAENDER


@pytest.mark.parametrize(("code", "name"), list(LAENDER.items()))
def test_every_full_name_is_found(code: str, name: str) -> None:
    assert find_laender(f"Antrag von {name}.") == [code]


@pytest.mark.parametrize("code", list(LAENDER))
def test_every_iso_code_is_found_as_whole_token(code: str) -> None:
    assert find_laender(f"Ja: {code};") == [code]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sachsen-Anhalt", ["ST"]),
        ("Niedersachsen", ["NI"]),
        ("Sachsen-Anhalt und Sachsen", ["ST", "SN"]),
        ("Sachsen - Anhalt", ["ST"]),
        ("Nordrhein- Westfalen", ["NW"]),
        ("Freistaat Bayern", ["BY"]),
        ("Freistaat Sachsen, Freistaat Thüringen", ["SN", "TH"]),
        ("Freie und Hansestadt Hamburg", ["HH"]),
        ("Freie Hansestadt Bremen", ["HB"]),
        ("Land Berlin, Land Brandenburg", ["BE", "BB"]),
        ("des Landes Hessen", ["HE"]),
        ("Bayerns und Hessens", ["BY", "HE"]),
        ("Baden-Württembergs, Nordrhein-Westfalens", ["BW", "NW"]),
        ("NRW, RLP, M-V, LSA", ["NW", "RP", "MV", "ST"]),
        ("M-V.", ["MV"]),
        ("BE/BB", ["BE", "BB"]),
        ("BY;(HE)", ["BY", "HE"]),
        ("BAYERN, HESSEN", ["BY", "HE"]),
        ("Bayern, Hessen, Bayern", ["BY", "HE"]),  # no duplicates
        ("Berliner Erklärung", []),  # "Berliner" is not Berlin
        ("Hamburger Hafen und Bremer Stadtmusikanten", []),
        ("Be be st", []),  # abbreviations only in upper case
        ("Die bayerische Staatsregierung", []),  # adjectives only on request
        ("", []),
        ("Die Länder appellieren an den Bund.", []),
    ],
)
def test_find_laender(text: str, expected: list[str]) -> None:
    assert find_laender(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die bayerische Staatsregierung", ["BY"]),
        ("der Sächsischen und der thüringischen Landesregierung", ["SN", "TH"]),
        ("Berliner Senat", []),  # "Berliner" stays ambiguous
    ],
)
def test_find_laender_with_adjectives(text: str, expected: list[str]) -> None:
    assert find_laender(text, adjectives=True) == expected


@pytest.mark.parametrize(
    ("text", "expected", "all_flag"),
    [
        ("Bayern, Hessen", ["BY", "HE"], False),
        ("Antragsteller: Bayern, Hessen", ["BY", "HE"], False),
        ("Antragstellende Länder: Hamburg, Bremen", ["HH", "HB"], False),
        ("Antrag: Berlin", ["BE"], False),
        ("- Antrag Bremen -", ["HB"], False),
        ("Alle Länder", list(ALL_LAENDER), True),
        ("alle 16 Länder", list(ALL_LAENDER), True),
        ("Antragsteller: Alle Länder", list(ALL_LAENDER), True),
        ("Alle Länder außer Bayern", [c for c in ALL_LAENDER if c != "BY"], False),
        (
            "alle Länder mit Ausnahme von Bayern und Sachsen",
            [c for c in ALL_LAENDER if c not in {"BY", "SN"}],
            False,
        ),
        (", ".join(reversed(LAENDER.values())), list(reversed(ALL_LAENDER)), True),
        ("Bund", [], False),
    ],
)
def test_parse_applicants(text: str, expected: list[str], all_flag: bool) -> None:
    assert parse_applicants(text) == (expected, all_flag)


def test_all_laender_follow_schema_order() -> None:
    assert list(ALL_LAENDER) == list(LAENDER)


def test_label_is_stripped_only_as_a_whole_word() -> None:
    assert strip_applicant_label("Antragsteller: Bayern") == "Bayern"
    assert strip_applicant_label("Antragsrecht Bayern") == "Antragsrecht Bayern"


def test_pipeline_is_built_once_and_marks_laender_and_bodies() -> None:
    nlp = get_nlp()
    assert get_nlp() is nlp
    assert nlp.pipe_names == ["entity_ruler"]
    doc = nlp("Die IntMK und Bayern")
    assert [(ent.label_, ent.ent_id_) for ent in doc.ents] == [(BODY, "IntMK"), (LAND, "BY")]
