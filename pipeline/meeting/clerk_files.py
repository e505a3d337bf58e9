"""Read the CSV and YAML files a clerk fills, and collect their problems line by line.

CSV: ``;`` as Excel writes it, or ``,`` (decided from the header line); UTF-8 with or without BOM,
else Windows-1252. Header names in any case; empty lines and lines starting with ``#`` are skipped,
line numbers stay those of the file in a text editor.
YAML: a list of mappings; scalars are read as the text the clerk wrote (``top: 2.10`` stays "2.10",
``14:1:1`` is no base-60 number); anchors and aliases are refused.

Every problem of a file is collected and raised together as one ``UsageProblem`` whose message
has one line per problem: "<Datei>, Zeile N: <Problem>".
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import yaml

from pipeline.rules.majority import sort_laender
from schemas.errors import ErrorCode, UsageProblem
from schemas.meeting import MeetingSession
from schemas.records import LAENDER, LandCode

MAX_INPUT_BYTES = 5 * 1024 * 1024
MAX_LISTED_PROBLEMS = 200  # a clerk reads the first ones; a wrong file would list thousands
LAND_CODES: tuple[LandCode, ...] = tuple(sort_laender(LAENDER))

Report = Callable[[str], None]

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_LAND_KEYS: dict[str, LandCode] = {
    key.casefold(): code
    for code in LAND_CODES
    for key in (code, LAENDER[code], LAENDER[code].casefold().translate(_UMLAUTS))
}
_SESSIONS: dict[str, MeetingSession] = {
    "hauptkonferenz": "hauptkonferenz", "hk": "hauptkonferenz",
    "vorkonferenz": "vorkonferenz", "vk": "vorkonferenz",
}
_YES = frozenset({"ja", "j", "x", "1", "true", "yes"})
_NO = frozenset({"nein", "n", "", "0", "false", "no"})
_TOP_PREFIX = re.compile(r"^\s*TOP\s*", re.IGNORECASE)
_YAML_NULL = "tag:yaml.org,2002:null"


# --------------------------------------------------------------------------- problems


class Problems:
    """Problems of one file, each with its line; raised together as one ``UsageProblem``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.found: list[tuple[int, str]] = []

    def add(self, line: int, text: str) -> None:
        self.found.append((line, text))

    def at(self, line: int) -> Report:
        return functools.partial(self.add, line)

    def check(self) -> None:
        """Raise every problem found so far, if any."""
        if self.found:
            raise self.error() from None

    def stop(self, line: int, text: str) -> NoReturn:
        """Add a problem that ends the reading, and raise it with all found so far."""
        self.add(line, text)
        raise self.error() from None

    def error(self) -> UsageProblem:
        """The problems in line order, one per line (at most ``MAX_LISTED_PROBLEMS`` listed)."""
        ordered = sorted(self.found, key=lambda problem: problem[0])
        lines = [f"{self.name}, Zeile {line}: {text}" for line, text in ordered[:MAX_LISTED_PROBLEMS]]
        if len(ordered) > MAX_LISTED_PROBLEMS:
            lines.append(f"{self.name}: … und {len(ordered) - MAX_LISTED_PROBLEMS} weitere Probleme.")
        return UsageProblem("\n".join(lines))


# --------------------------------------------------------------------------- values


def parse_land(text: str, report: Report) -> LandCode | None:
    """'by', 'Bayern', 'Thueringen' → the Land code; anything else is reported."""
    value = text.strip()
    code = _LAND_KEYS.get(value.casefold())
    if code is None:
        report(f"„{value}“ ist kein Länderkürzel und kein Ländername." if value else "Das Land fehlt.")
    return code


def parse_session(text: str, report: Report) -> MeetingSession | None:
    value = text.strip()
    session = _SESSIONS.get(value.casefold())
    if session is None:
        shown = f"„{value}“ ist keine Sitzung" if value else "Die Sitzung fehlt"
        report(f"{shown} (erlaubt: hauptkonferenz oder HK, vorkonferenz oder VK).")
    return session


def parse_top(text: str, report: Report) -> str | None:
    """'TOP 5.' → '5'; 'TOP 2.12' → '2.12'."""
    top = _TOP_PREFIX.sub("", text).strip().rstrip(".").strip()
    if not top:
        report("Der TOP fehlt.")
    return top or None


def parse_flag(text: str, report: Report) -> bool | None:
    value = text.strip().casefold()
    if value in _YES or value in _NO:
        return value in _YES
    report(f"„{text.strip()}“ ist kein Ja/Nein-Wert (erlaubt: ja, nein, x oder leer).")
    return None


def require_text(text: str, label: str, report: Report) -> str | None:
    value = text.strip()
    if not value:
        report(f"{label} fehlt.")
    return value or None


def split_laender(text: str) -> list[str]:
    """Länder in one cell are separated by commas and/or spaces."""
    return [token for token in re.split(r"[,\s]+", text) if token]


def normalise_name(name: str) -> str:
    """'Von grüner Liste ' → 'von_gruener_liste' (column names and YAML keys)."""
    return re.sub(r"[\s\-]+", "_", name.strip().casefold().translate(_UMLAUTS))


# --------------------------------------------------------------------------- files


def read_text(path: Path) -> str:
    """The file's text (UTF-8 with or without BOM, else Windows-1252), at most 5 MB."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise UsageProblem(f"Die Datei „{path}“ wurde nicht gefunden.", code=ErrorCode.NOT_FOUND) from None
    except IsADirectoryError:
        raise UsageProblem(f"„{path}“ ist ein Ordner, keine Datei.") from None
    except PermissionError:
        raise UsageProblem(f"Die Datei „{path}“ darf nicht gelesen werden (keine Leseberechtigung).") from None
    except OSError as error:
        raise UsageProblem(f"Die Datei „{path}“ kann nicht gelesen werden ({error.strerror or error}).") from None
    if len(data) > MAX_INPUT_BYTES:
        raise UsageProblem(
            f"{path.name}: Die Datei ist größer als {MAX_INPUT_BYTES // (1024 * 1024)} MB.",
            code=ErrorCode.LIMIT_EXCEEDED,
        )
    return decode_text(data, path.name)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first, Windows-1252 (Excel's plain CSV) second."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
        break
    raise UsageProblem(
        f"{name}: Die Datei ist kein Text in UTF-8 oder Windows-1252 "
        "(in Excel als „CSV UTF-8“ oder „CSV (Trennzeichen-getrennt)“ speichern)."
    )


# --------------------------------------------------------------------------- CSV


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: dict[str, str]  # every known column, stripped; "" where empty or missing


def read_table(path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> tuple[list[Row], Problems]:
    """Rows of a clerk's CSV file with their line numbers; header problems are raised at once."""
    problems = Problems(path.name)
    lines = io.StringIO(read_text(path), newline="").readlines()
    lines = ["\n" if line.lstrip().startswith("#") else line for line in lines]  # keep numbering
    header_line = next((line for line in lines if line.strip()), "")
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    rows = split_rows(lines, delimiter, problems)
    if not rows:
        problems.stop(1, f"Die Kopfzeile fehlt (erwartet: {';'.join(columns)}).")
    (line, header), body = rows[0], rows[1:]
    mapping = map_header(line, header, columns, required, problems)
    return [to_row(number, cells, mapping, columns, problems) for number, cells in body], problems


def split_rows(lines: list[str], delimiter: str, problems: Problems) -> list[tuple[int, list[str]]]:
    """Non-empty CSV records with the line each starts on."""
    reader = csv.reader(lines, delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append((line, cells))
    except csv.Error as error:
        problems.stop(previous + 1, f"Die Zeile ist keine gültige CSV-Zeile ({error}).")
    return rows


def map_header(
    line: int, header: list[str], columns: tuple[str, ...], required: tuple[str, ...], problems: Problems
) -> dict[int, str]:
    """Column index → known column name; unknown, doubled or missing columns are raised."""
    report = problems.at(line)
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for index, raw in enumerate(header):
        name = normalise_name(raw)
        if name and name not in columns:
            unknown.append(f"„{raw.strip()}“")
        elif name in mapping.values():
            report(f"Die Spalte „{name}“ steht zweimal in der Kopfzeile.")
        elif name:
            mapping[index] = name
    if unknown:
        report(f"Unbekannte Spalte {', '.join(unknown)} (erlaubt: {', '.join(columns)}).")
    missing = [f"„{name}“" for name in required if name not in mapping.values()]
    if missing:
        report(f"In der Kopfzeile fehlt die Spalte {', '.join(missing)}.")
    problems.check()
    return mapping


def to_row(line: int, cells: list[str], mapping: dict[int, str], columns: tuple[str, ...], problems: Problems) -> Row:
    values = dict.fromkeys(columns, "")
    for index, cell in enumerate(cells):
        if index in mapping:
            values[mapping[index]] = cell.strip()
        elif cell.strip():
            problems.add(
                line,
                f"Feld {index + 1} („{cell.strip()}“) hat keine Spalte in der Kopfzeile. "
                "Steht ein Trennzeichen in einem Wert? Dann den Wert in Anführungszeichen setzen.",
            )
    return Row(line, values)


# --------------------------------------------------------------------------- YAML


@dataclass(frozen=True, slots=True)
class Entry:
    line: int
    values: dict[str, tuple[int, str]]  # key → (line of the value, text as written; lists joined by ", ")

    def get(self, key: str) -> tuple[int, str]:
        return self.values.get(key, (self.line, ""))


def read_entries(path: Path, keys: tuple[str, ...], required: tuple[str, ...]) -> tuple[list[Entry], Problems]:
    """The list items of a YAML file with their lines; keys checked, values as written."""
    problems = Problems(path.name)
    root = compose_yaml(path, problems)
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == _YAML_NULL):
        return [], problems
    if not isinstance(root, yaml.SequenceNode):
        problems.stop(root.start_mark.line + 1, "Die Datei muss eine Liste sein: jeder Eintrag beginnt mit „- “.")
    entries = [read_entry(item, keys, required, problems) for item in root.value]
    return [entry for entry in entries if entry is not None], problems


def compose_yaml(path: Path, problems: Problems) -> yaml.Node | None:
    """The YAML node tree (pure-Python SafeLoader: libyaml crashes on deep nesting); no aliases."""
    try:
        root = yaml.compose(read_text(path), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problems.stop(mark.line + 1 if mark else 1, f"Die Datei ist kein gültiges YAML ({error.problem}).")
    except yaml.YAMLError as error:
        problems.stop(1, f"Die Datei ist kein gültiges YAML ({error}).")
    except RecursionError:
        problems.stop(1, "Die Datei ist zu tief verschachtelt.")
    refuse_aliases(root, problems)
    return root


def refuse_aliases(root: yaml.Node | None, problems: Problems) -> None:
    """A node reached twice is an alias (``*name``): refused, so no alias bomb can grow."""
    seen: set[int] = set()
    pending = [root] if root is not None else []
    while pending:
        node = pending.pop()
        if id(node) in seen:
            problems.stop(node.start_mark.line + 1, "Verweise mit & und * sind nicht erlaubt; bitte ausschreiben.")
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            pending.extend(part for pair in node.value for part in pair)


def read_entry(node: yaml.Node, keys: tuple[str, ...], required: tuple[str, ...], problems: Problems) -> Entry | None:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        problems.add(line, f"Ein Eintrag besteht aus Schlüsseln mit Werten ({', '.join(keys)}).")
        return None
    values: dict[str, tuple[int, str]] = {}
    present: set[str] = set()
    for key_node, value_node in node.value:
        key_line, value_line = key_node.start_mark.line + 1, value_node.start_mark.line + 1
        key = normalise_name(str(key_node.value)) if isinstance(key_node, yaml.ScalarNode) else ""
        if key not in keys:
            problems.add(key_line, f"Unbekannter Schlüssel „{key_node.value}“ (erlaubt: {', '.join(keys)}).")
        elif key in present:
            problems.add(key_line, f"Der Schlüssel „{key}“ steht zweimal im Eintrag.")
        elif (text := read_value(value_node)) is None:
            problems.add(value_line, f"Der Wert von „{key}“ muss ein Text oder eine Liste sein.")
        else:
            values[key] = (value_line, text)
        present.add(key)
    for key in required:
        if key not in present:
            problems.add(line, f"„{key}“ fehlt.")
        elif key in values and not values[key][1]:
            problems.add(values[key][0], f"„{key}“ ist leer.")
    return Entry(line, values)


def read_value(node: yaml.Node) -> str | None:
    """A scalar as written ("" for an empty one), a list of scalars joined by commas, else None."""
    if isinstance(node, yaml.ScalarNode):
        return "" if node.tag == _YAML_NULL else str(node.value).strip()
    if isinstance(node, yaml.SequenceNode) and all(isinstance(item, yaml.ScalarNode) for item in node.value):
        return ", ".join(str(item.value).strip() for item in node.value)
    return None
