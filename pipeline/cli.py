"""The ``intmk`` command line. Only this module turns exceptions into exit codes.

The commands live in ``cli_*`` modules and are imported only when they run (``LazyGroup``), so
``intmk --help`` and ``intmk --version`` import click alone, and each command pays only for the
libraries it uses (spaCy, SQLAlchemy, Prefect, pikepdf are imported by the commands that need them).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click


if TYPE_CHECKING:
    from pipeline import service
    from schemas.errors import ExitCode
    from pipeline.settings import Settings

# name -> (module, attribute, short help shown by ``intmk --help`` without importing the module).
# tests/test_cli_lazy.py checks that the short help is the command's own.
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "bundesrat": ("pipeline.cli_rules", "bundesrat", "Register der Bundesratsverfahren (Regularien 4.3) pflegen."),
    "calendar": ("pipeline.cli_rules", "calendar", "Listet alle Fristen einer Konferenz mit ihrer Regel (Europe/Berlin)."),
    "check": ("pipeline.cli_rules", "check", "Prüft jeden Antrag einer Konferenz: Frist, Dringlichkeit, Bundesrat (Regularien 4.3)."),
    "conference": ("pipeline.cli_rules", "conference", "Konferenzen erfassen und anzeigen."),
    "digitize": ("pipeline.cli_digitize", "digitize", "Digitalisiert einen Ordnerbaum mit Scans: Texterkennung, durchsuchbare PDF/A, Datensätze, CSV-Bericht."),
    "documents": ("pipeline.cli_documents", "documents", "Erstellt Einladung, Tagesordnung, Sitzungsunterlagen, Grünfassung und Niederschriften als Word und PDF."),
    "export": ("pipeline.cli_search", "export", "Schreibt eine Beschlusssammlung als CSV, JSON und Word: einer Konferenz (intmk export IntMK 23) oder einer Suche (intmk export --suche Migrationsberatung --jahr 2017)."),
    "majority": ("pipeline.cli_rules", "majority", "Berechnet das Abstimmungsergebnis nach den Regeln des Gremiums (IntMK: Regularien 5.1)."),
    "meeting": ("pipeline.cli_documents", "meeting", "Sitzungsdaten einlesen: Abstimmungen, Teilnehmende, Protokollerklärungen, Anlagen, Erfolgskontrolle."),
    "motion": ("pipeline.cli_rules", "motion", "Beschlussvorschläge erfassen und Konferenzen zuordnen."),
    "reprocess": ("pipeline.cli_inbox", "reprocess", "Liest gespeicherte Originale erneut (SHA-256 oder eindeutiger Anfang, mindestens 6 Zeichen)."),
    "run": ("pipeline.cli_inbox", "run", "Ein Durchlauf über den Eingang (Prefect-Flow): übernehmen, lesen, prüfen, speichern, archivieren."),
    "search": ("pipeline.cli_search", "search", "Durchsucht alle gespeicherten Beschlüsse und Anträge; findet auch gebeugte Formen (Migrationsberatung → Migrationsberatungen)."),
    "serve": ("pipeline.cli_inbox", "serve", "Startet die Prefect-Deployments: Eingang alle paar Minuten, Bundesrat nachts, Fristen täglich."),
    "status": ("pipeline.cli_inbox", "status", "Zeigt, wie viele Dateien verarbeitet, in Quarantäne, doppelt oder wartend sind."),
    "templates": ("pipeline.cli_documents", "templates", "Word-Vorlagen zum Anpassen (Briefkopf, Schriften, Kopf- und Fußzeile)."),
    "watch": ("pipeline.cli_inbox", "watch", "Beobachtet den Eingang und verarbeitet neue Dateien nach wenigen Sekunden (Strg+C beendet)."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use; ``--help`` lists them from LAZY_COMMANDS."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*self.commands, *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in LAZY_COMMANDS:
            return None
        module, attribute, _ = LAZY_COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command), f"{module}.{attribute} is no click command"
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = [(name, command.get_short_help_str(limit)) for name, command in sorted(self.commands.items())]
        rows += [(name, shorten_help(text, limit)) for name, (_, _, text) in LAZY_COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


def shorten_help(text: str, limit: int) -> str:
    """The short help as click makes it from a command's first help sentence."""
    return click.Command("_", help=text).get_short_help_str(limit)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Ausführliche Protokollausgabe.")
@click.version_option(package_name="intmk")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Dokumenten-Pipeline der Geschäftsstelle der Integrationsministerkonferenz (IntMK)."""
    configure_logging(verbose)
    quiet_prefect(verbose)
    ctx.obj = load_settings()


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a test running commands in-process swaps it)."""

    @property  # type: ignore[override]
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        """The stream is always the current ``sys.stderr``."""


def configure_logging(verbose: bool) -> None:
    root = logging.getLogger()
    if not any(isinstance(handler, StderrHandler) for handler in root.handlers):
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)


# Prefect's own chatter is not the clerk's business: its telemetry (whose failure it logs as
# ERROR, with a traceback when its SQLite is busy), the start of its temporary server, each flow
# run's INFO lines. Errors that matter reach us as exceptions and are reported in German.
PREFECT_NO_TELEMETRY = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
PREFECT_QUIET_LOGS = {"PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_LOGGING_LEVEL": "ERROR"}


def quiet_prefect(verbose: bool) -> None:
    """Prefect settings for every command, before Prefect is imported (the commands that need it
    import ``pipeline.flows`` inside) and inherited by the temporary server it starts as a child.

    A value already in the environment wins; ``--verbose`` keeps Prefect's own log levels.
    """
    quiet = PREFECT_NO_TELEMETRY | ({} if verbose else PREFECT_QUIET_LOGS)
    for name, value in quiet.items():
        os.environ.setdefault(name, value)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="JSON Lines nach dem Datensatzvertrag ausgeben.")
@click.pass_obj
def extract(settings: Settings, files: tuple[Path, ...], as_json: bool) -> None:
    """Liest Beschlussvorschläge und Niederschriften (PDF, DOCX) und gibt die Tagesordnungspunkte aus."""
    from pipeline import report, service

    results = []
    for result in service.extract_files(files, settings):
        results.append(result)
        emit_result(result, as_json)
    if not as_json:
        click.echo(report.format_summary(results))
    sys.exit(int(service.combine_exit_codes(results)))


@cli.command()
@click.argument("kind", type=click.Choice(["error", "record"]), default="record")
def schema(kind: str) -> None:
    """Gibt das JSON-Schema eines Datensatzes (record) oder Fehlerobjekts (error) aus."""
    from schemas import ErrorRecord, ExtractionRecord

    model = ExtractionRecord if kind == "record" else ErrorRecord
    click.echo(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2))


def emit_result(result: service.FileResult, as_json: bool) -> None:
    from pipeline import report

    if result.error is not None:
        click.echo(f"intmk: {result.path}: {result.error.message} [{result.error.code}]", err=True)
    if as_json:
        lines = [r.model_dump_json() for r in result.records] if result.ok else [result.to_error_record().model_dump_json()]
        for line in lines:
            click.echo(line)
    elif result.ok:
        click.echo("\n".join(report.format_file_result(result)))


def load_settings() -> Settings:
    from pipeline.settings import Settings

    try:
        return Settings()
    except ValueError as exc:
        raise click.UsageError(f"Ungültige Einstellung: {describe_settings_error(exc, Settings)} "
                               "Bitte die Umgebungsvariable (oder .env) korrigieren.") from exc


def describe_settings_error(exc: ValueError, settings: type) -> str:
    """pydantic's English per field in German, each field by its INTMK_ variable."""
    from pydantic import ValidationError

    from pipeline.messages import describe_validation_errors

    if not isinstance(exc, ValidationError):
        return str(exc)
    labels = {name: f"INTMK_{name.upper()}" for name in settings.model_fields}
    return " ".join(describe_validation_errors(exc, labels=labels))


def main(argv: list[str] | None = None) -> None:
    """Console entry point: maps our exception tree to stable exit codes, never a bare traceback."""
    try:
        cli.main(args=argv, prog_name="intmk", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (click.ClickException, click.exceptions.Abort, KeyboardInterrupt) as exc:
        if isinstance(exc, click.ClickException):
            exc.show()
        sys.exit(int(exit_code_for(exc)))
    except Exception as exc:
        if not is_intmk_error(exc):
            raise
        click.echo(f"intmk: {exc.message} [{exc.code}]", err=True)  # type: ignore[attr-defined]
        sys.exit(int(exit_code_for(exc)))


def is_intmk_error(exc: BaseException) -> bool:
    """Whoever raised one of ours has imported ``schemas.errors``; --help never pays for pydantic."""
    errors = sys.modules.get("schemas.errors")
    return errors is not None and isinstance(exc, errors.IntmkError)


def exit_code_for(exc: BaseException) -> ExitCode:
    """The one exception -> exit code map of the command line (README, "Exit codes")."""
    from schemas.errors import ExitCode, IntmkError

    if isinstance(exc, IntmkError):
        return exc.exit_code
    if isinstance(exc, click.ClickException):
        return ExitCode.USAGE
    if isinstance(exc, (click.exceptions.Abort, KeyboardInterrupt)):
        return ExitCode.INTERRUPTED
    return ExitCode.INTERNAL

if __name__ == "__main__":
    main()
