"""What changed, by topic: domain writes count per topic (schedule, patients, claims,
stock, staff, audit) in the same transaction as the change, and each terminal's watcher
tells its visible screen which topics another terminal changed.

An audit event alone (a chart opened, a refusal) moves only the "audit" topic, so opening
a chart in one terminal makes no schedule or patient list refetch anywhere else. A write
made by this terminal is not reported back to it: its screen refetched already.

SQLite: PRAGMA data_version (microseconds, no lock) says whether anyone committed at all;
only then are the few counter rows read. PostgreSQL: bump() also sends
``pg_notify(CHANNEL, "topic=version ...")`` inside the writer's transaction (delivered only if
it commits), and the watcher LISTENs on the channel on a connection of its own; changed()
takes what arrived without a query.
"""

from __future__ import annotations

import os
import threading

from . import crypto
from .database import _CONFIGURED, _same_file, db, is_url, normal_url, on_postgresql
from .models import ChangeCounter

# The PostgreSQL channel the change counters are announced on (one per database: NOTIFY
# never crosses databases).
CHANNEL = "moa_change_counter"
# How the watcher's own connection shows in pg_stat_activity.
WATCHER_NAME = "moa-tui change watcher"

SCHEDULE, PATIENTS, CLAIMS, STOCK, STAFF, AUDIT = (
    "schedule",
    "patients",
    "claims",
    "stock",
    "staff",
    "audit",
)
# Phone messages and tasks in the staff inboxes (an urgent call shows on every desk).
MESSAGES = "messages"
# The general ledger: any journal entry posted, an account added or changed, the lock date.
BOOKS = "books"

# The versions this process's own writes committed, by (database file, topic): the
# watcher of that file does not report them.
_own: dict[tuple[str, str], int] = {}
_own_lock = threading.Lock()


def _where(path) -> str:
    if is_url(path):
        return normal_url(str(path))
    return os.path.realpath(path)


def bump(topics: frozenset[str] | set[str] | tuple[str, ...]) -> dict[str, int]:
    """Count one change of each topic, inside the caller's write transaction; returns the
    new versions, to be marked as this process's own once the transaction committed."""
    versions = {}
    for topic in sorted(topics):
        # One statement per topic on both backends: the upsert returns the new version.
        rows = (
            ChangeCounter.insert(topic=topic, version=1)
            .on_conflict(
                conflict_target=[ChangeCounter.topic],
                update={ChangeCounter.version: ChangeCounter.version + 1},
            )
            .returning(ChangeCounter.version)
            .tuples()
            .execute()
        )
        versions[topic] = next(iter(rows))[0]
    if versions and on_postgresql():
        # psycopg 3 binds parameters on the server, so NOTIFY (a utility statement that
        # takes none) is sent through the pg_notify() function.
        payload = " ".join(f"{topic}={version}" for topic, version in versions.items())
        db.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
    return versions


def _parse(payload: str) -> dict[str, int]:
    versions = {}
    for item in payload.split():
        topic, _, version = item.partition("=")
        if version.isdigit():
            versions[topic] = int(version)
    return versions


def committed_here(versions: dict[str, int]) -> None:
    """Mark *versions* (from bump, after its transaction committed) as this process's."""
    if not versions:
        return
    where = _where(db.database)
    with _own_lock:
        _own.update({(where, topic): version for topic, version in versions.items()})


class ChangeWatcher:
    """Tells which topics another connection changed since the last look.

    ``ChangeWatcher(location)`` gives the SQLite (data_version) or the PostgreSQL
    (LISTEN/NOTIFY) watcher, by what *location* names."""

    def __new__(cls, path, key=_CONFIGURED):
        if cls is ChangeWatcher and is_url(path):
            return super().__new__(NotifyWatcher)
        return super().__new__(cls)

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

    def _others(self, counters: dict[str, int]) -> set[str]:
        """The topics whose versions in *counters* are news, not this process's own."""
        with _own_lock:
            own = {topic: v for (where, topic), v in _own.items() if where == self._where}
        topics = {
            topic
            for topic, version in counters.items()
            if self._seen.get(topic, 0) < version and own.get(topic) != version
        }
        for topic, version in counters.items():
            self._seen[topic] = max(self._seen.get(topic, 0), version)
        return topics

    # Whether the database could not be reached at the last look (a PostgreSQL server
    # restarting or the network gone); a file is always there.
    away = False

    def changed(self, wait: float = 0.0) -> set[str]:
        """The topics others changed since the last call (empty if none). *wait*: seconds
        a PostgreSQL watcher may wait for a notification still on its way (tests)."""
        current = self._read_data_version()
        if current == self._data_version:
            return set()
        self._data_version = current
        return self._others(self._read_counters())

    def close(self) -> None:
        self._conn.close()


class NotifyWatcher(ChangeWatcher):
    """PostgreSQL: LISTEN on CHANNEL on a connection of its own (autocommit, outside the
    app's transactions); each notification names the versions one commit reached. If the
    connection drops (a server restart), the next look reconnects and compares the
    counters, so nothing that happened meanwhile is missed."""

    def __init__(self, path: str, key=_CONFIGURED):
        self._url = normal_url(str(path))
        self._where = _where(path)
        self._conn = None
        self._seen = self._listen()

    def _listen(self) -> None:
        import psycopg

        conn = psycopg.connect(
            self._url, autocommit=True, connect_timeout=5, application_name=WATCHER_NAME
        )
        try:
            conn.execute(f"LISTEN {CHANNEL}")
            rows = conn.execute("SELECT topic, version FROM change_counter").fetchall()
        except Exception:
            conn.close()
            raise
        self._conn = conn
        return dict(rows)

    def changed(self, wait: float = 0.0) -> set[str]:
        import psycopg

        if self._conn is None or self._conn.closed:
            try:
                counters = self._listen()
            except psycopg.Error:
                self.away = True
                return set()  # still away; the next look tries again
            self.away = False
            return self._others(counters)
        counters: dict[str, int] = {}
        try:
            for note in self._conn.notifies(timeout=wait, stop_after=1 if wait else None):
                for topic, version in _parse(note.payload).items():
                    counters[topic] = max(counters.get(topic, 0), version)
                if wait:
                    break
            if wait:  # and whatever else is already here
                for note in self._conn.notifies(timeout=0):
                    for topic, version in _parse(note.payload).items():
                        counters[topic] = max(counters.get(topic, 0), version)
        except psycopg.Error:
            self._conn.close()
            self.away = True
            return set()
        return self._others(counters)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
