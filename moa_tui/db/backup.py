"""Backups: a consistent copy while other terminals keep writing, checking a copy, and
putting one back. UI-free; the command line is in moa_tui/commands/backup.py.

The copy is SQLite's online backup (``Connection.backup``) done in one step: it reads
one snapshot under a read transaction, which in WAL mode does not hold up writers. An
encrypted database is copied to a file encrypted with the same key (SQLCipher encrypts
the pages as it writes them). Backup files are readable by their owner only.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from playhouse.migrations import Migration

from . import crypto
from .crypto import DatabaseError, Key
from .database import MIGRATIONS_DIR
from .partials import partial_name as _partial_name
from .partials import remove_stale_partials

# Tables every moa-tui database has had since its first schema; their absence means the
# file is some other program's.
CLINIC_TABLES = ("schema_migration", "clinic_settings", "staff_member", "patient", "appointment")
COUNTED = (("patients", "patient"), ("appointments", "appointment"), ("claims", "claim"))
BUSY_MS = 10_000


_SAME = object()  # the destination takes the source's key


class BackupError(DatabaseError):
    """A backup or restore cannot be done; the message is meant for the user."""


class RestoreRefused(BackupError):
    """The backup failed its check; nothing was written. ``report`` says why."""

    def __init__(self, report: BackupReport):
        self.report = report
        super().__init__(f"{report.path} cannot be restored: {'; '.join(report.problems)}")


@dataclass
class BackupReport:
    """What a check of a backup file found."""

    path: Path
    encrypted: bool = False
    problems: list[str] = field(default_factory=list)
    integrity: list[str] = field(default_factory=list)  # ["ok"] when it passed
    clinic_name: str | None = None
    is_demo: bool = False  # a copy of the demo clinic (ClinicSettings.is_demo)
    applied: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # this program would apply them
    unknown: list[str] = field(default_factory=list)  # from a newer program
    counts: dict[str, int] = field(default_factory=dict)
    size_bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class RestoreResult:
    report: BackupReport  # the check the backup passed
    previous: Path | None  # where the replaced database was kept (None: there was none)


def known_migrations() -> list[str]:
    """The schema migrations this program has, in order."""
    return [m.name for m in Migration.load_directory(str(MIGRATIONS_DIR))]


def check_backup(path: str | os.PathLike, key: Key | None) -> BackupReport:
    """Open *path* read-only and check it is a whole moa-tui database this program can use:
    it opens (with *key* if encrypted), passes PRAGMA integrity_check, has the clinic
    tables, and its schema is not newer than this program. Writes nothing."""
    path = Path(path)
    report = BackupReport(path=path)
    if not path.is_file():
        report.problems.append("there is no such file")
        return report
    report.size_bytes = path.stat().st_size
    if crypto.is_new(path):
        report.problems.append("the file is empty")
        return report
    report.encrypted = not crypto.is_plain(path)
    if report.encrypted and key is None:
        report.problems.append(
            "the file is encrypted (or is not a SQLite database); give --key-file"
        )
        return report
    try:
        conn = crypto.connect(path, key if report.encrypted else None, readonly=True)
    except crypto.driver_errors() as exc:
        report.problems.append(f"it cannot be opened: {exc}")
        return report
    try:
        _inspect(conn, report)
    except (*crypto.driver_errors(), UnicodeDecodeError) as exc:
        # A damaged file can hold bytes that are not text where SQLite keeps its schema.
        report.problems.append(f"it cannot be read: {exc}")
    finally:
        conn.close()
    return report


def _inspect(conn, report: BackupReport) -> None:
    if not crypto.check_key(conn):
        report.problems.append(
            "the key does not open this file (or it is not a database at all)"
            if report.encrypted
            else "the file is not a SQLite database"
        )
        return
    conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)").fetchall()]
    report.integrity = rows
    if rows != ["ok"]:
        report.problems.append("it fails the integrity check: " + "; ".join(rows[:5]))
        return
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in CLINIC_TABLES if t not in tables]
    if missing:
        report.problems.append(f"it is not a moa-tui database (no {', '.join(missing)} table)")
        return
    applied = [r[0] for r in conn.execute("SELECT name FROM schema_migration ORDER BY id")]
    known = known_migrations()
    report.applied = [m for m in applied if m in known]
    report.unknown = [m for m in applied if m not in known]
    report.pending = [m for m in known if m not in applied]
    if report.unknown:
        report.problems.append(
            f"it was written by a newer moa-tui (schema {', '.join(report.unknown)}); "
            "upgrade moa-tui first"
        )
    row = conn.execute("SELECT name FROM clinic_settings ORDER BY id LIMIT 1").fetchone()
    report.clinic_name = row[0] if row else None
    columns = {r[1] for r in conn.execute("PRAGMA table_info(clinic_settings)")}
    if "is_demo" in columns:  # schema 0006 and later
        marked = conn.execute("SELECT 1 FROM clinic_settings WHERE is_demo LIMIT 1").fetchone()
        report.is_demo = marked is not None
    for label, table in COUNTED:
        if table in tables:
            report.counts[label] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _new_private_file(path: Path) -> None:
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _copy_online(
    source: Path,
    dest: Path,
    key: Key | None,
    *,
    dest_key: Key | None | object = _SAME,
    readonly: bool = False,
) -> None:
    """SQLite's online backup of *source* into the new file *dest*, in one step (one
    consistent snapshot; writers in WAL mode carry on). *dest* ends as one self-contained
    file in rollback-journal mode, encrypted with *dest_key* (default: *key*).
    SQLCipher re-encrypts the pages as it writes them, so the keys may differ; a plain
    file and an encrypted one cannot be copied into each other this way."""
    dest_key = key if dest_key is _SAME else dest_key
    _new_private_file(dest)
    src = crypto.connect(source, key, readonly=readonly)
    try:
        src.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        if key is not None and not crypto.check_key(src):
            raise BackupError(f"{source}: the key does not open this database ({key.source}).")
        dst = crypto.connect(dest, dest_key)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    crypto.fsync_path(dest)


def make_backup(
    db_path: str | os.PathLike,
    dest: str | os.PathLike,
    key: Key | None,
    *,
    overwrite: bool = False,
) -> BackupReport:
    """Copy the database at *db_path* to *dest* while others keep working, check the copy,
    and only then put it in place (an existing *dest* only with *overwrite*). Returns the
    check of the copy. Refuses a missing database, a wrong key, and a copy that fails."""
    db_path, dest = Path(db_path), Path(dest).expanduser()
    if crypto.is_new(db_path):
        raise BackupError(f"There is no database at {db_path} to back up.")
    if dest.exists() and _same(dest, db_path):
        raise BackupError("The backup cannot be the database itself; give another file name.")
    if dest.exists() and not overwrite:
        raise BackupError(f"{dest} already exists; give another name (or --overwrite).")
    if dest.is_dir():
        raise BackupError(f"{dest} is a directory; give a file name.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(dest.parent)
    if key is not None and crypto.is_plain(db_path):
        raise BackupError(f"{db_path} is not encrypted, but a key was given.")
    if key is None and crypto.looks_encrypted(db_path):
        raise BackupError(
            f"{db_path}: the database is encrypted; give --key-file PATH or set MOA_KEY_FILE."
        )
    partial = _partial_name(dest)
    try:
        try:
            _copy_online(db_path, partial, key)
        except crypto.driver_errors() as exc:
            raise BackupError(f"Cannot back up {db_path}: {exc}") from exc
        report = check_backup(partial, key)
        if not report.ok:
            raise BackupError(
                f"The copy of {db_path} fails its check ({'; '.join(report.problems)}); "
                f"{dest} was not written."
            )
        if overwrite:
            os.replace(partial, dest)
        else:
            os.link(partial, dest)  # fails if dest appeared meanwhile: never overwrite
        crypto.fsync_path(dest.parent)
    except FileExistsError:
        raise BackupError(f"{dest} already exists; give another name (or --overwrite).") from None
    finally:
        partial.unlink(missing_ok=True)
    report.path = dest
    return report


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]


def _keep_previous(db_path: Path, key: Key | None, stamp: str) -> Path:
    """Keep the current database as DB.before-restore-STAMP: a consistent copy if it can be
    read, else its files byte for byte (a damaged database is kept as it is)."""
    keep = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    n = 1
    while keep.exists():
        n += 1
        keep = db_path.with_name(f"{db_path.name}.before-restore-{stamp}-{n}")
    try:
        _copy_online(db_path, keep, key)
        return keep
    except (BackupError, *crypto.driver_errors()):
        keep.unlink(missing_ok=True)
    for src, dst in zip((db_path, *_sidecars(db_path)), (keep, *_sidecars(keep)), strict=True):
        if src.exists() and not src.name.endswith("-shm"):
            _new_private_file(dst)
            shutil.copyfile(src, dst)
            crypto.fsync_path(dst)
    return keep


def restore_backup(
    db_path: str | os.PathLike,
    backup_path: str | os.PathLike,
    key: Key | None,
    *,
    backup_key: Key | None | object = None,
    now: dt.datetime | None = None,
) -> RestoreResult:
    """Put the backup at *backup_path* in place of the database at *db_path*.

    First checks the backup (check_backup) and refuses, writing nothing, if it fails.
    Then keeps the current database as DB.before-restore-TIMESTAMP and copies the backup
    into the database with SQLite's backup API, under the database's own locks, so a
    terminal still open sees the restored data rather than a file pulled from under it.

    *key* is the database's key (None: plain); *backup_key* the backup's, if another
    (a backup from before a rekey): the restored records take the database's key. A
    missing database is created with *key*, else with the backup's. Applying an older
    schema's migrations is left to open_database.
    """
    db_path, backup_path = Path(db_path), Path(backup_path).expanduser()
    from_key = key if backup_key is None else backup_key
    report = check_backup(backup_path, from_key)
    if not report.ok:
        raise RestoreRefused(report)
    if db_path.exists() and _same(db_path, backup_path):
        raise BackupError("The backup is the database itself; nothing to restore.")
    if not report.encrypted:
        from_key = None
    if crypto.is_new(db_path):
        to_key = key if key is not None else from_key
        if to_key is not None and from_key is None:
            raise BackupError(
                "The backup is not encrypted: restore it without a key, then encrypt the "
                "database with `moa-tui rekey --new-key-file KEYFILE`. Nothing was written."
            )
        db_path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(db_path.parent)
        partial = _partial_name(db_path)
        try:
            _copy_online(backup_path, partial, from_key, dest_key=to_key, readonly=True)
            os.replace(partial, db_path)
            crypto.fsync_path(db_path.parent)
        finally:
            partial.unlink(missing_ok=True)
        return RestoreResult(report, None)

    if report.encrypted == crypto.is_plain(db_path):
        raise BackupError(_mismatch(report.encrypted))
    if key is None and report.encrypted:
        raise BackupError(
            f"{db_path}: the database is encrypted; give --key-file PATH or set MOA_KEY_FILE."
        )
    if key is not None and not report.encrypted:
        raise BackupError(f"{db_path} is not encrypted, but a key was given.")
    if key is not None:
        probe = crypto.connect(db_path, key)
        try:
            opens = crypto.check_key(probe)
        finally:
            probe.close()
        if not opens:
            raise BackupError(
                f"{db_path}: the key does not open the current database ({key.source}); "
                "nothing was changed."
            )
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    previous = _keep_previous(db_path, key, stamp)
    try:
        _copy_into_live(backup_path, from_key, db_path, key)
    except crypto.driver_errors():
        # The current database is too damaged to be written through SQLite; its files
        # are kept (above), so put a fresh copy of the backup in its place.
        _replace_files(backup_path, from_key, db_path, key)
    return RestoreResult(report, previous)


def _mismatch(backup_encrypted: bool) -> str:
    if backup_encrypted:
        which = "the backup is encrypted and the database is not"
    else:
        which = "the database is encrypted and the backup is not"
    return (
        f"Cannot restore: {which}. Restore into a new file (--db NEW) instead; nothing was changed."
    )


def _copy_into_live(
    backup_path: Path, backup_key: Key | None, db_path: Path, key: Key | None
) -> None:
    src = crypto.connect(backup_path, backup_key, readonly=True)
    try:
        dst = crypto.connect(db_path, key)
        try:
            dst.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            src.backup(dst)
            rows = [r[0] for r in dst.execute("PRAGMA quick_check").fetchall()]
            if rows != ["ok"]:  # pragma: no cover - the backup API wrote what it read
                raise BackupError(f"{db_path} fails its check after the restore: {rows[:3]}")
        finally:
            dst.close()
    finally:
        src.close()


def _replace_files(
    backup_path: Path, backup_key: Key | None, db_path: Path, key: Key | None
) -> None:
    partial = _partial_name(db_path)
    try:
        _copy_online(backup_path, partial, backup_key, dest_key=key, readonly=True)
        # A -wal left by the damaged file would be replayed onto the restored one.
        for side in _sidecars(db_path):
            side.unlink(missing_ok=True)
        os.replace(partial, db_path)
        crypto.fsync_path(db_path.parent)
    finally:
        partial.unlink(missing_ok=True)
