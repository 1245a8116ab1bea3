"""Encryption at rest (issue point 6): SQLCipher files made with a key file, closed to plain
sqlite3 and to a wrong key with a clear message, re-keyed, and private to their owner."""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from moa_tui.db import changes, crypto
from moa_tui.db.backup import check_backup, make_backup
from moa_tui.db.changes import ChangeWatcher
from moa_tui.db.database import DatabaseError, db, open_database, use_keys
from moa_tui.db.models import StaffMember

sqlcipher = pytest.importorskip("sqlcipher3.dbapi2", reason="sqlcipher3 is not installed")


@pytest.fixture(autouse=True)
def _keys_reset():
    use_keys(None)
    yield
    use_keys(None)
    db.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _plain_sqlite_reads(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def _staff_names() -> list[str]:
    with db.connection_context():
        return sorted(s.username for s in StaffMember.select())


def _add_staff(username: str) -> None:
    with db.connection_context():
        StaffMember.create(username=username, full_name=username.title())


def moa(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MOA_DB", "MOA_KEY_FILE")}
    return subprocess.run(
        [sys.executable, "-m", "moa_tui", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,  # nobody to type a passphrase
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.fixture
def encrypted(tmp_path) -> tuple[Path, Path]:
    """A new clinic database created encrypted by giving a key file that did not exist."""
    old = os.umask(0o022)
    try:
        key_file = tmp_path / "keys" / "clinic.key"
        use_keys(key_file)
        path = open_database(tmp_path / "clinic.db")
        _add_staff("keeper")
    finally:
        os.umask(old)
    db.close()
    use_keys(None)
    return path, key_file


def test_a_new_database_with_a_key_file_is_encrypted(encrypted):
    path, key_file = encrypted
    assert _mode(path) == 0o600
    assert _mode(key_file) == 0o600
    assert len(key_file.read_text().strip()) == 64  # a new random 256-bit key, in hex
    assert not path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        _plain_sqlite_reads(path)
    # Nothing readable leaks into the file either.
    assert b"keeper" not in path.read_bytes()


def test_it_opens_with_its_key_and_works_as_usual(encrypted):
    path, key_file = encrypted
    use_keys(key_file)
    open_database(path)
    assert _staff_names() == ["keeper"]
    _add_staff("second")
    assert _staff_names() == ["keeper", "second"]
    with db.connection_context():
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        for sidecar in ("-wal", "-shm"):
            assert _mode(path.with_name(path.name + sidecar)) == 0o600, sidecar


def test_the_change_watcher_reads_an_encrypted_file(encrypted):
    path, key_file = encrypted
    use_keys(key_file)
    open_database(path)
    watcher = ChangeWatcher(path)  # as the app makes it: the key comes along
    try:
        assert not watcher.changed()
        with db.connection_context(), db.atomic():
            StaffMember.create(username="elsewhere", full_name="Elsewhere")
            changes.bump((changes.STAFF,))  # as a service's write does
        assert watcher.changed() == {changes.STAFF}
        assert not watcher.changed()
    finally:
        watcher.close()


def test_a_missing_or_wrong_key_gets_a_clear_message(encrypted, tmp_path):
    path, _ = encrypted
    with pytest.raises(DatabaseError, match="the database is encrypted; give --key-file"):
        open_database(path)
    wrong = tmp_path / "wrong.key"
    crypto.Key.generate().write_new_file(wrong)
    use_keys(wrong)
    with pytest.raises(DatabaseError, match="the key does not open this database"):
        open_database(path)
    assert db.is_closed()


def test_the_command_line_says_so_without_a_traceback(encrypted, tmp_path):
    path, key_file = encrypted
    wrong = tmp_path / "wrong.key"
    wrong.write_text("not the passphrase\n")
    for args, message in [
        (["--db", str(path), "backup", str(tmp_path / "b.bak")], "the database is encrypted"),
        (["--db", str(path)], "the database is encrypted; give --key-file"),
        (["--db", str(path), "--key-file", str(wrong)], "the key does not open this database"),
    ]:
        result = moa(*args)
        assert result.returncode == 2, result
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    good = moa("--db", str(path), "--key-file", str(key_file), "backup", str(tmp_path / "b.bak"))
    assert good.returncode == 0, good.stderr
    assert "encrypted:  yes" in good.stdout


def test_rekey_then_only_the_new_key_opens_it(encrypted, tmp_path):
    path, old_key = encrypted
    new_key = tmp_path / "keys" / "new.key"
    result = moa(
        "--db", str(path), "--key-file", str(old_key), "rekey", "--new-key-file", str(new_key)
    )
    assert result.returncode == 0, result.stderr
    assert _mode(new_key) == 0o600
    assert new_key.read_text() != old_key.read_text()

    use_keys(old_key)
    with pytest.raises(DatabaseError, match="the key does not open this database"):
        open_database(path)
    use_keys(new_key)
    open_database(path)
    assert _staff_names() == ["keeper"]


def test_rekey_to_a_passphrase_file_opens_with_sqlcipher_itself(encrypted, tmp_path):
    """A passphrase key is derived as SQLCipher 4 does, so the stock tools open the file."""
    path, old_key = encrypted
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_text("correct horse battery staple\n")
    crypto.change_key(path, crypto.Key.from_file(old_key), crypto.Key.from_file(passphrase_file))
    with closing(sqlcipher.connect(str(path))) as conn:
        conn.execute("PRAGMA key = 'correct horse battery staple'")
        assert conn.execute("SELECT username FROM staff_member").fetchall() == [("keeper",)]
    use_keys(passphrase_file)
    open_database(path)
    assert _staff_names() == ["keeper"]


def test_a_new_database_from_a_passphrase_file_is_standard_sqlcipher(tmp_path):
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_text("it's a secret\n")
    use_keys(passphrase_file)
    path = open_database(tmp_path / "clinic.db")
    _add_staff("keeper")
    db.close()
    with closing(sqlcipher.connect(str(path))) as conn:
        conn.execute("PRAGMA key = 'it''s a secret'")
        assert conn.execute("SELECT username FROM staff_member").fetchall() == [("keeper",)]


def test_rekey_is_refused_while_the_database_is_in_use(encrypted, tmp_path):
    path, key_file = encrypted
    key = crypto.Key.from_file(key_file)
    before = path.read_bytes()
    other_terminal = crypto.connect(path, key)
    try:
        other_terminal.execute("SELECT count(*) FROM staff_member").fetchone()
        with pytest.raises(DatabaseError, match="in use"):
            crypto.change_key(path, key, crypto.Key.generate())
    finally:
        other_terminal.close()
    assert path.read_bytes() == before
    use_keys(key_file)
    open_database(path)
    assert _staff_names() == ["keeper"]


def test_rekey_encrypts_a_plain_database(tmp_path):
    path = open_database(tmp_path / "clinic.db")
    _add_staff("keeper")
    db.close()
    key_file = tmp_path / "clinic.key"
    result = moa("--db", str(path), "rekey", "--new-key-file", str(key_file))
    assert result.returncode == 0, result.stderr
    assert "encrypted" in result.stdout
    assert _mode(path) == 0o600 and _mode(key_file) == 0o600
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        _plain_sqlite_reads(path)
    assert not list(tmp_path.glob(".clinic.db.encrypting-*"))
    use_keys(key_file)
    open_database(path)
    assert _staff_names() == ["keeper"]


def test_a_key_for_a_plain_database_is_refused(tmp_path):
    path = open_database(tmp_path / "clinic.db")
    db.close()
    key_file = tmp_path / "clinic.key"
    crypto.Key.generate().write_new_file(key_file)
    use_keys(key_file)
    with pytest.raises(DatabaseError, match="not encrypted"):
        open_database(path)
    assert path.read_bytes().startswith(b"SQLite format 3")


def test_an_encrypted_backup_stays_encrypted_with_the_same_key(encrypted, tmp_path):
    path, key_file = encrypted
    key = crypto.Key.from_file(key_file)
    backup = tmp_path / "clinic.bak"
    report = make_backup(path, backup, key)
    assert report.ok and report.encrypted
    assert _mode(backup) == 0o600
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        _plain_sqlite_reads(backup)
    assert not check_backup(backup, None).ok
    assert not check_backup(backup, crypto.Key.generate()).ok
    ok = moa("--key-file", str(key_file), "verify-backup", str(backup))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    no_key = moa("verify-backup", str(backup))
    assert no_key.returncode == 1 and "give --key-file" in no_key.stdout


def test_a_key_file_written_by_moa_is_never_overwritten(tmp_path):
    key_file = tmp_path / "clinic.key"
    crypto.Key.generate().write_new_file(key_file)
    kept = key_file.read_text()
    with pytest.raises(crypto.KeyProblem, match="already exists"):
        crypto.Key.generate().write_new_file(key_file)
    assert key_file.read_text() == kept


def test_an_empty_key_file_is_refused(tmp_path):
    key_file = tmp_path / "empty.key"
    key_file.write_text("\n")
    with pytest.raises(crypto.KeyProblem, match="empty"):
        crypto.Key.from_file(key_file)


def _run_in_pty(args: list[str], answers: list[str], deadline: float = 60.0) -> tuple[int, str]:
    """Run moa-tui on a real terminal, typing each answer when a passphrase is asked."""
    env = {k: v for k, v in os.environ.items() if k not in ("MOA_DB", "MOA_KEY_FILE")}
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execve(sys.executable, [sys.executable, "-m", "moa_tui", *args], env)
    seen = b""
    pending = list(answers)
    end = time.monotonic() + deadline
    try:
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if pending and seen.rstrip().endswith(b":"):
                os.write(fd, pending.pop(0).encode() + b"\n")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_the_passphrase_is_asked_for_on_a_terminal(tmp_path):
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_text("typed at the desk\n")
    use_keys(passphrase_file)
    path = open_database(tmp_path / "clinic.db")
    db.close()

    code, screen = _run_in_pty(["verify-backup", str(path)], ["typed at the desk"])
    assert "Passphrase for" in screen
    assert "typed at the desk" not in screen  # not echoed
    assert code == 0, screen
    assert "OK" in screen

    code, screen = _run_in_pty(["verify-backup", str(path)], ["something else"])
    assert code == 1, screen
    assert "the key does not open" in screen


def test_an_old_backup_is_restored_with_its_own_key_after_a_rekey(encrypted, tmp_path):
    path, old_key = encrypted
    backup = tmp_path / "before-rekey.bak"
    assert make_backup(path, backup, crypto.Key.from_file(old_key)).ok
    new_key = tmp_path / "new.key"
    moved = moa(
        "--db", str(path), "--key-file", str(old_key), "rekey", "--new-key-file", str(new_key)
    )
    assert moved.returncode == 0, moved.stderr
    use_keys(new_key)
    open_database(path)
    _add_staff("after-rekey")
    db.close()

    plain = moa("--key-file", str(new_key), "verify-backup", str(backup))
    assert plain.returncode == 1 and "the key does not open" in plain.stdout
    with_old = moa("verify-backup", "--backup-key-file", str(old_key), str(backup))
    assert with_old.returncode == 0, with_old.stdout

    restored = moa(
        "--db", str(path), "--key-file", str(new_key),
        "restore", "--backup-key-file", str(old_key), str(backup),
    )  # fmt: skip
    assert restored.returncode == 0, restored.stdout + restored.stderr
    use_keys(new_key)  # the restored records take the database's key
    open_database(path)
    assert _staff_names() == ["keeper"]
    kept = next(tmp_path.glob("clinic.db.before-restore-*"))
    assert check_backup(kept, crypto.Key.from_file(new_key)).ok


def test_the_raw_key_can_be_typed_at_the_prompt_too(encrypted):
    path, key_file = encrypted
    code, screen = _run_in_pty(["verify-backup", str(path)], [key_file.read_text().strip()])
    assert code == 0, screen
    assert "OK" in screen
