"""The one database handle, how it is opened, and the SQLite-only helpers.

Everything SQLite-specific (pragmas, data_version, IMMEDIATE transactions) lives here so
a move to PostgreSQL touches this file and not the services.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import platformdirs
from peewee import SqliteDatabase
from playhouse.migrations import Runner

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Medical records: a committed write must survive power loss (synchronous=full), many
# terminals share one file (WAL, a busy timeout long enough to wait out a writer).
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "full",
}

db = SqliteDatabase(None)


class DatabaseError(Exception):
    """The database cannot be opened as asked; the message is meant for the user."""


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("moa-tui")) / "clinic.db"


def resolve_path(path: str | os.PathLike | None) -> Path:
    """--db PATH, else $MOA_DB, else the per-user data directory."""
    chosen = path or os.environ.get("MOA_DB") or default_path()
    return Path(chosen).expanduser()


def open_database(path: str | os.PathLike, *, migrate: bool = True) -> Path:
    """Bind the models to the SQLite file at *path*, creating and migrating it as needed.

    Refuses a database whose schema is newer than this program.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Protected health information: readable by its owner only, from the first byte.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    if not db.is_closed():
        db.close()
    db.init(str(path), pragmas=PRAGMAS)
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:  # noqa: BLE001 - turned into a message for the user
        raise DatabaseError(f"Cannot open database {path}: {exc}") from exc
    try:
        check_schema()
        if migrate:
            Runner(db, str(MIGRATIONS_DIR)).up()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a moa-tui database: {exc}") from exc
    finally:
        db.close()
    return path


def schema_status() -> tuple[list[str], list[str], list[str]]:
    """(applied, pending, unknown) migration names for the open database."""
    runner = Runner(db, str(MIGRATIONS_DIR))
    applied, pending, unknown = [], [], []
    for m in runner.status():
        if m.path is None:
            unknown.append(m.name)
        elif m.applied:
            applied.append(m.name)
        else:
            pending.append(m.name)
    return applied, pending, unknown


def check_schema() -> None:
    _, _, unknown = schema_status()
    if unknown:
        raise DatabaseError(
            "This database was written by a newer moa-tui (schema "
            f"{', '.join(sorted(unknown))}). Upgrade moa-tui before opening it."
        )


def write_transaction():
    """A transaction that takes the write lock at BEGIN.

    Check-then-write (a free slot, a stock count) must not interleave with another
    terminal's write, so SQLite's BEGIN IMMEDIATE is used.
    """
    if isinstance(db, SqliteDatabase) and db.transaction_depth() == 0:
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()


class ChangeWatcher:
    """Tells whether any other connection committed since the last look.

    SQLite's PRAGMA data_version changes on this connection when any other connection
    (another terminal, or a worker thread of this one) commits. It costs microseconds and
    takes no lock, so it can be polled twice a second.
    """

    def __init__(self, path: str | os.PathLike):
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._last = self._read()

    def _read(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        current = self._read()
        if current != self._last:
            self._last = current
            return True
        return False

    def close(self) -> None:
        self._conn.close()
