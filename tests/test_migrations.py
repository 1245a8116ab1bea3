"""Opening a clinic file: migrate a new one, leave a current one alone, refuse a newer one,
and keep it private to its owner."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from moa_tui.db.database import DatabaseError, db, open_database, schema_status
from moa_tui.db.models import MODELS, StaffMember

ALL_MIGRATIONS = sorted(
    p.stem for p in (Path(__file__).parent.parent / "moa_tui/db/migrations").glob("0*.py")
)


@pytest.fixture(autouse=True)
def _close_db():
    yield
    db.close()


def _history(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT name, applied FROM schema_migration ORDER BY id").fetchall()


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_database_is_migrated(tmp_path):
    path = open_database(tmp_path / "new" / "clinic.db")

    assert path == tmp_path / "new" / "clinic.db" and path.exists()
    assert "0001_initial" in ALL_MIGRATIONS
    assert schema_status() == (ALL_MIGRATIONS, [], [])
    assert [name for name, _ in _history(path)] == ALL_MIGRATIONS
    tables = set(db.get_tables())
    assert {m._meta.table_name for m in MODELS} <= tables
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_open_database_leaves_it_closed_and_pragmas_apply_on_use(tmp_path):
    open_database(tmp_path / "clinic.db")
    assert db.is_closed()
    with db.connection_context():
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_opening_again_is_a_no_op(tmp_path):
    path = open_database(tmp_path / "clinic.db")
    with db.connection_context():
        StaffMember.create(username="keeper", full_name="Kept Record")
    history = _history(path)

    assert open_database(path) == path

    assert _history(path) == history  # nothing re-applied, not even re-stamped
    assert schema_status() == (ALL_MIGRATIONS, [], [])
    with db.connection_context():
        assert [s.username for s in StaffMember.select()] == ["keeper"]


def test_newer_schema_is_refused(tmp_path):
    path = open_database(tmp_path / "clinic.db")
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO schema_migration (name, applied) VALUES ('9999_future', '2030-01-01')"
        )
    history = _history(path)

    with pytest.raises(DatabaseError) as err:
        open_database(path)

    message = str(err.value).lower()
    assert "newer" in message
    assert "upgrade" in message
    assert "9999_future" in str(err.value)
    assert db.is_closed()
    assert _history(path) == history


def test_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"Dear diary, " * 400)
    with pytest.raises(DatabaseError):
        open_database(path)
    assert path.read_bytes() == b"Dear diary, " * 400


def test_new_database_file_is_private(tmp_path):
    old = os.umask(0o022)  # the usual umask, which would give 0o644 to a default create
    try:
        path = open_database(tmp_path / "clinic.db")
        assert _mode(path) == 0o600
        with db.connection_context():
            StaffMember.create(username="someone", full_name="Some One")
            # The WAL and shared-memory files hold the same records.
            for sidecar in ("-wal", "-shm"):
                side = path.with_name(path.name + sidecar)
                assert _mode(side) == 0o600, sidecar
    finally:
        os.umask(old)
    assert _mode(path) == 0o600
