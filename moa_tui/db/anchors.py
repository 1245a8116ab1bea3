"""Anchors: the audit trail's length and last seal, written outside the database.

Someone who can write the database can still cut events off the end of the trail, or
empty it: nothing inside the file remembers what was there. An anchor does: with every
backup, hourly from each running app, at sign-out and exit, and by `moa-tui audit anchor`
(cron), one line goes to the system log (ident "moa-tui", shipped off the machine where
that is set up) and is appended to an anchor log file ($MOA_ANCHOR_FILE, else
``<database>.anchors``; make it append-only with ``chattr +a``). verify compares them.

An anchor costs one indexed row read (ids run 1..N, so the last event's id is the count)
and one appended line. UI-free.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .audit_trail import current, head
from .database import companion_base, db, display_name, is_url

try:  # not on Windows
    import syslog
except ImportError:  # pragma: no cover
    syslog = None

# kind "restore": the trail was put back from a backup on purpose; earlier anchors then
# describe a trail that is gone and are no longer held against it.
KINDS = ("manual", "backup", "hourly", "exit", "signout", "restore")
_LINE = re.compile(
    r"audit anchor: at=(?P<at>\S+) events=(?P<events>\d+) hash=(?P<hash>[0-9a-f]{64}) "
    r"key=(?P<key>\S+) kind=(?P<kind>\S+) db=(?P<db>.*)$"
)


class AnchorProblem(Exception):
    """An anchor could not be written; the message is meant for the user."""


@dataclass(frozen=True)
class Anchor:
    at: dt.datetime  # naive UTC
    events: int  # the last event's id, which is the trail's length
    hash: str  # the last event's seal
    key: str  # the first 16 hex digits of the audit key's fingerprint ("none": no key)
    kind: str
    db: str

    def line(self) -> str:
        return (
            f"audit anchor: at={self.at:%Y-%m-%dT%H:%M:%SZ} events={self.events} "
            f"hash={self.hash} key={self.key} kind={self.kind} db={self.db}"
        )


def anchor_path(db_path: str | os.PathLike) -> Path:
    env = os.environ.get("MOA_ANCHOR_FILE")
    if env:
        return Path(env).expanduser()
    # A file's companion sits beside it; a PostgreSQL database's in the user's data
    # directory, one per server and database (database.companion_base).
    base = companion_base(db_path)
    return base.with_name(base.name + ".anchors")


def _where(location) -> str:
    return display_name(location) if is_url(location) else str(Path(location).absolute())


def key_label() -> str:
    key = current().key
    return key.fingerprint[:16] if key is not None else "none"


def take_anchor(kind: str = "manual") -> Anchor:
    """The anchor of the trail as it is now (not written)."""
    opened_here = db.is_closed()
    if opened_here:
        db.connect()
    try:
        last_id, last_hash = head()
        label = key_label()
    finally:
        if opened_here:
            db.close()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    return Anchor(now, max(last_id, 0), last_hash, label, kind, _where(db.database))


def write_anchor(kind: str = "manual", *, path: str | os.PathLike | None = None) -> Anchor:
    """Write the trail's anchor to the system log and the anchor log file; returns it.
    Refuses (AnchorProblem) when the anchor log cannot be written."""
    anchor = take_anchor(kind)
    line = anchor.line()
    if syslog is not None:
        # LOG_AUTHPRIV: security messages, kept apart from the general log.
        syslog.openlog("moa-tui", syslog.LOG_PID, getattr(syslog, "LOG_AUTHPRIV", syslog.LOG_USER))
        syslog.syslog(syslog.LOG_NOTICE, line)
    target = Path(path) if path else anchor_path(db.database)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
    except OSError as exc:
        raise AnchorProblem(
            f"Cannot write the audit anchor to {target}: {exc.strerror or exc}."
        ) from exc
    return anchor


def parse_anchor(text: str) -> Anchor | None:
    """The anchor in one line of the anchor log or of the system log (any prefix)."""
    found = _LINE.search(text.rstrip("\n"))
    if not found:
        return None
    try:
        at = dt.datetime.strptime(found["at"], "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None
    return Anchor(at, int(found["events"]), found["hash"], found["key"], found["kind"], found["db"])


def read_anchors(paths: list[Path], key: str) -> list[Anchor]:
    """The anchors of the trail sealed with the key labelled *key*, from files (missing
    ones are skipped), in time order, from the last restore on."""
    anchors: list[Anchor] = []
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                anchors.extend(a for a in map(parse_anchor, handle) if a and a.key == key)
        except FileNotFoundError:
            continue
    anchors.sort(key=lambda a: a.at)
    restores = [i for i, a in enumerate(anchors) if a.kind == "restore"]
    return anchors[restores[-1] :] if restores else anchors
