"""The ``intmk`` command line. Only this module turns exceptions into exit codes."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from pipeline import (
    cli_digitize,
    cli_documents,
    cli_inbox,
    cli_rules,
    cli_search,
    report,
    service,
)
from pipeline.settings import Settings
from schemas import ErrorRecord, ExtractionRecord
from schemas.errors import ExitCode, IntmkError

SCHEMA_MODELS = {"record": ExtractionRecord, "error": ErrorRecord}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Ausführliche Protokollausgabe.")
@click.version_option(package_name="intmk")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Dokumenten-Pipeline der Geschäftsstelle der Integrationsministerkonferenz (IntMK)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = load_settings()


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="JSON Lines nach dem Datensatzvertrag ausgeben.")
@click.pass_obj
def extract(settings: Settings, files: tuple[Path, ...], as_json: bool) -> None:
    """Liest Beschlussvorschläge und Niederschriften (PDF, DOCX) und gibt die Tagesordnungspunkte aus."""
    results = []
    for result in service.extract_files(files, settings):
        results.append(result)
        emit_result(result, as_json)
    if not as_json:
        click.echo(report.format_summary(results))
    sys.exit(int(service.combine_exit_codes(results)))


@cli.command()
@click.argument("kind", type=click.Choice(sorted(SCHEMA_MODELS)), default="record")
def schema(kind: str) -> None:
    """Gibt das JSON-Schema eines Datensatzes (record) oder Fehlerobjekts (error) aus."""
    click.echo(json.dumps(SCHEMA_MODELS[kind].model_json_schema(), ensure_ascii=False, indent=2))


cli_rules.register(cli)
cli_inbox.register(cli)
cli_documents.register(cli)
cli_digitize.register(cli)
cli_search.register(cli)


def emit_result(result: service.FileResult, as_json: bool) -> None:
    if result.error is not None:
        click.echo(f"intmk: {result.path}: {result.error.message} [{result.error.code}]", err=True)
    if as_json:
        lines = [r.model_dump_json() for r in result.records] if result.ok else [result.to_error_record().model_dump_json()]
        for line in lines:
            click.echo(line)
    elif result.ok:
        click.echo("\n".join(report.format_file_result(result)))


def load_settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        raise click.UsageError(f"Ungültige Einstellung (INTMK_…): {exc}") from exc


def main() -> None:
    """Console entry point: maps our exception tree to stable exit codes, never a bare traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.USAGE)
    except click.exceptions.Abort:
        sys.exit(ExitCode.INTERRUPTED)
    except IntmkError as exc:
        click.echo(f"intmk: {exc.message} [{exc.code}]", err=True)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)


if __name__ == "__main__":
    main()
