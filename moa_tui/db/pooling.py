"""SQLite connections kept open between service calls (issue 10).

Every service call runs in a worker thread of its own and used to open the file, read its
schema (~1 ms on a clinic's 40-odd tables, more on a loaded machine) and set the pragmas,
then close it again: more than the query itself for a patient search on a keystroke.
``IdleConnections`` (mixed into the SQLite handle) keeps up to IDLE_CONNECTIONS closed-by-
peewee connections open and hands them to the next ``db.connect()`` in any thread, while
someone holds them (``keep_connections``: the app, from its change watcher's start to its
exit). The file is open all that time anyway (the watcher's connection), so nothing that
counted on the last close (SQLite then moves the WAL into the file and removes it: a copy
of the file alone is whole) changes for the commands, backups and tests that open, work,
close and copy.

Why a kept connection reads nothing stale: a SQLite connection outside a transaction holds
no snapshot of a WAL file; every service call begins its own transaction (core._run), which
reads the newest commit of any terminal. Two things could keep an old snapshot alive across
calls, and neither survives the return to the pool: a transaction left open (the
connection is closed instead of kept), and a SELECT cursor not read to its end (SQLite then
keeps that read transaction, even across COMMIT): every cursor the handle gave out on that
connection is closed at the return, which ends its statement. A connection of another file
or key (open_database again) is never handed out: ``init`` closes the idle ones, and one
checked out before is closed, not kept, when it comes back.

The change watcher (db/changes.py) keeps its own connection and is not part of this.

PostgreSQL (the same mixin on its handle): a new connection costs ~3 ms of a ~8 ms patient
search at 250,000 patients. A kept one may have died with a server restart, so each is
asked a ``SELECT 1`` (~0.1 ms) before it is handed out, and a dead one is dropped for a new
connection: a restart never reaches the desk through the pool. A connection in autocommit
(peewee's) holds no snapshot between transactions, as above.
"""

from __future__ import annotations

import threading
import weakref

IDLE_CONNECTIONS = 4


class IdleConnections:
    """Mixin for peewee's SqliteDatabase and Psycopg3Database: ``_connect`` reuses an
    idle connection of the same database (and key), ``_close`` keeps a clean one. The
    subclass makes new connections in ``_new_connection`` (SQLite: with
    check_same_thread=False, a kept one moves threads); ``_usable`` and ``_clean`` say
    whether one may be handed out again and kept."""

    _pool_lock = threading.Lock()
    _holders = 0

    def hold_connections(self, keep: bool) -> None:
        """*keep*: start keeping idle connections (one more holder); else one holder
        less, and at none the idle ones are closed."""
        with self._pool_lock:
            self._holders = self._holders + 1 if keep else max(0, self._holders - 1)
            none_left = self._holders == 0
        if none_left:
            self.close_idle()

    def _pool_reset(self) -> None:
        """Close the idle connections and start a new generation (another file or key)."""
        with self._pool_lock:
            idle = getattr(self, "_idle", [])
            self._idle: list = []
            self._generation = getattr(self, "_generation", 0) + 1
            # id(connection) -> the generation it was opened in, while it is checked out.
            self._out: dict[int, int] = {}
            self._cursors = threading.local()
        for conn in idle:
            _quietly_close(conn)

    def close_idle(self) -> None:
        """Close the connections kept open (the next call opens a new one)."""
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            _quietly_close(conn)

    def _new_connection(self):  # pragma: no cover - the subclass's
        raise NotImplementedError

    def _usable(self, conn) -> bool:
        """May this idle connection be handed out (SQLite: it is still open)?"""
        return _alive(conn)

    def _clean(self, conn) -> bool:
        """May this returned connection be kept: open and outside a transaction."""
        return _alive(conn) and not conn.in_transaction

    def _connect(self):
        while True:
            with self._pool_lock:
                generation = self._generation
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                break
            if self._usable(conn):  # outside the lock: a PostgreSQL one is asked
                with self._pool_lock:
                    if generation == self._generation:  # no other database opened since
                        self._out[id(conn)] = generation
                        return conn
            _quietly_close(conn)
        conn = self._new_connection()
        with self._pool_lock:
            self._out[id(conn)] = generation
        return conn

    def cursor(self, named_cursor=None):
        cursor = super().cursor(named_cursor)
        opened = getattr(self._cursors, "refs", None)
        if opened is None:
            opened = self._cursors.refs = []
        try:
            opened.append(weakref.ref(cursor))
        except TypeError:  # a driver whose cursors take no weak reference
            self._cursors.untracked = True
        return cursor

    def _close(self, conn):
        opened = getattr(self._cursors, "refs", None) or []
        self._cursors.refs = []
        untracked = getattr(self._cursors, "untracked", False)
        self._cursors.untracked = False
        for ref in opened:
            cursor = ref()
            if cursor is not None:
                try:
                    cursor.close()  # ends a statement not read to its end (its snapshot)
                except Exception:  # noqa: BLE001 - the connection is then not kept
                    untracked = True
        with self._pool_lock:
            generation = self._out.pop(id(conn), None)
            keep = (
                not untracked
                and self._holders > 0
                and generation == self._generation
                and len(self._idle) < IDLE_CONNECTIONS
                and self._clean(conn)
            )
            if keep:
                self._idle.append(conn)
                return
        _quietly_close(conn)


def _alive(conn) -> bool:
    try:
        conn.total_changes  # noqa: B018 - raises on a closed connection
    except Exception:  # noqa: BLE001
        return False
    return True


def _quietly_close(conn) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing what may already be gone
        pass
