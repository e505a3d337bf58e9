"""``intmk --help`` and ``--version`` answer at once: click only, no command module imported."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest

from pipeline.cli import LAZY_COMMANDS, cli, shorten_help

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("spacy", "sqlalchemy", "prefect", "pikepdf", "pydantic", "pipeline.cli_rules", "pipeline.cli_inbox", "schemas")


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_listed_short_help_is_the_commands_own(name: str) -> None:
    module, attribute, text = LAZY_COMMANDS[name]
    command = getattr(importlib.import_module(module), attribute)
    assert shorten_help(text, 500) == command.get_short_help_str(500)


def test_every_top_level_command_of_the_command_modules_is_listed() -> None:
    """A command written in a cli_* module but missing from LAZY_COMMANDS would be unreachable."""
    top_level: set[str] = set()
    for path in sorted((ROOT / "pipeline").glob("cli_*.py")):
        commands = [v for v in vars(importlib.import_module(f"pipeline.{path.stem}")).values() if isinstance(v, click.Command)]
        nested = {id(sub) for group in commands if isinstance(group, click.Group) for sub in group.commands.values()}
        top_level |= {command.name for command in commands if id(command) not in nested and command.name}
    assert top_level == set(LAZY_COMMANDS)


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_import_no_heavy_library(option: str) -> None:
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['intmk', '{option}']\n"
        "try:\n"
        "    runpy.run_module('pipeline.cli', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_help_lists_every_command() -> None:
    context = click.Context(cli)
    assert set(cli.list_commands(context)) == set(LAZY_COMMANDS) | {"extract", "schema"}
    for name in LAZY_COMMANDS:
        assert cli.get_command(context, name) is not None
    assert cli.get_command(context, "gibtsnicht") is None
