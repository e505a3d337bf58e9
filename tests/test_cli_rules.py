"""The rules of procedure as the Geschäftsstelle uses them: conference, calendar, motions, checks.

One home per module: conferences and a Bundesrat register are entered, real motions (built from the
sample) are added with receipt times around the motions deadline of IntMK 23 (Thursday 08.04.2027,
Regularien 4.3), and ``intmk check`` must flag exactly the late and the Bundesrat-pending ones.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import icalendar
import pytest

from schemas.errors import ExitCode
from tests.fixtures.bundesrat import find_item
from tests.fixtures.cli import run_intmk
from tests.fixtures.motions import write_motion

REPO = Path(__file__).resolve().parents[1]
UNKNOWN_CITATION = "Der Bundesrat befasst sich bereits mit dem Vorhaben (BR-Drs. 87/28)."
MISSING_NOTE = ("BR-Drs. 87/28 zitiert, im Bundesrat-Register nicht gefunden – Register mit `intmk bundesrat sync` "
                "aktualisieren oder die Befassung prüfen.")
URGENCY = "Die besondere, aktuelle Dringlichkeit ergibt sich aus dem Kabinettsbeschluss vom 6. April 2027."


def intmk_ok(*args: str, home: Path) -> str:
    result = run_intmk(*args, home=home)
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def bundesrat_item():
    return find_item("Vorschlag für eine Verordnung des Europäischen Parlaments und des Rates zur Schaffung")


@pytest.fixture(scope="module")
def concluded_item():
    return find_item("Gesetz zur Neubestimmung des Bleiberechts")


@pytest.fixture(scope="module")
def home(tmp_path_factory, bundesrat_item, concluded_item) -> Path:
    home = tmp_path_factory.mktemp("home")
    folder = home / "eingang"
    intmk_ok("conference", "import", str(REPO / "examples" / "conferences.toml"), home=home)
    register = home / "register.csv"
    with register.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Drucksache", "Titel", "Status"])
        writer.writerow([bundesrat_item.number, bundesrat_item.title, "Beratung"])
        writer.writerow([concluded_item.number, concluded_item.title, "verkündet"])
    intmk_ok("bundesrat", "import", str(register), home=home)
    cited = f"Der Bundesrat befasst sich bereits mit dem Vorhaben (BR-Drs. {bundesrat_item.number})."
    motions = [
        ("puenktlich.pdf", "2027-04-08T23:59:00", {}),
        ("verfristet.pdf", "2027-04-09T00:00:00", {"reasoning": [URGENCY]}),
        ("verfristet-ohne-begruendung.pdf", "2027-04-12T10:00:00",
         {"reasoning": ["Der Antrag knüpft an die Beschlüsse der 12. IntMK an."]}),
        ("bundesrat.pdf", "2027-04-01T09:00:00", {"reasoning": [cited]}),
        ("ohne-kopf.pdf", "2027-03-01T12:00:00", {"header": None}),
    ]
    for name, received, options in motions:
        path = write_motion(folder, name, **options)
        intmk_ok("motion", "add", str(path), "--received", received, "--land", "RP", home=home)
    # issue 18: a Drucksache the register lacks, and one whose procedure it has as concluded
    unknown = write_motion(folder, "bundesrat-unbekannt.pdf", reasoning=[UNKNOWN_CITATION])
    concluded = write_motion(folder, "bundesrat-abgeschlossen.pdf",
                             reasoning=[f"Vgl. den Gesetzesbeschluss (BR-Drs. {concluded_item.number})."])
    intmk_ok("motion", "add", str(unknown), str(concluded), "--received", "2027-04-01T10:00:00", home=home)
    return home


@pytest.fixture(scope="module")
def checked(home) -> dict[str, dict]:
    rows = [json.loads(line) for line in intmk_ok("check", "IntMK", "23", "--json", home=home).splitlines()]
    return {Path(row["source"]["path"]).name: row for row in rows}


def test_every_motion_is_assigned_to_the_conference(checked):
    assert sorted(checked) == sorted(["puenktlich.pdf", "verfristet.pdf", "verfristet-ohne-begruendung.pdf",
                                      "bundesrat.pdf", "ohne-kopf.pdf", "bundesrat-unbekannt.pdf",
                                      "bundesrat-abgeschlossen.pdf"])
    assert checked["puenktlich.pdf"]["checks"]["assigned_by"] == "header"
    assert checked["ohne-kopf.pdf"]["checks"]["assigned_by"] == "receipt"  # next IntMK after 01.03.2027


def test_deadline_at_midnight_berlin_time(checked):
    on_time, late = checked["puenktlich.pdf"]["checks"], checked["verfristet.pdf"]["checks"]
    assert on_time["deadline"] == late["deadline"] == "2027-04-08T23:59:59+02:00"
    assert on_time["late"] is False and late["late"] is True
    assert on_time["received"] == "2027-04-08T21:59:00Z" and on_time["received_source"] == "override"


def test_late_motion_with_and_without_urgency(checked):
    urgent, silent = checked["verfristet.pdf"]["checks"], checked["verfristet-ohne-begruendung.pdf"]["checks"]
    assert urgent["urgency_stated"] is True and urgent["urgency_text"] == URGENCY
    assert silent["late"] is True and silent["urgency_stated"] is False
    assert any("nicht dargelegt" in note for note in silent["notes"])
    assert any("2/3 der Teilnehmenden" in note for note in urgent["notes"])


def test_bundesrat_pending_matter_carries_its_evidence(checked, bundesrat_item):
    evidence = checked["bundesrat.pdf"]["checks"]["bundesrat"]
    assert evidence["drucksache"] == bundesrat_item.number and evidence["method"] == "drucksache"
    assert evidence["score"] == 100 and bundesrat_item.number in evidence["matched_text"]
    assert evidence["status"] == "Beratung"
    assert checked["bundesrat.pdf"]["checks"]["bundesrat_status"] == "matched"
    assert [c["state"] for c in checked["bundesrat.pdf"]["checks"]["bundesrat_citations"]] == ["pending"]
    others = [name for name, row in checked.items() if row["checks"]["bundesrat"]]
    assert others == ["bundesrat.pdf"]


def test_cited_drucksache_missing_from_register_is_a_check_result(checked):
    checks = checked["bundesrat-unbekannt.pdf"]["checks"]
    assert checks["bundesrat"] is None and checks["bundesrat_status"] == "cited_not_in_register"
    assert checks["bundesrat_citations"] == [
        {"number": "87/28", "cited": "BR-Drs. 87/28", "state": "not_in_register", "register_status": None}]
    assert MISSING_NOTE in checks["notes"]
    assert checked["puenktlich.pdf"]["checks"]["bundesrat_status"] == "not_found"


def test_cited_concluded_procedure_is_not_reported_missing(checked, concluded_item):
    checks = checked["bundesrat-abgeschlossen.pdf"]["checks"]
    assert checks["bundesrat"] is None and checks["bundesrat_status"] == "cited_concluded"
    assert [(c["number"], c["state"], c["register_status"]) for c in checks["bundesrat_citations"]] == [
        (concluded_item.number, "concluded", "verkündet")]
    assert not any("nicht gefunden" in note for note in checks["notes"])


def test_human_check_report_is_german(home):
    out = intmk_ok("check", "IntMK", "23", home=home)
    assert "VERFRISTET" in out and "BUNDESRAT" in out
    assert "Markierungen: DRUCKSACHE NICHT IM REGISTER" in out and MISSING_NOTE in out
    assert ("Zusammenfassung: 7 Tagesordnungspunkt(e), 2 verfristet, 1 im Bundesrat anhängig, "
            "1 mit Drucksache, die im Bundesrat-Register fehlt.") in out
    assert "Register ist leer" not in out


def test_clerk_reassigns_a_motion(home):
    hash_prefix = intmk_ok("check", "IntMK", "23", "--json", home=home).splitlines()[0]
    sha = json.loads(hash_prefix)["source"]["sha256"]
    out = intmk_ok("motion", "assign", sha[:10], "IntMK", "12", home=home)
    assert "IntMK-12" in out and "von Hand" in out
    rows = [json.loads(line) for line in intmk_ok("check", "IntMK", "12", "--json", home=home).splitlines()]
    assert [row["checks"]["assigned_by"] for row in rows] == ["clerk"]
    intmk_ok("motion", "assign", sha[:10], "IntMK", "23", home=home)


def test_same_file_twice_is_stored_once(home):
    path = home / "eingang" / "puenktlich.pdf"
    out = intmk_ok("motion", "add", str(path), "--received", "2027-05-01T10:00", home=home)
    assert "bereits gespeichert" in out


def test_calendar_json_and_ics(home, tmp_path):
    deadlines = json.loads(intmk_ok("calendar", "IntMK", "23", "--json", home=home))
    by_rule = {d["rule"]: d for d in deadlines}
    assert by_rule["motions"] == {**by_rule["motions"], "section": "4.3", "due": "2027-04-08T23:59:59+02:00"}
    assert by_rule["implementation_review"]["due"] == "2027-01-29T23:59:59+01:00"  # winter time
    ics = tmp_path / "intmk-23.ics"
    intmk_ok("calendar", "IntMK", "23", "--ics", str(ics), home=home)
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert len(summaries) == len(deadlines) + 2  # the conference and the Vorkonferenz
    assert any("Beschlussvorschläge" in s for s in summaries)


def test_conference_show_computes_the_chair(home):
    shown = json.loads(intmk_ok("conference", "show", "IntMK", "23", "--json", home=home))
    assert (shown["chair"], shown["chair_source"]) == ("RP", "rotation")  # Regularien 3.1
    old = json.loads(intmk_ok("conference", "show", "intmk", "12", "--json", home=home))
    assert (old["chair"], old["chair_source"]) == ("BW", "explicit")


def test_conference_add_twice_and_unknown_body_are_clear_errors(home):
    twice = run_intmk("conference", "add", "IntMK", "23", "--start", "2027-06-10", home=home)
    assert twice.returncode == ExitCode.USAGE and "schon erfasst" in twice.stderr
    unknown = run_intmk("conference", "add", "XYZ", "1", "--start", "2027-06-10", home=home)
    assert unknown.returncode == ExitCode.CONFIG and "kein Profil" in unknown.stderr
    missing = run_intmk("check", "IntMK", "77", home=home)
    assert missing.returncode == ExitCode.USAGE and "nicht erfasst" in missing.stderr
    assert "Traceback" not in twice.stderr + unknown.stderr + missing.stderr


def test_majority_command(home):
    assert intmk_ok("majority", "IntMK", "--yes", "11", "--no", "4", "--abstain", "1", home=home).startswith("mehrheitlich")
    assert intmk_ok("majority", "IntMK", "--yes", "10", "--no", "5", "--abstain", "1", home=home).startswith("abgelehnt")
    result = json.loads(intmk_ok("majority", "IntMK", "--yes", "BW,BY,BE,BB,HB,HH,HE,MV,NI,NW,RP,SL", "--json", home=home))
    assert result["outcome"] == "nicht beschlussfähig" and result["represented"] == 12


def test_bundesrat_sync_against_a_local_dip_server(tmp_path):
    from tests.fixtures.bundesrat import all_bremen_items
    from tests.fixtures.dip_server import FakeDip, build_dip_data

    items = all_bremen_items()
    with FakeDip(build_dip_data(items), api_key="test-key") as dip:
        env = {"INTMK_DIP_BASE_URL": dip.base_url(), "INTMK_DIP_API_KEY": "test-key"}
        first = run_intmk("bundesrat", "sync", home=tmp_path, env=env)
        again = run_intmk("bundesrat", "sync", home=tmp_path, env=env)
    assert first.returncode == ExitCode.OK, first.stderr
    stored = json.loads(intmk_ok("bundesrat", "list", "--json", home=tmp_path))
    assert {p["drucksache"] for p in stored} == {item.number for item in items}
    assert all(p["source"] == "dip" for p in stored)
    assert f"{len(stored)} neu" in first.stdout and f"{len(stored)} unverändert" in again.stdout


def test_bundesrat_sync_without_key_is_a_config_error(tmp_path):
    result = run_intmk("bundesrat", "sync", home=tmp_path, env={"INTMK_DIP_API_KEY": ""})
    assert result.returncode == ExitCode.CONFIG and "INTMK_DIP_API_KEY" in result.stderr


def test_empty_register_is_said_once_not_per_motion(tmp_path):
    intmk_ok("conference", "add", "IntMK", "23", "--start", "2027-06-10", "--pre-conference", "2027-04-29", home=tmp_path)
    cited = write_motion(tmp_path / "eingang", "zitiert.pdf", reasoning=[UNKNOWN_CITATION])
    plain = write_motion(tmp_path / "eingang", "ohne-zitat.pdf", title="Integration durch Sprache und Arbeit")
    intmk_ok("motion", "add", str(cited), str(plain), "--received", "2027-04-01T10:00", home=tmp_path)
    out = intmk_ok("check", "IntMK", "23", home=tmp_path)
    assert out.count("Das Bundesrat-Register ist leer") == 1 and "intmk bundesrat sync" in out
    assert "BR-Drs. 87/28 zitiert; das Bundesrat-Register ist leer" in out
    result = run_intmk("check", "IntMK", "23", "--json", home=tmp_path)
    assert result.returncode == ExitCode.OK and result.stderr.count("Das Bundesrat-Register ist leer") == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["checks"]["bundesrat_status"] for row in rows] == ["register_empty", "register_empty"]
    assert sorted(len(row["checks"]["bundesrat_citations"]) for row in rows) == [0, 1]


def test_motion_waits_for_the_conference_its_header_names(tmp_path):
    path = write_motion(tmp_path / "eingang", "frueh.pdf")
    added = intmk_ok("motion", "add", str(path), "--received", "2027-03-01T10:00", home=tmp_path)
    assert "wartet auf die 23. IntMK: noch nicht erfasst" in added
    intmk_ok("conference", "add", "IntMK", "23", "--start", "2027-06-10", "--pre-conference", "2027-04-29", home=tmp_path)
    rows = [json.loads(line) for line in intmk_ok("check", "IntMK", "23", "--json", home=tmp_path).splitlines()]
    assert [(row["checks"]["assigned_by"], row["checks"]["late"]) for row in rows] == [("header", False)]
