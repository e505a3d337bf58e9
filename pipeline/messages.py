"""German problem text for what a clerk wrote wrong, instead of a library's English.

``describe_validation_errors`` turns a pydantic ``ValidationError`` into one German sentence per
field (unknown entry, missing entry, wrong type, bad date, value not allowed), naming the field
by the label the caller gives it and, where it helps, the allowed names or an example.
``describe_toml_error`` does the same for a TOML syntax error. Callers frame the sentences with
what the file is and what to do (e.g. ``pipeline.receipt.read_sidecar``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

# pydantic error types (https://docs.pydantic.dev/latest/errors/validation_errors/) by what they mean
DATE_TYPES = {
    "date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_past", "date_future",
    "datetime_type", "datetime_parsing", "datetime_from_date_parsing", "datetime_object_invalid", "datetime_past",
    "datetime_future", "timezone_aware", "timezone_naive", "time_type", "time_parsing",
}
TYPE_NAMES = {
    "string_type": "ein Text in Anführungszeichen",
    "string_unicode": "ein Text in Anführungszeichen",
    "int_type": "eine ganze Zahl",
    "int_parsing": "eine ganze Zahl",
    "int_from_float": "eine ganze Zahl",
    "float_type": "eine Zahl",
    "float_parsing": "eine Zahl",
    "bool_type": "true oder false",
    "bool_parsing": "true oder false",
    "list_type": "eine Liste in eckigen Klammern",
    "dict_type": "eine Tabelle",
    "model_type": "eine Tabelle",
    "model_attributes_type": "eine Tabelle",
}
CHOICE_TYPES = {"literal_error", "enum"}
BOUNDS = {"greater_than_equal": "mindestens", "greater_than": "größer als", "less_than_equal": "höchstens",
          "less_than": "kleiner als"}
DATE_EXAMPLE = "2027-04-08T16:30:00+02:00"
TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def describe_validation_errors(
    exc: ValidationError,
    *,
    labels: Mapping[str, str] | None = None,
    allowed: Iterable[str] = (),
) -> list[str]:
    """One German sentence per problem; ``labels`` names fields, ``allowed`` lists the known entries."""
    labels = labels or {}
    allowed = list(allowed)
    return [describe_error(error, labels, allowed) for error in exc.errors()]


def describe_error(error: Mapping[str, Any], labels: Mapping[str, str], allowed: list[str]) -> str:
    kind, field = error["type"], name_field(error.get("loc", ()), labels)
    given = show_value(error.get("input"))
    if kind == "extra_forbidden":
        known = f" Erlaubt sind: {', '.join(allowed)}." if allowed else ""
        return f"Der Eintrag „{field}“ ist unbekannt.{known}"
    if kind == "missing":
        return f"Der Eintrag „{field}“ fehlt."
    if kind in DATE_TYPES:
        return f"„{field}“ ist kein gültiger Zeitpunkt ({given}); bitte so angeben: {field} = {DATE_EXAMPLE}."
    if kind in CHOICE_TYPES:
        expected = str((error.get("ctx") or {}).get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"„{field}“ hat den Wert {given}; erlaubt sind: {expected}."
    if kind in TYPE_NAMES:
        return f"„{field}“ muss {TYPE_NAMES[kind]} sein, angegeben ist {given}."
    if kind in BOUNDS:
        bound = next(iter((error.get("ctx") or {}).values()), "")
        return f"„{field}“ muss {BOUNDS[kind]} {show_value(bound)} sein, angegeben ist {given}."
    if kind in {"string_too_long", "too_long"}:
        return f"„{field}“ ist zu lang."
    if kind in {"string_too_short", "too_short"}:
        return f"„{field}“ ist zu kurz oder leer."
    return f"„{field}“ ist ungültig ({given})."


def name_field(location: Iterable[Any], labels: Mapping[str, str]) -> str:
    path = ".".join(str(part) for part in location) or "(gesamte Datei)"
    return labels.get(path, path)


def show_value(value: Any) -> str:
    """The value as the clerk wrote it: text in quotes, numbers plain, tables and lists by kind."""
    if isinstance(value, str):
        return f"„{value}“"
    if isinstance(value, Mapping):
        return "eine Tabelle"
    if isinstance(value, list | tuple):
        return "eine Liste"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "nichts" if value is None else str(value)


def list_fields(model: type[BaseModel]) -> list[str]:
    """The entries a model accepts, by the names a file uses (aliases where set)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def describe_toml_error(exc: Exception) -> str:
    """Where a TOML file breaks its syntax, in German (tomllib's message names line and column)."""
    match = TOML_POSITION.search(str(exc))
    where = f"in Zeile {match[1]}, Spalte {match[2]}" if match else "am Ende der Datei"
    return (f"Die Schreibweise stimmt {where} nicht. Jede Zeile hat die Form name = Wert, "
            f"Text in Anführungszeichen (land = \"RP\"), ein Zeitpunkt ohne (received = {DATE_EXAMPLE}); "
            "jeder Name nur einmal.")
