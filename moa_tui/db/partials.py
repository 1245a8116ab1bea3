"""The hidden, half-written copies that backups and restores make before a file is put
in place, and the removal of those a killed process left behind.

A backup copies the whole database (patient data) into `.NAME.partial-PID` beside its
target; kill -9 mid-copy leaves it there, and nothing else would ever remove it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


def partial_name(dest: Path) -> Path:
    """Where a copy is written before it is checked and put in place as *dest*."""
    return dest.with_name(f".{dest.name}.partial-{os.getpid()}")


# partial_name's pattern: hidden, the target's name, the pid of the process writing it.
_PARTIAL = re.compile(r"\.(?P<target>.+)\.partial-(?P<pid>[0-9]+)")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # gone, or no process could have it
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_partials(folder: str | os.PathLike) -> list[Path]:
    """Delete the half-written copies that a backup or restore killed mid-copy left in
    *folder* (they hold patient data, and nothing else ever removes them). Only files
    named as partial_name names them, and only those whose process is gone: a copy
    still being written by another backup is left alone. Returns what was removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no such folder (yet), or not ours to list
        return removed
    for entry in entries:
        match = _PARTIAL.fullmatch(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        if _alive(int(match["pid"])):
            continue
        try:
            os.unlink(entry.path)
        except FileNotFoundError:
            continue
        except OSError:
            continue  # not ours to remove (another user's folder): left as it is
        removed.append(Path(entry.path))
    return removed
