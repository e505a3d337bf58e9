"""``intmk meeting …`` (votes, participants, statements, annexes, Erfolgskontrolle), ``intmk documents``
and ``intmk templates``. Command-line parsing only; the work is done by the service modules."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from outputs.templates import export_templates
from pipeline import meeting_service
from pipeline.documents_service import DocumentOptions, build_documents
from pipeline.settings import Settings
from pipeline.storage import connect
from schemas.documents import MEETING_KINDS, DocumentKind
from schemas.errors import ExitCode
from schemas.meeting import InputKind

INPUT_HELP = {
    InputKind.PARTICIPANTS: "Teilnehmerliste (CSV: sitzung;land;name;funktion), Regularien 5.3.",
    InputKind.VOTES: "Abstimmungen (CSV: sitzung;top;gegenstand;ja;nein;enthaltung;abwesend;von_gruener_liste), Regularien 5.1, 4.3, 7.",
    InputKind.STATEMENTS: "Protokollerklärungen (YAML: top, laender, text, veroeffentlichen), Regularien 5.3.",
    InputKind.ANNEXES: "Anlagen mit Votum zur Veröffentlichung (YAML: top, titel, datei, veroeffentlichung), Regularien 5.3.",
    InputKind.REVIEW: "Erfolgskontrolle (CSV: beschluss;land;stand;bericht), Regularien 9.2.",
}


@click.group()
def meeting() -> None:
    """Sitzungsdaten einlesen: Abstimmungen, Teilnehmende, Protokollerklärungen, Anlagen, Erfolgskontrolle."""


def make_import_command(kind: InputKind) -> click.Command:
    @click.command(kind.value, help=f"Liest die {INPUT_HELP[kind]} Eine neue Datei ersetzt die vorige.")
    @click.argument("body")
    @click.argument("number", type=click.IntRange(min=1))
    @click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
    @click.pass_obj
    def command(settings: Settings, body: str, number: int, file: Path) -> None:
        imported = meeting_service.import_meeting_input(connect(settings), settings, body, number, kind, file)
        key = f"{imported.meeting.conference.body} {imported.meeting.conference.number}"
        click.echo(f"{imported.source}: {imported.count} Einträge für {key} gespeichert.")

    return command


for _kind in InputKind:
    meeting.add_command(make_import_command(_kind))


@meeting.command("show")
@click.argument("body")
@click.argument("number", type=click.IntRange(min=1))
@click.pass_obj
def meeting_show(settings: Settings, body: str, number: int) -> None:
    """Zeigt, welche Sitzungsdaten für die Konferenz eingelesen sind."""
    click.echo("\n".join(meeting_service.describe_inputs(connect(settings), settings, body, number)))


@click.command()
@click.argument("body")
@click.argument("number", type=click.IntRange(min=1))
@click.option("--kind", "kinds", multiple=True, type=click.Choice([k.value for k in MEETING_KINDS]),
              help="Nur diese Dokumentart (mehrfach möglich); ohne Angabe alle.")
@click.option("--ohne-pdf", "no_pdf", is_flag=True, help="Nur Word-Dateien, keine PDF (ohne LibreOffice).")
@click.option("--pdfa", is_flag=True, help="PDF/A-2b für die Archivierung.")
@click.option("--originale", "originals", is_flag=True,
              help="Die eingereichten Originale (PDF und Word) an das PDF der Sitzungsunterlagen anhängen.")
@click.pass_obj
def documents(settings: Settings, body: str, number: int, kinds: tuple[str, ...], no_pdf: bool, pdfa: bool, originals: bool) -> None:
    """Erstellt Einladung, Tagesordnung, Sitzungsunterlagen, Grünfassung und Niederschriften als Word und PDF."""
    options = DocumentOptions(pdf=not no_pdf, pdfa=pdfa, originals=originals)
    report = build_documents(connect(settings), settings, body, number, [DocumentKind(k) for k in kinds] or None, options)
    for warning in report.warnings:
        click.echo(f"Hinweis: {warning}", err=True)
    for unattached in report.unattached:
        click.echo(f"Hinweis: {unattached.describe()}", err=True)
    for built in report.built:
        click.echo(str(built.docx))
        if built.pdf:
            click.echo(str(built.pdf))
    if report.pdf_problem is not None:
        raise report.pdf_problem
    if report.exit_code is not ExitCode.OK:
        sys.exit(int(report.exit_code))


@click.group()
def templates() -> None:
    """Word-Vorlagen zum Anpassen (Briefkopf, Schriften, Kopf- und Fußzeile)."""


@templates.command("export")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def templates_export(folder: Path) -> None:
    """Schreibt die mitgelieferte Vorlage in FOLDER; danach INTMK_TEMPLATE_DIR=FOLDER setzen."""
    for path in export_templates(folder):
        click.echo(str(path))


def register(cli: click.Group) -> None:
    for command in (meeting, documents, templates):
        cli.add_command(command)
