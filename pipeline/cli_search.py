"""``intmk search`` and ``intmk export``: the Beschlusssammlung. Command-line parsing only; the
work is done by ``pipeline.search_service`` and ``pipeline.export_service``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from pipeline import export_service, search_service
from pipeline.search.model import (
    DOCUMENT_TYPE_MOTION,
    SearchFilters,
    SearchHit,
    describe_conference,
)
from pipeline.settings import Settings
from pipeline.storage import connect
from schemas import LAENDER, Outcome

FILTER_OPTIONS: list[Callable] = [
    click.option("--gremium", "body", help="Nur dieses Gremium, z. B. IntMK."),
    click.option("--jahr", "year", type=click.IntRange(1949, 2200), help="Nur Konferenzen dieses Jahres."),
    click.option("--konferenz", "conference", help="Nur diese Konferenz, z. B. 'IntMK 12'."),
    click.option("--land", type=click.Choice(list(LAENDER), case_sensitive=False), help="Nur Anträge dieses Landes (Antragsteller)."),
    click.option("--ergebnis", "outcome", type=click.Choice([o.value for o in Outcome], case_sensitive=False),
                 help="Nur mit diesem Abstimmungsergebnis."),
    click.option("--verfristet", "late", is_flag=True, help="Nur verfristete Anträge (Regularien 4.3)."),
    click.option("--bundesrat", is_flag=True, help="Nur Themen, die im Bundesrat anhängig sind (Regularien 4.3)."),
]


def filter_options(command: Callable) -> Callable:
    for option in reversed(FILTER_OPTIONS):
        command = option(command)
    return command


def make_filters(body, year, conference, land, outcome, late, bundesrat) -> SearchFilters:
    return SearchFilters(body=body, year=year, conference=conference, land=land and land.upper(), outcome=outcome,
                         late=late or None, bundesrat=bundesrat or None)


@click.command()
@click.argument("query")
@filter_options
@click.option("--limit", type=click.IntRange(1, search_service.MAX_LIMIT), default=20, show_default=True, help="Höchstens so viele Treffer.")
@click.option("--json", "as_json", is_flag=True, help="Ein JSON-Objekt je Treffer und Zeile.")
@click.pass_obj
def search(settings: Settings, query: str, body, year, conference, land, outcome, late, bundesrat, limit: int, as_json: bool) -> None:
    """Durchsucht alle gespeicherten Beschlüsse und Anträge; findet auch gebeugte Formen
    (Migrationsberatung → Migrationsberatungen). "Wortgruppe" in Anführungszeichen, Wortanfang mit *."""
    filters = make_filters(body, year, conference, land, outcome, late, bundesrat)
    hits = search_service.search(connect(settings), settings, query, filters, limit)
    if as_json:
        for hit in hits:
            click.echo(json.dumps(hit.to_json(), ensure_ascii=False))
        return
    if not hits:
        click.echo("Keine Treffer.")
        return
    for hit in hits:
        click.echo("\n".join(format_hit(hit)) + "\n")
    click.echo(f"{len(hits)} Treffer{' (weitere mit --limit)' if len(hits) == limit else ''}.")


def format_hit(hit: SearchHit) -> list[str]:
    """'1. TOP 2.12 · 12. IntMK 2017 · S. 1 · mehrheitlich', the title, the snippet, hash and flags."""
    head = [f"TOP {hit.top}" if hit.top else "ohne TOP", describe_conference(hit.body, hit.number, hit.year)]
    if hit.page:
        head.append(f"S. {hit.page}")
    head.append("Beschlussvorschlag" if hit.document_type == DOCUMENT_TYPE_MOTION else (hit.outcome or "ohne Ergebnis"))
    flags = [hit.short_hash] + (["verfristet"] if hit.late else []) + (["im Bundesrat anhängig"] if hit.bundesrat else [])
    flags += ["OCR"] if hit.ocr else []
    return [f"{hit.rank}. " + " · ".join(head), f"   {hit.title or 'ohne Titel'}", f"   {hit.snippet}", "   " + " · ".join(flags)]


@click.command("export")
@click.argument("conference_args", metavar="[GREMIUM NUMMER]", nargs=-1)
@click.option("--suche", "query", help="Statt einer Konferenz alle Treffer dieser Suche.")
@filter_options
@click.option("--ziel", "target", type=click.Path(file_okay=False, path_type=Path), help="Zielordner; Standard: $INTMK_HOME/out.")
@click.pass_obj
def export(settings: Settings, conference_args: tuple[str, ...], query, body, year, conference, land, outcome, late, bundesrat, target) -> None:
    """Schreibt eine Beschlusssammlung als CSV, JSON und Word: einer Konferenz (intmk export IntMK 23)
    oder einer Suche (intmk export --suche Migrationsberatung --jahr 2017). Ohne Begründungen."""
    if conference_args and (query is not None or conference):
        raise click.UsageError("Entweder eine Konferenz angeben oder --suche/--konferenz, nicht beides.")
    if len(conference_args) > 2:
        raise click.UsageError("Konferenz als GREMIUM NUMMER angeben, z. B. IntMK 23.")
    filters = make_filters(body, year, " ".join(conference_args) or conference, land, outcome, late, bundesrat)
    result = export_service.export_collection(connect(settings), settings, query=query, filters=filters, target=target)
    for path in result.paths:
        click.echo(str(path))
    click.echo(f"{result.count} Tagesordnungspunkt(e) exportiert.")


def register(cli: click.Group) -> None:
    for command in (search, export):
        cli.add_command(command)
