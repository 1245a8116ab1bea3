"""What the desk app and the kiosk apps share about a terminal's session: the one idle
timer (the desk locks, the kiosk starts over) and the one change watcher (db/changes.py:
the visible screen is told which topics another terminal changed, and refetches if it
shows one of them)."""

from __future__ import annotations

import time
from pathlib import Path

from textual import events

from ..db.changes import ChangeWatcher
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

    def start_idle_timer(self) -> None:
        self._last_input = time.monotonic()
        self.set_interval(self.IDLE_CHECK_SECONDS, self._check_idle)

    def start_change_watcher(self, db_path: str | Path) -> None:
        self._watcher = ChangeWatcher(db_path)
        self.set_interval(self.WATCH_SECONDS, self._look_for_changes)

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

    def _look_for_changes(self) -> None:
        topics = self._watcher.changed() if self._watcher else set()
        if topics:
            # Only the visible screen refetches now, and only if it shows one of these
            # topics; the others refetch when they come back.
            self.screen.post_message(DataChanged(frozenset(topics)))
