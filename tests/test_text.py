"""German text cleanup: every joining rule with its example, normalisation, and the real sample."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas

from extractors.text import (
    JOIN_RULES,
    Join,
    decide_join,
    dehyphenate_text,
    join_lines,
    join_paragraphs,
    load_hyphenated_words,
    normalize_line,
    parse_lexicon,
)
from schemas.errors import InternalError

SAMPLE = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "samples"
    / "intmk2017-top2.12-migrationsberatung.txt"
)
PARAGRAPH_1 = (
    "Die Integrationsministerkonferenz (IntMK) unterstreicht die Bedeutung der "
    "Migrationsberatung für Erwachsene als unerlässliches Angebot der Erstintegration. "
    "Sie begrüßt, dass der Bund 2016 und 2017 seine Angebote der Migrationsberatung "
    "finanziell aufgestockt und für neue Zielgruppen, insbesondere für Geflüchtete mit "
    "sog. guter Bleibeperspektive, geöffnet hat."
)


# --------------------------------------------------------------------------- joining rules

JOIN_EXAMPLES = [
    # rule "default": a lowercase continuation joins
    (["Ham-", "burg"], "Hamburg"),
    (["Migrationsbera-", "tung"], "Migrationsberatung"),
    (["ge-", "öffnet"], "geöffnet"),
    (["Mecklenburg-Vorpom-", "mern"], "Mecklenburg-Vorpommern"),
    # rule "suspended hyphen" (Ergänzungsstrich): hyphen stays, followed by a space
    (["Sprach-", "und Integrationskurse"], "Sprach- und Integrationskurse"),
    (["Sprach-", "oder Integrationskurse"], "Sprach- oder Integrationskurse"),
    (["Bundes-", "bzw. Landesmittel"], "Bundes- bzw. Landesmittel"),
    (["Bundes-", "sowie Landesmittel"], "Bundes- sowie Landesmittel"),
    (["sowohl Bundes-", "als auch Landesmittel"], "sowohl Bundes- als auch Landesmittel"),
    (["Bundes-", "wie Landesmittel"], "Bundes- wie Landesmittel"),
    (["Drei-", "bis Sechsjährige"], "Drei- bis Sechsjährige"),
    (["Sprach-", "und/oder Integrationskurse"], "Sprach- und/oder Integrationskurse"),
    (["so-", "wie die Länder"], "sowie die Länder"),  # "sowie" split at the line end
    # rule "uppercase or digit": hyphen stays, no space
    (["Mecklenburg-", "Vorpommern"], "Mecklenburg-Vorpommern"),
    (["EU-", "Zuwanderung"], "EU-Zuwanderung"),
    (["COVID-", "19"], "COVID-19"),
    # rule "lone dash": punctuation, joined with a space
    (["Teilhabe und Alltagsintegration -", "das ist"], "Teilhabe und Alltagsintegration - das ist"),
    (["-", "weiter"], "- weiter"),
    # a next line starting with a hyphen keeps it
    (["Verwaltungsstrukturen und", "-abläufe"], "Verwaltungsstrukturen und -abläufe"),
    # rule "no word follows": keep the hyphen, add a space
    (["Forschungs-", "& Entwicklung"], "Forschungs- & Entwicklung"),
    # rule "lexicon": known hyphenated words keep the hyphen
    (["Know-", "how"], "Know-how"),
    (["Ad-", "hoc"], "Ad-hoc"),
    (["Ad-", "hoc-Arbeitsgruppe"], "Ad-hoc-Arbeitsgruppe"),
    (["x-", "beliebig"], "x-beliebig"),
    (["Start-", "ups"], "Start-ups"),
    (["x-", "beliebigen Orten"], "x-beliebigen Orten"),
    (["Face-to-", "face"], "Face-to-face"),
    (["Face-", "to-face-Beratung"], "Face-to-face-Beratung"),
    (["das Entweder-", "oder"], "das Entweder-oder"),
    # rule "digit before the hyphen"
    (["18-", "jährige"], "18-jährige"),
    (["3-", "monatige"], "3-monatige"),
    (["COVID19-", "bedingt"], "COVID19-bedingt"),
    # rule "unsplittable head": single letters and abbreviations are never hyphenation syllables
    (["E-", "learning"], "E-learning"),
    (["EU-", "weit"], "EU-weit"),
    (["IntMK-", "intern"], "IntMK-intern"),
    # a hyphen at the end of the last line stays
    (["Sprach- und Integrations-"], "Sprach- und Integrations-"),
    (["Die Länder fördern Sprach-"], "Die Länder fördern Sprach-"),
    # lines without a hyphen: one space, en dash kept as punctuation
    (["Die Länder", "stellen fest"], "Die Länder stellen fest"),
    (["Integration –", "Teilhabe"], "Integration – Teilhabe"),
]


@pytest.mark.parametrize(("lines", "expected"), JOIN_EXAMPLES)
def test_join_lines_applies_each_rule(lines: list[str], expected: str) -> None:
    assert join_lines(lines) == expected


@pytest.mark.parametrize("marker", ["\ufffe", "\u00ad", "\x02"])
@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Migrationsbera", "tung", "Migrationsberatung"),
        ("Mecklenburg", "Vorpommern", "Mecklenburg-Vorpommern"),
        ("Sprach", "und Integrationskurse", "Sprach- und Integrationskurse"),
        ("Know", "how", "Know-how"),
        ("18", "jährige", "18-jährige"),
    ],
)
def test_line_end_marker_follows_the_hyphen_rules(
    marker: str, first: str, second: str, expected: str
) -> None:
    assert join_lines([first + marker, second]) == expected


def test_join_lines_skips_empty_lines_and_collapses_spaces() -> None:
    lines = ["  Die  Länder ", "", "\u00a0", "Ham-", "  burg  "]
    assert join_lines(lines) == "Die Länder Hamburg"
    assert join_lines([]) == ""


def test_join_lines_rejects_a_single_string() -> None:
    with pytest.raises(InternalError):
        join_lines("Ham-\nburg")  # type: ignore[arg-type]


def test_rule_table_is_ordered_and_ends_with_the_default() -> None:
    names = [name for name, _applies, _join in JOIN_RULES]
    assert names[0] == "lone dash"
    assert names.index("lexicon") < names.index("suspended hyphen")  # "Entweder-" / "oder"
    assert JOIN_RULES[-1][2] is Join.REMOVE_HYPHEN
    assert decide_join("Ham-", "burg") is Join.REMOVE_HYPHEN
    assert decide_join("Ham", "burg") is Join.SPACE


def test_join_paragraphs_separates_with_a_blank_line() -> None:
    assert join_paragraphs([["Ham-", "burg"], [], ["Sprach-", "und Kurse"]]) == (
        "Hamburg\n\nSprach- und Kurse"
    )


def test_dehyphenate_text_keeps_paragraphs() -> None:
    text = "Die Migrationsbera-\r\ntung wird\n\n\n \nausgebaut in Mecklenburg-\nVorpommern.\n"
    assert dehyphenate_text(text) == (
        "Die Migrationsberatung wird\n\nausgebaut in Mecklenburg-Vorpommern."
    )
    assert dehyphenate_text("") == ""


# --------------------------------------------------------------------------- normalize_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "\ufb01nden \ufb02ach Sto\ufb00 E\ufb03zienz \ufb04 \ufb05 \ufb06",
            "finden flach Stoff Effizienz ffl st st",
        ),
        ("2 m² und ½ Stelle", "2 m² und ½ Stelle"),  # NFKC only for ligatures
        ("Gr\u00fc\u00dfe", "Grüße"),
        ("Geflu\u0308chtete A\u0308nderung", "Geflüchtete Änderung"),  # decomposed umlauts
        ("a\u00a0b\u2007c\u202fd\u2009e\tf", "a b c d e f"),
        ("  viele    Leer   zeichen  ", "viele Leer zeichen"),
        ("Zu\u00adwan\u00adde\u00adrung", "Zuwanderung"),  # soft hyphens inside a line
        ("unter\u200bstreicht\u200d \ufeffdie", "unterstreicht die"),  # zero-width characters
        ("Migrationsbera\ufffe", "Migrationsbera-"),  # U+FFFE at the end: hyphenation hyphen
        ("Migrationsbera\u00ad", "Migrationsbera-"),  # soft hyphen at the end
        ("Migrationsbera\u00ad  ", "Migrationsbera-"),
        ("Ham-\ufffe", "Ham-"),  # never two hyphens
        ("Ende \u00ad", "Ende"),  # a marker after a space is no hyphen
        ("Integration – Teilhabe", "Integration – Teilhabe"),  # en dash stays
        ("Sachsen\u2011Anhalt", "Sachsen-Anhalt"),  # non-breaking hyphen
        ("", ""),
    ],
)
def test_normalize_line(raw: str, expected: str) -> None:
    assert normalize_line(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # what pypdfium2 get_text_range() really returns: marker inside, line break dropped
        ("Migrationsbera\ufffetung", "Migrationsberatung"),
        ("Senats\ufffeBeschluss", "Senats-Beschluss"),
        ("Ex-ante\ufffeBewertung", "Ex-ante-Bewertung"),
        ("Steuer\ufffeund Abgaben", "Steuer- und Abgaben"),
        ("COVID\ufffe19", "COVID-19"),
        ("Bundes-Immissions\ufffeschutzgesetzes", "Bundes-Immissionsschutzgesetzes"),
        ("Wi \ufffeWo", "Wi Wo"),
        ("Senats\x02Beschluss", "Senats-Beschluss"),  # get_text_bounded() writes U+0002
    ],
)
def test_normalize_line_resolves_markers_inside_a_line(raw: str, expected: str) -> None:
    assert normalize_line(raw) == expected


def test_pypdfium2_output_is_dehyphenated() -> None:
    """Pins the measured pypdfium2 behaviour: a PDF built here, read back, cleaned."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    printed = [
        "Die Bedeutung der Migrationsbera-",
        "tung in Mecklenburg-",
        "Vorpommern für Sprach-",
        "und Integrationskurse, COVID-",
        "19 und 18-",
        "jährige Geflüchtete.",
    ]
    for row, line in enumerate(printed):
        pdf.drawString(72, 700 - 20 * row, line)
    pdf.save()
    document = pdfium.PdfDocument(buffer.getvalue())
    try:
        raw = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    assert "\ufffe" in raw  # otherwise this test no longer pins anything
    assert dehyphenate_text(raw) == (
        "Die Bedeutung der Migrationsberatung in Mecklenburg-Vorpommern für Sprach- und "
        "Integrationskurse, COVID-19 und 18-jährige Geflüchtete."
    )


# --------------------------------------------------------------------------- lexicon


def test_lexicon_file_holds_hyphenated_lowercase_continuations() -> None:
    words, longest = load_hyphenated_words()
    assert {"know-how", "ad-hoc", "x-beliebig", "face-to-face", "stand-by"} <= words
    assert "e-mail" not in words  # "E-" / "Mail" is uppercase anyway
    assert longest >= 3
    for word in words:
        assert "-" in word and word == word.strip(), word
        assert word.split("-", 1)[1][0].islower(), word  # else no lexicon entry is needed


def test_parse_lexicon_ignores_comments_and_case() -> None:
    assert parse_lexicon("# Kopf\n\nKnow-How  # Kommentar\n  Ad-hoc\n") == ["know-how", "ad-hoc"]


# --------------------------------------------------------------------------- the real sample


def read_sample_paragraphs() -> tuple[list[str], dict[int, list[str]]]:
    """Printed lines of the sample: header lines, and lines of each numbered paragraph."""
    header: list[str] = []
    numbered: dict[int, list[str]] = {}
    current: list[str] = header
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()  # a leading space marks a new page
        if not line:
            continue
        start = re.match(r"(\d+)\.\s+", line)
        if start and (numbered or header[-1:] == ["Die IntMK hat mehrheitlich beschlossen:"]):
            current = numbered[int(start.group(1))] = []
            line = line[start.end() :]
        current.append(line)
    return header, numbered


def test_sample_paragraph_1_is_joined_exactly() -> None:
    _header, paragraphs = read_sample_paragraphs()
    assert sorted(paragraphs) == [1, 2, 3, 4, 5]
    assert join_lines(paragraphs[1]) == PARAGRAPH_1


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (2, ["EU-Zuwanderung", "Geflüchtete", "Anforderungen", "Hinsicht", "erfolgende"]),
        (3, ["Asylbewerberleistungsgesetz", "schutzwürdigen", "Inanspruchnahme"]),
        (4, ["ihre Präsenz", "Ballungszentren"]),
        (5, ["integrationsbegleitender", "Angebote gelingt"]),
    ],
)
def test_sample_paragraphs_contain_joined_words(number: int, words: list[str]) -> None:
    _header, paragraphs = read_sample_paragraphs()
    joined = join_lines(paragraphs[number])
    for word in words:
        assert word in joined
    assert "  " not in joined and "- " not in joined  # no hyphen left at a line join


def test_sample_header_joins_land_names() -> None:
    header, _paragraphs = read_sample_paragraphs()
    title = header.index("Ausbau und Öffnung der Migrationsberatung")
    applicants = join_lines(header[title + 1 :])
    assert applicants.startswith(
        "Antragsteller: Berlin, Brandenburg, Bremen, Hamburg, Mecklenburg-Vorpommern, "
        "Niedersachsen, Nordrhein-Westfalen, Rheinland-Pfalz, Sachsen, Sachsen-Anhalt, "
        "Schleswig-Holstein, Thüringen"
    )
