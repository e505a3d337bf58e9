"""The register file a clerk keeps: JSON and CSV as Excel writes them, and clear errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipeline.bundesrat.register_file import read_register_file
from schemas.errors import ErrorCode, UsageProblem
from tests.fixtures.bundesrat import find_item

D = dt.date


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_json_list(tmp_path: Path) -> None:
    bleiberecht = find_item("Gesetz zur Neubestimmung des Bleiberechts")
    entries = [
        {"drucksache": bleiberecht.number, "title": bleiberecht.title, "status": "Zustimmung",
         "initiated": "2015-06-19", "updated": "10.07.2015", "dip_id": "66011"},
        {"Drucksache": "BR-Drs. 309/1/15", "Titel": find_item("Entschließung des Bundesrates:").title},
    ]  # fmt: skip
    procedures = read_register_file(write(tmp_path / "register.json", json.dumps(entries)))
    assert [p.drucksache for p in procedures] == ["302/15", "309/15"]
    first = procedures[0]
    assert (first.title, first.status, first.dip_id) == (bleiberecht.title, "Zustimmung", "66011")
    assert (first.initiated, first.updated, first.source) == (D(2015, 6, 19), D(2015, 7, 10), "import")
    assert procedures[1].status is None and procedures[1].initiated is None


def test_json_object_with_procedures(tmp_path: Path) -> None:
    content = {"procedures": [{"drucksache": "450/26", "title": "Entwurf eines Gesetzes"}]}
    [procedure] = read_register_file(write(tmp_path / "r.JSON", json.dumps(content)))
    assert procedure.drucksache == "450/26"


def test_csv_excel_german(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8": BOM, ';', German headers, dd.mm.yyyy, a title with ';' in quotes."""
    text = (
        "\ufeffDrucksache;Titel;Status;Eingang;Aktualisiert\r\n"
        "302/15;Gesetz zur Neubestimmung des Bleiberechts und der Aufenthaltsbeendigung;"
        "Zustimmung;19.06.2015;10.07.2015\r\n"
        "\r\n"
        '309/15;"Entschließung des Bundesrates: Inklusion; Poolen von Integrationshilfen";;;\r\n'
    )
    procedures = read_register_file(write(tmp_path / "register.csv", text))
    assert [p.drucksache for p in procedures] == ["302/15", "309/15"]
    assert procedures[0].initiated == D(2015, 6, 19) and procedures[0].updated == D(2015, 7, 10)
    assert procedures[1].title.endswith("Inklusion; Poolen von Integrationshilfen")
    assert procedures[1].status is None


def test_csv_english_comma_iso_dates(tmp_path: Path) -> None:
    text = (
        "drucksache,title,status,initiated,updated\n"
        '450/26,"Gesetz zur Änderung des Aufenthaltsgesetzes, erste Stufe",pending,2026-09-12,\n'
    )
    [procedure] = read_register_file(write(tmp_path / "register.csv", text))
    assert procedure.title == "Gesetz zur Änderung des Aufenthaltsgesetzes, erste Stufe"
    assert procedure.initiated == D(2026, 9, 12) and procedure.updated is None


def test_csv_windows_1252_fallback(tmp_path: Path) -> None:
    """Excel's plain "CSV (Trennzeichen-getrennt)" writes Windows-1252."""
    text = "Drucksache;Titel\n450/26;Gesetz über Änderungen im Aufenthaltsgesetz\n"
    [procedure] = read_register_file(write(tmp_path / "register.csv", text, "cp1252"))
    assert procedure.title == "Gesetz über Änderungen im Aufenthaltsgesetz"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Drucksache;Titel\n450/26;Erster Titel\n451/26;Zweiter Titel\n45026;Dritter Titel\n",
            "Zeile 4: Drucksachennummer '45026' hat nicht die Form 450/26.",
        ),
        ("Drucksache;Titel\n450/26;\n", "Zeile 2: Der Titel zu Drucksache 450/26 fehlt."),
        ("Drucksache;Titel\n;Ein Titel\n", "Zeile 2: Die Drucksachennummer fehlt."),
        (
            "Drucksache;Titel;Eingang\n450/26;Ein Titel;31.02.2026\n",
            "Zeile 2: Datum '31.02.2026' in Spalte 'Eingang' ist kein gültiges Datum",
        ),
        (
            "Drucksache;Titel;Aktualisiert\n450/26;Ein Titel;12/09/2026\n",
            "Zeile 2: Datum '12/09/2026' in Spalte 'Aktualisiert'",
        ),
        (
            "Drucksache;Titel\n450/26;Ein Titel\n\n451/26;Noch einer\n450/1/26;Doppelt\n",
            "Zeile 5: Drucksache 450/26 steht schon in Zeile 2.",
        ),
        ("Nummer;Titel\n450/26;Ein Titel\n", "Zeile 1: Die Spalte 'Drucksache' fehlt"),
        ("Drucksache;Titel\n450/26;Ein Titel;überzählig\n", "Zeile 2: Die Zeile hat 3 Felder"),
        (
            'Drucksache;Titel\n450/26;"Ein\nzweizeiliger Titel"\n451/26;x\n4/5/6/7;y\n',
            "Zeile 5: Drucksachennummer '4/5/6/7'",
        ),
    ],
)
def test_csv_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageProblem) as caught:
        read_register_file(write(tmp_path / "register.csv", text))
    assert caught.value.message.startswith(message)
    assert caught.value.code is ErrorCode.INVALID_DATA


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"drucksache": "450/26", "title": "A"},\n {"drucksache": "45026", "title": "B"}]',
         "Eintrag 2: Drucksachennummer '45026' hat nicht die Form 450/26."),
        ('[{"drucksache": "450/26"}]', "Eintrag 1: Die Angabe 'Titel' fehlt."),
        ('[{"drucksache": "450/26", "title": ["A"]}]', "Eintrag 1: 'title' muss ein Text sein."),
        ('[{"drucksache": "450/26", "title": "A"}\n {"drucksache": "451/26"}]', "Zeile 2, Spalte 2:"),
        ('{"register": []}', "Die JSON-Datei muss eine Liste"),
        ('["450/26"]', "Eintrag 1: Ein Verfahren muss ein Objekt"),
    ],
)  # fmt: skip
def test_json_errors(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(UsageProblem) as caught:
        read_register_file(write(tmp_path / "register.json", content))
    assert caught.value.message.startswith(message)


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageProblem, match="CSV- oder JSON-Datei"):
        read_register_file(write(tmp_path / "register.xlsx", "PK"))
    with pytest.raises(UsageProblem) as caught:
        read_register_file(tmp_path / "fehlt.csv")
    assert caught.value.code is ErrorCode.NOT_FOUND
