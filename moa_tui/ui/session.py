"""What the desk app and the kiosk apps share about a terminal's session: the one idle
timer (the desk locks, the kiosk starts over) and the one change watcher (db/changes.py:
the visible screen is told which topics another terminal changed, and refetches if it
shows one of them), which also says when the database cannot be reached: a banner that
stays while a PostgreSQL server is away and goes by itself when it is back."""

from __future__ import annotations

import gc
import time
from pathlib import Path

from textual import events
from textual.notifications import Notification, Notify

from ..db.changes import ChangeWatcher
from ..db.database import keep_connections
from .changes import DataChanged


class SessionWatch:
    """Mixin for an App: ``start_idle_timer()`` and ``start_change_watcher(path)`` from on_mount.

    After ``idle_seconds`` without a key, ``idle_timed_out()`` runs (once per idle spell: a key
    starts the count again)."""

    # How often to look for other terminals' changes; about twice a second.
    WATCH_SECONDS = 0.5
    # How often to compare the time since the last key with idle_seconds.
    IDLE_CHECK_SECONDS = 5
    idle_seconds: float = 600

    _last_input: float = 0.0
    _watcher: ChangeWatcher | None = None
    # While the database is away: the banner shown, and whether a look for it (in a
    # thread: a server gone silent must not freeze the keys) is under way.
    AWAY_TEXT = (
        "The database is unreachable, retrying. Nothing is lost from the screen; "
        "save again once this goes."
    )
    _away_banner: Notification | None = None
    _retrying = False

    def steady_collector(self) -> None:
        """Garbage collection for a day-long session (issue 10): what is made up to now
        (modules, styles, the screens built so far, alive all day) is moved out of the
        collector's sight (gc.freeze), and a full collection comes after 1,000 younger
        ones instead of 10. Full collections of the whole heap paused a key 75-135 ms a
        dozen times in a few minutes of work on a large clinic; with this none came in
        the benchmark's session (benchmarks/run.py: peak memory is one of its rows).
        Started from the command line, the collector was off until now (entry.py)."""
        gc.freeze()
        gc.set_threshold(700, 10, 1000)
        gc.enable()

    def start_idle_timer(self) -> None:
        self._last_input = time.monotonic()
        self.set_interval(self.IDLE_CHECK_SECONDS, self._check_idle)

    def start_change_watcher(self, db_path: str | Path) -> None:
        self._watcher = ChangeWatcher(db_path)
        self.set_interval(self.WATCH_SECONDS, self._look_for_changes)
        # The file stays open while the watcher lives: service calls may as well keep a
        # few connections open too, instead of reading the schema anew at each (pooling.py).
        keep_connections(True)
        self._keeping = True

    _keeping = False

    def on_unmount(self) -> None:
        if self._keeping:
            self._keeping = False
            keep_connections(False)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        if time.monotonic() - self._last_input >= self.idle_seconds:
            self._last_input = time.monotonic()
            self.idle_timed_out()

    def idle_timed_out(self) -> None:
        """Nobody typed for idle_seconds."""

    @property
    def database_away(self) -> bool:
        """Whether the database could not be reached at the watcher's last look."""
        return self._away_banner is not None

    def _look_for_changes(self) -> None:
        watcher = self._watcher
        if watcher is None or self._retrying:
            return
        if watcher.away:
            # Reconnecting may wait for a connect timeout: off the UI thread.
            self._retrying = True
            self.run_worker(
                self._retry, thread=True, group="db-retry", exclusive=True, exit_on_error=False
            )
            return
        self._changes_seen(watcher.changed())

    def _retry(self) -> None:
        try:
            topics = self._watcher.changed()
        except Exception:  # noqa: BLE001 - still away: the next look tries again
            topics = set()
        self.call_from_thread(self._retried, topics)

    def _retried(self, topics: set[str]) -> None:
        self._retrying = False
        self._changes_seen(topics)

    def _changes_seen(self, topics: set[str]) -> None:
        self._show_away(self._watcher.away)
        if topics and self.screen_stack:  # (a look as the app closes finds no screen)
            # Only the visible screen refetches now, and only if it shows one of these
            # topics; the others refetch when they come back.
            self.screen.post_message(DataChanged(frozenset(topics)))

    def _show_away(self, away: bool) -> None:
        """The banner while the database is away; gone when it is back (the watcher caught
        up from the change counters, so what others saved meanwhile is refetched)."""
        if away and self._away_banner is None:
            self._away_banner = Notification(
                self.AWAY_TEXT, "Database", "error", timeout=24 * 3600, markup=False
            )
            self.post_message(Notify(self._away_banner))
        elif not away and self._away_banner is not None:
            banner, self._away_banner = self._away_banner, None
            if banner in self._notifications:
                self._unnotify(banner)
            self.notify("The database is back.", timeout=4, markup=False)
