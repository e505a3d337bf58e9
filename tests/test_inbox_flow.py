"""The inbox commands as real processes: ``intmk run`` (Prefect flow), ``status``, ``reprocess``,
``watch`` and ``serve`` (deployments on a local Prefect server), and a Prefect API that is down."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from schemas.errors import ExitCode
from tests.fixtures.cli import INTMK, run_intmk
from tests.fixtures.inbox import assert_conservation, make_settings, motion_bytes, new_drops

pytestmark = pytest.mark.slow
FAST = {"INTMK_SETTLE_SECONDS": "0", "INTMK_SETTLE_WAIT_SECONDS": "2"}


@pytest.fixture(scope="module")
def motions(tmp_path_factory) -> list[bytes]:
    scratch = tmp_path_factory.mktemp("motions")
    return [motion_bytes(scratch, 500 + i) for i in range(3)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, **FAST, "INTMK_HOME": str(home), "PREFECT_HOME": str(home / "prefect"),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **extra}
    env.pop("PREFECT_API_URL", None)
    return env


def wait_for(condition, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def completed_runs(port: int) -> list[dict]:
    """Flow runs of the inbox deployment that Prefect shows as completed (what the UI lists)."""
    query = {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}, "flows": {"name": {"any_": ["intmk-eingang"]}}}
    return httpx.post(f"http://127.0.0.1:{port}/api/flow_runs/filter", json=query, timeout=10).json()


def test_run_status_and_reprocess_from_the_command_line(tmp_path, motions):
    home = tmp_path / "home"
    drops = new_drops(make_settings(home))
    drops.drop("antrag.pdf", motions[0])
    drops.drop("zweitschrift.pdf", motions[0])  # same bytes: whichever batch stores first wins
    drops.drop("kaputt.pdf", b"%PDF-")
    result = run_intmk("run", home=home, env=FAST)
    assert result.returncode == ExitCode.INPUT_FILE, result.stderr
    assert "Zusammenfassung des Durchlaufs" in result.stdout
    short = drops.dropped["antrag.pdf"][:12]
    processed = [name for name in ("antrag.pdf", "zweitschrift.pdf") if f"[{short}] {name}: verarbeitet" in result.stdout]
    duplicate = [name for name in ("antrag.pdf", "zweitschrift.pdf") if f"[{short}] {name}: Dublette" in result.stdout]
    assert len(processed) == 1 and len(duplicate) == 1 and processed != duplicate, result.stdout
    assert "damaged_file: 1" in result.stdout
    status = run_intmk("status", "--json", "--pruefen", home=home)
    assert status.returncode == 0, status.stdout + status.stderr
    counts = json.loads(status.stdout)
    assert {k: counts[k] for k in ("processed", "quarantined", "duplicates", "queued")} == {
        "processed": 1, "quarantined": 1, "duplicates": 1, "queued": 0}
    assert counts["problems"] == []
    again = run_intmk("reprocess", short, home=home)
    assert again.returncode == 0 and f"[{short}] {processed[0]}: verarbeitet" in again.stdout
    assert assert_conservation(make_settings(home), drops) == {"processed": 1, "quarantined": 1, "duplicate": 1}


def clerk_environment(home: Path) -> dict[str, str]:
    """What a clerk's shell has: none of the Makefile's PREFECT_* settings, a Prefect home never used."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "DO_NOT_TRACK"}
    return {**env, **FAST, "INTMK_HOME": str(home), "PREFECT_HOME": str(home / "fresh-prefect")}


def test_run_on_an_empty_inbox_prints_nothing_of_prefect(tmp_path):
    """Prefect logged its failed telemetry as ERROR (a clerk reads failure), announced its temporary
    server and each flow run; none of it is ours to report."""
    result = subprocess.run([str(INTMK), "run"], env=clerk_environment(tmp_path / "home"), capture_output=True,
                            text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    for noise in ("ERROR", "Starting temporary server", "Traceback", "telemetry", "INFO"):
        assert noise not in result.stderr, result.stderr
    assert result.stderr.strip() == ""
    assert "Zusammenfassung des Durchlaufs" in result.stdout


def test_prefect_api_down_leaves_every_file_in_the_inbox(tmp_path, motions):
    home = tmp_path / "home"
    drops = new_drops(make_settings(home))
    drops.drop("antrag.pdf", motions[1])
    down = run_intmk("run", home=home, env={**FAST, "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"})
    assert down.returncode == ExitCode.TRANSIENT, down.stderr
    assert "Prefect-API ist nicht erreichbar" in down.stderr
    assert (drops.folders.inbox / "antrag.pdf").read_bytes() == motions[1]
    assert assert_conservation(make_settings(home), drops, queued_ok=["antrag.pdf"]) == {"queued": 1}
    back = run_intmk("run", home=home, env=FAST)
    assert back.returncode == 0, back.stderr
    assert assert_conservation(make_settings(home), drops) == {"processed": 1}


def test_watch_picks_up_a_dropped_file_within_seconds(tmp_path, motions):
    home = tmp_path / "home"
    drops = new_drops(make_settings(home))
    watcher = subprocess.Popen([str(INTMK), "watch", "--ohne-prefect"], env=environment(home), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert watcher.stdout.readline().startswith("Beobachte")
        time.sleep(1)
        drops.drop("antrag.pdf", motions[2])
        started = time.monotonic()
        assert wait_for(lambda: not (drops.folders.inbox / "antrag.pdf").exists() and not any(
            drops.folders.processing.glob("*/")), 30), "watch hat die Datei nicht verarbeitet"
        elapsed = time.monotonic() - started
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(30)
    assert elapsed < 20
    assert assert_conservation(make_settings(home), drops) == {"processed": 1}


def test_serve_runs_the_inbox_deployment_on_its_schedule(tmp_path, motions):
    home = tmp_path / "home"
    port = free_port()
    drops = new_drops(make_settings(home))
    drops.drop("antrag.pdf", motions[0])
    env = environment(home, INTMK_INBOX_INTERVAL_MINUTES="0.1", INTMK_PREFECT_PORT=str(port))
    server = subprocess.Popen([str(INTMK), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        assert wait_for(lambda: not any(drops.folders.inbox.iterdir()) and not any(drops.folders.processing.glob("*/")),
                        240, step=2), "serve hat den Eingang nicht verarbeitet"
        assert wait_for(lambda: completed_runs(port), 60, step=1), "kein abgeschlossener Lauf in Prefect"
        deployments = httpx.post(f"http://127.0.0.1:{port}/api/deployments/filter", json={}, timeout=10).json()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)
    assert sorted(d["name"] for d in deployments) == ["bundesrat-nachts", "eingang", "fristen-taeglich"]
    assert assert_conservation(make_settings(home), drops) == {"processed": 1}


def deployment_names(port: int) -> list[str]:
    try:
        found = httpx.post(f"http://127.0.0.1:{port}/api/deployments/filter", json={}, timeout=5).json()
    except httpx.HTTPError:
        return []
    return sorted(d["name"] for d in found) if isinstance(found, list) else []


def test_serve_stops_promptly_when_its_process_group_gets_sigterm(tmp_path):
    """A SIGTERM to the whole group (systemd, a shell's kill) stops the local Prefect server too;
    serve must not then wait for it to pause the schedules (it did, 60 s and more)."""
    port = free_port()
    env = environment(tmp_path / "home", INTMK_INBOX_INTERVAL_MINUTES="0.1", INTMK_PREFECT_PORT=str(port))
    server = subprocess.Popen([str(INTMK), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        assert wait_for(lambda: len(deployment_names(port)) == 3, 120, step=1), "serve hat nichts bereitgestellt"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        stopped = time.monotonic()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert time.monotonic() - stopped < 20
