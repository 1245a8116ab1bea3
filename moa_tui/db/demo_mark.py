"""Whether `--demo` may use a database file: read before anything is written to it.

`--demo` fills a file with invented patients and accounts whose password is public, so
it may only build into a file that holds nothing yet, or open a demo clinic it built
(ClinicSettings.is_demo). A real clinic named by mistake (`--demo --db clinic.db`) must
be left exactly as it was: this looks at the file read-only, without migrating it.
"""

from __future__ import annotations

import enum
import os
from pathlib import Path

from . import crypto
from .crypto import Key


class DemoState(enum.Enum):
    NEW = "new"  # no file, or an empty one
    EMPTY = "empty"  # a database with no staff and no patients (an interrupted build)
    DEMO = "demo"  # a demo clinic that --demo built
    OTHER = "other"  # anything else: a real clinic, another program's file


def demo_state(path: str | os.PathLike, key: Key | None) -> DemoState:
    """What the file at *path* is, for --demo. Writes nothing to the database (SQLite
    may create its empty -wal/-shm companions to read a WAL-mode file)."""
    path = Path(path)
    if crypto.is_new(path):
        return DemoState.NEW
    if key is None and not crypto.is_plain(path):
        return DemoState.OTHER
    try:
        conn = crypto.connect(path, key, readonly=True)
    except crypto.driver_errors():
        return DemoState.OTHER
    try:
        if not crypto.check_key(conn):
            return DemoState.OTHER
        return _state(conn)
    except crypto.driver_errors():
        return DemoState.OTHER
    finally:
        conn.close()


def _state(conn) -> DemoState:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return DemoState.EMPTY
    if not {"clinic_settings", "staff_member", "patient"} <= tables:
        return DemoState.OTHER
    columns = {r[1] for r in conn.execute("PRAGMA table_info(clinic_settings)")}
    if "is_demo" in columns:
        marked = conn.execute("SELECT 1 FROM clinic_settings WHERE is_demo LIMIT 1").fetchone()
        if marked:
            return DemoState.DEMO
    has_staff = conn.execute("SELECT 1 FROM staff_member LIMIT 1").fetchone()
    has_patients = conn.execute("SELECT 1 FROM patient LIMIT 1").fetchone()
    return DemoState.OTHER if has_staff or has_patients else DemoState.EMPTY
