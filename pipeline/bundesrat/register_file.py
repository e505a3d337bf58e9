"""Read the local register of Bundesrat procedures from a file a clerk keeps (Regularien 4.3).

Formats:

* JSON: a list of objects, or ``{"procedures": [...]}``;
* CSV: ``;`` or ``,`` as delimiter (decided from the header line), UTF-8 with or without BOM
  (Excel's "CSV UTF-8"); Excel's plain "CSV (Trennzeichen-getrennt)" is Windows-1252 and is
  accepted as a fallback when the bytes are not UTF-8.

Columns / keys, German or English, any case: Drucksache, Titel/title, Status, Eingang/initiated,
Aktualisiert/updated, DIP-ID/dip_id. Dates as ``2026-09-12`` or ``12.09.2026``. Drucksache
numbers as ``450/26`` (``BR-Drs. 450/26`` and ``450/1/26`` are normalised to ``450/26``).

Every problem raises ``UsageProblem`` with a German message naming the line (CSV) or entry
(JSON) and the problem; nothing of a bad file is returned.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from pydantic import ValidationError

from extractors.fields.drucksache import parse_drucksache_number
from schemas.errors import EnvironmentProblem, ErrorCode, UsageProblem
from schemas.rules import BundesratProcedure

MAX_REGISTER_BYTES = 50 * 1024 * 1024

# field -> accepted header names (compared after casefold and stripping spaces, "-", "_")
_ALIASES: dict[str, tuple[str, ...]] = {
    "drucksache": ("drucksache", "drucksachennummer", "drs", "brdrs", "brdrucksache", "number"),
    "title": ("titel", "title", "bezeichnung"),
    "status": ("status", "stand", "beratungsstand"),
    "initiated": ("eingang", "eingegangen", "initiated", "eingeleitet"),
    "updated": ("aktualisiert", "updated", "letzteaktualisierung"),
    "dip_id": ("dipid", "dip", "vorgangsid", "vorgang"),
}
_LABELS = {
    "drucksache": "Drucksache",
    "title": "Titel",
    "status": "Status",
    "initiated": "Eingang",
    "updated": "Aktualisiert",
    "dip_id": "DIP-ID",
}
_REQUIRED = ("drucksache", "title")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def read_register_file(path: Path) -> list[BundesratProcedure]:
    """Read a CSV or JSON register of Bundesrat procedures (Regularien 4.3)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise UsageProblem(
            f"Die Datei '{path.name}' hat das Format '{suffix or 'ohne Endung'}'. "
            "Das Bundesrats-Register muss eine CSV- oder JSON-Datei sein."
        )
    data = _read_bytes(path)
    if suffix == ".json":
        return _check_unique(_read_json(data), "Eintrag")
    return _check_unique(_read_csv(data), "Zeile")


# --------------------------------------------------------------------------- files


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_REGISTER_BYTES:
            raise UsageProblem(
                f"Die Datei '{path.name}' ist zu groß ({size // (1024 * 1024)} MB); "
                f"erlaubt sind {MAX_REGISTER_BYTES // (1024 * 1024)} MB."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageProblem(
            f"Die Datei '{path}' wurde nicht gefunden.", code=ErrorCode.NOT_FOUND
        ) from None
    except IsADirectoryError:
        raise UsageProblem(f"'{path}' ist ein Ordner, keine Datei.") from None
    except PermissionError:
        raise EnvironmentProblem(f"Keine Leseberechtigung für die Datei '{path}'.") from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


# --------------------------------------------------------------------------- JSON


def _read_json(data: bytes) -> list[tuple[int, BundesratProcedure]]:
    try:
        content = json.loads(_decode(data))
    except json.JSONDecodeError as error:
        raise UsageProblem(
            f"Zeile {error.lineno}, Spalte {error.colno}: Die Datei ist kein gültiges JSON "
            f"({error.msg})."
        ) from None
    except UnicodeDecodeError:
        raise UsageProblem("Die Datei ist weder UTF-8 noch Windows-1252 kodiert.") from None
    if isinstance(content, dict) and "procedures" in content:
        content = content["procedures"]
    if not isinstance(content, list):
        raise UsageProblem(
            'Die JSON-Datei muss eine Liste von Verfahren oder {"procedures": [...]} enthalten.'
        )
    procedures = []
    for number, entry in enumerate(content, start=1):
        where = f"Eintrag {number}"
        if not isinstance(entry, dict):
            raise UsageProblem(f"{where}: Ein Verfahren muss ein Objekt mit Schlüsseln sein.")
        fields = _map_fields({str(key): value for key, value in entry.items()}, where)
        procedures.append((number, _build(fields, where)))
    return procedures


# --------------------------------------------------------------------------- CSV


def _read_csv(data: bytes) -> list[tuple[int, BundesratProcedure]]:
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise UsageProblem("Die Datei ist weder UTF-8 noch Windows-1252 kodiert.") from None
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        raise UsageProblem("Zeile 1: Die Kopfzeile fehlt (erwartet z. B. 'Drucksache;Titel').")
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        columns = _map_header(header)
        return list(_read_rows(reader, columns, len(header)))
    except csv.Error as error:
        raise UsageProblem(
            f"Zeile {reader.line_num}: Die CSV-Datei ist fehlerhaft ({error})."
        ) from None


def _map_header(header: list[str]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        field = _field_for(name)
        if field is None:
            continue
        if field in columns.values():
            raise UsageProblem(f"Zeile 1: Die Spalte '{_LABELS[field]}' steht doppelt in der Kopfzeile.")
        columns[index] = field
    for field in _REQUIRED:
        if field not in columns.values():
            found = ", ".join(f"'{name.strip()}'" for name in header if name.strip()) or "nichts"
            raise UsageProblem(
                f"Zeile 1: Die Spalte '{_LABELS[field]}' fehlt in der Kopfzeile (gefunden: {found})."
            )
    return columns


def _read_rows(
    reader: Iterator[list[str]], columns: dict[int, str], width: int
) -> Iterator[tuple[int, BundesratProcedure]]:
    line = 1
    for row in reader:
        start, line = line + 1, reader.line_num  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in row):
            continue
        where = f"Zeile {start}"
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise UsageProblem(
                f"{where}: Die Zeile hat {len(row)} Felder, die Kopfzeile nur {width}. "
                "Steht ein Trennzeichen im Titel? Dann den Titel in Anführungszeichen setzen."
            )
        values = {columns[i]: cell for i, cell in enumerate(row) if i in columns}
        yield start, _build(_clean(values, where), where)


# --------------------------------------------------------------------------- fields


def _field_for(name: str) -> str | None:
    key = re.sub(r"[\s\-_.]", "", name).casefold()
    return next((field for field, names in _ALIASES.items() if key in names), None)


def _map_fields(entry: Mapping[str, object], where: str) -> dict[str, object]:
    fields: dict[str, object] = {}
    for name, value in entry.items():
        field = _field_for(name)
        if field is None:
            continue
        if value is not None and not isinstance(value, (str, int)):
            raise UsageProblem(f"{where}: '{name}' muss ein Text sein.")
        fields[field] = "" if value is None else str(value)
    for field in _REQUIRED:
        if field not in fields:
            raise UsageProblem(f"{where}: Die Angabe '{_LABELS[field]}' fehlt.")
    return _clean(fields, where)


def _clean(values: Mapping[str, object], where: str) -> dict[str, object]:
    raw = {field: str(value).strip() for field, value in values.items()}
    number = raw.get("drucksache", "")
    if not number:
        raise UsageProblem(f"{where}: Die Drucksachennummer fehlt.")
    normalised = parse_drucksache_number(number)
    if normalised is None:
        raise UsageProblem(f"{where}: Drucksachennummer '{number}' hat nicht die Form 450/26.")
    if not raw.get("title"):
        raise UsageProblem(f"{where}: Der Titel zu Drucksache {normalised} fehlt.")
    fields: dict[str, object] = {
        "drucksache": normalised,
        "title": " ".join(raw["title"].split()),
        "status": raw.get("status") or None,
        "dip_id": raw.get("dip_id") or None,
    }
    for field in ("initiated", "updated"):
        fields[field] = _parse_date(raw.get(field, ""), field, where)
    return fields


def _parse_date(value: str, field: str, where: str) -> dt.date | None:
    if not value:
        return None
    match = _GERMAN_DATE.match(value)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (iso := _ISO_DATE.match(value)):
        parts = iso.groups()
    try:
        if parts is None:
            raise ValueError(value)
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise UsageProblem(
            f"{where}: Datum '{value}' in Spalte '{_LABELS[field]}' ist kein gültiges Datum "
            "(erwartet 12.09.2026 oder 2026-09-12)."
        ) from None


def _build(fields: Mapping[str, object], where: str) -> BundesratProcedure:
    try:
        return BundesratProcedure(**fields, source="import")  # type: ignore[arg-type]
    except ValidationError as error:
        problem = "; ".join(str(item["msg"]) for item in error.errors())
        raise UsageProblem(f"{where}: Der Eintrag ist ungültig ({problem}).") from None


def _check_unique(
    entries: list[tuple[int, BundesratProcedure]], unit: str
) -> list[BundesratProcedure]:
    first_seen: dict[str, int] = {}
    for position, procedure in entries:
        if procedure.drucksache in first_seen:
            raise UsageProblem(
                f"{unit} {position}: Drucksache {procedure.drucksache} steht schon in "
                f"{unit} {first_seen[procedure.drucksache]}."
            )
        first_seen[procedure.drucksache] = position
    return [procedure for _, procedure in entries]
