"""What changed, by topic: domain writes count per topic (schedule, patients, claims,
stock, staff, audit) in the same transaction as the change, and each terminal's watcher
tells its visible screen which topics another terminal changed.

An audit event alone (a chart opened, a refusal) moves only the "audit" topic, so opening
a chart in one terminal makes no schedule or patient list refetch anywhere else. A write
made by this terminal is not reported back to it: its screen refetched already.

SQLite: PRAGMA data_version (microseconds, no lock) says whether anyone committed at all;
only then are the few counter rows read. PostgreSQL will notify instead (issue 10).
"""

from __future__ import annotations

import os
import threading

from . import crypto
from .database import _CONFIGURED, _same_file, db
from .models import ChangeCounter

SCHEDULE, PATIENTS, CLAIMS, STOCK, STAFF, AUDIT = (
    "schedule",
    "patients",
    "claims",
    "stock",
    "staff",
    "audit",
)

# The versions this process's own writes committed, by (database file, topic): the
# watcher of that file does not report them.
_own: dict[tuple[str, str], int] = {}
_own_lock = threading.Lock()


def _where(path) -> str:
    return os.path.realpath(path)


def bump(topics: frozenset[str] | set[str] | tuple[str, ...]) -> dict[str, int]:
    """Count one change of each topic, inside the caller's write transaction; returns the
    new versions, to be marked as this process's own once the transaction committed."""
    versions = {}
    for topic in sorted(topics):
        ChangeCounter.insert(topic=topic, version=1).on_conflict(
            conflict_target=[ChangeCounter.topic],
            update={ChangeCounter.version: ChangeCounter.version + 1},
        ).execute()
        versions[topic] = (
            ChangeCounter.select(ChangeCounter.version)
            .where(ChangeCounter.topic == topic)
            .scalar()
        )
    return versions


def committed_here(versions: dict[str, int]) -> None:
    """Mark *versions* (from bump, after its transaction committed) as this process's."""
    if not versions:
        return
    where = _where(db.database)
    with _own_lock:
        _own.update({(where, topic): version for topic, version in versions.items()})


class ChangeWatcher:
    """Tells which topics another connection changed since the last look."""

    def __init__(self, path: str | os.PathLike, key=_CONFIGURED):
        if key is _CONFIGURED:
            # The file the models are bound to is opened with the same key.
            key = db.key if db.database and _same_file(path, db.database) else None
        self._conn = crypto.connect(path, key, check_same_thread=False)
        self._where = _where(path)
        self._data_version = self._read_data_version()
        self._seen = self._read_counters()

    def _read_data_version(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def _read_counters(self) -> dict[str, int]:
        try:
            return dict(self._conn.execute("SELECT topic, version FROM change_counter"))
        except Exception:  # noqa: BLE001 - a database not migrated yet has no counters
            return {}

    def changed(self) -> set[str]:
        """The topics others changed since the last call (empty if none)."""
        current = self._read_data_version()
        if current == self._data_version:
            return set()
        self._data_version = current
        counters = self._read_counters()
        with _own_lock:
            own = {topic: v for (where, topic), v in _own.items() if where == self._where}
        topics = {
            topic
            for topic, version in counters.items()
            if self._seen.get(topic) != version and own.get(topic) != version
        }
        self._seen = counters
        return topics

    def close(self) -> None:
        self._conn.close()
