"""The README's tables agree with the code: every setting, error code, exit code and command.

A setting, code or command added to the code without a README line (or a README line left behind
after one was removed) fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from pipeline.cli import cli
from pipeline.settings import Settings
from schemas.errors import ErrorCode, ExitCode

README = Path(__file__).resolve().parent.parent / "README.md"


def read_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"README has no section '## {title}'"
    return match.group(1)


def first_cells(section: str) -> list[str]:
    """The first cell of every body row of the section's tables."""
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    cells = [row.split(" | ")[0].removeprefix("| ") for row in rows]
    return [cell for cell in cells if not set(cell) <= set("-|") and cell not in {"code", "setting", "command"}]


def backticked(cells: list[str]) -> set[str]:
    return {name for cell in cells for name in re.findall(r"`([^`]+)`", cell)}


def test_settings_table_lists_every_setting() -> None:
    documented = set(re.findall(r"INTMK_[A-Z_]+", " ".join(first_cells(read_section("Limits")))))
    expected = {f"INTMK_{name.upper()}" for name in Settings.model_fields}
    assert sorted(expected - documented) == [], "settings missing in the README"
    assert sorted(documented - expected) == [], "README names settings the code does not have"


def test_error_code_table_lists_every_code() -> None:
    documented = backticked(first_cells(read_section("Error codes (reasons a file is rejected)")))
    assert documented == {code.value for code in ErrorCode}


def test_exit_code_table_lists_every_code() -> None:
    documented = {int(cell) for cell in first_cells(read_section("Exit codes"))}
    assert documented == {int(code) for code in ExitCode}


def leaf_commands(group: click.Group, prefix: str = "intmk") -> set[str]:
    names: set[str] = set()
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            names |= leaf_commands(command, f"{prefix} {name}")
        else:
            names.add(f"{prefix} {name}")
    return names


def expand_row(cell: str) -> set[str]:
    """`intmk meeting votes\\|show` → {"intmk meeting votes", "intmk meeting show"}."""
    words = [word for word in cell.strip("`").split("`")[0].split() if not word.startswith(("[", "-", "FILE"))]
    *head, last = words
    return {" ".join([*head, alternative]) for alternative in last.replace("\\|", "|").split("|")}


@pytest.mark.parametrize("section", ["Commands"])
def test_command_table_lists_every_command(section: str) -> None:
    documented = set().union(*(expand_row(cell) for cell in first_cells(read_section(section))))
    assert documented == leaf_commands(cli)
