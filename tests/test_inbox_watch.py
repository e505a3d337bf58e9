"""The inbox watcher: events, polling, rescans, coalescing, retries, errors and clean shutdown.

Real files in tmp_path, the watcher in a thread, ``run_pass`` a recording callable.
"""

from __future__ import annotations

import errno
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from watchdog.observers import Observer
from watchdog.observers.inotify import InotifyEmitter
from watchdog.observers.inotify_c import InotifyFD
from watchdog.observers.polling import PollingEmitter
from watchdog.utils import BaseThread

from pipeline import inbox_watch
from pipeline.inbox_watch import WatchOptions, watch_folder
from schemas.errors import ConfigError, EnvironmentProblem, TransientError

pytestmark = pytest.mark.timeout(30)

FAST = {"settle_seconds": 0.2, "rescan_seconds": 60.0}


class RecordingPass:
    """Counts calls; returns the queued results in turn (an exception is raised), then 0."""

    def __init__(self, *results: int | BaseException) -> None:
        self.times: list[float] = []
        self._results = list(results)
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            self.times.append(time.monotonic())
            result = self._results.pop(0) if self._results else 0
        if isinstance(result, BaseException):
            raise result
        return result

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.times)


class RunningWatcher:
    """``watch_folder`` in a thread, with its result or exception kept for the test."""

    def __init__(self, folder: Path, run_pass: RecordingPass, options: WatchOptions) -> None:
        self.stop = threading.Event()
        self.result: int | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(folder, run_pass, options), daemon=True)
        self.thread.start()

    def _run(self, folder: Path, run_pass: RecordingPass, options: WatchOptions) -> None:
        try:
            self.result = watch_folder(folder, run_pass, options, self.stop)
        except BaseException as exc:  # handed to the test
            self.error = exc

    def finish(self, timeout: float = 5.0) -> int | None:
        """Set stop, wait for the thread, re-raise what the watcher raised."""
        self.stop.set()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "watcher did not stop"
        if self.error is not None:
            raise self.error
        return self.result


@contextmanager
def watching(folder: Path, run_pass: RecordingPass, options: WatchOptions) -> Iterator[RunningWatcher]:
    running = RunningWatcher(folder, run_pass, options)
    try:
        yield running
    finally:
        running.stop.set()
        running.thread.join(5.0)


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def live_watchdog_threads() -> list[threading.Thread]:
    """Watchdog threads still running, except inotify's process-wide shared reader."""
    return [t for t in threading.enumerate() if isinstance(t, BaseThread) and not isinstance(t, InotifyFD) and t.is_alive()]


def emitters_alive(kind: type, folder: Path) -> bool:
    return any(isinstance(t, kind) and t.is_alive() and t.watch.path == str(folder) for t in threading.enumerate())


def test_inotify_event_wakes_a_pass(tmp_path: Path) -> None:
    (tmp_path / "schon-da.pdf").write_bytes(b"%PDF-1.4")
    run_pass = RecordingPass()
    with watching(tmp_path, run_pass, WatchOptions(**FAST)) as running:
        assert wait_until(lambda: run_pass.count == 1), "no pass at start-up"
        assert emitters_alive(InotifyEmitter, tmp_path)
        written = time.monotonic()
        (tmp_path / "neu.pdf").write_bytes(b"%PDF-1.4 neu")
        assert wait_until(lambda: run_pass.count >= 2, timeout=2.0)
        assert run_pass.times[1] - written >= 0.2 * 0.9  # waited for the burst to settle
        assert running.finish() == run_pass.count


def test_polling_detects_a_new_file(tmp_path: Path) -> None:
    run_pass = RecordingPass()
    options = WatchOptions(polling=True, poll_seconds=0.3, **FAST)
    with watching(tmp_path, run_pass, options) as running:
        assert wait_until(lambda: run_pass.count == 1)
        assert emitters_alive(PollingEmitter, tmp_path)
        assert not emitters_alive(InotifyEmitter, tmp_path)
        (tmp_path / "neu.docx").write_bytes(b"PK\x03\x04")
        assert wait_until(lambda: run_pass.count >= 2, timeout=2.0)
        running.finish()
    assert not live_watchdog_threads()


def test_rescan_runs_without_events(tmp_path: Path) -> None:
    run_pass = RecordingPass()
    with watching(tmp_path, run_pass, WatchOptions(settle_seconds=0.2, rescan_seconds=0.5)) as running:
        assert wait_until(lambda: run_pass.count >= 3, timeout=5.0)
        running.finish()
    gaps = [b - a for a, b in zip(run_pass.times, run_pass.times[1:], strict=False)]
    assert all(gap >= 0.45 for gap in gaps), gaps


def test_burst_of_200_files_gives_few_passes(tmp_path: Path) -> None:
    run_pass = RecordingPass()
    with watching(tmp_path, run_pass, WatchOptions(**FAST)) as running:
        assert wait_until(lambda: run_pass.count == 1)
        for number in range(200):
            (tmp_path / f"antrag-{number:03}.pdf").write_bytes(b"%PDF-1.4 " + bytes(number))
        last_written = time.monotonic()
        assert wait_until(lambda: run_pass.times[-1] > last_written, timeout=5.0), "no pass after the last file"
        # a burst may trigger at most one more pass, 0.2 s after its last event
        assert not wait_until(lambda: run_pass.count >= 20, timeout=1.0)
        running.finish()
    assert run_pass.count - 1 < 20


def test_slow_copy_is_coalesced_but_capped(tmp_path: Path) -> None:
    """Files trickling in for ~1.5 s with gaps below settle_seconds: a pass per 5 × settle, not per file."""
    run_pass = RecordingPass()
    with watching(tmp_path, run_pass, WatchOptions(**FAST)) as running:
        assert wait_until(lambda: run_pass.count == 1)
        started = time.monotonic()
        for number in range(30):
            (tmp_path / f"teil-{number:02}.pdf").write_bytes(b"%PDF-1.4")
            time.sleep(0.05)
        last_written = time.monotonic()
        assert wait_until(lambda: run_pass.times[-1] > last_written, timeout=3.0)
        running.finish()
    during_copy = [t for t in run_pass.times[1:] if t <= last_written]
    assert 1 <= len(during_copy) <= 3, during_copy  # capped at 5 × 0.2 s, so a long copy is not starved
    assert during_copy[0] - started >= 0.9


def test_waiting_files_lead_to_another_pass_without_events(tmp_path: Path) -> None:
    run_pass = RecordingPass(1, 1, 0)
    with watching(tmp_path, run_pass, WatchOptions(**FAST)) as running:
        assert wait_until(lambda: run_pass.count >= 3, timeout=3.0)
        assert not wait_until(lambda: run_pass.count > 3, timeout=1.0), "retried although nothing was waiting"
        running.finish()
    gaps = [b - a for a, b in zip(run_pass.times, run_pass.times[1:], strict=False)]
    assert all(gap >= 0.2 * 0.9 for gap in gaps), gaps


@pytest.mark.parametrize(
    "error",
    [TransientError("Die Datenbank ist gesperrt."), EnvironmentProblem("Der Ordner ist nicht erreichbar.")],
    ids=["transient", "environment"],
)
def test_transient_and_environment_errors_keep_watching(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, error: Exception
) -> None:
    caplog.set_level(logging.WARNING, logger=inbox_watch.__name__)
    run_pass = RecordingPass(error)
    with watching(tmp_path, run_pass, WatchOptions(settle_seconds=0.2, rescan_seconds=0.5)) as running:
        assert wait_until(lambda: run_pass.count >= 2, timeout=5.0), "no pass after the error"
        assert running.thread.is_alive()
        running.finish()
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("fehlgeschlagen" in m and str(error) in m for m in messages), messages


@pytest.mark.parametrize("polling", [False, True], ids=["inotify", "polling"])
def test_other_errors_propagate_and_stop_the_observer(tmp_path: Path, polling: bool) -> None:
    run_pass = RecordingPass(0, ValueError("Programmfehler"))
    options = WatchOptions(polling=polling, poll_seconds=0.3, settle_seconds=0.2, rescan_seconds=0.3)
    with watching(tmp_path, run_pass, options) as running:
        assert wait_until(lambda: running.error is not None, timeout=5.0)
        with pytest.raises(ValueError, match="Programmfehler"):
            running.finish()
    assert run_pass.count == 2
    assert not live_watchdog_threads()


class FailingObserver(Observer):  # type: ignore[misc,valid-type]
    """A native observer whose start fails as with a full inotify watch table."""

    def start(self) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")


def test_observer_start_failure_falls_back_to_polling(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.WARNING, logger=inbox_watch.__name__)
    monkeypatch.setattr(inbox_watch, "Observer", FailingObserver)
    run_pass = RecordingPass()
    options = WatchOptions(poll_seconds=0.3, **FAST)
    with watching(tmp_path, run_pass, options) as running:
        assert wait_until(lambda: run_pass.count == 1)
        assert emitters_alive(PollingEmitter, tmp_path)
        (tmp_path / "neu.pdf").write_bytes(b"%PDF-1.4")
        assert wait_until(lambda: run_pass.count >= 2, timeout=2.0)
        running.finish()
    assert any("abgefragt" in r.getMessage() and "watch limit" in r.getMessage() for r in caplog.records)
    assert not live_watchdog_threads()


def test_directory_events_do_not_wake(tmp_path: Path) -> None:
    run_pass = RecordingPass()
    with watching(tmp_path, run_pass, WatchOptions(**FAST)) as running:
        assert wait_until(lambda: run_pass.count == 1)
        (tmp_path / "unterordner").mkdir()
        (tmp_path / "unterordner" / "tief.pdf").write_bytes(b"%PDF-1.4")  # not watched: non-recursive
        assert not wait_until(lambda: run_pass.count > 1, timeout=1.0)
        running.finish()


def test_observer_is_restarted_after_folder_is_recreated(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=inbox_watch.__name__)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    run_pass = RecordingPass()
    with watching(inbox, run_pass, WatchOptions(settle_seconds=0.2, rescan_seconds=0.4)) as running:
        assert wait_until(lambda: run_pass.count == 1)
        shutil.rmtree(inbox)
        assert wait_until(lambda: not emitters_alive(InotifyEmitter, inbox), timeout=2.0)
        inbox.mkdir()
        assert wait_until(lambda: emitters_alive(InotifyEmitter, inbox), timeout=3.0)
        running.finish()
    assert any("unterbrochen" in r.getMessage() for r in caplog.records)


def test_max_passes_ends_the_loop(tmp_path: Path) -> None:
    run_pass = RecordingPass()
    stop = threading.Event()
    passes = watch_folder(tmp_path, run_pass, WatchOptions(rescan_seconds=0.1, max_passes=3), stop)
    assert passes == 3 == run_pass.count
    assert not live_watchdog_threads()


def test_stop_set_before_start_returns_without_pass(tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    run_pass = RecordingPass()
    assert watch_folder(tmp_path, run_pass, WatchOptions(), stop) == 0
    assert run_pass.count == 0


def test_missing_folder_is_an_environment_problem(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="existiert nicht"):
        watch_folder(tmp_path / "fehlt", RecordingPass(), WatchOptions(max_passes=1), threading.Event())


@pytest.mark.parametrize("bad", [{"poll_seconds": 0}, {"rescan_seconds": -1}, {"settle_seconds": -0.5}, {"max_passes": -1}])
def test_invalid_options_are_rejected(bad: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        WatchOptions(**bad)  # type: ignore[arg-type]
