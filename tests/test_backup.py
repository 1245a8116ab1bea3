"""Backups (issue point 7): a consistent copy while another process keeps writing, restore
that keeps what it replaces and refuses a bad file writing nothing, and verify-backup's
report and exit codes through the real command line."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from moa_tui.db import crypto
from moa_tui.db.backup import (
    BackupError,
    RestoreRefused,
    check_backup,
    known_migrations,
    make_backup,
    restore_backup,
)
from moa_tui.db.database import db, open_database, use_keys
from moa_tui.services.security.staff import load_clinic

SPAWN = multiprocessing.get_context("spawn")
WRITER_DEADLINE = 60.0  # a spawned interpreter imports everything first


@pytest.fixture(autouse=True)
def _plain_keys():
    use_keys(None)
    yield
    use_keys(None)
    db.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _fingerprint(path: Path) -> dict[str, str]:
    """Every file of the database (main, -wal, -shm) by content, and the folder's names."""
    found = {}
    for p in sorted(path.parent.iterdir()):
        if p.name.startswith(path.name):
            found[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return found


def _raw(path: Path, key: crypto.Key | None = None):
    return closing(crypto.connect(path, key))


# --- a writer in another process ------------------------------------------------------------


def keep_inserting(db_path: str, key_hex: str | None, started, stop, done) -> None:
    """Another terminal: pairs of rows, one pair per transaction, until told to stop."""
    key = crypto.Key(raw=bytes.fromhex(key_hex)) if key_hex else None
    conn = crypto.connect(db_path, key, isolation_level=None, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    n = 0
    end = time.monotonic() + WRITER_DEADLINE
    try:
        while not stop.is_set() and time.monotonic() < end:
            n += 1
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO probe_a (n) VALUES (?)", (n,))
            conn.execute("INSERT INTO probe_b (n) VALUES (?)", (n,))
            conn.execute("COMMIT")
            if n == 50:
                started.set()
    finally:
        conn.close()
        done.put(n)


def _probe_tables(path: Path, key: crypto.Key | None) -> None:
    with _raw(path, key) as conn, conn:
        conn.execute("CREATE TABLE probe_a (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        conn.execute("CREATE TABLE probe_b (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")


def _probe_counts(path: Path, key: crypto.Key | None) -> tuple[int, int, int]:
    with _raw(path, key) as conn:
        a, top = conn.execute("SELECT count(*), coalesce(max(n), 0) FROM probe_a").fetchone()
        b = conn.execute("SELECT count(*) FROM probe_b").fetchone()[0]
    return a, b, top


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_backup_while_another_process_writes_is_whole_and_consistent(tmp_path, encrypted):
    key = crypto.Key.generate() if encrypted else None
    path = open_database(tmp_path / "clinic.db", key=key)
    _probe_tables(path, key)

    started, stop, done = SPAWN.Event(), SPAWN.Event(), SPAWN.Queue()
    writer = SPAWN.Process(
        target=keep_inserting,
        args=(str(path), key.raw.hex() if key else None, started, stop, done),
        daemon=True,
    )
    writer.start()
    try:
        assert started.wait(WRITER_DEADLINE), "the writer never got going"
        seen = []
        for i in range(3):
            report = make_backup(path, tmp_path / f"backup-{i}.db", key)
            assert report.ok, report.problems
            assert report.integrity == ["ok"]
            assert report.encrypted is encrypted
            a, b, top = _probe_counts(tmp_path / f"backup-{i}.db", key)
            # One moment: every pair whole, nothing missing before the newest row.
            assert a == b == top, (a, b, top)
            seen.append(a)
    finally:
        stop.set()
        written = done.get(timeout=WRITER_DEADLINE)
        writer.join(timeout=10)
    assert writer.exitcode == 0
    assert 50 <= seen[0] <= seen[1] <= seen[2] < written, (seen, written)  # it kept writing
    assert _probe_counts(path, key) == (written, written, written)
    for i in range(3):
        assert _mode(tmp_path / f"backup-{i}.db") == 0o600
        # one self-contained file: no -wal needed to read it
        assert not (tmp_path / f"backup-{i}.db-wal").exists()


def test_backup_files_are_private_and_never_overwritten_unasked(tmp_path):
    old = os.umask(0o022)
    try:
        path = open_database(tmp_path / "clinic.db")
        dest = tmp_path / "out" / "clinic.bak"
        make_backup(path, dest, None)
        assert _mode(dest) == 0o600
        before = dest.read_bytes()
        with pytest.raises(BackupError, match="already exists"):
            make_backup(path, dest, None)
        assert dest.read_bytes() == before
        make_backup(path, dest, None, overwrite=True)
        assert _mode(dest) == 0o600
        with pytest.raises(BackupError, match="database itself"):
            make_backup(path, path, None, overwrite=True)
        assert not list(dest.parent.glob(".*partial*"))
    finally:
        os.umask(old)


# --- restore --------------------------------------------------------------------------------


def _clinic_name(path: Path, key=None) -> str:
    with _raw(path, key) as conn:
        return conn.execute("SELECT name FROM clinic_settings").fetchone()[0]


def test_restore_round_trip_keeps_the_replaced_database(demo_db, tmp_path):
    backup = tmp_path / "monday.bak"
    taken = make_backup(demo_db, backup, None)
    assert taken.ok and taken.counts["patients"] > 0 and taken.clinic_name

    # Work goes on after the backup ... and is then to be undone.
    with db.connection_context():
        db.execute_sql("UPDATE clinic_settings SET name = 'Renamed After Backup'")
        db.execute_sql("DELETE FROM appointment WHERE id IN (SELECT id FROM appointment LIMIT 5)")
    db.close()
    other_terminal = crypto.connect(demo_db, None)  # still open during the restore
    try:
        result = restore_backup(demo_db, backup, None)
        assert result.report.ok
        # The open terminal reads the restored data, not a file pulled from under it.
        assert other_terminal.execute("SELECT name FROM clinic_settings").fetchone()[0] == (
            taken.clinic_name
        )
    finally:
        other_terminal.close()

    after = check_backup(demo_db, None)
    assert after.ok and after.counts == taken.counts
    assert _clinic_name(demo_db) == taken.clinic_name

    kept = result.previous
    assert kept.name.startswith(f"{demo_db.name}.before-restore-")
    assert _mode(kept) == 0o600
    assert _clinic_name(kept) == "Renamed After Backup"
    assert check_backup(kept, None).counts["appointments"] == taken.counts["appointments"] - 5

    # The restored database opens as usual, in WAL mode, and takes writes.
    open_database(demo_db)
    with db.connection_context():
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute_sql("UPDATE clinic_settings SET version = version + 1")


def test_restore_into_a_missing_database_creates_it(empty_db, tmp_path):
    backup = tmp_path / "clinic.bak"
    make_backup(empty_db, backup, None)
    target = tmp_path / "elsewhere" / "new.db"
    result = restore_backup(target, backup, None)
    assert result.previous is None
    assert check_backup(target, None).ok
    assert _mode(target) == 0o600


@pytest.mark.parametrize("damage", [(100, 4096), (4096, 4096 * 8)], ids=["page-1", "pages-2-8"])
def test_restore_over_a_damaged_database_keeps_what_it_had(empty_db, tmp_path, damage):
    backup = tmp_path / "clinic.bak"
    make_backup(empty_db, backup, None)
    db.close()
    damaged = bytearray(empty_db.read_bytes())
    start, end = damage
    damaged[start:end] = b"\xa5" * (end - start)  # the header stays: still plain SQLite
    empty_db.write_bytes(bytes(damaged))

    result = restore_backup(empty_db, backup, None)

    # Every page is kept (a copy through SQLite may mark the header's journal mode).
    assert result.previous.read_bytes()[100:] == bytes(damaged)[100:]
    assert check_backup(empty_db, None).ok
    open_database(empty_db)


def test_restore_replaces_the_files_when_sqlite_cannot_write_the_database(
    empty_db, tmp_path, monkeypatch
):
    import moa_tui.db.backup as backup_module

    backup = tmp_path / "clinic.bak"
    make_backup(empty_db, backup, None)
    load_clinic()  # the clinic is set up after the backup was taken
    with db.connection_context():
        db.execute_sql("UPDATE clinic_settings SET name = 'later'")
    db.close()
    wal = empty_db.with_name(empty_db.name + "-wal")
    stale_wal = b"stale frames" * 100  # what a crashed terminal might leave
    wal.write_bytes(stale_wal)

    def unwritable(*args):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(backup_module, "_copy_into_live", unwritable)
    result = restore_backup(empty_db, backup, None)

    assert check_backup(result.previous, None).clinic_name == "later"
    assert not wal.exists() or wal.read_bytes() != stale_wal  # not left to be replayed
    assert check_backup(empty_db, None).ok
    assert check_backup(empty_db, None).clinic_name is None
    assert _mode(empty_db) == 0o600


def _corrupt_copy(source: Path, dest: Path) -> Path:
    data = bytearray(source.read_bytes())
    assert len(data) > 4096 * 10
    for page in range(2, len(data) // 4096, 3):  # every third page, past the header
        data[page * 4096 + 100 : page * 4096 + 400] = os.urandom(300)
    dest.write_bytes(bytes(data))
    return dest


def _not_moa(dest: Path) -> Path:
    with closing(sqlite3.connect(dest)) as conn, conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('soup')")
    return dest


def _newer(source: Path, dest: Path) -> Path:
    dest.write_bytes(source.read_bytes())
    with closing(sqlite3.connect(dest)) as conn, conn:
        conn.execute(
            "INSERT INTO schema_migration (name, applied) VALUES ('9999_future', '2030-01-01')"
        )
    return dest


def _truncated(source: Path, dest: Path) -> Path:
    dest.write_bytes(source.read_bytes()[:20_000])
    return dest


def _text(dest: Path) -> Path:
    dest.write_text("Dear diary\n" * 500)
    return dest


def _empty(dest: Path) -> Path:
    dest.write_bytes(b"")
    return dest


# kind: (make the bad file from a good backup in a folder, words the refusal has)
BAD_BACKUPS = {
    "corrupt": (lambda good, d: _corrupt_copy(good, d / "corrupt.bak"), None),
    "truncated": (lambda good, d: _truncated(good, d / "short.bak"), None),
    "text": (lambda good, d: _text(d / "notes.bak"), "not a SQLite database"),
    "not-moa": (lambda good, d: _not_moa(d / "recipes.db"), "not a moa-tui database"),
    "newer-schema": (lambda good, d: _newer(good, d / "future.bak"), "newer moa-tui"),
    "missing": (lambda good, d: d / "nowhere.bak", "no such file"),
    "empty": (lambda good, d: _empty(d / "empty.bak"), "empty"),
}


@pytest.mark.parametrize("kind", list(BAD_BACKUPS))
def test_restore_refuses_a_bad_backup_and_writes_nothing(demo_db, tmp_path, kind):
    make, says = BAD_BACKUPS[kind]
    good = tmp_path / "good.bak"
    make_backup(demo_db, good, None)
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = make(good, bad_dir)
    db.close()
    before = _fingerprint(demo_db)

    with pytest.raises(RestoreRefused) as refused:
        restore_backup(demo_db, bad, None)

    assert not refused.value.report.ok
    if says:
        assert says in str(refused.value)
    assert _fingerprint(demo_db) == before  # not a byte changed, no before-restore file
    assert check_backup(demo_db, None).ok


def test_an_older_backup_is_restored_and_migrated(empty_db, tmp_path):
    """A backup from before the newest migration passes, and open_database upgrades it."""
    migrations = known_migrations()
    if len(migrations) < 2:
        pytest.skip("only one migration exists")
    backup = tmp_path / "old.bak"
    make_backup(empty_db, backup, None)
    with closing(sqlite3.connect(backup)) as conn, conn:
        conn.execute("DELETE FROM schema_migration WHERE name = ?", (migrations[-1],))
    report = check_backup(backup, None)
    assert report.ok and report.pending == [migrations[-1]]


# --- the command line -----------------------------------------------------------------------


def moa(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MOA_DB", "MOA_KEY_FILE")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "moa_tui", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_backup_verify_and_restore(demo_db, tmp_path):
    db.close()
    backup = tmp_path / "nightly.bak"
    made = moa("--db", str(demo_db), "backup", str(backup))
    assert made.returncode == 0, made.stderr
    assert _mode(backup) == 0o600

    ok = moa("verify-backup", str(backup))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    report = check_backup(backup, None)
    assert f"clinic:     {report.clinic_name}" in ok.stdout
    assert f"{report.counts['patients']:,} patients" in ok.stdout
    assert f"{report.counts['claims']:,} claims" in ok.stdout
    assert "integrity:  ok" in ok.stdout
    assert known_migrations()[-1] in ok.stdout

    again = moa("--db", str(demo_db), "backup", str(backup))
    assert again.returncode != 0 and "already exists" in again.stderr

    bad = _corrupt_copy(backup, tmp_path / "bad.bak")
    failed = moa("verify-backup", str(bad))
    assert failed.returncode == 1 and "NOT USABLE" in failed.stdout
    assert "Traceback" not in failed.stderr
    missing = moa("verify-backup", str(tmp_path / "nope.bak"))
    assert missing.returncode == 1 and "no such file" in missing.stdout

    before = _fingerprint(demo_db)
    refused = moa("--db", str(demo_db), "restore", str(bad))
    assert refused.returncode == 1 and "not changed" in refused.stderr
    assert _fingerprint(demo_db) == before

    restored = moa("--db", str(demo_db), "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "before-restore-" in restored.stdout
    assert len(list(tmp_path.glob("demo.db.before-restore-*"))) == 1


# --- half-written copies (issue 8, item 11) ---------------------------------------------------

KILLED_MID_COPY = """
import os, signal, sys
from moa_tui.db import backup, crypto

def killed(path):  # the copy is written, not yet checked or put in place: kill -9 now
    os.kill(os.getpid(), signal.SIGKILL)

crypto.fsync_path = killed
backup.make_backup(sys.argv[1], sys.argv[2], None)
"""


def _partials(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.partial-*"))


def test_a_backup_killed_mid_copy_leaves_a_copy_that_the_next_backup_removes(demo_db, tmp_path):
    db.close()
    folder = tmp_path / "usb"
    folder.mkdir()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_COPY, str(demo_db), str(folder / "monday.db")],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr
    left = _partials(folder)
    assert len(left) == 1 and left[0].name.startswith(".monday.db.partial-")
    assert check_backup(left[0], None).counts["patients"] > 0  # patient data, in the open
    # Not ours to touch: another name, and a copy a live process is still writing.
    busy = folder / f".tuesday.db.partial-{os.getppid()}"
    busy.write_bytes(b"still being written")
    notes = folder / ".notes.partial"
    notes.write_bytes(b"someone's file")

    make_backup(demo_db, folder / "wednesday.db", None)

    assert _partials(folder) == [busy]
    assert notes.exists() and (folder / "wednesday.db").exists()
    assert not (folder / "monday.db").exists()


def test_a_failed_backup_leaves_no_copy(demo_db, tmp_path, monkeypatch):
    from moa_tui.db import backup

    def fails(path, key):
        return backup.BackupReport(path=Path(path), problems=["damaged on the way"])

    monkeypatch.setattr(backup, "check_backup", fails)
    with pytest.raises(BackupError, match="fails its check"):
        make_backup(demo_db, tmp_path / "out" / "x.db", None)
    assert not list((tmp_path / "out").iterdir())


def test_starting_moa_tui_removes_a_killed_restores_copy_beside_the_database(demo_db, tmp_path):
    db.close()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = demo_db.with_name(f".{demo_db.name}.partial-{int(dead.stdout)}")
    stale.write_bytes(b"half a database")
    ran = moa("--db", str(demo_db), "audit", "verify")
    assert "Traceback" not in ran.stderr
    assert not stale.exists()
