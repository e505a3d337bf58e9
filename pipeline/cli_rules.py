"""``intmk`` commands for the rules of procedure: conference, calendar, motion, check, bundesrat,
majority. Command-line parsing only; the work is done by the service modules."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from pipeline import bundesrat_service, conference_service, motion_service, report_rules
from pipeline.rules.ics import render_ics
from pipeline.rules.majority import compute_majority, describe_majority
from pipeline.rules.profiles import load_profile
from pipeline.service import combine_exit_codes, write_bytes_atomically
from pipeline.settings import Settings
from pipeline.storage import connect
from schemas import LAENDER, SessionKind, VoteCounts, Votes
from schemas.rules import ConferenceEntry, cite_section

LAND_CODES = click.Choice(list(LAENDER), case_sensitive=False)


def echo_lines(lines: list[str]) -> None:
    click.echo("\n".join(lines))


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group()
def conference() -> None:
    """Konferenzen erfassen und anzeigen."""


@conference.command("add")
@click.argument("body")
@click.argument("number", type=click.IntRange(min=1))
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Erster Sitzungstag (JJJJ-MM-TT).")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Letzter Sitzungstag.")
@click.option("--place", help="Tagungsort.")
@click.option("--digital", is_flag=True, help="Digitale Sitzung (Regularien 4.1).")
@click.option("--session", "session_kind", type=click.Choice([k.value for k in SessionKind]), default="hauptkonferenz")
@click.option("--chair", type=LAND_CODES, help="Vorsitzland, wenn abweichend von der Rotation (Regularien 3.1).")
@click.option("--pre-conference", type=click.DateTime(["%Y-%m-%d"]), help="Datum der Vorkonferenz (Regularien 7).")
@click.option("--minutes-sent", type=click.DateTime(["%Y-%m-%d"]), help="Versand der Niederschrift (Regularien 5.3).")
@click.option("--replace", is_flag=True, help="Eine schon erfasste Konferenz überschreiben.")
@click.pass_obj
def conference_add(settings: Settings, body, number, start, end, place, digital, session_kind, chair, pre_conference, minutes_sent, replace) -> None:
    """Erfasst eine Konferenz, z. B. intmk conference add IntMK 23 --start 2027-06-10 --place Mainz."""
    entry = ConferenceEntry(
        body=body, number=number, session=session_kind, start=start.date(), end=end and end.date(),
        place=place, digital=digital, chair=chair and chair.upper(),
        pre_conference=pre_conference and pre_conference.date(), minutes_sent=minutes_sent and minutes_sent.date(),
    )
    plan = conference_service.add_conference(connect(settings), settings, entry, replace=replace)
    echo_lines(["Gespeichert:"] + report_rules.format_plan(plan))


@conference.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Schon erfasste Konferenzen überschreiben.")
@click.pass_obj
def conference_import(settings: Settings, file: Path, replace: bool) -> None:
    """Liest Konferenzen aus einer TOML-Datei ([[conference]]-Tabellen, siehe examples/)."""
    plans = conference_service.import_conferences(connect(settings), settings, file, replace=replace)
    for plan in plans:
        echo_lines(report_rules.format_plan(plan))
    click.echo(f"{len(plans)} Konferenz(en) gespeichert.")


@conference.command("show")
@click.argument("body")
@click.argument("number", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def conference_show(settings: Settings, body: str, number: int, as_json: bool) -> None:
    """Zeigt eine Konferenz mit Vorsitzland und Fristen."""
    plan = conference_service.load_plan(connect(settings), settings, body, number)
    if as_json:
        echo_json(plan_to_json(plan))
    else:
        echo_lines(report_rules.format_calendar(plan))


@click.command()
@click.argument("body")
@click.argument("number", type=int)
@click.option("--json", "as_json", is_flag=True, help="Fristen als JSON-Liste (rule, section, due …).")
@click.option("--ics", type=click.Path(dir_okay=False, path_type=Path), help="iCalendar-Datei für Outlook/Thunderbird schreiben.")
@click.pass_obj
def calendar(settings: Settings, body: str, number: int, as_json: bool, ics: Path | None) -> None:
    """Listet alle Fristen einer Konferenz mit ihrer Regel (Europe/Berlin)."""
    plan = conference_service.load_plan(connect(settings), settings, body, number)
    if ics is not None:
        write_bytes_atomically(ics, render_ics(plan.conference, plan.profile, plan.deadlines, stamp=dt.datetime.now(dt.UTC)))
    if as_json:
        echo_json([d.model_dump(mode="json") for d in plan.deadlines])
    else:
        echo_lines(report_rules.format_calendar(plan))
        if ics is not None:
            click.echo(f"Kalenderdatei geschrieben: {ics}")


def plan_to_json(plan: conference_service.ConferencePlan) -> dict:
    return {
        "conference": plan.conference.model_dump(mode="json"),
        "chair": plan.chair,
        "chair_source": plan.chair_source,
        "deadlines": [d.model_dump(mode="json") for d in plan.deadlines],
        "warnings": plan.warnings,
    }


@click.group()
def motion() -> None:
    """Beschlussvorschläge erfassen und Konferenzen zuordnen."""


@motion.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--received", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              help="Eingangszeit, z. B. 2027-04-08T16:30 (ohne Zeitzone: deutsche Zeit).")
@click.option("--land", type=LAND_CODES, help="Einreichendes Land.")
@click.option("--conference", "conference_ref", help="Konferenz, z. B. 'IntMK 23' (sonst laut Kopf oder Eingang).")
@click.pass_obj
def motion_add(settings: Settings, files, received, land, conference_ref) -> None:
    """Liest Dateien ein, speichert sie mit Eingangszeit und ordnet sie einer Konferenz zu."""
    ref = conference_service.parse_conference_ref(conference_ref) if conference_ref else None
    stored = motion_service.add_motion_files(
        connect(settings), settings, files, received=received, land=land and land.upper(), conference=ref
    )
    for item in stored:
        echo_lines(report_rules.format_stored_file(item))
    sys.exit(int(combine_exit_codes(item.result for item in stored)))


@motion.command("assign")
@click.argument("sha")
@click.argument("body")
@click.argument("number", type=int)
@click.pass_obj
def motion_assign(settings: Settings, sha: str, body: str, number: int) -> None:
    """Ordnet ein gespeichertes Dokument (Hash oder Hash-Anfang) einer anderen Konferenz zu."""
    sha256, key = motion_service.reassign_document(connect(settings), settings, sha, body, number)
    click.echo(f"{sha256[:12]} ist jetzt {key} zugeordnet (von Hand).")


@click.command()
@click.argument("body")
@click.argument("number", type=int)
@click.option("--json", "as_json", is_flag=True, help="Datensätze mit 'checks' als JSON Lines.")
@click.pass_obj
def check(settings: Settings, body: str, number: int, as_json: bool) -> None:
    """Prüft jeden Antrag einer Konferenz: Frist, Dringlichkeit, Bundesrat (Regularien 4.3)."""
    report = motion_service.check_conference(connect(settings), settings, body, number)
    if not as_json:
        echo_lines(report_rules.format_check(report))
        return
    for hint in report_rules.describe_register_hint(item.checks for item in report.items):
        click.echo(hint, err=True)  # once, beside the JSON Lines on stdout
    for item in report.items:
        data = item.record.model_dump(mode="json")
        data["checks"] = item.checks.model_dump(mode="json")
        data["checks"]["notes"] = report_rules.describe_motion_notes(item.checks)
        click.echo(json.dumps(data, ensure_ascii=False))


@click.command()
@click.argument("body")
@click.option("--yes", "yes", default="0", help="Ja-Stimmen: Anzahl oder Länder, z. B. 12 oder BE,BB,HB.")
@click.option("--no", "no", default="0", help="Nein-Stimmen: Anzahl oder Länder.")
@click.option("--abstain", default="0", help="Enthaltungen: Anzahl oder Länder.")
@click.option("--absent", default="", help="Abwesende Länder (nur mit Länderangaben).")
@click.option("--budget", is_flag=True, help="Haushaltswirksam: bindet nur zustimmende Länder (Regularien 5.1).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def majority(settings: Settings, body: str, yes: str, no: str, abstain: str, absent: str, budget: bool, as_json: bool) -> None:
    """Berechnet das Abstimmungsergebnis nach den Regeln des Gremiums (IntMK: Regularien 5.1)."""
    profile = load_profile(body, settings.profile_dir)
    votes, counts = parse_vote_options(yes, no, abstain, absent)
    result = compute_majority(profile, votes=votes, counts=counts, budget_relevant=budget)
    if as_json:
        echo_json(result.model_dump(mode="json"))
    else:
        click.echo(describe_majority(result, citation=cite_section(profile.majority.section)))


def parse_vote_options(yes: str, no: str, abstain: str, absent: str) -> tuple[Votes | None, VoteCounts | None]:
    """Numbers give counts; Länder codes (comma-separated) give per-Land votes."""
    values = {"yes": yes.strip(), "no": no.strip(), "abstain": abstain.strip()}
    if all(value.isdigit() for value in values.values()) and not absent.strip():
        return None, VoteCounts(**{key: int(value) for key, value in values.items()})
    lists = {key: split_codes(value) for key, value in (*values.items(), ("absent", absent))}
    try:
        return Votes(**lists), None
    except ValidationError as exc:
        raise click.UsageError(f"Unbekanntes Länderkürzel: {exc.errors()[0]['input']}") from exc


def split_codes(value: str) -> list[str]:
    if value.isdigit():
        if int(value) == 0:
            return []
        raise click.UsageError("Anzahlen und Länderangaben nicht mischen: entweder alle Stimmen als Zahl oder als Länder.")
    return [code.strip().upper() for code in value.replace(";", ",").split(",") if code.strip()]


@click.group()
def bundesrat() -> None:
    """Register der Bundesratsverfahren (Regularien 4.3) pflegen."""


@bundesrat.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def bundesrat_import(settings: Settings, file: Path) -> None:
    """Liest Bundesratsverfahren aus einer CSV- oder JSON-Datei (Drucksache, Titel, Status …)."""
    counts = bundesrat_service.import_register(connect(settings), file)
    click.echo(report_rules.describe_upsert(counts))


@bundesrat.command("sync")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Nur seit diesem Tag geänderte Verfahren.")
@click.pass_obj
def bundesrat_sync(settings: Settings, since: dt.datetime | None) -> None:
    """Gleicht das Register mit der DIP-API des Bundestages ab (INTMK_DIP_API_KEY)."""
    report = bundesrat_service.sync_register(connect(settings), settings, updated_since=since and since.date())
    click.echo(f"DIP: {report.fetched} Bundesratsverfahren gelesen, {report.skipped} ohne Drucksache übersprungen.")
    click.echo(report_rules.describe_upsert(report.counts))


@bundesrat.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def bundesrat_list(settings: Settings, as_json: bool) -> None:
    """Zeigt das Register der Bundesratsverfahren."""
    procedures = bundesrat_service.load_register(connect(settings))
    if as_json:
        echo_json([p.model_dump(mode="json") for p in procedures])
        return
    for p in procedures:
        pending = "" if bundesrat_service.is_pending(p) else " (abgeschlossen)"
        click.echo(f"{p.drucksache:>8}  {p.title}" + (f" – {p.status}" if p.status else "") + pending)
    click.echo(f"{len(procedures)} Verfahren im Register.")


def register(cli: click.Group) -> None:
    for command in (conference, calendar, motion, check, majority, bundesrat):
        cli.add_command(command)
