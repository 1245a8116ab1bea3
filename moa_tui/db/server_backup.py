"""Backups of a clinic on a PostgreSQL server: `moa-tui --db URL backup FILE` runs
pg_dump (custom format: one consistent snapshot taken while others keep working, like the
SQLite backup), checks the dump with pg_restore --list, and only then puts it in place,
readable by its owner only. Restoring is the server administrator's pg_restore into an
empty database (docs/deployment.md, "PostgreSQL"); `moa-tui restore` refuses a URL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .backup import BackupError, BackupReport
from .database import display_name, normal_url

# Tables whose rows the check counts in the dump's table of contents.
MUST_HOLD = ("patient", "staff_member", "audit_event", "clinic_settings", "schema_migration")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed here; a PostgreSQL clinic is backed up with the "
            "server's own tools (install the postgresql-client package)."
        )
    return found


def make_server_backup(url: str, dest: str | os.PathLike, *, overwrite: bool = False):
    """pg_dump the database at *url* into *dest* (custom format), checked before it is
    put in place; an existing *dest* only with *overwrite*."""
    dest = Path(dest).expanduser()
    name = display_name(url)
    if dest.is_dir():
        raise BackupError(f"{dest} is a directory; give a file name.")
    if dest.exists() and not overwrite:
        raise BackupError(f"{dest} already exists; give another name (or --overwrite).")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        done = subprocess.run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(partial),
                "--dbname",
                normal_url(url),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump could not back up {name}: {_first(done.stderr)}")
        report = check_server_backup(partial)
        if not report.ok:
            raise BackupError(
                f"The dump of {name} fails its check ({'; '.join(report.problems)}); "
                f"{dest} was not written."
            )
        if overwrite:
            os.replace(partial, dest)
        else:
            os.link(partial, dest)
    except FileExistsError:
        raise BackupError(f"{dest} already exists; give another name (or --overwrite).") from None
    finally:
        partial.unlink(missing_ok=True)
    report.path = dest
    return report


def check_server_backup(path: Path) -> BackupReport:
    """What pg_restore --list says is in a dump: each table the clinic needs, with data."""
    report = BackupReport(path, size_bytes=path.stat().st_size)
    done = subprocess.run(
        [_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        report.problems.append(f"pg_restore cannot read it: {_first(done.stderr)}")
        return report
    listed = done.stdout
    for table in MUST_HOLD:
        if f"TABLE DATA public {table} " not in listed:
            report.problems.append(f"it holds no rows of {table}")
    report.integrity = ["ok"] if not report.problems else []
    return report


def _first(text: str) -> str:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[0] if lines else "no reason given"
