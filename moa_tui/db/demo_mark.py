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
from .database import is_url, normal_url


class DemoState(enum.Enum):
    NEW = "new"  # no file, or an empty one
    EMPTY = "empty"  # a database with no staff and no patients (an interrupted build)
    DEMO = "demo"  # a demo clinic that --demo built
    OTHER = "other"  # anything else: a real clinic, another program's file


def demo_state(path: str | os.PathLike, key: Key | None) -> DemoState:
    """What the file at *path* is, for --demo. Writes nothing to the database (SQLite
    may create its empty -wal/-shm companions to read a WAL-mode file)."""
    if is_url(path):
        return _server_state(str(path))
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


def _server_state(url: str) -> DemoState:
    """The same question of a PostgreSQL database, read in a read-only transaction; one
    that cannot be reached is not a demo (opening it says why)."""
    import psycopg

    try:
        with psycopg.connect(normal_url(url), connect_timeout=5) as conn:
            conn.read_only = True
            tables = {
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            }
            columns = {
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = 'clinic_settings'"
                )
            }
            return _decide(conn, tables, columns)
    except psycopg.Error:
        return DemoState.OTHER


def _state(conn) -> DemoState:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    columns = {r[1] for r in conn.execute("PRAGMA table_info(clinic_settings)")}
    return _decide(conn, tables, columns)


def _decide(conn, tables: set[str], columns: set[str]) -> DemoState:
    if not tables:
        return DemoState.EMPTY
    if not {"clinic_settings", "staff_member", "patient"} <= tables:
        return DemoState.OTHER
    if "is_demo" in columns:
        marked = conn.execute("SELECT 1 FROM clinic_settings WHERE is_demo LIMIT 1").fetchone()
        if marked:
            return DemoState.DEMO
    has_staff = conn.execute("SELECT 1 FROM staff_member LIMIT 1").fetchone()
    has_patients = conn.execute("SELECT 1 FROM patient LIMIT 1").fetchone()
    return DemoState.OTHER if has_staff or has_patients else DemoState.EMPTY
