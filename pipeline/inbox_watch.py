"""Decide when to run a pass over the inbox (RELIABILITY.md rule 7).

Watchers lose events (network shares, a full inotify queue), so three triggers wake a pass:
filesystem events from watchdog (or its ``PollingObserver`` for network shares), a retry while the
pass reports files still being written, and a rescan every ``rescan_seconds`` no matter what.
Events only wake the loop; the pass itself decides which files are ready.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from schemas.errors import ConfigError, EnvironmentProblem, TransientError

log = logging.getLogger(__name__)

# Events that may mean "a file arrived or changed". Deletions and moves out of the inbox (our own
# claims) are left out on purpose, so a pass does not wake the next one.
WAKE_EVENTS: list[type[FileSystemEvent]] = [FileCreatedEvent, FileMovedEvent, FileModifiedEvent, FileClosedEvent]
WAKE_EVENT_TYPES = frozenset(cls.event_type for cls in WAKE_EVENTS)
MAX_SETTLE_FACTOR = 5  # a burst that never goes quiet still gets a pass after 5 × settle_seconds
TICK_SECONDS = 0.1  # how often the loop looks at ``stop`` and at new events


@dataclass(frozen=True, slots=True)
class WatchOptions:
    """How ``watch_folder`` is woken; ``max_passes`` ends the loop early (tests)."""

    polling: bool = False
    poll_seconds: float = 2.0
    rescan_seconds: float = 60.0
    settle_seconds: float = 2.0
    max_passes: int | None = None

    def __post_init__(self) -> None:
        if self.poll_seconds <= 0 or self.rescan_seconds <= 0 or self.settle_seconds < 0:
            raise ConfigError(
                "Die Zeiten für die Ordnerüberwachung sind ungültig: Abfrage- und Durchlaufabstand "
                "müssen größer als 0 Sekunden sein, die Wartezeit darf nicht negativ sein."
            )
        if self.max_passes is not None and self.max_passes < 0:
            raise ConfigError("Die Höchstzahl der Durchläufe darf nicht negativ sein.")


class _BurstClock(FileSystemEventHandler):
    """Remembers when the first and the last event of the current burst arrived.

    ``on_any_event`` runs in the observer thread; the loop reads the times under a lock.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._first: float | None = None
        self._last: float | None = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in WAKE_EVENT_TYPES:
            return
        now = time.monotonic()
        with self._lock:
            if self._first is None:
                self._first = now
            self._last = now

    def due_at(self, settle_seconds: float) -> float | None:
        """When the pending burst should get its pass, or None without pending events."""
        with self._lock:
            if self._first is None or self._last is None:
                return None
            return min(self._last + settle_seconds, self._first + MAX_SETTLE_FACTOR * settle_seconds)

    def clear(self) -> None:
        """Forget the pending burst (a pass is about to look at the folder)."""
        with self._lock:
            self._first = None
            self._last = None


class _FolderObserver:
    """Owns the watchdog observer: start with fallback to polling, restart, stop."""

    def __init__(self, folder: Path, options: WatchOptions, clock: _BurstClock) -> None:
        self.folder = folder
        self.options = options
        self.clock = clock
        self.observer: BaseObserver | None = None

    def start(self) -> None:
        """Start native events (or polling if asked); fall back to polling if events fail."""
        if not self.options.polling:
            try:
                self.observer = self._start(Observer())
                log.info("Eingangsordner %s wird überwacht (Dateisystem-Ereignisse).", self.folder)
                return
            except OSError as exc:
                log.warning(
                    "Die Ereignisüberwachung für den Eingangsordner %s ließ sich nicht starten (%s). "
                    "Der Ordner wird stattdessen alle %s Sekunden abgefragt.",
                    self.folder,
                    exc,
                    self.options.poll_seconds,
                )
        self.observer = self._start(PollingObserver(timeout=self.options.poll_seconds))
        log.info("Eingangsordner %s wird alle %s Sekunden abgefragt.", self.folder, self.options.poll_seconds)

    def _start(self, observer: BaseObserver) -> BaseObserver:
        try:
            observer.schedule(self.clock, str(self.folder), recursive=False, event_filter=WAKE_EVENTS)
            observer.start()
        except BaseException:
            stop_observer(observer)
            raise
        return observer

    def is_running(self) -> bool:
        """True while the observer and its emitter threads are alive."""
        observer = self.observer
        if observer is None or not observer.is_alive():
            return False
        emitters = list(observer.emitters)
        return bool(emitters) and all(emitter.is_alive() for emitter in emitters)

    def ensure_running(self) -> None:
        """Restart a dead observer (folder deleted and recreated, share remounted)."""
        if self.is_running():
            return
        log.warning("Die Überwachung des Eingangsordners %s war unterbrochen und wird neu gestartet.", self.folder)
        self.stop()
        try:
            self.start()
        except OSError as exc:
            log.warning(
                "Der Eingangsordner %s kann derzeit nicht überwacht werden (%s); "
                "er wird weiterhin alle %s Sekunden vollständig durchsucht.",
                self.folder,
                exc,
                self.options.rescan_seconds,
            )

    def stop(self) -> None:
        """Stop and join the observer and its emitter threads."""
        if self.observer is not None:
            stop_observer(self.observer)
            self.observer = None


def stop_observer(observer: BaseObserver) -> None:
    """Stop a watchdog observer and wait for its threads, whether or not it ever started."""
    observer.stop()  # also stops and joins the emitters, started or not
    if observer.is_alive():
        observer.join()


def watch_folder(folder: Path, run_pass: Callable[[], int], options: WatchOptions, stop: threading.Event) -> int:
    """Call ``run_pass`` at start-up, after events, while files wait, and every rescan; return passes made.

    Runs until ``stop`` is set or ``options.max_passes`` passes were made. ``run_pass`` returns how
    many files it left waiting (still being written). Transient and environment errors from the pass
    are logged and retried at the next trigger; any other exception propagates. The observer is
    always stopped and joined before returning.
    """
    if not folder.is_dir():
        raise EnvironmentProblem(f"Der Eingangsordner {folder} existiert nicht oder ist kein Ordner.")
    clock = _BurstClock()
    watcher = _FolderObserver(folder, options, clock)
    try:
        watcher.start()
    except OSError as exc:
        raise EnvironmentProblem(f"Der Eingangsordner {folder} kann nicht überwacht werden: {exc}") from exc
    try:
        return _run_loop(folder, run_pass, options, stop, clock, watcher)
    finally:
        watcher.stop()


def _run_loop(
    folder: Path,
    run_pass: Callable[[], int],
    options: WatchOptions,
    stop: threading.Event,
    clock: _BurstClock,
    watcher: _FolderObserver,
) -> int:
    passes = 0
    next_rescan = time.monotonic()  # the first pass picks up files present at start-up
    retry_at: float | None = None
    while not stop.is_set() and (options.max_passes is None or passes < options.max_passes):
        now = time.monotonic()
        due = min(t for t in (next_rescan, retry_at, clock.due_at(options.settle_seconds)) if t is not None)
        if now < due:
            stop.wait(min(due - now, TICK_SECONDS))
            continue
        if now >= next_rescan:
            watcher.ensure_running()
        clock.clear()  # events arriving from here on wake the next pass
        waiting = _call_pass(folder, run_pass)
        passes += 1
        finished = time.monotonic()
        next_rescan = finished + options.rescan_seconds
        retry_at = finished + max(options.settle_seconds, TICK_SECONDS) if waiting > 0 else None
    return passes


def _call_pass(folder: Path, run_pass: Callable[[], int]) -> int:
    """Run one pass; log transient and environment errors and report nothing waiting."""
    try:
        waiting = run_pass()
    except (TransientError, EnvironmentProblem) as exc:
        log.warning(
            "Der Durchlauf durch den Eingangsordner %s ist fehlgeschlagen und wird später wiederholt: %s",
            folder,
            exc.message,
        )
        return 0
    log.debug("Durchlauf durch %s beendet, %d Datei(en) noch im Schreiben.", folder, waiting)
    return waiting
