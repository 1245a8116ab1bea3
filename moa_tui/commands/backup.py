"""`moa-tui backup FILE`, `restore FILE`, `verify-backup FILE` and `rekey`.

The global --db names the database and --key-file (or $MOA_KEY_FILE, or a prompt on a
terminal) its key; an encrypted database's backups use the same key.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..db import crypto
from ..db.anchors import AnchorProblem, anchor_path, write_anchor
from ..db.backup import BackupReport, RestoreRefused, check_backup, make_backup, restore_backup
from ..db.database import (
    DatabaseError,
    db,
    display_name,
    is_url,
    key_for,
    open_database,
    resolve_path,
)


def register(subparsers) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="copy the database to FILE while others keep working",
        description="Copy the database to FILE: one consistent moment, taken while other "
        "terminals keep working; checked before it is put in place. An encrypted "
        "database's backup is encrypted with the same key. The file is readable by its "
        "owner only.",
    )
    backup.add_argument("file", help="the backup file to write")
    backup.add_argument(
        "--overwrite", action="store_true", help="replace FILE if it exists (after the check)"
    )
    backup.set_defaults(run=run_backup)

    restore = subparsers.add_parser(
        "restore",
        help="check a backup, then put it in place of the database",
        description="Check FILE as verify-backup does and, only if it passes, replace the "
        "database with it. The database as it was is kept next to it as "
        "DB.before-restore-TIMESTAMP. Best done with everyone signed out.",
    )
    restore.add_argument("file", help="the backup file to restore")
    restore.add_argument(
        "--backup-key-file",
        metavar="PATH",
        help="the backup's key, if not the database's (a backup from before a rekey); "
        "the restored records take the database's key",
    )
    restore.set_defaults(run=run_restore)

    verify = subparsers.add_parser(
        "verify-backup",
        help="check a backup file and say what is in it (exit 0 if good, 1 if not)",
    )
    verify.add_argument("file", help="the backup file to check")
    verify.add_argument(
        "--backup-key-file", metavar="PATH", help="the backup's key (default: --key-file)"
    )
    verify.set_defaults(run=run_verify)

    rekey = subparsers.add_parser(
        "rekey",
        help="change the database's key, or encrypt a plain database",
        description="Give the database a new key: the one in --new-key-file (a file that "
        "does not exist yet is created with a new random key, readable by its owner only), "
        "or a passphrase typed twice. A plain database is encrypted. Everyone must have "
        "closed the database first.",
    )
    rekey.add_argument(
        "--new-key-file", metavar="PATH", help="the new key (created if it does not exist)"
    )
    rekey.set_defaults(run=run_rekey)


def _say(*lines: str) -> None:
    for line in lines:
        print(line)


def describe(report: BackupReport) -> list[str]:
    """What a check found, for people."""
    lines = [f"{report.path}: {'OK' if report.ok else 'NOT USABLE'}"]
    for problem in report.problems:
        lines.append(f"  problem:    {problem}")
    if report.size_bytes:
        lines.append(f"  size:       {report.size_bytes:,} bytes")
    if report.integrity:  # it opened, so what it is is known
        lines.append(f"  encrypted:  {'yes (SQLCipher)' if report.encrypted else 'no'}")
    if report.integrity:
        lines.append(f"  integrity:  {'ok' if report.integrity == ['ok'] else 'FAILED'}")
    if report.applied or report.unknown:
        schema = f"{len(report.applied) + len(report.unknown)} migrations"
        last = (report.applied + report.unknown)[-1]
        detail = f"{schema}, the last {last}"
        if report.unknown:
            detail += f"; newer than this moa-tui: {', '.join(report.unknown)}"
        elif report.pending:
            detail += f"; {len(report.pending)} to apply when restored"
        else:
            detail += "; current"
        lines.append(f"  schema:     {detail}")
    if report.clinic_name is not None or report.counts:
        lines.append(f"  clinic:     {report.clinic_name or '(not set up yet)'}")
    if report.counts:
        lines.append(
            "  records:    " + ", ".join(f"{n:,} {label}" for label, n in report.counts.items())
        )
    return lines


def _backup_key(path: Path, key_file: str | None) -> crypto.Key | None:
    """The key for a backup file: none for a plain one, else --backup-key-file, else as
    for the database."""
    if not path.is_file() or not crypto.looks_encrypted(path):
        return None
    if key_file:
        return crypto.Key.from_file(key_file)
    return key_for(path)


def run_backup(args: argparse.Namespace) -> int:
    db_path = resolve_path(args.db)
    if is_url(db_path):  # a server's clinic: pg_dump (db/server_backup.py)
        from ..db.server_backup import make_server_backup

        open_database(db_path)
        anchored = _anchor("backup")
        report = make_server_backup(db_path, args.file, overwrite=args.overwrite)
        _say(f"Backed up {display_name(db_path)} (pg_dump)", *describe(report), anchored)
        return 0
    if crypto.is_new(db_path):
        raise DatabaseError(f"There is no database at {db_path} to back up.")
    key = key_for(db_path)
    # Anchored first, so the backup holds at least the events the anchor counts.
    open_database(db_path, key=key)
    anchored = _anchor("backup")
    report = make_backup(db_path, args.file, key, overwrite=args.overwrite)
    _say(f"Backed up {db_path}", *describe(report), anchored)
    return 0


def _anchor(kind: str) -> str:
    """Every backup and restore anchors the audit trail outside the database (the anchor
    log and the system log), which `audit verify` compares the trail against."""
    try:
        anchor = write_anchor(kind)
    except AnchorProblem as exc:
        return f"Warning: {exc}"
    return f"The audit trail's {anchor.events:,} events are anchored in {anchor_path(db.database)}."


def run_verify(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    try:
        key = _backup_key(path, args.backup_key_file)
    except DatabaseError as exc:
        _say(f"{path}: NOT USABLE", f"  problem:    {exc}")
        return 1
    report = check_backup(path, key)
    _say(*describe(report))
    return 0 if report.ok else 1


def run_restore(args: argparse.Namespace) -> int:
    db_path = resolve_path(args.db)
    _refuse_server(db_path, "restore")
    backup_path = Path(args.file).expanduser()
    backup_key = _backup_key(backup_path, args.backup_key_file)
    if getattr(args, "demo", False):
        # The demo folder's files are deleted the next day: a real clinic restored there
        # would be lost, and --demo would then refuse to open it anyway.
        report = check_backup(backup_path, backup_key)
        if report.ok and not report.is_demo:
            print(
                f"moa-tui: {backup_path} is not a backup of the demo clinic, so --demo does "
                f"not restore it; {db_path} was not changed.",
                file=sys.stderr,
            )
            return 2
    creating = crypto.is_new(db_path)
    if creating:  # check before a key file may be made for the new database
        report = check_backup(backup_path, backup_key)
        if not report.ok:
            _say(*describe(report))
            print(f"moa-tui: not restored; {db_path} was not created.", file=sys.stderr)
            return 1
    key = key_for(db_path, creating=creating)
    if creating and key is None:
        key = backup_key  # a new database as the backup was: encrypted with its key
    try:
        result = restore_backup(db_path, backup_path, key, backup_key=backup_key)
    except RestoreRefused as refused:
        _say(*describe(refused.report))
        print(f"moa-tui: not restored; {db_path} was not changed.", file=sys.stderr)
        return 1
    open_database(db_path, key=key)  # applies the migrations an older backup lacks
    # The trail is now the backup's: anchors taken since describe events that are gone.
    anchored = _anchor("restore")
    _say(*describe(result.report), f"Restored {backup_path} into {db_path}.", anchored)
    if result.previous:
        _say(f"The database as it was is kept as {result.previous}.")
    return 0


def _refuse_server(db_path, what: str) -> None:
    if is_url(db_path):
        raise DatabaseError(
            f"`{what}` is for a database file. A PostgreSQL clinic is restored with "
            "pg_restore into an empty database, and encrypted by its server "
            "(docs/deployment.md, PostgreSQL)."
        )


def run_rekey(args: argparse.Namespace) -> int:
    db_path = resolve_path(args.db)
    _refuse_server(db_path, "rekey")
    if crypto.is_new(db_path):
        raise DatabaseError(f"There is no database at {db_path}.")
    old = key_for(db_path)  # None for a plain file; a key for one is refused below
    created: Path | None = None
    if args.new_key_file:
        new_path = Path(args.new_key_file).expanduser()
        if new_path.exists():
            new = crypto.Key.from_file(new_path)
        else:
            # Written before the database changes, so the key is never only in memory.
            new = crypto.Key.generate(source=f"key file {new_path}")
            created = new.write_new_file(new_path)
    else:
        new = crypto.prompt_key(f"the new key of {db_path}", confirm=True, instead="--new-key-file")
    try:
        crypto.change_key(db_path, old, new)
    except BaseException:
        if created:
            created.unlink(missing_ok=True)
        raise
    what = "encrypted" if old is None else "re-keyed"
    _say(f"{db_path} is {what}.")
    if created:
        _say(f"Its new key is in {created} (readable by you only).")
    _say(
        "Keep a copy of the key somewhere safe: without it the database cannot be opened.",
        "Backups made before keep the key they had"
        + (" (they are not encrypted)." if old is None else "."),
    )
    return 0
